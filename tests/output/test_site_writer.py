"""The writer refuses a second write of one site path within a build and names both producers,
whether they run in this process, in different worker processes, or one was kept from the
previous build."""

from __future__ import annotations

import pickle
from array import array

import pytest

from site_builder.output import writer as site_writer
from site_builder.output.units import SiteFile, SitePlan, Unit, UnitOutput
from site_builder.output.writer import ManifestIndex, OutputClash, write_site
from site_builder.progress import Quiet

REPORT = "tai-lieu/tra-hibiscus-tan-son/TS2611/3-phieu-kiem-nghiem.pdf"


def unit(name: str, *paths: str) -> Unit:
    """A unit writing ``paths`` (its key is its name and paths, so it is stable)."""
    files = [SiteFile(path, f"{name} {path}".encode()) for path in paths]
    return Unit(name, repr((name, paths)), lambda: UnitOutput(files=list(files)))


def write(plan: SitePlan, folder, previous=None) -> site_writer.WriteResult:
    folder.mkdir(exist_ok=True)
    return write_site(plan, folder, {}, lambda path: "https://ocop.angiang.gov.vn/" + path,
                      lambda page: "", previous, Quiet())


def test_one_unit_writing_a_path_twice_is_refused(tmp_path):
    # Documents 'phieu-kiem-nghiem.pdf', '3-phieu-kiem-nghiem.pdf', 'phieu-kiem-nghiem.pdf':
    # the third is renamed to the second's name.
    plan = SitePlan(units=[unit("product:tra-hibiscus-tan-son", REPORT, REPORT)])
    with pytest.raises(OutputClash) as caught:
        write(plan, tmp_path / "site")
    assert f"'{REPORT}' được ghi hai lần" in str(caught.value)
    assert "both times by product:tra-hibiscus-tan-son" in str(caught.value)
    assert (caught.value.first, caught.value.second) == ("product:tra-hibiscus-tan-son",) * 2


def test_two_units_writing_one_path_are_refused_naming_both(tmp_path):
    plan = SitePlan(units=[unit("product:mam-ca-loc-chau-doc", "qr/mam-ca-loc-chau-doc.svg"),
                           unit("product:mam-ca-loc", "qr/mam-ca-loc-chau-doc.svg")])
    with pytest.raises(OutputClash, match="product:mam-ca-loc-chau-doc và bởi product:mam-ca-loc"):
        write(plan, tmp_path / "site")


def test_a_unit_may_not_replace_a_shared_file(tmp_path):
    plan = SitePlan(units=[unit("listing:san-pham/", "404.html")],
                    files=[SiteFile("404.html", b"<!doctype html>")])
    with pytest.raises(OutputClash, match="shared-files và bởi listing:san-pham/"):
        write(plan, tmp_path / "site")


def test_units_rendered_by_different_workers_are_checked_together(tmp_path, monkeypatch):
    monkeypatch.setattr(site_writer, "PARALLEL_FROM", 2)
    monkeypatch.setattr(site_writer, "BATCH", 1)
    monkeypatch.setenv("OCOP_WORKERS", "2")
    units = [unit(f"product:gao-{i}", f"qr/gao-{i}.svg") for i in range(6)]
    units.append(unit("product:gao-tam-thom-my-ha", "qr/gao-3.svg"))
    with pytest.raises(OutputClash) as caught:
        write(SitePlan(units=units), tmp_path / "site")
    assert {caught.value.first, caught.value.second} == {"product:gao-3", "product:gao-tam-thom-my-ha"}
    assert caught.value.path == "qr/gao-3.svg"


def test_the_whole_catalog_units_are_given_out_first_each_alone(monkeypatch):
    # Planned last, the open data and the search index (seconds each at national scale) were
    # rendered by one worker, in the last task, while the other had nothing left to do.
    monkeypatch.setattr(site_writer, "BATCH", 2)
    units = [unit(f"product:gao-{i}") for i in range(3)] + [unit("data:open"),
                                                            unit("search:index")]
    todo = [(i, u.key) for i, u in enumerate(units)]
    assert [[units[i].name for i, _ in batch] for batch in site_writer._batches(todo, units)] == [
        ["data:open"], ["search:index"], ["product:gao-0", "product:gao-1"], ["product:gao-2"]]


def test_the_whole_catalog_units_rendered_by_workers_are_in_the_manifest(tmp_path, monkeypatch):
    monkeypatch.setattr(site_writer, "PARALLEL_FROM", 2)
    monkeypatch.setenv("OCOP_WORKERS", "2")
    units = [unit(f"product:gao-{i}", f"qr/gao-{i}.svg") for i in range(5)]
    units += [unit("data:open", "du-lieu/products.json"), unit("search:index", "tim/index.json")]
    result = write(SitePlan(units=units), tmp_path / "site")
    assert sorted(result.manifest.units) == sorted(u.name for u in units)
    assert result.manifest.units["data:open"]["files"] == ["du-lieu/products.json"]
    assert (tmp_path / "site" / "tim" / "index.json").read_bytes() == b"search:index tim/index.json"


