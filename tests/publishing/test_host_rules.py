"""The rules files of each host, in its own syntax: moved short addresses of products that gained
a GTIN, the old PNG code addresses, cache lives and files never published, under the site's
root or a sub-path. (tests/publishing/test_nginx.py, test_apache.py and test_cloudflare.py run
them in the real servers.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.hosts import HOSTS, Redirect
from site_builder.publishing.cache_lives import SHORT
from site_builder.publishing.resolver_table import ResolverTable
from site_builder.publishing.rules import WRITERS, moves_by_rule, rule_files

REPO = Path(__file__).resolve().parents[2]

MOVED = [Redirect("p/buoi-tan-trieu/", "01/08936058120082"),
         Redirect("p/ca-phe-xuan-loc/", "01/08936058120013")]


def text(host: str, moved=MOVED, base: str = "/", name: str | None = None) -> str:
    files = rule_files(HOSTS[host], moved, base)
    rules_file = HOSTS[host].rules
    assert rules_file is not None
    return files[name or rules_file.moved_in].decode("utf-8")


def rules(content: str) -> list[str]:
    return [line for line in content.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("host", ["default", "github-pages", "object-storage", "gitlab"])
def test_hosts_with_rules_elsewhere_or_none_get_no_file(host):
    assert rule_files(HOSTS[host], MOVED, "/") == {}


def test_gitlab_keeps_forwarding_pages_since_its_redirects_drop_the_query():
    """gitlab-pages sends a _redirects match to the rule's target as written: GS1's ?17= on a
    moved address would be lost; a forwarding page carries it on."""
    assert not HOSTS["gitlab"].forwards_by_rule(len(MOVED))
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
    assert not HOSTS["cloudflare"].forwards_by_rule(len(many))
    assert not moves_by_rule(HOSTS["cloudflare"], many)
    assert rules(text("cloudflare", moved=many)) == ["/qr/:id.png /qr/:id.svg 301"]
    assert len(rules(text("nginx", moved=many))) == 2 * 2001  # nginx takes them all


def test_a_host_that_answers_old_png_codes_by_a_pattern_has_somewhere_to_say_it():
    """hosts.py keeps the PNG codes off the site where a pattern answers '/qr/<id>.png': the
    host's rules file says it, or what it deploys (nginx.conf, the CDN functions)."""
    for host in HOSTS.values():
        said = "".join(f.decode() for f in rule_files(host, [], "/").values())
        said += "".join((REPO / f).read_text(encoding="utf-8") for f in host.deploy)
        assert host.qr_by_pattern == bool(re.search(r"qr/.*png", said)), host.name


def test_every_rules_syntax_has_a_writer_that_writes_only_its_declared_files():
    """A host's Host.rules is all it takes to get its rules file: the writer of that syntax,
    which writes no file the syntax does not declare (hosts.py)."""
    table = ResolverTable("https://ocop.khanhhoa.gov.vn/", ("vi", "en"),
                          (("08936058120082", "buoi-tan-trieu"),))
    for host in HOSTS.values():
        if host.rules is None:
            continue
        assert host.rules in WRITERS, host.name
        written = rule_files(host, MOVED, "/", table if host.resolver else None)
        assert host.rules.moved_in in host.rules.files
        assert set(written) <= set(host.rules.files), host.name
        if host.forwards_by_rule(len(MOVED)):
            assert "buoi-tan-trieu" in written[host.rules.moved_in].decode(), host.name


def test_every_file_of_deploy_belongs_to_a_host_and_each_named_one_exists():
    named = {f for host in HOSTS.values() for f in host.deploy}
    assert all((REPO / f).is_file() for f in named), sorted(named)
    shipped = {p.relative_to(REPO).as_posix() for p in (REPO / "deploy").rglob("*")
               if p.is_file()}
    assert shipped <= named, sorted(shipped - named)


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
