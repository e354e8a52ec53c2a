"""Records and files written by the imports: at once (never half-written), with the mode a file
the user creates gets (the umask's), and an existing record keeping the mode it has; the same
for the sheet import, the lot import and the folder import."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support.sites import REPO, write_mkdocs_config

sys.path[:0] = [str(REPO / "tests" / "sheets"), str(REPO / "tests" / "media_import")]
import annexes  # noqa: E402
import lot_logs  # noqa: E402
from phone_photos import jpeg_bytes, picture  # noqa: E402

from site_builder.cli import main  # noqa: E402
from site_builder.records.writing import write_file  # noqa: E402


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077])
def test_a_new_file_gets_the_mode_the_umask_gives(tmp_path, mask):
    target = tmp_path / "mat-ong" / "product.yml"
    with umask(mask):
        write_file(target, b"id: mat-ong\n")
    assert target.read_bytes() == b"id: mat-ong\n"
    assert mode(target) == 0o666 & ~mask
    assert [p.name for p in target.parent.iterdir()] == ["product.yml"]  # nothing left beside


def test_a_file_replaced_keeps_its_mode(tmp_path):
    target = tmp_path / "product.yml"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    with umask(0o022):
        write_file(target, b"new\n")
    assert target.read_bytes() == b"new\n" and mode(target) == 0o640


def test_what_every_import_writes_has_the_users_mode(tmp_path):
    products = tmp_path / "products"
    products.mkdir()
    config = write_mkdocs_config(tmp_path, products)
    inbox = tmp_path / "nhan"
    inbox.mkdir()
    honey = products / "mat-ong-hoa-nhan-my-son" / "product.yml"
    with umask(0o002):  # a shared checkout: the group may write
        assert main(["-f", str(config), "import",
                     str(annexes.write_xlsx(inbox / "phu-luc.xlsx"))]) == 0
        assert {mode(p) for p in products.glob("*/product.yml")} == {0o664}

        honey.chmod(0o640)  # an existing record keeps its mode through every import
        assert main(["-f", str(config), "import",
                     str(lot_logs.write_xlsx(inbox / "so-lo.xlsx"))]) == 0
        assert mode(honey) == 0o640
        assert mode(products / "buoi-da-xanh-lam-son" / "product.yml") == 0o664
        report = next((honey.parent / "lo-MO2506").iterdir())  # copied from beside the log
        assert mode(report) == 0o664

        photos = inbox / "anh"
        photos.mkdir()
        (photos / "mat-ong-hoa-nhan-my-son.jpg").write_bytes(jpeg_bytes(picture(640, 480, 1)))
        assert main(["-f", str(config), "import", str(photos)]) == 0
        assert mode(honey) == 0o640 and "photos:" in honey.read_text(encoding="utf-8")
        assert {mode(p) for p in honey.parent.glob("anh-*.jpg")} == {0o664}
