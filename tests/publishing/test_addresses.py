"""The list of addresses the server tests ask (addresses.py) covers the whole build: nothing
chosen by hand can fall out of it."""

from __future__ import annotations

from addresses import EXPIRY, UNKNOWN_LOT, every_address
from hosting import built_site

from site_builder.domain.gtin import gtin14
from site_builder.output.writer import Manifest
from site_builder.render.views import Urls


def test_every_file_code_moved_and_unknown_address_is_asked(tmp_path_factory):
    built = built_site(tmp_path_factory, "nginx", "/")
    asked = {e.asked: e for e in every_address(built)}
    manifest = Manifest.read(built.site)
    assert manifest is not None
    answered = {e.file for e in asked.values()}
    assert manifest.all_files() <= answered  # every file, served or refused
    assert asked["/"].file == "index.html" and asked["/"].ends == {"/"}
    urls = Urls("")
    for product in built.catalog.products:
        trace = "/" + urls.trace(product)
        assert any(a.startswith(trace + "?17=") for a in asked), trace
        for batch in product.batches:
            expiry = batch.expires.strftime("%y%m%d") if batch.expires else EXPIRY
            assert f"/{urls.lot(product, batch)}?17={expiry}" in asked
        unknown = (f"/01/{gtin14(product.gtin)}/10/{UNKNOWN_LOT}?17={EXPIRY}" if product.gtin
                   else f"/{urls.short_trace(product)}{UNKNOWN_LOT}/")
        assert asked[unknown].status == 404 and asked[unknown].file == "404.html"
    for move in built.moved:
        found = asked[f"/{move.source}?17={EXPIRY}"]
        assert found.permanent and found.ends == {"/" + move.target}
    never = {e.asked for e in asked.values() if e.status == 403}
    assert {"/.ocop-manifest.json", "/.ocop-site", "/nginx-redirects.map"} <= never
    # a flat page is asked at its address and without its slash, never at its file's name
    flat = next(p for p in manifest.all_files() if p.startswith("p/") and p.count("/") == 1)
    address = "/" + flat[: -len(".html")] + "/"
    assert asked[address].file == flat and "/" + flat not in asked
    assert asked[address[:-1] + "?q=c%C3%A0+ph%C3%AA"].ends == {address}
