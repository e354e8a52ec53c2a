"""The catalog's settings, declared once (config.OPTIONS) and checked like records: every problem
of the ocop block of mkdocs.yml at once, each at its line."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import write_mkdocs_config

from site_builder.cli import main
from site_builder.config import OPTIONS, SiteConfig, settings_from
from site_builder.mkdocs.plugin import OcopPluginConfig


def test_the_plugin_options_are_the_declared_settings():
    assert {name for name, _ in OcopPluginConfig._schema} == {o.name for o in OPTIONS}


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
