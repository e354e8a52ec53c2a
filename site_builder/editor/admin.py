"""The /admin/ page: Decap CMS, its ``config.yml`` and our additions, written only when the
``editor`` block of mkdocs.yml enables them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape

from site_builder.config import EditorSettings, SiteConfig
from site_builder.editor.bundle import SCRIPT, decap_files
from site_builder.editor.fields import Labels, editor_fields, field_order, labels
from site_builder.records.schema import json_schema
from site_builder.repository import repository_root

ADMIN_DIR = "admin/"
STATIC = Path(__file__).parent / "static"
# decap-server's address when it runs with its defaults (npx decap-server).
LOCAL_BACKEND = "http://localhost:8081/api/v1"


def editor_files(site: SiteConfig, root: Path) -> dict[str, bytes]:
    """The files of /admin/ by site path, or none when the editor is off. ``root``: the folder
    of mkdocs.yml, in the repository whose files the editor changes."""
    settings = site.editor
    if not settings.enabled:
        return {}
    words = labels(settings.language)
    config = editor_config(site, settings, words, repository_root(root))
    order = field_order(config["collections"][0]["fields"])
    files = {ADMIN_DIR + name: data for name, data in decap_files(site.cache_dir).items()}
    files[ADMIN_DIR + "config.yml"] = yaml.safe_dump(
        config, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
    files[ADMIN_DIR + "index.html"] = admin_page(site, words, order).encode("utf-8")
    for name in ("ocop-editor.js", "ocop-editor.css"):
        files[ADMIN_DIR + name] = (STATIC / name).read_bytes()
    return files


def editor_config(site: SiteConfig, settings: EditorSettings, words: Labels,
                  repository: Path) -> dict[str, Any]:
    """Decap CMS's configuration: where records are saved, and their fields from the schema."""
    try:
        folder = site.products_dir.resolve().relative_to(repository.resolve()).as_posix()
    except ValueError:
        folder = site.products_dir.name
    backend: dict[str, Any] = {"name": settings.backend}
    if settings.backend != "git-gateway":
        backend["repo"] = settings.repo
    backend["branch"] = settings.branch
    for key in ("base_url", "auth_endpoint"):
        if getattr(settings, key):
            backend[key] = getattr(settings, key)
    backend["commit_messages"] = dict(words.words["commit_messages"])
    config: dict[str, Any] = {"backend": backend}
    if settings.local_backend:
        local = settings.local_backend
        config["local_backend"] = {"url": local if isinstance(local, str) else LOCAL_BACKEND,
                                   "allowed_hosts": ["localhost", "127.0.0.1"]}
    collection = words.words["collection"]
    config.update({
        "locale": settings.language,
        "site_url": site.site_url,
        "publish_mode": "simple",
        "media_folder": folder,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [{
            "name": "products",
            "label": collection["label"],
            "label_singular": collection["label_singular"],
            "description": collection["description"],
            "folder": folder,
            "path": "{{slug}}/product",
            "slug": "{{id}}",
            "identifier_field": "id",
            "summary": "{{name.vi}}",
            "sortable_fields": ["name.vi", "id"],
            "extension": "yml",
            "format": "yml",
            # Photos go into the product's own folder, and the record names them alone.
            "media_folder": "",
            "public_folder": "",
            "create": True,
            "delete": False,  # a product is withdrawn (its page says so), never deleted here
            "editor": {"preview": False},
            "fields": editor_fields(json_schema(), words, site.languages),
        }],
    })
    return config


def admin_page(site: SiteConfig, words: Labels, order: dict[str, list[str]]) -> str:
    """The /admin/ page: the script, our additions, and what they need (their words, the
    record's field order). Not indexed."""
    page = words.words["page"]
    data = {"interface": words.words["interface"], "widgets": words.words["widgets"],
            "locale": words.lang, "order": order}
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    title = f"{page['title']} · {site.site_name}"
    return (
        f'<!doctype html>\n<html lang="{words.lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex, nofollow">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="ocop-editor.css">\n'
        '<link href="config.yml" type="text/yaml" rel="cms-config-url">\n</head>\n<body>\n'
        f'<p class="ocop-loading">{escape(page["loading"])}</p>\n'
        f'<noscript><p>{escape(page["noscript"])}</p></noscript>\n'
        f'<script type="application/json" id="ocop-editor-words">{blob}</script>\n'
        "<script>window.CMS_MANUAL_INIT = true;</script>\n"
        f'<script src="{SCRIPT}"></script>\n<script src="ocop-editor.js"></script>\n'
        "</body>\n</html>\n")