def test_a_unit_may_not_replace_a_file_kept_from_the_previous_build(tmp_path):
    kept = unit("product:hat-dieu-rang-muoi", "qr/hat-dieu-rang-muoi.svg")
    previous = write(SitePlan(units=[kept]), tmp_path / "first").manifest
    newcomer = unit("product:hat-dieu", "qr/hat-dieu-rang-muoi.svg")
    with pytest.raises(OutputClash) as caught:
        write(SitePlan(units=[kept, newcomer]), tmp_path / "second", previous)
    assert (caught.value.first, caught.value.second) == ("product:hat-dieu-rang-muoi",
                                                         "product:hat-dieu")


def test_distinct_paths_are_written_and_listed(tmp_path):
    plan = SitePlan(units=[unit("product:buoi-lam-son", "qr/buoi-lam-son.svg", "qr/buoi-lam-son.png")])
    result = write(plan, tmp_path / "site")
    assert result.manifest.units["product:buoi-lam-son"]["files"] == ["qr/buoi-lam-son.png",
                                                                       "qr/buoi-lam-son.svg"]
    assert (tmp_path / "site" / "qr" / "buoi-lam-son.svg").read_bytes().startswith(b"product:")


@pytest.mark.parametrize("path", ["p/x/phieu\nindex.html", "../../outside.html", "/etc/x",
                                  "p//x.html", "tai-lieu/%2e%2e/x.pdf", "p/x\\y.html"])
def test_a_path_that_is_not_a_file_of_the_site_is_never_written(tmp_path, path):
    """Whatever makes it (a record the checks missed, the theme, docs/), a path with a control
    character, a '..', a '%' or a backslash is refused before anything is written."""
    plan = SitePlan(units=[unit("product:nho-say-nhon-son", path)])
    with pytest.raises(site_writer.UnsafePath) as caught:
        write(plan, tmp_path / "site")
    assert "\n" not in str(caught.value) and "product:nho-say-nhon-son" in str(caught.value)
    assert [p for p in (tmp_path / "site").rglob("*") if p.is_file()] == []


def test_a_docs_file_whose_name_cannot_be_published_stops_the_build(tmp_path):
    from support.records import record, write_record
    from support.sites import AS_OF, write_mkdocs_config

    from site_builder.mkdocs.build import BuildError, build_site

    write_record(tmp_path / "products", record())
    config = write_mkdocs_config(tmp_path, tmp_path / "products")
    (tmp_path / "docs" / "bao-cao-100%.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(BuildError, match=r"bao-cao-100%\.html.*MkDocs"):
        build_site(config, as_of=AS_OF)
    assert not (tmp_path / "site").exists()


def test_a_file_writer_makes_each_folder_and_its_twin_once_its_parents_first(tmp_path):
    """Folders are made one system call each, a parent before its child, in the site and in
    its standby twin; a folder already there (made by another worker) is taken as it is, and
    a file where a folder must go is an error, not written over."""
    site, twin = tmp_path / "site", tmp_path / "twin"
    (site / "p").mkdir(parents=True)  # another worker made it
    twin.mkdir()
    writer = site_writer.FileWriter(site, twin=twin)
    writer.write("p/sp-1/L1/index.html", b"lot", "lot:sp-1/L1")
    writer.write("en/p/sp-1/index.html", b"product", "product:sp-1")
    writer.write("top.html", b"top", "shared-files")
    for root in (site, twin):
        assert (root / "p/sp-1/L1/index.html").read_bytes() == b"lot"
        assert (root / "en/p/sp-1/index.html").read_bytes() == b"product"
        assert (root / "top.html").read_bytes() == b"top"
    assert (site / "top.html").stat().st_ino == (twin / "top.html").stat().st_ino
    assert {"", "p", "p/sp-1", "p/sp-1/L1", "en", "en/p", "en/p/sp-1"} == writer.folders
    (site / "q").write_bytes(b"not a folder")
    with pytest.raises(FileExistsError):
        writer.write("q/x.html", b"x", "shared-files")


@pytest.mark.parametrize("names", [[], ["data:open"], ["", "lot:sp-00001/L1"], [""],
                                   ["lot:a\nb", "product:a"], ["page:", "product:b", "search:index"]])
def test_a_manifest_index_is_the_same_once_pickled_whatever_its_names(names):
    """Its names are pickled as one text (a quarter of a million at national scale); a name
    that holds a line break keeps them a list."""
    index = ManifestIndex(9, list(names), array("q", [1] * len(names)), 5, 2, (1, 2, 3))
    assert pickle.loads(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)) == index
    assert isinstance(index.__getstate__()["names"], str) == ("\n" not in "".join(names)
                                                             and names != [""])
