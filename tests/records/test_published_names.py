"""Names that become published paths (issue 18, items 1 to 3): a document is published under a
name the project makes, with the extension of its checked content; no name from a record with
a control character or a reserved name (``.htaccess``, ``_redirects``, ``index.html``...) ever
becomes a path of the site; every refusal is a ``file:line: field:`` message."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PIL import Image
from support.records import record, write_record
from support.sites import AS_OF, write_mkdocs_config

from site_builder.mkdocs.build import BuildError, build_site
from site_builder.records.validate import load_catalog

SCRIPT_PDF = b"%PDF-1.4\n<script>document.title='pwned'</script>\n"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def lot(**changes):
    base = {"lot": "B2610", "produced": "2026-10-05", "best_before": "2027-04-05"}
    base.update(changes)
    return base


def with_documents(products, *files: tuple[str, bytes], titles=None):
    """The base record with one lot whose documents are ``files`` (name, bytes) in its folder."""
    folder = products / "nho-say-nhon-son"
    (folder / "lo-B2610").mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (folder / "lo-B2610" / name).write_bytes(data)
    titles = titles or [f"Tài liệu {i + 1}" for i in range(len(files))]
    docs = [{"title": title, "file": f"lo-B2610/{name}"}
            for title, (name, _) in zip(titles, files, strict=True)]
    return write_record(products, record(batches=[lot(documents=docs)]))


def errors_by_field(site_config):
    _, problems = load_catalog(site_config)
    return {p.field: p for p in problems.errors}


def test_a_document_whose_name_is_not_its_content_is_refused(site_config, products):
    """'ket-qua.html' holding a PDF's first bytes then a script was published as text/html,
    linked from the lot page, and Chromium ran the script."""
    path = with_documents(products, ("ket-qua.html", SCRIPT_PDF), ("scan.png", PDF),
                          ("anh.jpg", PDF), ("ghi-chu.txt", b"%PDF-1.4\n"))
    found = errors_by_field(site_config)
    assert set(found) == {f"batches[0].documents[{i}].file" for i in range(4)}
    html = found["batches[0].documents[0].file"]
    assert "'lo-B2610/ket-qua.html'" in html.message.vi and ".pdf, .jpg, .jpeg" in html.message.vi
    assert ".pdf, .jpg, .jpeg or .png" in html.message.en
    png = found["batches[0].documents[1].file"]
    assert "nội dung là PDF" in png.message.vi and "its content is PDF" in png.message.en
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "ket-qua.html" in lines[html.line - 1]


def test_ocop_check_and_build_refuse_the_script_document(tmp_path):
    products = tmp_path / "products"
    with_documents(products, ("ket-qua.html", SCRIPT_PDF))
    config = write_mkdocs_config(tmp_path, products)
    run = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), "check",
                          "--as-of", AS_OF.isoformat()], capture_output=True, text=True,
                         cwd=tmp_path, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "products/nho-say-nhon-son/product.yml:" in run.stdout
    assert "batches[0].documents[0].file: lỗi: tài liệu 'lo-B2610/ket-qua.html'" in run.stdout
    with pytest.raises(BuildError):
        build_site(config, as_of=AS_OF)
    assert not (tmp_path / "site").exists()


def test_a_document_is_published_under_a_name_the_project_makes(tmp_path):
    """Whatever the producer called the file, the site publishes '<position>-<title>.<type>',
    the extension that of the content checked."""
    products = tmp_path / "products"
    with_documents(products, ("Phiếu KQ (bản chụp).PDF", PDF), ("index.jpeg", _jpeg()),
                   titles=["Phiếu kết quả thử nghiệm dư lượng thuốc bảo vệ thực vật", "Ảnh"])
    site = build_site(write_mkdocs_config(tmp_path, products), as_of=AS_OF).site_dir
    folder = site / "tai-lieu" / "nho-say-nhon-son" / "B2610"
    assert sorted(p.name for p in folder.iterdir()) == [
        "1-phieu-ket-qua-thu-nghiem-du-luong-thuoc.pdf", "2-anh.jpg"]
    assert (folder / "1-phieu-ket-qua-thu-nghiem-du-luong-thuoc.pdf").read_bytes() == PDF
    page = (site / "p/nho-say-nhon-son/B2610/index.html").read_text(encoding="utf-8")
    assert 'href="../../../tai-lieu/nho-say-nhon-son/B2610/2-anh.jpg"' in page
    assert "index.jpeg" not in page and "bản chụp" not in page


def _jpeg() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["phieu\nindex.html", "phieu\rindex.pdf", "phieu\x00.pdf",
                                  "phieu\u2028index.pdf", "phieu\u202egpj.pdf"])
def test_a_document_name_with_a_control_character_is_refused(site_config, products, name):
    """Removed later, 'phieu\\nindex.html' was written on two lines of the deleted list, and
    the upload deleted the bucket's own index.html."""
    if "\x00" in name:  # no file system takes it: the record names it all the same
        write_record(products, record(batches=[lot(documents=[
            {"title": "Phiếu", "file": f"lo-B2610/{name}"}])]))
    else:
        with_documents(products, (name, PDF))
    found = errors_by_field(site_config)
    problem = found["batches[0].documents[0].file"]
    assert "ký tự điều khiển" in problem.message.vi and "control character" in problem.message.en
    # The name is shown with its control characters written out, on one line.
    assert "\n" not in problem.format() and "\r" not in problem.format()
    assert "\u2028" not in problem.format() and "\u202e" not in problem.format()


