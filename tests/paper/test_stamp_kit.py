"""``ocop stamps`` on the bundled sample: every product and batch that may carry the OCOP mark
gets stamps in both default sizes, and every code in the kit decodes to its intended address."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pypdfium2
import pytest
import yaml
import zxingcpp
from PIL import Image, ImageFilter
from support.sites import AS_OF, REPO, SITE_URL, write_mkdocs_config

from site_builder.assets import qr
from site_builder.assets.qr import code_text
from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.domain.stamp_codes import short_path
from site_builder.paper import print_check
from site_builder.paper.stamp_files import SheetLayout
from site_builder.paper.stamp_kit import KitError, write_kit
from site_builder.paper.stamps import StampSize, stamp_symbol
from site_builder.records.validate import load_catalog
from site_builder.render.views import urls


@pytest.fixture(scope="module")
def sample():
    config = SiteConfig(products_dir=REPO / "products", site_url=SITE_URL, as_of=AS_OF)
    catalog, problems = load_catalog(config)
    assert not problems.errors
    return catalog, config


@pytest.fixture(scope="module")
def kit(sample, tmp_path_factory):
    catalog, config = sample
    out = tmp_path_factory.mktemp("stamps")
    result = write_kit(catalog, config, out, sheet=SheetLayout(columns=2, rows=1))
    return result, out


def test_every_certified_product_and_batch_gets_both_sizes(kit, sample):
    result, _ = kit
    catalog, config = sample
    names = {(job.name, art.asked) for job, art in result.artworks}
    lots = [(p, b) for p in catalog.products for b in p.batches]
    assert len(lots) >= 6
    for product, batch in lots:
        assert (f"{product.id}-{batch.lot}", 20) in names and (f"{product.id}-{batch.lot}", 30) in names
    assert ("buoi-tan-trieu", 20) in names
    skipped = " ".join(result.skipped)
    for lapsed in ("ruou-sam-tien-vua", "mat-ong-tan-binh", "ruou-nep-my-xa"):
        assert lapsed in skipped and all(job.product.id != lapsed for job, _ in result.artworks)


def test_every_png_decodes_to_its_address_also_after_blur(kit, sample):
    result, out = kit
    catalog, _ = sample
    products = catalog.by_id()
    for job, art in result.artworks:
        product = products[job.product.id]
        expected = SITE_URL + (urls.lot(product, job.batch) if job.batch else urls.trace(product))
        assert not expected.endswith("/") or not product.gtin  # GS1 addresses: no trailing slash
        image = Image.open(out / product.id / f"{job.name}-{art.asked:g}mm.png")
        expected = code_text(expected)  # the host in capitals: the same address
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [expected]
        small = image.resize((image.width // 4, image.height // 4), Image.Resampling.BILINEAR)
        assert [r.text for r in zxingcpp.read_barcodes(small.filter(ImageFilter.GaussianBlur(0.6)))
                ] == [expected]


def test_every_sheet_decodes(kit):
    result, out = kit
    for job, art in result.artworks:
        pdf = pypdfium2.PdfDocument(out / job.product.id / f"{job.name}-{art.asked:g}mm-a4.pdf")
        image = pdf[0].render(scale=200 / 72, grayscale=True).to_pil()
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [art.code_text] * 2


def test_unchanged_stamps_come_from_the_cache(sample, tmp_path):
    catalog, config = sample
    config = replace(config, cache_dir=tmp_path / "cache")
    first = write_kit(catalog, config, tmp_path / "a", ids=["buoi-tan-trieu"])
    cached = sorted((tmp_path / "cache" / "stamps").iterdir())
    second = write_kit(catalog, config, tmp_path / "b", ids=["buoi-tan-trieu"])
    assert sorted((tmp_path / "cache" / "stamps").iterdir()) == cached
    for a, b in zip(first.written, second.written, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_named_product_and_lot(sample, tmp_path):
    catalog, config = sample
    result = write_kit(catalog, config, tmp_path, ids=["buoi-tan-trieu"], lots=["B2610"], sizes=(25,))
    assert [(job.name, art.asked) for job, art in result.artworks] == [("buoi-tan-trieu-B2610", 25)]
    assert sorted(p.name for p in (tmp_path / "buoi-tan-trieu").iterdir()) == [
        "buoi-tan-trieu-B2610-25mm-a4.pdf", "buoi-tan-trieu-B2610-25mm.png",
        "buoi-tan-trieu-B2610-25mm.svg"]


def test_several_lots_of_one_product(sample, tmp_path):
    catalog, config = sample
    result = write_kit(catalog, config, tmp_path, ids=["buoi-tan-trieu"], lots=["B2608", "B2610"],
                       sizes=(25,))
    assert [job.name for job, _ in result.artworks] == ["buoi-tan-trieu-B2608",
                                                         "buoi-tan-trieu-B2610"]


def test_the_command_line_takes_lots_repeated_or_with_commas(tmp_path):
    config = write_mkdocs_config(tmp_path, REPO / "products")
    base = [sys.executable, "-m", "site_builder.cli", "-f", str(config), "stamps", "buoi-tan-trieu",
            "--size", "30", "--as-of", AS_OF.isoformat(), "--draft"]
    for n, lots in enumerate((["--lot", "B2610,B2608"], ["--lot", "B2610", "--lot", "B2608"])):
        out = tmp_path / f"tem-{n}"
        done = subprocess.run([*base, *lots, "--out", str(out)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in (out / "buoi-tan-trieu").glob("*.svg")) == [
            "buoi-tan-trieu-B2608-30mm.svg", "buoi-tan-trieu-B2610-30mm.svg"]
    # an unknown lot among several: said with the product's lots, before anything is written
    refused = subprocess.run([*base, "--lot", "B2610,Z1,Z2", "--out", str(tmp_path / "no")],
                             capture_output=True, text=True)
    assert refused.returncode == 1 and not (tmp_path / "no").exists()
    assert "buoi-tan-trieu không có các lô 'Z1', 'Z2' (các lô: B2610, B2608)" in refused.stderr
    assert "has no lots 'Z1', 'Z2' (its lots: B2610, B2608)" in refused.stderr


@pytest.mark.parametrize("ids, lot, sizes, message", [
    (["khong-co"], None, (20,), "không có sản phẩm: khong-co"),
    (["ruou-sam-tien-vua"], None, (20,), "không có chứng nhận OCOP còn hiệu lực (đã thu hồi)"),
    (["buoi-tan-trieu"], "Z1", (20,), "không có lô 'Z1' (các lô: B2610, B2608)"),
    (["buoi-tan-trieu"], "B2610,Z1", (20,), "không có lô 'Z1' (các lô: B2610, B2608)"),
    (["buoi-tan-trieu"], "B2610", (20, 12), "tem 12 mm quá nhỏ"),
])
def test_refusals_write_nothing(sample, tmp_path, ids, lot, sizes, message):
    catalog, config = sample
    with pytest.raises(KitError, match=message.replace("(", r"\(").replace(")", r"\)")):
        write_kit(catalog, config, tmp_path / "out", ids=ids, lots=lot.split(",") if lot else [],
                  sizes=sizes)
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_placeholder_domain_unless_draft(tmp_path):
    config = write_mkdocs_config(tmp_path, REPO / "products", site_url="https://ocop.example.org/")
    command = [sys.executable, "-m", "site_builder.cli", "-f", str(config), "stamps",
               "buoi-tan-trieu", "--lot", "B2610", "--size", "30", "--out", str(tmp_path / "out"),
               "--as-of", AS_OF.isoformat()]
    refused = subprocess.run(command, capture_output=True, text=True)
    assert refused.returncode == 1 and "tên miền mẫu" in refused.stderr
    assert not (tmp_path / "out").exists()
    draft = subprocess.run(command + ["--draft"], capture_output=True, text=True)
    assert draft.returncode == 0, draft.stderr
    assert "BẢN NHÁP" in draft.stdout and "Đã ghi 3 tệp" in draft.stdout
    assert "DRAFT: the domain is not a real one yet" in draft.stdout
    assert "Wrote 3 files into" in draft.stdout


def test_a_stamp_too_small_for_the_gs1_address_carries_the_short_one(sample, tmp_path):
    """With short addresses on, a 15 × 17 mm label at 300 dpi carries '/T/<CODE>/' (a version
    2 code at 0.42 mm modules, against 0.34 mm for the GS1 address); a 30 mm stamp keeps the
    GS1 address; without them, the refusal names the setting."""
    catalog, config = sample
    short = replace(config, short_addresses=5)
    result = write_kit(catalog, short, tmp_path / "out", ids=["buoi-tan-trieu"], lots=["B2610"],
                       sizes=(StampSize(15, 17), 30), dpi=300)
    (job, small), (_, large) = result.artworks
    code = short_path("buoi-tan-trieu", "B2610", 5)
    assert job.url == SITE_URL + urls.lot(job.product, job.batch) and large.url == job.url
    assert small.url == job.short_url == SITE_URL + code and small.qr_version == 2
    assert small.module_dots == 5 and (small.dots, small.height_dots) == (177, 201)
    assert (tmp_path / "out" / "buoi-tan-trieu" / "buoi-tan-trieu-B2610-15x17mm.svg").is_file()
    with pytest.raises(KitError, match="short_addresses in mkdocs.yml"):
        write_kit(catalog, config, tmp_path / "off", ids=["buoi-tan-trieu"], sizes=(12,), dpi=300)


def test_the_command_says_which_stamps_leave_gs1_digital_link(tmp_path):
    config = write_mkdocs_config(tmp_path, REPO / "products")
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["plugins"][0]["ocop"]["short_addresses"] = 5
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), "stamps",
                           "buoi-tan-trieu", "--size", "15x17", "--size", "30", "--dpi", "300",
                           "--as-of", AS_OF.isoformat(), "--draft", "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    small = [line for line in lines if line.startswith("buoi-tan-trieu: 15x17 mm")]
    assert small and "/T/" in small[0] and "không phải GS1 Digital Link" in small[0]
    assert "not GS1 Digital Link" in small[0] and "cao 17.02 mm = 201 chấm" in small[0]
    assert "17.02 mm tall = 201 dots" in small[0]
    large = [line for line in lines if line.startswith("buoi-tan-trieu: 30 mm")]
    assert large and "/01/" in large[0] and "GS1" not in large[0]
    assert any("tills reading GS1 need the long address" in line for line in lines)


def test_a_15_mm_square_with_short_addresses_is_read_by_every_decoder(sample, tmp_path):
    """15 mm at 300 dpi with short addresses: each code at 0.42 mm modules (version 2), the mark
    under it, read by zbar, zxing-cpp and OpenCV from its files and after the simulated print."""
    catalog, config = sample
    result = write_kit(catalog, replace(config, short_addresses=5), tmp_path,
                       ids=["buoi-tan-trieu"], sizes=(15,), dpi=300)
    tools = print_check.decoders()
    assert len(result.artworks) == 3
    for job, art in result.artworks:
        assert (art.qr_version, art.module_dots) == (2, 5)
        assert [t.text for t in art.texts] == ["OCOP "] and len(art.polygons) == job.stars
        reading = print_check.read_stamp(tools, art)
        assert all(reading.files.values()) and all(reading.printed.values()), job.name


def test_stamps_under_a_comfortable_module_are_made_with_what_works_for_every_reader(
        tmp_path, capsys):
    """Without short addresses a GS1 lot address keeps 0.34 mm modules at 15 mm: the stamps are
    made (zbar and zxing-cpp read them), and the command says which size, or the setting,
    gives every reader its module."""
    args = ["-f", str(REPO / "mkdocs.yml"), "stamps", "buoi-tan-trieu", "--size", "15", "--dpi",
            "300", "--draft", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out")]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "2 stamps (15 mm) have QR modules under 0.42 mm" in out
    assert "use --size 15.7 or more" in out and "short_addresses in mkdocs.yml" in out
    assert "2 tem (15 mm) có ô mã QR dưới 0.42 mm" in out
    assert main([*args[:5], "20", *args[6:]]) == 0  # 20 mm: every module comfortable
    assert "under 0.42 mm" not in capsys.readouterr().out


def runs_of(art):
    """The stamp's dark runs as (row, first column, column after the last) of its matrix."""
    box, module = art.qr_box, art.module
    return [(round((r.y - box.y) / module), round((r.x - box.x) / module),
             round((r.x - box.x + r.w) / module)) for r in art.rects]


