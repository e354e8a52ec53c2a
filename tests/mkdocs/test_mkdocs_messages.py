"""What the MkDocs edge says (ocop build stopping, mkdocs build refusing) comes from its catalogue
(site_builder/mkdocs/messages): the same codes in both languages, every code used there and every
code there used, no message left inline in build.py or plugin.py in two languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from catalogues import assert_in_step, inline_two_language, templates
from support.records import record, write_record
from support.sites import AS_OF, write_mkdocs_config

from site_builder.mkdocs import build, plugin
from site_builder.mkdocs.build import BuildError, build_site

EDGE = (Path(build.__file__), Path(plugin.__file__))
# Codes whose Vietnamese text names a value the English one leaves out.
VIETNAMESE_SAYS_MORE = {"templates_missing", "site_dir_not_folder"}


def test_both_languages_have_the_same_codes_and_placeholders():
    assert_in_step(plugin.MKDOCS_MESSAGES, VIETNAMESE_SAYS_MORE)


def test_every_code_the_edge_says_is_in_the_catalogue_and_no_other():
    used = {code for path in EDGE
            for code in re.findall(r"""(?<![\w.])said\(["']([a-z_]+)["']""",
                                   path.read_text(encoding="utf-8"))}
    known = set(templates(plugin.MKDOCS_MESSAGES, "vi"))
    assert len(used) >= 8
    assert used == known, sorted(used ^ known)


@pytest.mark.parametrize("path", EDGE, ids=lambda p: p.name)
def test_no_two_language_message_is_left_inline(path):
    assert inline_two_language(path) == []


def test_a_site_folder_that_is_a_file_is_refused_in_both_languages(tmp_path):
    write_record(tmp_path / "products", record())
    config = write_mkdocs_config(tmp_path, tmp_path / "products")
    target = tmp_path / "site"
    target.write_text("not a site", encoding="utf-8")
    with pytest.raises(BuildError) as refused:
        build_site(config, site_dir=target, as_of=AS_OF)
    assert str(refused.value) == f"'{target}' không phải thư mục; không ghi đè / not a folder"


def test_mkdocs_build_refuses_records_with_errors_in_both_languages(tmp_path, caplog):
    """`mkdocs build` runs the plugin alone: it stops on a record's error, saying so in both
    languages before the problems."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    write_record(tmp_path / "products", record(product_set=999))
    config = load_config(config_file=str(write_mkdocs_config(tmp_path, tmp_path / "products")),
                         site_dir=str(tmp_path / "out"))
    config.plugins["ocop"].config.as_of = AS_OF.isoformat()
    with pytest.raises(Abort):
        mkdocs_build(config)
    [logged] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    said, problems = logged.split(":\n", 1)
    assert said == ("Hồ sơ sản phẩm có lỗi, không dựng trang / the product records have errors; "
                    "nothing was built")
    assert "product_set" in problems
