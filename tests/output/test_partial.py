"""A build of a few changed records plans and writes their units alone (output/partial.py),
and gives exactly what a clean build of the same records gives, manifest included; a change
that listings show takes the full build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from support.sites import AS_OF, REPO, SITE_URL, write_mkdocs_config
from test_publish import edit_name, edit_story, snapshot

import site_builder.output.partial as partial
from site_builder.cli import main
from site_builder.mkdocs.build import build_site
from site_builder.output.writer import MANIFEST, Manifest


def sample(root: Path) -> Path:
    shutil.copytree(REPO / "products", root / "products")
    return write_mkdocs_config(root, root / "products", SITE_URL, sample_data=True)


def _record(root: Path, product_id: str) -> Path:
    return root / "products" / product_id / "product.yml"


def new_lot(root: Path) -> None:
    """A new lot at the top of the list, as a producer adds this week's."""
    record = _record(root, "buoi-tan-trieu")
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("batches:\n", "batches:\n- lot: B2611\n  produced: 2026-11-12\n"
                                   "  expires: 2027-02-10\n  quantity: 900 quả\n", 1),
                      encoding="utf-8")


def lot_removed(root: Path) -> None:
    record = _record(root, "buoi-tan-trieu")
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data["batches"] = data["batches"][:1]
    record.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def lot_quantity(root: Path) -> None:
    record = _record(root, "buoi-tan-trieu")
    text = record.read_text(encoding="utf-8")
    edited = text.replace("quantity: 1.800 quả", "quantity: 1.750 quả", 1)
    assert edited != text
    record.write_text(edited, encoding="utf-8")


def document_replaced(root: Path) -> None:
    document = root / "products" / "buoi-tan-trieu" / "lo-B2610" / "phieu-thu-nghiem.pdf"
    document.write_bytes(document.read_bytes() + b"\n% signed copy\n")


@pytest.fixture
def partial_builds(monkeypatch) -> list[bool]:
    """Whether each build since took the partial path."""
    taken: list[bool] = []
    real = partial.build_changes

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        done = real(*args, **kwargs)
        taken.append(done is not None)
        return done

    monkeypatch.setattr(partial, "build_changes", spy)
    return taken


@pytest.mark.parametrize("checked_between", [False, True], ids=["built", "checked-then-built"])
@pytest.mark.parametrize("edit", [edit_story, new_lot, lot_removed, lot_quantity,
                                  document_replaced])
def test_a_few_changed_records_are_built_alone_and_equal_a_clean_build(tmp_path, edit,
                                                                      checked_between,
                                                                      partial_builds):
    """Also when `ocop check` (or an import) read the edited records between the two builds
    and brought the record cache up to date: the change is told against the last build."""
    config = sample(tmp_path / "a")
    build_site(config, as_of=AS_OF)
    edit(tmp_path / "a")
    if checked_between:
        assert main(["-f", str(config), "check", "--as-of", AS_OF.isoformat()]) in (0, 1)
    changed = build_site(config, as_of=AS_OF)
    assert partial_builds == [True] and changed.mode == "incremental"
    assert 1 <= changed.rendered <= 8 and changed.reused > 80
    clean_config = sample(tmp_path / "b")
    edit(tmp_path / "b")
    clean = build_site(clean_config, as_of=AS_OF)
    assert snapshot(changed.site_dir) == snapshot(clean.site_dir)
    assert (changed.pages, changed.files) == (clean.pages, clean.files)


def test_a_change_listings_show_takes_the_full_build(tmp_path, partial_builds):
    config = sample(tmp_path / "a")
    build_site(config, as_of=AS_OF)
    edit_name(tmp_path / "a")
    renamed = build_site(config, as_of=AS_OF)
    assert partial_builds == [False] and renamed.mode == "incremental"
    clean_config = sample(tmp_path / "b")
    edit_name(tmp_path / "b")
    assert snapshot(renamed.site_dir) == snapshot(build_site(clean_config, as_of=AS_OF).site_dir)


def _digests(site: Path) -> dict[str, str]:
    manifest = Manifest.read(site)
    assert manifest is not None
    return manifest.digests


def test_a_story_edit_changes_the_pages_that_show_it_and_nothing_else(tmp_path):
    """What an upload then sends (the files whose MD5 changed): the product's own pages."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    before = _digests(site)
    edit_story(tmp_path)
    build_site(config, as_of=AS_OF)
    after = _digests(site)
    sent = {path for path, md5 in after.items() if before.get(path) != md5}
    assert "san-pham/nho-say-nhon-son/index.html" in sent
    assert sent <= {"san-pham/nho-say-nhon-son/index.html", "en/san-pham/nho-say-nhon-son/index.html"}
    assert set(before) == set(after)


def test_a_new_lot_changes_its_page_its_products_pages_and_the_circular_pages(tmp_path):
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    before = _digests(site)
    new_lot(tmp_path)
    build_site(config, as_of=AS_OF)
    after = _digests(site)
    sent = {path for path, md5 in after.items() if before.get(path) != md5}
    lot = {path for path in after if "/10/B2611" in path}  # its page in each language
    assert len(lot) >= 2 and lot == set(after) - set(before)
    product = {path for path in sent if "buoi-tan-trieu/" in path
               or path.startswith(("01/08936058120082", "en/01/08936058120082")) and "/10/" not in path}
    assert {"san-pham/buoi-tan-trieu/index.html", "en/san-pham/buoi-tan-trieu/index.html"} <= product
    staff = {path for path in sent if path.startswith(("truy-xuat/", "en/truy-xuat/"))}
    assert sent == lot | product | staff and 0 < len(staff) <= 4
    # No other lot page is written again, and the sitemap leaves lot pages out.
    assert not [path for path in sent if "/10/" in path and "B2611" not in path]
    assert "B2611" not in (site / "sitemap.xml").read_text(encoding="utf-8")


def test_the_manifest_a_partial_build_writes_is_the_json_a_full_build_writes(tmp_path):
    config = sample(tmp_path / "a")
    build_site(config, as_of=AS_OF)
    new_lot(tmp_path / "a")
    site = build_site(config, as_of=AS_OF).site_dir
    text = (site / MANIFEST).read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")) + "\n"
    assert "lot:buoi-tan-trieu/B2611" in data["units"]


def test_the_build_state_keeps_each_products_listing_key_for_the_next_partial_build(
        tmp_path, partial_builds, monkeypatch):
    """A partial build keys the Circular pages' summary from the listing keys the full build
    left (no product's summary or status day changes in it), without working them out again,
    and leaves them as they were for the build after it."""
    config = sample(tmp_path)
    site = build_site(config, as_of=AS_OF).site_dir
    (state_file,) = (tmp_path / ".cache").rglob("build-state-*.pickle")
    cache_dir = state_file.parent
    state = partial.BuildState.load(cache_dir, site)
    assert state is not None
    records = sorted((tmp_path / "products").glob("*/product.yml"))
    assert len(state.listed) == len(records) and set(state.listed) == set(state.since)
    worked_out: list[str] = []
    real = partial.listed_key
    monkeypatch.setattr(partial, "listed_key",
                        lambda *a: worked_out.append(a[1]) or real(*a))  # type: ignore[func-returns-value]
    new_lot(tmp_path)
    assert build_site(config, as_of=AS_OF).mode == "incremental" and partial_builds == [True]
    assert worked_out == []
    after = partial.BuildState.load(cache_dir, site)
    assert after is not None and after.listed == state.listed
