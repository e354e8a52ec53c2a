"""What the ocop command line says comes from its catalogue (site_builder/messages/cli): the
same codes in both languages, every code used there and every code there used, no message left
inline in cli.py in two languages, and every text `ocop --help` and `ocop <command> --help` show
of their own (descriptions, option and sub-command help) a catalogue entry's 'Vietnamese /
English'."""

from __future__ import annotations

import argparse
import re
import string
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from catalogues import assert_in_step, inline_two_language, templates

from site_builder import cli

SOURCE = Path(cli.__file__)
HELP_CODES = ("help_", "desc_")  # what the parser shows: help_<command>[_<option>], desc_<command>
ARGPARSE_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# Codes whose Vietnamese text names a value the English one leaves out.
VIETNAMESE_SAYS_MORE = {"stamps_wrong_address", "wrote_size", "offline_written", "check_printed"}


def test_both_languages_have_the_same_codes_and_placeholders():
    assert_in_step(cli.CLI_MESSAGES, VIETNAMESE_SAYS_MORE)


def test_both_languages_give_argparse_the_same_placeholders():
    """'%(default)s' is argparse's to fill: the English shows it where the Vietnamese does."""
    vi, en = templates(cli.CLI_MESSAGES, "vi"), templates(cli.CLI_MESSAGES, "en")
    for code in vi:
        assert ARGPARSE_PLACEHOLDER.findall(vi[code]) == ARGPARSE_PLACEHOLDER.findall(en[code]), code


def test_every_code_the_commands_say_is_in_the_catalogue_and_no_other():
    text = SOURCE.read_text(encoding="utf-8")
    used = set(re.findall(r"""(?<![\w.])(?:said|cli_message)\(["']([a-z_]+)["']""", text))
    used |= {f"note_{kind}" for kind in cli.NOTE_KINDS} | {f"stage_{name}" for name in cli.STAGES}
    used |= {code for shown in _shown(cli._parser()) for code in _codes_of(shown)}
    known = set(templates(cli.CLI_MESSAGES, "vi"))
    assert len(used) >= 39 + 70
    assert used == known, sorted(used ^ known)


def _pages(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """``parser`` and its sub-commands' parsers: each one --help page."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from _pages(command)


def _shown(parser: argparse.ArgumentParser) -> Iterator[str | None]:
    """Every text the parser's --help pages show of their own: descriptions, each option's and
    each sub-command's help (argparse's own '-h, --help' line aside), with argparse's %%
    back to %."""
    for page in _pages(parser):
        yield page.description
        for action in page._actions:
            if isinstance(action, argparse._SubParsersAction):
                yield from (command.help for command in action._choices_actions)
            elif not isinstance(action, argparse._HelpAction):
                yield None if action.help is None else action.help.replace("%%", "%")


def _pattern(template: str) -> str:
    """A regular expression that a template's text matches, whatever fills its {placeholders}."""
    return "".join(re.escape(literal) + ("(.+)" if name is not None else "")
                   for literal, name, _, _ in string.Formatter().parse(template))


@cache
def _help_patterns() -> dict[str, re.Pattern[str]]:
    """Each help and description code's 'Vietnamese / English', as a pattern."""
    vi, en = templates(cli.CLI_MESSAGES, "vi"), templates(cli.CLI_MESSAGES, "en")
    return {code: re.compile(f"{_pattern(vi[code])} / {_pattern(en[code])}")
            for code in vi if code.startswith(HELP_CODES)}


def _codes_of(shown: str | None) -> set[str]:
    """The help and description codes whose 'Vietnamese / English' reads ``shown``."""
    if shown is None:
        return set()
    return {code for code, pattern in _help_patterns().items() if pattern.fullmatch(shown)}


def test_every_help_text_of_the_parser_is_one_catalogue_entry_in_both_languages():
    """A help text written inline, in one language or two, or an option left without help,
    fails here naming it."""
    shown = list(_shown(cli._parser()))
    assert len(shown) >= 80
    assert [text for text in shown if len(_codes_of(text)) != 1] == []


def test_every_option_that_takes_a_value_names_it_in_vietnamese():
    """argparse would show an option's English name in capitals (OUT, SITE_DIR) where its value
    goes: every option taking a value names it (TỆP, THƯ_MỤC, SỐ, MM…) or lists its choices."""
    unnamed = [f"{page.prog} {action.option_strings[-1]}"
               for page in _pages(cli._parser()) for action in page._actions
               if action.option_strings and action.nargs != 0
               and action.metavar is None and action.choices is None]
    assert unnamed == []


def test_help_texts_are_one_paragraph_a_language():
    """The parser breaks a long help before its English, at its ' / ': none of its own."""
    for lang in ("vi", "en"):
        texts = templates(cli.CLI_MESSAGES, lang)
        assert [code for code, text in texts.items()
                if code.startswith(HELP_CODES) and " / " in text] == []


@pytest.mark.parametrize("columns", ["80", "50"])
def test_every_help_page_reads_vietnamese_then_english(columns, monkeypatch):
    """Each --help page formats (argparse's %-formatting finds nothing amiss); a help that does
    not fit one line ends its Vietnamese with ' /' and starts its English on the next line, and
    no line breaks inside a word or a date."""
    monkeypatch.setenv("COLUMNS", columns)
    pages = {page.prog: page.format_help() for page in _pages(cli._parser())}
    assert len(pages) == 13
    lines = [line.strip() for line in pages["ocop import"].splitlines()]
    english = next(n for n, line in enumerate(lines) if line.startswith("only say what"))
    assert lines[english - 1].endswith("ghi) /")
    stamps = " ".join(pages["ocop stamps"].split())
    assert "(mặc định: 6.0) / space between stamps, mm (default: 6.0)" in stamps
    assert "--as-of YYYY-MM-DD" in pages["ocop check"]
    for page in pages.values():
        assert "YYYY-MM-\n" not in page and not re.search(r"^\s*/$", page, re.M)


def test_no_two_language_message_is_left_inline():
    assert inline_two_language(SOURCE) == []


def test_a_missing_settings_file_is_said_in_both_languages(tmp_path, capsys):
    missing = tmp_path / "mkdocs.yml"
    assert cli.main(["--config-file", str(missing), "check"]) == 2
    assert capsys.readouterr().err == f"không tìm thấy {missing} / {missing} not found\n"


def test_a_date_the_parser_refuses_is_said_in_both_languages(capsys):
    with pytest.raises(SystemExit):
        cli.main(["check", "--as-of", "06/12/2026"])
    assert ("'06/12/2026' không phải ngày dạng YYYY-MM-DD / '06/12/2026' is not a date as "
            "YYYY-MM-DD") in capsys.readouterr().err


def test_a_build_stage_is_named_in_both_languages_and_an_unknown_one_as_it_is():
    assert cli._stage_name("records") == "hồ sơ/records"
    assert cli._stage_name("shell") == "khung MkDocs/shell"
    assert cli._stage_name("warm-up") == "warm-up"


def test_the_command_ends_as_main_does_leaving_its_objects_to_the_system(tmp_path, monkeypatch,
                                                                          capsys):
    """``ocop`` (``cli.run``) returns what ``main`` returns, having frozen what the command
    made so that Python's exit does not go through it all looking for cycles; the process's
    own exit code and output are tested by every test that runs ``python -m site_builder.cli``."""
    frozen: list[bool] = []
    monkeypatch.setattr(cli.gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(cli.sys, "argv", ["ocop", "--config-file", str(tmp_path / "mkdocs.yml"),
                                          "check"])
    assert cli.run() == 2 and frozen == [True]
    assert "not found" in capsys.readouterr().err