def test_codes_under_a_comfortable_module_take_the_masks_small_modules_read_best(sample, tmp_path):
    """12 × 14.5 mm at 300 dpi (0.34 mm modules, version 2): each code takes mask 2 or 6,
    whichever the standard's penalty prefers, and zbar and zxing-cpp read every one after the
    simulated print; a 30 mm stamp chooses among all eight (the least penalty that draws no
    false finder)."""
    catalog, config = sample
    short = replace(config, site_url="https://ocop.example.org/", short_addresses=5)
    result = write_kit(catalog, short, tmp_path, ids=["buoi-tan-trieu"],
                       sizes=(StampSize(12, 14.5), 30), dpi=300)
    tools = print_check.decoders()
    small = [art for _, art in result.artworks if art.label == "12x14.5"]
    assert len(small) == 3 and all(art.module_dots == 4 for art in small)
    for job, art in result.artworks:
        masks = qr.VERSION_2_SMALL_MASKS if art in small else qr.MASKS
        drawn = stamp_symbol(art.url, art.qr_level, art.qr_version, masks)
        assert runs_of(art) == list(qr.dark_runs(drawn.matrix())), job.name
        if art in small:
            assert art.qr_version == 2 and drawn.mask in (2, 6)
            reading = print_check.read_stamp(tools, art)
            assert reading.printed["zbar"] and reading.printed["zxing"], job.name
            assert all(reading.files.values()), job.name
