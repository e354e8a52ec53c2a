"""The catalog's settings, declared once (config.OPTIONS) and checked like records: every problem
of the ocop block of mkdocs.yml at once, each at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support.records import record, write_record
from support.sites import write_mkdocs_config

from site_builder.cli import main
from site_builder.config import OPTIONS, SiteConfig, settings_from
from site_builder.hosts import HOSTS
from site_builder.mkdocs.plugin import OcopPluginConfig


def test_the_plugin_options_are_the_declared_settings():
    assert {name for name, _ in OcopPluginConfig._schema} == {o.name for o in OPTIONS}


def test_each_option_fills_a_field_of_the_settings():
    """An option names the SiteConfig field its parser fills (a field of a field after a dot);
    only the two the MkDocs edge reads itself fill none."""
    fields = SiteConfig.__dataclass_fields__
    for option in OPTIONS:
        if option.field is None:
            assert option.name in ("templates_dir", "shell"), option.name
            continue
        outer, _, inner = option.field.partition(".")
        assert outer in fields, option.name
        if inner:
            assert inner in fields[outer].default_factory.__dataclass_fields__, option.name


def test_a_host_is_resolved_once_into_its_object(tmp_path):
    site, problems = settings_from({"host": "nginx"}, root=tmp_path, source=tmp_path / "mkdocs.yml",
                                   site_url="https://ocop.khanhhoa.gov.vn/", site_name="OCOP",
                                   languages_known=("vi", "en"))
    assert problems == [] and site is not None
    assert site.host is HOSTS["nginx"] and site.host.flat_trace
    _, problems = settings_from({"host": "ngnix"}, root=tmp_path, source=tmp_path / "mkdocs.yml",
                                site_url="", site_name="OCOP", languages_known=("vi", "en"))
    [problem] = problems
    assert (problem.option, problem.code) == ("host", "host_unknown")
    assert "nginx" in problem.message.en and "ngnix" in problem.message.vi


def test_short_addresses_take_none_or_four_to_eight_characters(tmp_path):
    def read(length):
        return settings_from({"short_addresses": length}, root=tmp_path,
                             source=tmp_path / "mkdocs.yml", site_url="https://ocop.khanhhoa.gov.vn/",
                             site_name="OCOP", languages_known=("vi", "en"))
    for length in (0, 4, 8):
        site, problems = read(length)
        assert problems == [] and site is not None and site.short_addresses == length
    [problem] = read(2)[1]
    assert (problem.option, problem.code) == ("short_addresses", "short_addresses_length")
    assert "4 đến 8" in problem.message.vi and "clash" in problem.message.en
    assert [p.option for p in read(9)[1]] == ["short_addresses"]


def test_defaults_give_the_default_settings(tmp_path):
    site, problems = settings_from({}, root=tmp_path, source=tmp_path / "mkdocs.yml",
                                   site_url="https://ocop.khanhhoa.gov.vn/", site_name="OCOP",
                                   languages_known=("vi", "en"))
    assert problems == [] and site is not None
    plain = SiteConfig(products_dir=(tmp_path / "products").resolve())
    assert (site.rules, site.languages, site.share_images) == (plain.rules, plain.languages,
                                                               plain.share_images)


def test_every_wrong_setting_is_reported_at_its_line_at_once(tmp_path: Path, capsys):
    (tmp_path / "products").mkdir()
    config = write_mkdocs_config(tmp_path, tmp_path / "products")
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"][0]["ocop"].update({"validity_months": "ba mươi sáu", "grace_days": 900,
                                       "languages": ["en"], "as_of": "22/11/2026",
                                       "ocop_offise": {}})
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lines = config.read_text(encoding="utf-8").splitlines()
    assert main(["-f", str(config), "check"]) == 1
    err = capsys.readouterr().err
    for name in ("validity_months", "grace_days", "languages", "as_of", "ocop_offise"):
        line = next(i for i, text in enumerate(lines, 1) if text.strip().startswith(name + ":"))
        assert f"mkdocs.yml:{line}: plugins.ocop.{name}: lỗi:" in err, name
    assert "Traceback" not in err


# --- site_url (issue 18, item 8): checked once, before any address or QR code is made -------

BAD_SITE_URLS = {
    "vietnamese": "https://ocop.khanhhoa.gov.vn/sản-phẩm/",
    "space": "https://ocop.khanhhoa.gov.vn/san pham/",
    "semicolon": "https://ocop.khanhhoa.gov.vn/ocop;x/",
    "braces": "https://ocop.khanhhoa.gov.vn/{ocop}/",
    "dollar": "https://ocop.khanhhoa.gov.vn/$ocop/",
    "encoded-dots": "https://ocop.khanhhoa.gov.vn/%2e%2e/",
    "dot-dot": "https://ocop.khanhhoa.gov.vn/ocop/../",
    "fragment": "https://ocop.khanhhoa.gov.vn/#ocop",
    "query": "https://ocop.khanhhoa.gov.vn/?ocop=1",
    "tab": "https://ocop.khanhhoa.gov.vn/oc\top/",
    "long": "https://ocop.khanhhoa.gov.vn/" + "a" * 5000 + "/",
    "user": "https://admin:secret@ocop.khanhhoa.gov.vn/",
    "host": "https://sảnphẩm.vn/",
}


def _with_host(config: Path, host: str, site_url: str) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["site_url"] = site_url
    data["plugins"][0]["ocop"]["host"] = host
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(BAD_SITE_URLS))
def test_a_site_url_no_address_can_be_made_from_is_refused_at_its_line(tmp_path, capsys, kind):
    """Vietnamese letters, '{}' or '$' gave a ValueError traceback on the hosts with a rules
    file; 5,000 characters a DataOverflowError from the QR encoder; '/../', '#', '?' or a tab
    were taken silently, and every QR code encoded a broken address. Drafts are checked too."""
    (tmp_path / "products").mkdir()
    write_record(tmp_path / "products", record())
    config = write_mkdocs_config(tmp_path, tmp_path / "products", draft=True)
    for host in ("apache", "nginx", "cloudflare", "gitlab", "default"):
        _with_host(config, host, BAD_SITE_URLS[kind])
        assert main(["-f", str(config), "build", "--as-of", "2026-11-22"]) == 1, host
        err = capsys.readouterr().err
        assert "Traceback" not in err
        line = next(i for i, text in enumerate(config.read_text(encoding="utf-8").splitlines(),
                                                 start=1) if text.startswith("site_url:"))
        assert f"mkdocs.yml:{line}: site_url: lỗi: site_url" in err, err
        assert not (tmp_path / "site").exists()
    assert main(["-f", str(config), "check"]) == 1  # every command reads the same settings


@pytest.mark.parametrize("url", ["https://ocop.khanhhoa.gov.vn/", "https://ocop.khanhhoa.gov.vn",
                                 "https://sogd.gov.vn/ocop/san-pham_2/", "http://10.0.0.5:8080/",
                                 "https://xn--snphm-7ra1p.vn/", "https://ocop.vn/a.b~c/"])
def test_ordinary_site_urls_are_accepted(tmp_path, url):
    site, problems = settings_from({}, root=tmp_path, source=tmp_path / "mkdocs.yml",
                                   site_url=url, site_name="OCOP", languages_known=("vi", "en"))
    assert problems == [] and site is not None, url


def test_each_site_url_problem_says_what_is_wrong(tmp_path):
    def said(url: str) -> str:
        _, problems = settings_from({}, root=tmp_path, source=tmp_path / "mkdocs.yml",
                                    site_url=url, site_name="OCOP", languages_known=("vi", "en"))
        [problem] = problems
        assert problem.option == "site_url"
        return problem.message.en

    assert "'ả'" in said(BAD_SITE_URLS["vietnamese"])
    assert "'#'" in said(BAD_SITE_URLS["fragment"]) and "'?'" in said(BAD_SITE_URLS["query"])
    assert "'..'" in said(BAD_SITE_URLS["dot-dot"])
    assert "5030 characters" in said(BAD_SITE_URLS["long"])
    assert "\\t" in said(BAD_SITE_URLS["tab"]) and "\t" not in said(BAD_SITE_URLS["tab"])
    assert "xn--" in said(BAD_SITE_URLS["host"])
