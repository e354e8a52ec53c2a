"""``python -m site_builder.actions uploads|check``: the steps of the import workflow
(.github/workflows/import.yml). Each appends its part to the job's summary and sets the
step's outputs (``$GITHUB_STEP_SUMMARY``, ``$GITHUB_OUTPUT``; a file given, or nowhere)."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from site_builder.actions.summary import Summary
from site_builder.actions.uploads import MESSAGES, run_uploads, summarize, vietnam_today
from site_builder.problems import catalogue
from site_builder.repository import repository_root


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m site_builder.actions")
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"))
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--summary", type=Path, default=_env_path("GITHUB_STEP_SUMMARY"))
    parser.add_argument("--output", type=Path, default=_env_path("GITHUB_OUTPUT"))
    sub = parser.add_subparsers(dest="command", required=True)
    uploads = sub.add_parser("uploads", help="import what waits in imports/")
    uploads.add_argument("--imports", type=Path, default=Path("imports"))
    uploads.add_argument("--todo-dir", type=Path, required=True)
    uploads.add_argument("--update", action="store_true")
    check = sub.add_parser("check", help="ocop check --format github, and its result in the summary")
    check.add_argument("--uploads-refused", type=int, default=0, metavar="N",
                       help="uploads the uploads step could not import (they stop publishing too)")
    return parser


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _append(path: Path | None, text: str) -> None:
    if path is not None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)


def cmd_uploads(args: argparse.Namespace) -> int:
    root = repository_root(args.config_file.resolve().parent)

    def log(title: str, text: str) -> None:
        """Each step in the job's log as it ends, folded; what the files' names and contents
        put in it is never taken for a workflow command (GitHub's stop-commands)."""
        token = secrets.token_hex(16)
        print(f"::group::{_plain(title)}\n::stop-commands::{token}\n{text}\n::{token}::\n"
              "::endgroup::", flush=True)

    run = run_uploads(args.imports, args.config_file, args.todo_dir, vietnam_today(), root,
                      update=args.update, lang=args.lang, log=log)
    summary = Summary(args.lang)
    summarize(run, root, summary)
    _append(args.summary, summary.markdown())
    _append(args.output, f"uploads={run.uploads}\nimported={run.imported}\n"
                         f"refused={run.refused}\n")
    return 0


def _plain(title: str) -> str:
    """A file's path as a group's title: on one line (a name holds no line break, but a title
    must never end the command)."""
    return " ".join(title.split())


def cmd_check(args: argparse.Namespace) -> int:
    """``ocop check --format github`` as it is (its annotations reach GitHub through this
    step's log), then its result in the summary and ``clean=true|false`` in the outputs."""
    code = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(args.config_file),
                           "check", "--format", "github", "--lang", args.lang],
                          check=False).returncode
    words = catalogue(MESSAGES)
    verdict = "check_errors" if code else "check_uploads_left" if args.uploads_refused \
        else "check_clean"
    result = words.message(verdict, count=args.uploads_refused).text(args.lang)
    _append(args.summary, f"\n## {words.message('check_heading').text(args.lang)}\n\n{result}\n")
    _append(args.output, f"clean={'true' if code == 0 else 'false'}\n")
    return code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.config_file.is_file():
        print(f"không tìm thấy {args.config_file} / {args.config_file} not found", file=sys.stderr)
        return 2
    return cmd_uploads(args) if args.command == "uploads" else cmd_check(args)


if __name__ == "__main__":
    sys.exit(main())
