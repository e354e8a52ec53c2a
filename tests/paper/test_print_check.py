"""``ocop stamps --check``: every stamp read by zbar, zxing-cpp and OpenCV from its files and after
the print-and-phone simulation, with the same figures as the team's measuring tool."""

from __future__ import annotations

import builtins
import json
import subprocess
import sys

import pytest
from support.sites import AS_OF, REPO

from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.paper import print_check
from site_builder.paper.stamp_kit import best_layout, plan_jobs, write_kit
from site_builder.paper.stamps import StampSize
from site_builder.records.validate import load_catalog

TOOL = REPO.parent / "shared" / "tools" / "qr-print-check.py"
ARGS = ["-f", str(REPO / "mkdocs.yml"), "stamps", "--check", "--draft", "--as-of", AS_OF.isoformat()]


def test_check_reports_each_stamp_and_size_for_the_three_decoders(capsys):
    assert main([*ARGS, "buoi-tan-trieu", "--size", "15", "--size", "20", "--dpi", "300"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Bộ giải mã / decoders: pyzbar ")
    for name in ("buoi-tan-trieu", "buoi-tan-trieu-B2610", "buoi-tan-trieu-B2608"):
        for size in ("15", "20"):
            assert f"{name} {size} mm (" in out
    read = "đọc được / read"
    assert out.count(f"tệp SVG và PNG / files: zbar {read}, zxing {read}, opencv {read}") == 6
    assert out.count(f"in 15 mm 300 dpi rồi chụp / printed and photographed: zbar {read}, "
                     f"zxing {read}, opencv") == 3
    assert "15 mm, 300 dpi: tệp / files zbar 3/3, zxing 3/3, opencv 3/3 | in / printed zbar 3/3, " \
           "zxing 3/3, opencv" in out
    assert "nay là --reprint" in out


def test_check_refuses_a_size_that_cannot_print_and_writes_nothing(capsys, tmp_path):
    assert main([*ARGS, "buoi-tan-trieu", "--size", "12", "--dpi", "300",
                 "--out", str(tmp_path / "out")]) == 1
    assert "tem 12 mm quá nhỏ" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_check_without_the_decoders_names_what_to_install(monkeypatch, capsys):
    real_import = builtins.__import__

    def without_opencv(name, *args, **kwargs):
        if name in ("cv2", "pyzbar.pyzbar"):
            raise ImportError(f"No module named '{name}'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_opencv)
    assert main([*ARGS, "buoi-tan-trieu"]) == 1
    err = capsys.readouterr().err
    assert "opencv-python-headless, pyzbar" in err and "pip install 'ocop-catalog[check]'" in err


@pytest.mark.skipif(not TOOL.exists(), reason="the team's measuring tool is not beside the project")
def test_the_check_gives_the_measuring_tools_figures(tmp_path):
    """The copy of the simulation in paper/print_check.py and the team's tool read the same
    files alike, printed at the stamp's size and resolution."""
    config = SiteConfig(products_dir=REPO / "products", site_url="https://ocop.example.org/",
                        as_of=AS_OF, draft=True)
    catalog, _ = load_catalog(config)
    result = write_kit(catalog, config, tmp_path, ids=["buoi-tan-trieu", "lua-tan-chau"],
                       sizes=(15,), dpi=300)
    measured = subprocess.run([sys.executable, str(TOOL), "--print-mm", "15", "--dpi", "300",
                               str(tmp_path)], capture_output=True, text=True, check=True)
    by_file = {r["file"]: r for r in map(json.loads, measured.stdout.splitlines())
               if r["type"] == "qr_image"}
    tools = print_check.decoders()
    for job, art in result.artworks:
        ours = print_check.read_stamp(tools, art)
        theirs = by_file[f"{job.product.id}/{job.name}-15mm.svg"]
        assert theirs["payload"] == art.code_text
        assert {n: theirs["print"]["15mm"][n] for n in print_check.DECODER_NAMES} == ours.printed


def test_opencv_reads_the_30_mm_stamp_it_used_to_miss_from_its_files():
    """mam-ca-loc-chau-doc at 30 mm, 600 dpi (the default): OpenCV missed its PNG and SVG while
    its code drew a false finder pattern (paper/stamps.py, ``stamp_symbol``)."""
    config = SiteConfig(products_dir=REPO / "products", site_url="https://ocop.example.org/",
                        as_of=AS_OF, draft=True)
    catalog, _ = load_catalog(config)
    job = plan_jobs(catalog, config, ["mam-ca-loc-chau-doc"], None, [])[0]
    reading = print_check.read_stamp(print_check.decoders(), best_layout(job, StampSize(30), 600))
    assert reading.files == {"zbar": True, "zxing": True, "opencv": True}
