"""The files a build changed since the last upload, from two manifests, and ``ocop changes``."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from damaged_manifests import DAMAGED
from hosting import small_catalog
from support.sites import AS_OF

from site_builder.cli import main
from site_builder.output.writer import MANIFEST, Manifest
from site_builder.publishing.changes import (
    PREVIOUS,
    ChangesError,
    compare,
    mark_uploaded,
    read_manifest,
    write_list,
)

PAGE = "p/nho-say-nhon-son/index.html"
PHOTO = "media/nho-say-nhon-son/anh-1-480.webp"


def site_with(folder: Path, files: dict[str, bytes], digests: bool = True) -> Path:
    """A site folder holding ``files``, its manifest listing them under one unit."""
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    unit = {"key": "k", "files": sorted(files), "pages": []}
    if digests:
        unit["md5"] = [hashlib.md5(files[p]).hexdigest() for p in sorted(files)]
    data = {"units": {"product:nho-say-nhon-son": unit}, "generated": []}
    if digests:
        data["generated_md5"] = []
    (folder / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_added_changed_deleted_and_bytes(tmp_path):
    before = site_with(tmp_path / "a", {PAGE: b"<p>Con hieu luc</p>", PHOTO: b"RIFF1",
                                        "qr/nho-say-nhon-son.png": b"\x89PNG"})
    after = site_with(tmp_path / "b", {PAGE: b"<p>Het hieu luc</p>", PHOTO: b"RIFF1",
                                       "qr/nho-say-nhon-son.svg": b"<svg/>"})
    found = compare(read_manifest(before), read_manifest(after), after)
    assert (found.added, found.changed, found.deleted) == (
        ["qr/nho-say-nhon-son.svg"], [PAGE], ["qr/nho-say-nhon-son.png"])
    assert found.unchanged == 1 and found.by_digest
    assert found.uploads == [PAGE, "qr/nho-say-nhon-son.svg"]
    assert found.upload_bytes == len(b"<p>Het hieu luc</p>") + len(b"<svg/>")
    assert found.files == 3


def test_a_manifest_without_digests_counts_every_file_as_changed(tmp_path):
    before = site_with(tmp_path / "a", {PAGE: b"<p>1</p>", PHOTO: b"RIFF1"}, digests=False)
    after = site_with(tmp_path / "b", {PAGE: b"<p>1</p>", PHOTO: b"RIFF1"})
    found = compare(read_manifest(before), read_manifest(after), after)
    assert found.changed == sorted([PAGE, PHOTO]) and not found.by_digest


def test_with_no_previous_upload_every_file_is_new(tmp_path):
    after = site_with(tmp_path / "b", {PAGE: b"<p>1</p>"})
    found = compare(None, read_manifest(after), after)
    assert found.added == [PAGE] and found.deleted == []


def test_missing_damaged_and_incomplete_are_said_plainly(tmp_path):
    with pytest.raises(ChangesError, match=r"no manifest at '.*cu\.json'"):
        read_manifest(tmp_path / "cu.json")
    damaged = tmp_path / "hong.json"
    damaged.write_text('{"units": {"product:x": {"files": [1, 2]}}, "generated": []}')
    with pytest.raises(ChangesError, match=r"'.*hong\.json' không phải manifest của ocop"):
        read_manifest(damaged)
    damaged.write_text("{khong phai json")
    with pytest.raises(ChangesError, match="is not an ocop manifest"):
        read_manifest(damaged)
    site = site_with(tmp_path / "b", {PAGE: b"<p>1</p>"})
    (site / PAGE).unlink()
    with pytest.raises(ChangesError, match="lists 'p/nho-say-nhon-son/index.html', which"):
        compare(None, read_manifest(site), site)


def test_mark_uploaded_keeps_a_copy_of_the_site_s_manifest(tmp_path):
    site = site_with(tmp_path / "b", {PAGE: b"<p>1</p>"})
    target = tmp_path / "cache" / PREVIOUS
    mark_uploaded(site, target)
    assert target.read_bytes() == (site / MANIFEST).read_bytes()
    assert read_manifest(target).all_files() == {PAGE}
    assert list(target.parent.iterdir()) == [target]  # no scratch file left


# ``ocop changes`` on real builds.

@pytest.fixture
def catalog(tmp_path) -> Path:
    return small_catalog(tmp_path)


def ocop(config: Path, *args: str) -> int:
    return main(["-f", str(config), "changes", *args])


def test_a_day_s_upload_is_what_changed(catalog, tmp_path, capsys):
    from site_builder.mkdocs.build import build_site

    site = tmp_path / "site"
    assert ocop(catalog) == 0  # nothing uploaded yet: every file is new
    first = capsys.readouterr().out
    assert "mọi tệp đều mới" in first and "every file is new" in first
    assert ocop(catalog, "--mark-uploaded") == 0
    assert (tmp_path / ".cache" / PREVIOUS).read_bytes() == (site / MANIFEST).read_bytes()

    # A new story for one product: its own pages change, nothing else.
    path = tmp_path / "products" / "nho-say-nhon-son" / "product.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["story"]["vi"] = "Nho đỏ Ninh Thuận, tách hạt bằng tay, sấy lạnh 36 giờ.\n"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    build_site(catalog, as_of=AS_OF)
    capsys.readouterr()
    uploads, deleted = tmp_path / "tai-len.txt", tmp_path / "xoa.txt"
    assert ocop(catalog, "--list", str(uploads), "--deleted", str(deleted)) == 0
    said = capsys.readouterr().out
    listed = uploads.read_text(encoding="utf-8").splitlines()
    after = Manifest.read(site)
    assert after is not None
    own = set(after.units["product:nho-say-nhon-son"]["files"])
    assert listed and set(listed) <= own, set(listed) - own
    # Photos, share pictures, codes and the badge are the same bytes: not sent again.
    assert not any(p.endswith((".webp", ".jpg", ".svg", ".png")) for p in listed)
    assert deleted.read_text(encoding="utf-8") == ""
    size = sum((site / p).stat().st_size for p in listed)
    assert f"0 added, {len(listed)} changed, 0 deleted; {len(listed)} files to upload, " \
           f"{size / 1e6:.1f} MB (of {len(after.all_files())} in the site)" in said
    assert ocop(catalog, "--mark-uploaded") == 0

    # A product taken out of the catalog: its files are to delete (the list of yesterday is
    # replaced only on request).
    shutil.rmtree(tmp_path / "products" / "mat-ong-tan-ninh")
    build_site(catalog, as_of=AS_OF)
    assert ocop(catalog, "--deleted", str(deleted)) == 1
    assert ocop(catalog, "--deleted", str(deleted), "--force") == 0
    gone = set(deleted.read_text(encoding="utf-8").splitlines())
    assert set(after.units["product:mat-ong-tan-ninh"]["files"]) <= gone
    assert not gone & read_manifest(site).all_files()


def test_a_missing_previous_manifest_is_named_without_a_traceback(catalog, tmp_path, capsys):
    assert ocop(catalog, "--since", str(tmp_path / "khong-co.json")) == 1
    err = capsys.readouterr().err
    assert "không tìm thấy manifest" in err and "khong-co.json" in err
    assert "Traceback" not in err


def test_list_paths_that_could_be_misread_are_refused(tmp_path):
    """One path a line: a path with a line break would be two (the second deleting the
    bucket's own index.html), whatever manifest it came from."""
    target = tmp_path / "xoa.txt"
    for path in ("san-pham/x/phieu\nindex.html", "san-pham/x/phieu\rindex.html",
                 "../../etc/passwd", "/etc/shadow", "%2e%2e/x", "a/\u2028b"):
        with pytest.raises(ChangesError, match="not written to a list"):
            write_list(target, [PAGE, path])
        assert not target.exists()
    write_list(target, [PAGE, PHOTO])
    assert target.read_text(encoding="utf-8") == f"{PAGE}\n{PHOTO}\n"




def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_previous_manifest_is_taken_as_absent_with_a_warning(catalog, tmp_path,
                                                                       capsys, kind):
    """Nothing of it reaches the lists: every file is sent, none deleted."""
    _write(tmp_path / ".cache" / PREVIOUS, DAMAGED[kind])
    uploads, deleted = tmp_path / "tai-len.txt", tmp_path / "xoa.txt"
    assert ocop(catalog, "--list", str(uploads), "--deleted", str(deleted)) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "bị hỏng hoặc bị sửa tay" in err and "every file is new, none is deleted" in err
    assert deleted.read_text(encoding="utf-8") == ""
    site = read_manifest(tmp_path / "site")
    assert set(uploads.read_text(encoding="utf-8").splitlines()) == site.all_files() - {MANIFEST}
    assert ocop(catalog, "--mark-uploaded") == 0  # the damaged one is replaced
    assert read_manifest(tmp_path / ".cache" / PREVIOUS).all_files() == site.all_files()


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_site_manifest_is_an_error_without_a_traceback(catalog, tmp_path, capsys,
                                                                 kind):
    _write(tmp_path / "site" / MANIFEST, DAMAGED[kind])
    uploads = tmp_path / "tai-len.txt"
    assert ocop(catalog, "--list", str(uploads)) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "không phải manifest của ocop" in err
    assert not uploads.exists()
    assert ocop(catalog, "--mark-uploaded") == 1
    assert not (tmp_path / ".cache" / PREVIOUS).exists()


def test_changes_never_overwrites_a_file_it_did_not_write(catalog, tmp_path, capsys):
    """--list, --deleted and --mark-uploaded --since emptied product.yml, mkdocs.yml, a photo,
    the site's manifest or any file outside the project. Now an existing file is replaced only
    with --force, and never inside the site or the records, nor the settings."""
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("của người khác", encoding="utf-8")
    record = tmp_path / "products" / "nho-say-nhon-son" / "product.yml"
    photo = record.with_name("anh-1.jpg")
    precious = [record, catalog, photo, tmp_path / "site" / MANIFEST, outside]
    before = {path: path.read_bytes() for path in precious}
    for path in precious:
        for args in (("--list", str(path)), ("--deleted", str(path)),
                     ("--mark-uploaded", "--since", str(path))):
            assert ocop(catalog, *args) == 1, (path, args)
            err = capsys.readouterr().err
            assert "không ghi" in err and "Traceback" not in err, err
    for path in precious[:4]:  # --force replaces an existing file of one's own only
        assert ocop(catalog, "--list", str(path), "--force") == 1
    assert {path: path.read_bytes() for path in precious} == before
    assert ocop(catalog, "--list", str(outside), "--force") == 0
    assert outside.read_text(encoding="utf-8") != "của người khác"
    new = tmp_path / "lists" / "tai-len.txt"
    assert ocop(catalog, "--list", str(new), "--deleted", str(new)) == 1  # one file, two lists
    assert ocop(catalog, "--list", str(new)) == 0 and new.is_file()
    link = tmp_path / "lien-ket.txt"
    link.symlink_to(outside)
    assert ocop(catalog, "--list", str(link), "--force") == 1
    outside.unlink()
