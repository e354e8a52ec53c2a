"""The rules files of each host, in its own syntax: moved short addresses of products that gained
a GTIN, the old PNG code addresses, cache lives and files never published, under the site's
root or a sub-path. (tests/publishing/test_nginx.py, test_apache.py and test_cloudflare.py run
them in the real servers.)"""

from __future__ import annotations

import re

import pytest

from site_builder.output.hosts import HOSTS, Redirect, forwards_by_rule
from site_builder.publishing.cache_lives import SHORT
from site_builder.publishing.rules import (
    QR_BY_PATTERN,
    RULES_FILE,
    moves_by_rule,
    rule_files,
)

MOVED = [Redirect("p/buoi-tan-trieu/", "01/08936058120082"),
         Redirect("p/ca-phe-xuan-loc/", "01/08936058120013")]


def text(host: str, moved=MOVED, base: str = "/", name: str | None = None) -> str:
    files = rule_files(HOSTS[host], moved, base)
    return files[name or RULES_FILE[host]].decode("utf-8")


def rules(content: str) -> list[str]:
    return [line for line in content.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("host", ["default", "github-pages", "object-storage", "gitlab"])
def test_hosts_with_rules_elsewhere_or_none_get_no_file(host):
    assert rule_files(HOSTS[host], MOVED, "/") == {}


def test_gitlab_keeps_forwarding_pages_since_its_redirects_drop_the_query():
    """gitlab-pages sends a _redirects match to the rule's target as written: GS1's ?17= on a
    moved address would be lost; a forwarding page carries it on."""
    assert not forwards_by_rule(HOSTS["gitlab"], len(MOVED))
    assert not moves_by_rule(HOSTS["gitlab"], MOVED)


def test_netlify_gets_one_rule_per_moved_address():
    assert rules(text("netlify")) == ["/p/buoi-tan-trieu/ /01/08936058120082 301",
                                      "/p/ca-phe-xuan-loc/ /01/08936058120013 301"]


def test_under_a_sub_path_every_path_has_it():
    assert rules(text("netlify", base="/ocop"))[0] == (
        "/ocop/p/buoi-tan-trieu/ /ocop/01/08936058120082 301")
    assert rules(text("cloudflare", base="/ocop/", name="_headers"))[0] == "/ocop/*"
    assert "RewriteBase /ocop/" in text("apache", base="ocop/")
    assert "ErrorDocument 404 /ocop/404.html" in text("apache", base="/ocop/")
    assert "/ocop/p/buoi-tan-trieu/ /ocop/01/08936058120082;" in text("nginx", base="/ocop/")


def test_cloudflare_lists_static_rules_before_dynamic_ones():
    """Cloudflare counts every rule after the first dynamic one as dynamic (100 at most)."""
    lines = rules(text("cloudflare"))
    assert lines == ["/p/buoi-tan-trieu/ /01/08936058120082 301",
                     "/p/ca-phe-xuan-loc/ /01/08936058120013 301",
                     "/p/:id /p/:id/ 301",
                     "/qr/:id.png /qr/:id.svg 301"]


def test_cloudflare_gets_cache_lives_and_keeps_the_build_s_files_unpublished():
    assert set(rule_files(HOSTS["cloudflare"], MOVED, "/")) == {
        "_redirects", "_headers", ".assetsignore"}
    headers = text("cloudflare", name="_headers")
    assert rules(headers)[:2] == ["/*", f"  Cache-Control: {SHORT}"]
    assert "/*.webp\n  ! Cache-Control\n  Cache-Control: public, max-age=86400" in headers
    assert rules(text("cloudflare", name=".assetsignore")) == ["/.ocop-*"]


def test_without_moved_addresses_only_patterns_are_written():
    assert rules(text("cloudflare", moved=[])) == ["/qr/:id.png /qr/:id.svg 301"]
    assert rule_files(HOSTS["netlify"], [], "/") == {}  # no pattern Netlify can say
    assert rules(text("nginx", moved=[])) == []  # still written: nginx.conf includes it
    apache = text("apache", moved=[])
    assert "[R=301,L]" in apache and "buoi-tan-trieu" not in apache


def test_more_moved_addresses_than_a_host_takes_leave_them_to_forwarding_pages():
    many = [Redirect(f"p/banh-trang-{i}/", f"01/0893605812{i:04d}") for i in range(2001)]
    assert not forwards_by_rule(HOSTS["cloudflare"], len(many))
    assert not moves_by_rule(HOSTS["cloudflare"], many)
    assert rules(text("cloudflare", moved=many)) == ["/qr/:id.png /qr/:id.svg 301"]
    assert len(rules(text("nginx", moved=many))) == 2 * 2001  # nginx takes them all


def test_a_host_with_pattern_rules_has_a_syntax_that_can_say_them():
    """hosts.py keeps the PNG codes off the site where a pattern answers '/qr/<id>.png'; a
    placeholder is a whole path segment on Netlify and GitLab Pages, so there it cannot."""
    wrong = sorted(name for name, host in HOSTS.items()
                   if host.pattern_rules and name not in QR_BY_PATTERN)
    assert wrong == [], f"set pattern_rules=False for {wrong} in output/hosts.py"


def test_apache_rules_in_the_order_they_must_apply():
    lines = rules(text("apache"))
    order = [next(i for i, line in enumerate(lines) if re.search(pattern, line))
             for pattern in (r"^RewriteEngine On$", r"^RewriteRule \^p/buoi-tan-trieu/\?\$",
                             r"^RewriteRule \^qr/", r"^RewriteRule \^\(\.\+\)/\$",
                             r"^RewriteRule \^\(\.\+\)\$ \$1\.html \[L\]$")]
    assert order == sorted(order)


def test_a_path_that_would_need_escaping_is_refused():
    with pytest.raises(ValueError, match="cannot be written as a redirect rule"):
        rule_files(HOSTS["netlify"], [Redirect("p/bánh tráng/", "01/08936058120020")])
    with pytest.raises(ValueError, match="không viết được"):
        rule_files(HOSTS["nginx"], [], "/ocop;/")
