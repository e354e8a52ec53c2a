"""The catalog on R2 behind the shipped ``deploy/cloudflare-worker.js``, run by node with an R2
binding that reads the sample site built with ``host: object-storage`` (each file's type as an
upload stored it)."""

from __future__ import annotations

import pytest
from hosting import DEPLOY, run_edge, sha256, site_for_host, upload

WORKER = DEPLOY / "cloudflare-worker.js"
EXPIRY = "17=270101"


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """What the Worker answers, by (path, query), at the root and under '/ocop/'."""
    site, moved = site_for_host(tmp_path_factory, "object-storage")
    lot = sorted(site.glob("01/*/10/*.html"))[0].relative_to(site).as_posix()[: -len(".html")]
    gtin = "/".join(lot.split("/")[:2])
    product = sorted(p.parent.name for p in site.glob("san-pham/*/index.html"))[0]
    short_lot = sorted(site.glob("p/*/*.html"))[0].relative_to(site).as_posix()[: -len(".html")]
    en_gtin = sorted(site.glob("en/01/*.html"))[0].relative_to(site).as_posix()[: -len(".html")]
    found = {"gtin": "/" + gtin, "lot": "/" + lot, "product": f"/san-pham/{product}/",
             "qr": f"/qr/{product}", "moved": "/" + moved[0].source,
             "flat": [f"/{short_lot.rpartition('/')[0]}/", f"/{short_lot}/", f"/{en_gtin}/"]}
    asked = [(found["gtin"], EXPIRY), (found["lot"], ""), (found["gtin"] + "/", EXPIRY),
             (found["product"], ""), (found["product"].rstrip("/"), "q=c%C3%A0+ph%C3%AA"),
             (found["qr"] + ".png", ""), (found["qr"] + ".svg", ""), (found["moved"], ""),
             ("/khong-co-trang-nay/", ""), ("/du-lieu/places.geojson", ""),
             ("/assets/stylesheets/" + next((site / "assets/stylesheets").glob("main.*.min.css")).name, ""),
             *((path, EXPIRY) for path in found["flat"])]
    types = {key: o.content_type for key, o in upload(site).items() if o.content_type}
    results = {}
    for base in ("/", "/ocop/"):
        requests = [{"uri": base + path[1:], "query": query} for path, query in asked]
        prefixed = {("ocop/" if base != "/" else "") + key: t for key, t in types.items()}
        # Under a sub-path the bucket holds the site under 'ocop/': the node harness reads
        # keys from a folder, so the site is given one level up with the types prefixed.
        root = site if base == "/" else _nested(tmp_path_factory, site)
        out = run_edge("worker", WORKER, {"base": base, "site": str(root), "types": prefixed,
                                          "requests": requests})
        results.update({(r["uri"], r["query"]): a for r, a in zip(requests, out, strict=True)})
    return site, found, results


def _nested(tmp_path_factory, site):
    root = tmp_path_factory.mktemp("r2-prefixed")
    (root / "ocop").symlink_to(site, target_is_directory=True)
    return root


def file_hash(site, path: str) -> str:
    return sha256((site / path).read_bytes())


def test_a_gs1_address_answers_with_its_page_without_a_redirect(answers):
    site, found, results = answers
    answer = results[(found["gtin"], EXPIRY)]
    assert answer["status"] == 200 and "location" not in answer["headers"]
    assert answer["sha256"] == file_hash(site, found["gtin"][1:] + ".html")
    assert answer["headers"]["content-type"] == "text/html"
    assert answer["headers"]["cache-control"] == "public, max-age=300"
    assert results[(found["lot"], "")]["sha256"] == file_hash(site, found["lot"][1:] + ".html")


def test_traceability_pages_with_a_slash_answer_from_one_file_each(answers):
    """'/p/<id>/', its lots and '/en/01/<GTIN>/' are 'x.html' for object storage."""
    site, found, results = answers
    for path in found["flat"]:
        answer = results[(path, EXPIRY)]
        assert answer["status"] == 200 and "location" not in answer["headers"], path
        assert answer["sha256"] == file_hash(site, path[1:-1] + ".html")


def test_redirects_keep_the_query(answers):
    _, found, results = answers
    assert results[(found["gtin"] + "/", EXPIRY)]["headers"]["location"] == (
        f"{found['gtin']}?{EXPIRY}")
    bare = results[(found["product"].rstrip("/"), "q=c%C3%A0+ph%C3%AA")]
    assert (bare["status"], bare["headers"]["location"]) == (
        301, found["product"] + "?q=c%C3%A0+ph%C3%AA")


def test_folders_old_png_codes_and_moved_addresses(answers):
    site, found, results = answers
    assert results[(found["product"], "")]["sha256"] == file_hash(
        site, found["product"][1:] + "index.html")
    png = results[(found["qr"] + ".png", "")]
    assert (png["status"], png["headers"]["location"]) == (301, found["qr"] + ".svg")
    svg = results[(found["qr"] + ".svg", "")]
    assert svg["status"] == 200 and svg["headers"]["content-type"] == "image/svg+xml"
    assert results[(found["moved"], "")]["status"] == 200  # the forwarding page


def test_a_missing_address_gets_the_404_page(answers):
    site, _, results = answers
    answer = results[("/khong-co-trang-nay/", "")]
    assert answer["status"] == 404 and answer["sha256"] == file_hash(site, "404.html")


def test_types_and_cache_lives(answers):
    _, _, results = answers
    assert results[("/du-lieu/places.geojson", "")]["headers"]["content-type"] == (
        "application/geo+json")
    css = next(a for (path, _), a in results.items() if path.startswith("/assets/stylesheets/"))
    assert css["headers"]["cache-control"] == "public, max-age=31536000, immutable"


def test_under_a_sub_path_the_same_addresses_answer(answers):
    site, found, results = answers
    page = results[("/ocop" + found["gtin"], EXPIRY)]
    assert page["status"] == 200
    assert page["sha256"] == file_hash(site, found["gtin"][1:] + ".html")
    assert results[("/ocop" + found["qr"] + ".png", "")]["headers"]["location"] == (
        "/ocop" + found["qr"] + ".svg")
    missing = results[("/ocop/khong-co-trang-nay/", "")]
    assert missing["status"] == 404 and missing["sha256"] == file_hash(site, "404.html")
