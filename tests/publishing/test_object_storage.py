"""The catalog on object storage behind a CDN, as a phone reaches it: the sample site built with
``host: object-storage``, uploaded the way ``aws s3 sync`` uploads (a type per file chosen at
upload), served by a local server that behaves like S3 website hosting, with every request first
passed through the shipped ``deploy/cloudfront-function.js``, run by node."""

from __future__ import annotations

from pathlib import Path

import pytest
from hosting import DEPLOY, cloudfront, get, run_edge, s3_website, serve, site_for_host, upload

from site_builder.publishing.content_types import (
    CONTENT_TYPES,
    UPLOAD_TYPES,
    acceptable,
    guessed_type,
    upload_type,
)

FUNCTION = DEPLOY / "cloudfront-function.js"
EXPIRY = "17=270101"  # GS1 Digital Link: the expiry date printed beside the code


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return site_for_host(tmp_path_factory, "object-storage")[0]


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> list:
    return site_for_host(tmp_path_factory, "object-storage")[1]


def addresses(site: Path, moved: list) -> dict[str, str]:
    """Addresses of the sample, by what they are."""
    lot_page = sorted(site.glob("01/*/10/*.html"))[0].relative_to(site).as_posix()
    gtin = lot_page.split("/")[1]
    product = sorted(p.parent.name for p in site.glob("san-pham/*/index.html"))[0]
    short_lot = sorted(site.glob("p/*/*.html"))[0].relative_to(site).as_posix()
    en_gtin = sorted(site.glob("en/01/*.html"))[0].relative_to(site).as_posix()
    return {"gtin": f"/01/{gtin}", "lot": "/" + lot_page[: -len(".html")],
            "product": f"/san-pham/{product}/", "qr": f"/qr/{product}",
            "moved": "/" + moved[0].source, "moved_to": moved[0].target,
            "short": "/" + short_lot.rpartition("/")[0] + "/",
            "short_lot": "/" + short_lot[: -len(".html")] + "/",
            "en_gtin": "/" + en_gtin[: -len(".html")] + "/"}


REQUESTS = [  # (path, query), each (also with the sub-path /ocop/ in front) passed to the function
    ("{gtin}", EXPIRY), ("{gtin}", ""), ("{lot}", ""), ("{lot}", EXPIRY + "&10=X"),
    ("{gtin}/", EXPIRY), ("{product}", ""), ("{product_bare}", "q=b%C3%A1nh+tr%C3%A1ng"),
    ("{qr}.png", ""), ("{qr}.svg", ""), ("{moved}", ""), ("/khong-co-trang-nay/", ""),
    ("/", ""), ("/du-lieu/places.geojson", ""), ("/01/08936058120099/10/B26.10", ""),
    ("{short}", EXPIRY), ("{short_lot}", EXPIRY), ("{en_gtin}", EXPIRY),
]


@pytest.fixture(scope="module")
def edge(site, moved):
    """The function's answer to every request of this module, from one node process, at the
    site's root and with BASE set to '/ocop/'."""
    found = addresses(site, moved)
    found["product_bare"] = found["product"].rstrip("/")
    asked = [(p.format(**found), q) for p, q in REQUESTS]
    results = {}
    for base in ("/", "/ocop/"):
        requests = [{"uri": base + p[1:], "query": q} for p, q in asked]
        if base != "/":
            requests.append({"uri": base.rstrip("/"), "query": ""})
        answers = run_edge("cloudfront", FUNCTION, {"base": base, "requests": requests})
        results.update({(r["uri"], r["query"]): a for r, a in zip(requests, answers, strict=True)})
    return found, results


@pytest.fixture(scope="module")
def cdn(site, edge):
    """The local CloudFront + S3 website, with the site at the bucket's root."""
    bucket = upload(site)
    origin = lambda path, query: s3_website(bucket, path, "404.html")  # noqa: E731
    with serve(cloudfront(edge[1], origin)) as base:
        yield edge[0], base


def test_a_gs1_address_answers_with_its_page_and_keeps_the_query(site, cdn):
    found, base = cdn
    answer = get(base, f"{found['gtin']}?{EXPIRY}")
    assert answer.status == 200 and answer.location is None
    assert answer.body == (site / (found["gtin"][1:] + ".html")).read_bytes()
    assert answer.headers["content-type"] == "text/html"


def test_the_function_keeps_the_query_string_for_the_page(edge):
    found, results = edge
    assert results[(found["gtin"], EXPIRY)] == {"uri": found["gtin"] + ".html", "query": EXPIRY}
    # JavaScript lists numeric names (GS1 AIs) first: the order may change, never the content.
    kept = results[(found["lot"], EXPIRY + "&10=X")]["query"]
    assert sorted(kept.split("&")) == ["10=X", EXPIRY]


def test_a_batch_address_answers_with_its_page(site, cdn):
    found, base = cdn
    answer = get(base, found["lot"])
    assert answer.status == 200
    assert answer.body == (site / (found["lot"][1:] + ".html")).read_bytes()
    # The product with batches is a folder too (01/<GTIN>/10/...): the page still answers.
    assert (site / found["gtin"][1:]).is_dir()
    assert get(base, found["gtin"]).status == 200


def test_a_lot_code_with_a_dot_is_still_a_page(edge):
    assert edge[1][("/01/08936058120099/10/B26.10", "")]["uri"] == (
        "/01/08936058120099/10/B26.10.html")


