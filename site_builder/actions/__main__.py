"""``python -m site_builder.actions uploads|check``: the steps of the import workflow
(.github/workflows/import.yml). Each appends its part to the job's summary and sets the
step's outputs (``$GITHUB_STEP_SUMMARY``, ``$GITHUB_OUTPUT``; a file given, or nowhere)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from site_builder.actions.summary import Summary
from site_builder.actions.uploads import MESSAGES, import_upload, pending, summarize, vietnam_today
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
    sub.add_parser("check", help="ocop check --format github, and its result in the summary")
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
    outcomes = []
    for upload in pending(args.imports):
        print(f"::group::{upload}", flush=True)
        outcome = import_upload(upload, args.config_file, args.todo_dir, vietnam_today(),
                                update=args.update, lang=args.lang)
        print(outcome.review + outcome.result, flush=True)
        print("::endgroup::", flush=True)
        outcomes.append(outcome)
    summary = Summary(args.lang)
    summarize(outcomes, root, summary)
    _append(args.summary, summary.markdown())
    imported = sum(1 for o in outcomes if o.status == "imported")
    _append(args.output, f"uploads={len(outcomes)}\nimported={imported}\n"
                         f"refused={len(outcomes) - imported}\n")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """``ocop check --format github`` as it is (its annotations reach GitHub through this
    step's log), then its result in the summary and ``clean=true|false`` in the outputs."""
    code = subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(args.config_file),
                           "check", "--format", "github", "--lang", args.lang],
                          check=False).returncode
    words = catalogue(MESSAGES)
    result = words.message("check_clean" if code == 0 else "check_errors").text(args.lang)
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
