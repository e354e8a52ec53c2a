"""How long each kind of file may be kept (publishing/cache_lives.py), and the hosts' files
that say it in their own syntax. The servers' answers are checked address by address in
test_nginx.py, test_apache.py, test_cloudflare.py and test_object_storage.py."""

from __future__ import annotations

import pytest
from hosting import DEPLOY

from site_builder.publishing.cache_lives import DAY, SHORT, YEAR, cache_control, published


@pytest.mark.parametrize("path, life", [
    ("01/08936058120082.html", SHORT),  # a traceability page: its status can change any day
    ("du-lieu/products.json", SHORT),
    ("search/sort/moi.bin", SHORT),  # read with the search index, kept as long
    ("huy-hieu/buoi-tan-trieu.svg", SHORT),  # a badge states the validity
    ("qr/buoi-tan-trieu.svg", SHORT),  # a product that gains a GTIN gets a new code
    ("assets/ocop.css", SHORT),  # no hash in its name
    ("san-pham/buoi-tan-trieu/anh-1-480.webp", DAY),
    ("san-pham/buoi-tan-trieu/chia-se.jpg", DAY),
    ("tai-lieu/buoi-tan-trieu/B2610/phieu-thu-nghiem.pdf", DAY),
    ("assets/stylesheets/main.57a0d79d.min.css", YEAR),
    ("assets/javascripts/workers/search.a7633da7.min.js", YEAR),
    ("assets/javascripts/lunr/min/lunr.vi.min.js", SHORT),  # no hash
])
def test_each_kind_of_file_has_its_cache_life(path, life):
    assert cache_control(path) == life


def test_the_build_s_own_files_and_the_hosts_rules_are_never_published():
    for path in (".ocop-manifest.json", ".ocop-site", ".ocop-journal.json", ".htaccess",
                 "_redirects", "_headers", ".assetsignore", "nginx-redirects.map"):
        assert not published(path), path
    assert published("index.html") and published("san-pham/_redirects-like.html")


def test_the_shipped_files_say_the_same_lives():
    """nginx.conf, upload.sh and the Worker cannot import the module: their values, kept in
    step here (each is also run against every address of the built site)."""
    for name in ("nginx.conf", "upload.sh", "cloudflare-worker.js"):
        text = (DEPLOY / name).read_text(encoding="utf-8")
        for life in (SHORT, DAY, YEAR):
            assert life in text, (name, life)