def test_a_gs1_address_asked_with_a_slash_is_sent_to_the_address_without(cdn):
    found, base = cdn
    answer = get(base, f"{found['gtin']}/?{EXPIRY}")
    assert (answer.status, answer.location) == (301, f"{found['gtin']}?{EXPIRY}")


def test_a_folder_page_answers_at_its_address(site, cdn):
    found, base = cdn
    answer = get(base, found["product"])
    assert answer.status == 200
    assert answer.body == (site / found["product"][1:] / "index.html").read_bytes()
    assert get(base, "/").body == (site / "index.html").read_bytes()


def test_traceability_pages_with_a_slash_answer_from_one_file_each(site, cdn):
    """``host: object-storage`` writes '/p/<id>/', its lots and the other languages' GS1 pages
    as 'x.html' (no folder of their own); the function answers the address from it."""
    found, base = cdn
    for address in (found["short"], found["short_lot"], found["en_gtin"]):
        assert not (site / address[1:] / "index.html").exists()
        answer = get(base, address + f"?{EXPIRY}")
        assert answer.status == 200, address
        assert answer.body == (site / (address[1:-1] + ".html")).read_bytes()


def test_a_folder_asked_without_its_slash_is_sent_to_it_with_the_query(cdn):
    """S3 website hosting alone would answer 302 to the folder (and only on its website
    endpoint, not behind Origin Access Control); the function answers first, 301."""
    found, base = cdn
    answer = get(base, f"{found['product_bare']}?q=b%C3%A1nh+tr%C3%A1ng")
    assert (answer.status, answer.location) == (
        301, f"{found['product']}?q=b%C3%A1nh+tr%C3%A1ng")


def test_a_missing_address_answers_404_with_the_site_s_page(site, cdn):
    _, base = cdn
    answer = get(base, "/khong-co-trang-nay/")
    assert answer.status == 404
    assert answer.body == (site / "404.html").read_bytes()


def test_an_old_png_code_address_is_sent_to_the_svg(site, cdn):
    found, base = cdn
    answer = get(base, found["qr"] + ".png")
    assert (answer.status, answer.location) == (301, found["qr"] + ".svg")
    svg = get(base, answer.location)
    assert svg.status == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert svg.body == (site / (found["qr"][1:] + ".svg")).read_bytes()


def test_a_moved_short_address_still_answers(cdn):
    """Object storage keeps forwarding pages: a rule table would not fit in the function."""
    found, base = cdn
    answer = get(base, found["moved"])
    assert answer.status == 200
    assert found["moved_to"].encode() in answer.body


def test_without_the_function_s3_cannot_answer_a_gs1_address(site, cdn):
    """Why the function is needed: S3 has no object '01/<GTIN>' (the page is '01/<GTIN>.html')."""
    found, _ = cdn
    bucket = upload(site)
    assert s3_website(bucket, found["gtin"], "404.html").status == 404
    assert s3_website(bucket, found["product"].rstrip("/"), "404.html").status == 302


def test_under_a_sub_path_the_same_addresses_answer(site, edge):
    found, results = edge
    bucket = upload(site, prefix="ocop/")
    origin = lambda path, query: s3_website(bucket, path, "ocop/404.html")  # noqa: E731
    with serve(cloudfront(results, origin)) as base:
        assert get(base, f"/ocop{found['gtin']}?{EXPIRY}").status == 200
        assert get(base, f"/ocop{found['lot']}").status == 200
        assert get(base, "/ocop/").body == (site / "index.html").read_bytes()
        assert get(base, "/ocop").location == "/ocop/"
        assert get(base, f"/ocop{found['qr']}.png").location == f"/ocop{found['qr']}.svg"
        missing = get(base, "/ocop/khong-co-trang-nay/")
        assert missing.status == 404 and missing.body == (site / "404.html").read_bytes()


def test_the_function_fits_cloudfront_s_size_limit():
    assert FUNCTION.stat().st_size < 10 * 1024  # CloudFront Functions: 10 KB of code


# Content types, chosen at upload.

@pytest.mark.parametrize("extension", sorted(CONTENT_TYPES))
def test_every_kind_of_file_gets_its_type_when_uploaded_as_documented(extension):
    assert acceptable("x" + extension, upload_type("x" + extension)), extension


def test_the_documented_types_are_those_python_s_table_lacks():
    """Without them a plain ``aws s3 sync`` (on a system with no /etc/mime.types) stores these
    as binary/octet-stream; each documented one is needed by some Python release."""
    lacking = {ext for ext in CONTENT_TYPES if not acceptable("x" + ext, guessed_type("x" + ext))}
    assert lacking <= set(UPLOAD_TYPES)
    assert set(UPLOAD_TYPES) <= set(CONTENT_TYPES)


def test_every_file_of_the_built_site_is_stored_with_a_right_type(site):
    bucket = upload(site)
    wrong = {key: o.content_type for key, o in bucket.items()
             if not acceptable(key, o.content_type)}
    assert wrong == {}
    kinds = {Path(key).suffix for key in bucket if Path(key).suffix}
    assert kinds <= set(CONTENT_TYPES), kinds - set(CONTENT_TYPES)


def test_the_upload_script_and_the_readme_pass_the_documented_types():
    script = (DEPLOY / "upload.sh").read_text(encoding="utf-8")
    readme = " ".join((DEPLOY.parent / "README.md").read_text(encoding="utf-8").split())
    for extension, content_type in UPLOAD_TYPES.items():
        assert f"{extension[1:]}={content_type}" in script, extension
        assert f"`{extension}` as `{content_type}`" in readme, extension
