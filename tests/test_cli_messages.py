"""What the ocop command line says comes from its catalogue (site_builder/messages/cli): the
same codes in both languages, every code used there and every code there used, and no message
left inline in cli.py in two languages (its argparse help texts are the parser's, not messages)."""

from __future__ import annotations

import re
from pathlib import Path

from catalogues import assert_in_step, inline_two_language, templates

from site_builder import cli

SOURCE = Path(cli.__file__)
# Codes whose Vietnamese text names a value the English one leaves out.
VIETNAMESE_SAYS_MORE = {"stamps_wrong_address", "wrote_size", "offline_written", "check_printed"}


def test_both_languages_have_the_same_codes_and_placeholders():
    assert_in_step(cli.CLI_MESSAGES, VIETNAMESE_SAYS_MORE)


def test_every_code_the_commands_say_is_in_the_catalogue_and_no_other():
    text = SOURCE.read_text(encoding="utf-8")
    used = set(re.findall(r"""(?<![\w.])(?:said|cli_message)\(["']([a-z_]+)["']""", text))
    used |= {f"note_{kind}" for kind in cli.NOTE_KINDS} | {f"stage_{name}" for name in cli.STAGES}
    known = set(templates(cli.CLI_MESSAGES, "vi"))
    assert len(used) >= 39
    assert used == known, sorted(used ^ known)


def test_no_two_language_message_is_left_inline():
    assert inline_two_language(SOURCE) == []


def test_a_missing_settings_file_is_said_in_both_languages(tmp_path, capsys):
    missing = tmp_path / "mkdocs.yml"
    assert cli.main(["--config-file", str(missing), "check"]) == 2
    assert capsys.readouterr().err == f"không tìm thấy {missing} / {missing} not found\n"


def test_a_build_stage_is_named_in_both_languages_and_an_unknown_one_as_it_is():
    assert cli._stage_name("records") == "hồ sơ/records"
    assert cli._stage_name("shell") == "khung MkDocs/shell"
    assert cli._stage_name("warm-up") == "warm-up"
