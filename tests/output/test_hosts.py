"""The files a build writes for each host (hosts.py): every printed or linked address
keeps an answer, and a host that can answer more by its own rules gets fewer files."""

import shutil
from pathlib import Path

import pytest
from support.sites import AS_OF, REPO, write_mkdocs_config

from site_builder.mkdocs.build import build_site

# A product with a GTIN and two batches, and one without a GTIN with a batch.
PRODUCTS = ("buoi-tan-trieu", "nho-say-nhon-son")
GTIN = "08936058120082"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hosts")
    for name in PRODUCTS:
        shutil.copytree(REPO / "products" / name, root / "products" / name)
    config = write_mkdocs_config(root, root / "products", sample_data=True)
    return {host: build_site(config, site_dir=root / host, as_of=AS_OF, host=host).site_dir
            for host in ("default", "github-pages", "object-storage", "nginx", "netlify")}


def files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


def test_the_default_layout_answers_a_gs1_address_both_ways(sites):
    written = files(sites["default"])
    assert {f"01/{GTIN}.html", f"01/{GTIN}/index.html"} <= written
    assert {"p/nho-say-nhon-son/index.html", "p/buoi-tan-trieu/index.html",
            "qr/buoi-tan-trieu.png", "qr/buoi-tan-trieu.svg"} <= written


def test_object_storage_writes_one_file_per_page_and_svg_codes_only(sites):
    written = files(sites["object-storage"])
    lots = sorted(p for p in written if p.startswith(f"01/{GTIN}/10/"))
    assert f"01/{GTIN}.html" in written and f"01/{GTIN}/index.html" not in written
    assert lots and all(p.endswith(".html") and p.count("/") == 3 for p in lots)
    # the pages with a slash of the traceability tree: one file each, no folder of their own
    assert {"p/nho-say-nhon-son.html", f"en/01/{GTIN}.html", "en/p/nho-say-nhon-son.html",
            "p/buoi-tan-trieu.html"} <= written  # the last: the moved address's forwarding page
    assert not any(p.startswith(("p/nho-say-nhon-son/index", "en/p/nho-say-nhon-son/index"))
                   for p in written)
    assert "qr/buoi-tan-trieu.svg" in written and "qr/buoi-tan-trieu.png" not in written
    page = (sites["object-storage"] / "san-pham/buoi-tan-trieu/index.html").read_text("utf-8")
    assert "buoi-tan-trieu.svg" in page and "buoi-tan-trieu.png" not in page  # no PNG link
    assert len(written) < len(files(sites["default"]))


def test_every_page_of_the_default_layout_has_a_file_on_every_host(sites):
    """The same addresses, each answered by some file the host's rules lead to."""
    pages = {p for p in files(sites["default"]) if p.endswith(".html")}
    for host in ("github-pages", "object-storage", "nginx", "netlify"):
        written = files(sites[host])
        for page in pages:
            flat = page[: -len("/index.html")] + ".html" if page.endswith("/index.html") else None
            bare = page[: -len("/index.html")] + ".html" if page.startswith("01/") else None
            assert page in written or flat in written or bare in written or (
                page.startswith("p/buoi-tan-trieu/") and host in ("nginx", "netlify")), (host, page)


def test_a_host_with_redirect_rules_answers_moved_addresses_by_rule(sites):
    """nginx and Netlify take the moved short address of a product that gained a GTIN in their
    rules file; no forwarding page is written."""
    nginx, netlify = files(sites["nginx"]), files(sites["netlify"])
    assert "nginx-redirects.map" in nginx and "_redirects" in netlify
    assert "/p/buoi-tan-trieu/" in (sites["nginx"] / "nginx-redirects.map").read_text()
    assert not any(p.startswith("p/buoi-tan-trieu") for p in nginx | netlify)
    assert "qr/buoi-tan-trieu.png" in netlify  # no pattern for it in Netlify's syntax


def test_pages_written_flat_link_as_if_served_at_their_address(sites):
    """'p/nho-say-nhon-son.html' is served at '/p/nho-say-nhon-son/': its links are relative
    to that address, as in the default layout's 'p/nho-say-nhon-son/index.html'."""
    flat = (sites["object-storage"] / "p/nho-say-nhon-son.html").read_text(encoding="utf-8")
    folder = (sites["default"] / "p/nho-say-nhon-son/index.html").read_text(encoding="utf-8")
    assert flat == folder


def test_the_preview_server_builds_the_layout_it_can_serve(tmp_path):
    """``ocop serve`` (MkDocs's development server) knows no host's rules: whatever ``host``
    mkdocs.yml names, the preview is built with ``default``, as a draft."""
    from mkdocs.config import load_config

    from site_builder.mkdocs.build import ocop_plugin

    config_file = write_mkdocs_config(tmp_path, tmp_path / "products")
    text = config_file.read_text(encoding="utf-8")
    config_file.write_text(text.replace("products_dir:", "host: object-storage\n    products_dir:"),
                           encoding="utf-8")
    config = load_config(config_file=str(config_file))
    plugin = ocop_plugin(config)
    assert plugin.site_config(config).host.name == "object-storage"
    plugin.on_startup(command="serve", dirty=False)
    served = plugin.site_config(config)
    assert served.host.name == "default" and served.draft
