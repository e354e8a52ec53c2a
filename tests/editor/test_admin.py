"""The /admin/ page is made only when mkdocs.yml enables it, from settings checked like the
others, with a Decap CMS script that matches its published digest and nothing from other hosts."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import pytest
import yaml
from support.records import record, write_record
from support.sites import REPO, write_mkdocs_config

from site_builder.cli import main
from site_builder.config import EditorSettings, SiteConfig, settings_from
from site_builder.editor import bundle
from site_builder.editor.admin import admin_page, editor_config, editor_files
from site_builder.editor.fields import field_order, labels
from site_builder.mkdocs.build import build_site
from site_builder.repository import repository_root


def _settings(tmp_path: Path, editor: object):
    return settings_from({"editor": editor}, root=tmp_path, source=tmp_path / "mkdocs.yml",
                         site_url="https://ocop.khanhhoa.gov.vn/", site_name="OCOP",
                         languages_known=("vi", "en"))


def test_the_editor_is_off_unless_enabled(tmp_path):
    site, problems = _settings(tmp_path, {})
    assert problems == [] and site is not None and site.editor == EditorSettings()
    assert editor_files(site, tmp_path) == {}
    write_record(tmp_path / "products", record())
    built = build_site(write_mkdocs_config(tmp_path, tmp_path / "products")).site_dir
    assert not (built / "admin").exists()


def test_every_wrong_editor_setting_is_reported_at_once(tmp_path, capsys):
    site, problems = _settings(tmp_path, {"enabled": True, "repo": "danh-muc", "backend": "svn",
                                          "local_backend": "http://ocop.vn:8081/api/v1",
                                          "colour": "green"})
    assert site is None
    assert sorted(p.option for p in problems) == ["editor.backend", "editor.colour",
                                                  "editor.local_backend", "editor.repo"]
    repo = next(p for p in problems if p.option == "editor.repo")
    assert "danh-muc" in repo.message.vi and "chủ/tên" in repo.message.vi
    site, problems = _settings(tmp_path, {"enabled": "có"})
    assert [p.code for p in problems] == ["editor_enabled"]
    config = write_mkdocs_config(tmp_path, tmp_path / "products")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"][0]["ocop"]["editor"] = {"enabled": True}
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["-f", str(config), "check"]) == 1
    assert "editor.repo" in capsys.readouterr().err


def test_the_config_names_the_products_folder_as_the_repository_sees_it(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "catalog" / "products").mkdir(parents=True)
    site = SiteConfig(products_dir=tmp_path / "catalog" / "products",
                      site_url="https://ocop.khanhhoa.gov.vn/")
    settings = EditorSettings(enabled=True, repo="ocop-khanhhoa/danh-muc", local_backend=False)
    root = repository_root(tmp_path / "catalog")
    assert root == tmp_path
    config = editor_config(site, settings, labels("vi"), root)
    collection = config["collections"][0]
    assert (config["media_folder"], collection["folder"]) == ("catalog/products",) * 2
    assert (collection["media_folder"], collection["public_folder"]) == ("", "")
    assert collection["path"] == "{{slug}}/product" and collection["slug"] == "{{id}}"
    assert config["backend"] == {"name": "github", "repo": "ocop-khanhhoa/danh-muc",
                                 "branch": "main",
                                 "commit_messages": labels("vi").words["commit_messages"]}
    assert "local_backend" not in config and config["locale"] == "vi"


def test_the_page_loads_only_its_own_files(tmp_path):
    site = SiteConfig(products_dir=tmp_path, site_name="Sản phẩm OCOP <Khánh Hòa>")
    fields = editor_config(site, EditorSettings(enabled=True, repo="a/b"), labels("vi"),
                           tmp_path)["collections"][0]["fields"]
    page = admin_page(site, labels("vi"), field_order(fields))
    assert "Sản phẩm OCOP &lt;Khánh Hòa&gt;" in page
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == [
        "ocop-editor.css", "config.yml", "decap-cms.js", "ocop-editor.js"]
    assert "//" not in "".join(re.findall(r'(?:src|href)="([^"]+)"', page))
    script = (REPO / "site_builder" / "editor" / "static" / "ocop-editor.js").read_text()
    assert not re.search(r"https?://", script)


def _fake_tarball(folder: Path, name: str) -> Path:
    source = folder / "src"
    (source / "package" / "dist").mkdir(parents=True)
    (source / "package" / "dist" / "decap-cms.js").write_text("/* not decap */")
    (source / "package" / "dist" / "decap-cms.js.map").write_text("{}")
    (source / "package" / "dist" / "12.decap-cms.js").write_text("/* chunk */")
    (source / "package" / "dist" / "cms.js").write_text("/* twin */")
    path = folder / name
    with tarfile.open(path, "w:gz") as archive:
        archive.add(source / "package", arcname="package")
    return path


def test_a_script_that_does_not_match_its_digest_is_refused(tmp_path, monkeypatch):
    name = f"{bundle.DECAP_PACKAGE}-{bundle.DECAP_VERSION}.tgz"

    def fake_pack(folder: Path) -> Path:
        _fake_tarball(folder, name)
        return folder

    monkeypatch.setattr(bundle, "_npm_pack", fake_pack)
    with pytest.raises(bundle.BundleError, match="không khớp mã kiểm tra"):
        bundle.decap_files(tmp_path / "cache")
    assert not (tmp_path / "cache" / "editor" / name).exists()
    # The same tarball, were it the one published: only the served files are taken.
    (tmp_path / "other").mkdir()
    fake = _fake_tarball(tmp_path / "other", name)
    monkeypatch.setattr(bundle, "DECAP_INTEGRITY", bundle.integrity(fake))
    monkeypatch.setattr(bundle, "_npm_pack", lambda folder: fake.parent)
    assert sorted(bundle.decap_files(tmp_path / "cache")) == ["12.decap-cms.js", "decap-cms.js"]
    assert (tmp_path / "cache" / "editor" / name).is_file()  # kept: the next build asks no one


def test_without_npm_the_build_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(bundle.shutil, "which", lambda name: None)
    with pytest.raises(bundle.BundleError, match="không có npm"):
        bundle.decap_files(tmp_path / "cache")
