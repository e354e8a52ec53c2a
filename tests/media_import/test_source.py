"""Listing the folder: only ordinary files are read; links, devices, pipes and hostile names are
refused by name, one message each, and never opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.media_import.source import MAX_DEPTH, list_folder, shown_name


def _codes(folder: Path) -> dict[str, str]:
    return {p.shown: p.code for p in list_folder(folder).problems}


def test_files_and_folders_in_order_with_the_folders_they_lie_in(tmp_path):
    root = tmp_path / "anh-gui-ve"
    (root / "Bưởi Lâm Sơn").mkdir(parents=True)
    (root / "Bưởi Lâm Sơn" / "IMG_1.jpg").write_bytes(b"x")
    (root / "KQ B2610.pdf").write_bytes(b"x")
    (root / ".DS_Store").write_bytes(b"x")
    (root / "._KQ B2610.pdf").write_bytes(b"x")  # macOS's shadow of a file copied to FAT
    (root / "__MACOSX").mkdir()
    (root / "__MACOSX" / "anh.jpg").write_bytes(b"x")
    listing = list_folder(root)
    assert [f.shown for f in listing.files] == ["KQ B2610.pdf", "Bưởi Lâm Sơn/IMG_1.jpg"]
    assert listing.files[1].folders == ("Bưởi Lâm Sơn", "anh-gui-ve")
    assert listing.files[0].kind == "document" and listing.files[1].kind == "photo"
    assert listing.system == 3 and not listing.problems


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_links_pipes_and_devices_are_refused_without_being_opened(tmp_path):
    root = tmp_path / "anh"
    root.mkdir()
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"\xff\xd8\xff")
    (root / "mat-ong-tan-binh.jpg").symlink_to(secret)
    (root / "thu-muc-khac").symlink_to(tmp_path)
    os.mkfifo(root / "buoi-tan-trieu.jpg")  # opening it would wait for ever
    codes = _codes(root)
    assert codes == {"mat-ong-tan-binh.jpg": "not_a_file_link",
                     "thu-muc-khac": "not_a_file_link",
                     "buoi-tan-trieu.jpg": "not_a_file_special"}
    assert not list_folder(root).files


def test_names_with_control_characters_or_bytes_that_are_not_utf8(tmp_path):
    root = tmp_path / "anh"
    root.mkdir()
    (root / "mat-ong\x1b[2J.jpg").write_bytes(b"x")  # would clear a terminal
    (root / "buoi\u202egpj.exe").write_bytes(b"x")  # reads as 'buoiexe.jpg'
    os.close(os.open(os.fsencode(root) + b"/anh-\xff.jpg", os.O_CREAT | os.O_WRONLY))
    codes = _codes(root)
    assert codes == {"mat-ong\\x1b[2J.jpg": "name_control", "buoi\\u202egpj.exe": "name_control",
                     "anh-\\xff.jpg": "name_not_utf8"}
    assert shown_name("a\nb") == "a\\x0ab"


def test_folders_nested_deeper_than_people_sort_photos(tmp_path):
    deep = tmp_path / "anh"
    for level in range(MAX_DEPTH + 1):
        deep = deep / f"cap-{level}"
    deep.mkdir(parents=True)
    (deep / "anh.jpg").write_bytes(b"x")
    problems = list_folder(tmp_path / "anh").problems
    assert [p.code for p in problems] == ["folder_too_deep"]