@pytest.mark.parametrize("name", [".htaccess", "_redirects", ".ocop-manifest.json", "index.html",
                                  "_headers", "_worker.js", ".well-known"])
def test_reserved_names_are_never_published_as_documents(site_config, products, name):
    """A '.htaccess' document was published on the Apache layout: every file of the lot then
    answered 500. A host's reserved name is not a PDF, JPEG or PNG name either."""
    with_documents(products, (name, PDF))
    assert "batches[0].documents[0].file" in errors_by_field(site_config)


@pytest.mark.parametrize("name", ["anh\n1.jpg", "anh\r.jpg", "anh\t1.jpg", "anh\x7f.jpg"])
def test_a_photo_name_with_a_control_character_is_refused(site_config, products, name):
    folder = products / "nho-say-nhon-son"
    folder.mkdir(parents=True)
    Image.new("RGB", (40, 30)).save(folder / name, "JPEG")
    write_record(products, record(photos=[{"file": name}]), photo=False)
    problem = errors_by_field(site_config)["photos[0].file"]
    assert "ký tự điều khiển" in problem.message.vi
    assert "\n" not in problem.format() and "\r" not in problem.format()


def test_photos_are_published_under_a_name_the_project_makes(tmp_path):
    """A photo's published name is a plain slug of its file name: no dot-file, no space, no
    letter a host or a change list could read otherwise."""
    products = tmp_path / "products"
    folder = products / "nho-say-nhon-son"
    folder.mkdir(parents=True)
    for name in (".htaccess.jpg", "Ảnh túi nho 200g.JPG", "_redirects.png"):
        Image.new("RGB", (40, 30)).save(folder / name)
    write_record(products, record(photos=[{"file": ".htaccess.jpg"},
                                          {"file": "Ảnh túi nho 200g.JPG"},
                                          {"file": "_redirects.png"}]), photo=False)
    site = build_site(write_mkdocs_config(tmp_path, products), as_of=AS_OF).site_dir
    media = site / "san-pham" / "nho-say-nhon-son"
    photos = sorted(p.name for p in media.iterdir() if p.suffix == ".webp")
    assert photos == ["anh-tui-nho-200g-480.webp", "htaccess-480.webp", "redirects-480.webp"]
    assert not [p for p in site.rglob(".htaccess*")]


def test_two_photos_published_under_one_name_are_named_at_the_record(site_config, products):
    folder = products / "nho-say-nhon-son"
    folder.mkdir(parents=True)
    Image.new("RGB", (40, 30)).save(folder / "Anh 1.jpg")
    Image.new("RGB", (40, 30)).save(folder / "anh-1.png")
    path = write_record(products, record(photos=[{"file": "Anh 1.jpg"}, {"file": "anh-1.png"}]),
                        photo=False)
    problem = errors_by_field(site_config)["photos[1].file"]
    assert "'Anh 1.jpg'" in problem.message.vi and "anh-1" in problem.message.vi
    assert "anh-1.png" in path.read_text(encoding="utf-8").splitlines()[problem.line - 1]


@pytest.mark.parametrize("code", ["index", "INDEX", "index.html", "404", "404.html"])
def test_a_lot_code_that_would_publish_a_reserved_name_is_refused(site_config, products, code):
    """A lot's page is 'p/<id>/<lot>.html' on nginx and object storage: lot 'index' would be
    the product folder's index page."""
    write_record(products, record(batches=[lot(lot=code)]))
    problem = errors_by_field(site_config)["batches[0].lot"]
    assert f"'{code}'" in problem.message.vi and "hosts reserve" in problem.message.en
