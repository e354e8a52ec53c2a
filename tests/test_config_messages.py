"""The settings' message catalogue (site_builder/messages) and the GS1 reasons kept in the
records' catalogue: the same codes and placeholders in each language, every code used present,
no message left inline."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from catalogues import assert_in_step, placeholders, templates

from site_builder.config import CONFIG_MESSAGES, OPTIONS, SiteConfig, settings_from
from site_builder.domain.gtin import gln_problem, gtin_problem
from site_builder.mkdocs.plugin import settings_problems
from site_builder.problems import RECORD_MESSAGES, catalogue

PACKAGE = Path(__file__).resolve().parents[1] / "site_builder"
VIETNAMESE = re.compile(r"[À-ỹ]")
# Codes whose Vietnamese text names a value the English one leaves out.
VIETNAMESE_SAYS_MORE = {"option_unknown", "languages_invalid", "option_range",
                        "office_field_unknown"}




def _literals(path: Path, skip: set[str] = frozenset()) -> list[tuple[int, str]]:
    """String literals of ``path`` outside docstrings and outside the top-level names in ``skip``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr)}
    kept = [top for top in tree.body
            if not {getattr(t, "id", "") for t in getattr(top, "targets", [getattr(top, "target",
                                                                                   None)])} & skip]
    return [(n.lineno, n.value) for top in kept for n in ast.walk(top)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def _codes_in(path: Path, pattern: str) -> set[str]:
    return set(re.findall(pattern, path.read_text(encoding="utf-8")))


def test_both_config_catalogues_have_the_same_codes_andplaceholders():
    assert_in_step(CONFIG_MESSAGES, VIETNAMESE_SAYS_MORE)


def test_every_code_the_settings_report_is_in_the_catalogue():
    source = PACKAGE / "config.py"
    used = _codes_in(source, r'(?:_problem\([^,]+, |code = |return |not_a_choice=)"([a-z_]+)"')
    used |= {f"kind_{option.kind.__name__}" for option in OPTIONS}
    used |= _codes_in(PACKAGE / "mkdocs" / "shells.py", r'code = "([a-z_]+)"')
    known = set(templates(CONFIG_MESSAGES, "vi"))
    assert len(used) >= 14
    assert used == known, sorted(used ^ known)


def test_no_vietnamese_message_is_left_in_config_or_gtin():
    """The options' own help texts (OPTIONS) and the default site name are data, not messages."""
    for path, skip in ((PACKAGE / "config.py", {"OPTIONS"}), (PACKAGE / "domain" / "gtin.py", set())):
        for line, text in _literals(path, skip):
            if text == "Sản phẩm OCOP":  # SiteConfig.site_name's default
                continue
            assert not VIETNAMESE.search(text), f"{path.name}:{line}: {text}"


def test_gs1_reasons_are_codes_of_the_records_catalogue():
    vi, en = templates(RECORD_MESSAGES, "vi"), templates(RECORD_MESSAGES, "en")
    reasons = [gtin_problem("8936 0"), gtin_problem("89360"), gtin_problem("8936012345671"),
               gln_problem("893601234"), gln_problem("8936012345670")]
    assert [r[0] for r in reasons if r] == ["gtin_not_digits", "gtin_length", "gtin_check_digit",
                                            "gln_form", "gln_check_digit"]
    for code, values in (r for r in reasons if r):
        assert placeholders(vi[code]) == placeholders(en[code]) == set(values), code
    assert catalogue().message(*reasons[2][:1], **reasons[2][1]).vi == (
        "số kiểm tra của GTIN sai: chữ số cuối phải là 4, không phải 1")
    assert gtin_problem("8936012345674") is None


def test_settings_problems_carry_codes_and_both_texts(tmp_path):
    source = tmp_path / "mkdocs.yml"
    source.write_text("site_name: OCOP Khánh Hòa\nplugins:\n  - ocop:\n      grace_days: 400\n"
                      "      as_of: 05/03/2026\n      ocop_office:\n        fax: '0258 3822 111'\n",
                      encoding="utf-8")
    options = {"grace_days": 400, "as_of": "05/03/2026", "ocop_office": {"fax": "0258 3822 111"},
               "expiring_day": 30, "draft": "có"}
    site, found = settings_from(options, root=tmp_path, source=source, site_url="",
                                site_name="OCOP Khánh Hòa", languages_known=("vi", "en"))
    assert site is None
    by_option = {p.option: p for p in found}
    assert {p.code for p in found} == {"option_kind", "option_range", "office_field_unknown",
                                       "option_unknown", "as_of_format"}
    assert by_option["grace_days"].message.vi == "grace_days phải từ 0 đến 365, không phải 400"
    assert by_option["draft"].message.en.endswith("must be bool, not 'có'")
    assert by_option["draft"].message.vi.endswith("phải là true hoặc false, không phải 'có'")
    problems = settings_problems(found, source)
    [grace] = [p for p in problems.items if p.field == "plugins.ocop.grace_days"]
    assert grace.code == "option_range" and grace.line == 4
    assert grace.message.en == "grace_days must be 0 to 365"


def test_site_url_problems_come_from_the_catalogue(tmp_path):
    placeholder = SiteConfig(products_dir=tmp_path, site_url="https://ocop.example.vn/")
    assert placeholder.site_url_problem() == (
        "site_url 'https://ocop.example.vn/' là tên miền mẫu, không phải tên miền của đơn vị",
        "site_url 'https://ocop.example.vn/' is a placeholder domain, not the publisher's")
    assert SiteConfig(products_dir=tmp_path, site_url="").site_url_problem() == (
        "chưa khai báo site_url trong mkdocs.yml", "site_url is not set in mkdocs.yml")
