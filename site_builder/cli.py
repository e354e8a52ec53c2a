"""The ``ocop`` command: check records, build the site, preview it."""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
import textwrap
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.config import SHELLS, SiteConfig
from site_builder.hosts import HOSTS
from site_builder.mkdocs import shells
from site_builder.problems import Message, Problems, Severity, catalogue
from site_builder.progress import Progress
from site_builder.terminal import visible_output

# What the commands say, by code, in Vietnamese and English (messages/cli/vi.yml, en.yml).
CLI_MESSAGES = Path(__file__).parent / "messages" / "cli"

# Each command loads what it needs when it runs: a build that finds nothing to do is mostly
# the time Python takes to start and load modules.
if TYPE_CHECKING:
    from site_builder.domain.model import Catalog
    from site_builder.mkdocs.build import BuildResult

if TYPE_CHECKING:  # imported where used: the spreadsheet modules load only for import/export
    from site_builder.paper.stamps import Artwork
    from site_builder.sheets.importer import ImportOptions
    from site_builder.sheets.lots.find import Workbook

# The modules that import MkDocs (site_builder.mkdocs.build, .plugin) are imported where used:
# `main` first chooses which program `import mkdocs` gives (mkdocs/shells.py).


def cli_message(code: str, **values: object) -> Message:
    """The texts of ``code`` in both languages, filled with ``values``."""
    return catalogue(CLI_MESSAGES).message(code, **values)


def said(code: str, **values: object) -> str:
    """``code``'s texts, filled with ``values``, as 'Vietnamese / English'."""
    return cli_message(code, **values).both()


def _stamp_size(text: str) -> object:
    """'20' (a square stamp) or '12x15' (12 mm wide, 15 mm tall): a StampSize."""
    from site_builder.paper.stamps import StampSize

    try:
        return StampSize.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(said("stamp_size_unknown", text=text)) from None


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(said("date_not_iso", text=text)) from None


def _lot_codes(text: str) -> list[str]:
    """``--lot MO2506,MO2509``: the lots of one argument (a lot code never holds a comma)."""
    codes = [code.strip() for code in text.split(",") if code.strip()]
    if not codes:
        raise argparse.ArgumentTypeError(said("lot_code_missing", text=text))
    return codes


def _lots(args: argparse.Namespace) -> list[str]:
    """Every lot ``--lot`` names, repeated or separated by commas."""
    return [code for codes in args.lot or [] for code in codes]


def _day_first(text: str) -> date:
    """A date as an office writes it (12/06/2025) or ISO (2025-06-12)."""
    from site_builder.sheets.tables import parse_date

    found = parse_date(text)
    if found is None:
        raise argparse.ArgumentTypeError(said("date_not_day_first", text=text))
    return found


def _province_name(text: str) -> str:
    """A province's name, old or new ("Ninh Thuận", "tỉnh Khánh Hòa", "TP.HCM")."""
    from site_builder.domain.place_history import resolve_address

    if resolve_address("", province_hint=text).province is None:
        raise argparse.ArgumentTypeError(said("province_unknown", text=text))
    return text.strip()


class _BilingualHelp(argparse.HelpFormatter):
    """Help texts are 'Vietnamese / English' (the catalogue's ``both()``): one that does not fit
    its line starts its English on a line of its own, after 'Vietnamese /'. Lines break at
    spaces only, never inside YYYY-MM-DD, khanh-hoa or --files-from-raw."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return _bilingual_lines(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in _bilingual_lines(text, width - len(indent)))


def _bilingual_lines(text: str, width: int) -> list[str]:
    """``text`` wrapped to ``width``; past one line, its English starts a line."""
    text = " ".join(text.split())
    vi, slash, en = text.partition(" / ")
    if not slash or len(text) <= width:
        return _wrapped(text, width)
    lines = _wrapped(vi, width - len(" /"))
    return [*lines[:-1], f"{lines[-1]} /", *_wrapped(en, width)]


def _wrapped(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False)


def _help(code: str, **values: object) -> str:
    """``code``'s texts as an argparse help: 'Vietnamese / English', a lone % doubled (argparse
    %-formats help texts; a '%(default)s' in the catalogue is argparse's to fill)."""
    return re.sub(r"%(?!\()", "%%", said(code, **values))


def _command(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
             described: bool = False) -> argparse.ArgumentParser:
    """The sub-command ``name``: help_<name> is its line in ``ocop --help`` and the text atop
    ``ocop <name> --help``, unless a longer desc_<name> is (``described``)."""
    return sub.add_parser(name, help=_help(f"help_{name}"), formatter_class=_BilingualHelp,
                          description=said(f"desc_{name}" if described else f"help_{name}"))


def _parser() -> argparse.ArgumentParser:
    """The ``ocop`` command line; every text it shows of its own is from the catalogue
    (desc_*, help_*), argparse's own ('usage:', 'options:') aside."""
    parser = argparse.ArgumentParser(prog="ocop", description=said("desc_ocop"),
                                     formatter_class=_BilingualHelp)
    parser.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), metavar="TỆP",
                        help=_help("help_ocop_config_file"))
    sub = parser.add_subparsers(dest="command", required=True)

    check = _command(sub, "check")
    check.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help=_help("help_as_of"))
    check.add_argument("--lang", choices=("vi", "en"), default="vi", help=_help("help_check_lang"))
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help=_help("help_check_format"))

    build = _command(sub, "build")
    build.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help=_help("help_as_of"))
    build.add_argument("--site-dir", type=Path, metavar="THƯ_MỤC", help=_help("help_build_site_dir"))
    build.add_argument("--host", choices=sorted(HOSTS), help=_help("help_build_host"))
    build.add_argument("--draft", action="store_true", help=_help("help_build_draft"))
    _shell_option(build)

    _stamps_command(sub)
    for name in ("brochure", "cards", "poster"):
        _print_command(sub, name)

    offline = _command(sub, "offline")
    offline.add_argument("--out", type=Path, default=Path("ocop-offline"), metavar="THƯ_MỤC",
                         help=_help("help_offline_out"))
    offline.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help=_help("help_as_of"))
    offline.add_argument("--province", action="append", default=[], metavar="TỈNH",
                         help=_help("help_offline_province"))
    offline.add_argument("--stars", action="append", default=[], metavar="SAO",
                         help=_help("help_offline_stars"))
    offline.add_argument("--sector", action="append", default=[], metavar="NGÀNH",
                         help=_help("help_offline_sector"))
    _shell_option(offline)

    _import_command(sub)

    export = _command(sub, "export")
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx",
                        help=_help("help_export_format"))
    export.add_argument("--out", type=Path, metavar="TỆP", help=_help("help_export_out"))
    export.add_argument("--lang", choices=("vi", "en"), default="vi", help=_help("help_export_lang"))
    export.add_argument("--force", action="store_true", help=_help("help_export_force"))

    _changes_command(sub)

    _command(sub, "schema")
    serve = _command(sub, "serve")
    serve.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="MÁY:CỔNG",
                       help=_help("help_serve_dev_addr"))
    _shell_option(serve)
    return parser


def _stamps_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    stamps = _command(sub, "stamps")
    stamps.add_argument("ids", nargs="*", metavar="MÃ_SẢN_PHẨM", help=_help("help_stamps_ids"))
    stamps.add_argument("--lot", action="append", type=_lot_codes, metavar="LÔ[,LÔ...]",
                        help=_help("help_stamps_lot"))
    stamps.add_argument("--size", type=_stamp_size, action="append", metavar="MM",
                        help=_help("help_stamps_size"))
    stamps.add_argument("--dpi", type=int, choices=(203, 300, 600), default=600,
                        help=_help("help_stamps_dpi"))
    stamps.add_argument("--out", type=Path, default=Path("stamps"), metavar="THƯ_MỤC",
                        help=_help("help_stamps_out"))
    stamps.add_argument("--columns", type=int, default=0, metavar="SỐ", help=_help("help_stamps_columns"))
    stamps.add_argument("--rows", type=int, default=0, metavar="SỐ", help=_help("help_stamps_rows"))
    stamps.add_argument("--count", type=int, default=0, metavar="SỐ", help=_help("help_stamps_count"))
    stamps.add_argument("--gap", type=float, default=6.0, metavar="MM", help=_help("help_stamps_gap"))
    stamps.add_argument("--margin", type=float, default=10.0, metavar="MM", help=_help("help_stamps_margin"))
    stamps.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help=_help("help_as_of"))
    stamps.add_argument("--draft", action="store_true", help=_help("help_stamps_draft"))
    stamps.add_argument("--check", action="store_true", help=_help("help_stamps_check"))
    stamps.add_argument("--reprint", action="store_true", help=_help("help_stamps_reprint"))


def _print_command(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    """ocop brochure, cards or poster: the same choice of products (help_print_*)."""
    printed = _command(sub, name)
    if name != "poster":
        printed.add_argument("ids", nargs="*", metavar="MÃ_SẢN_PHẨM", help=_help("help_print_ids"))
    printed.add_argument("--province", default="", metavar="TỈNH", help=_help("help_print_province"))
    printed.add_argument("--stars", type=int, action="append", choices=(3, 4, 5),
                         help=_help("help_print_stars"))
    printed.add_argument("--sector", default="", metavar="NGÀNH", help=_help("help_print_sector"))
    printed.add_argument("--lang", choices=("vi", "en"), default="vi", help=_help("help_print_lang"))
    printed.add_argument("--out", type=Path, metavar="TỆP.pdf", help=_help("help_print_out", command=name))
    printed.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help=_help("help_as_of"))
    printed.add_argument("--force", action="store_true", help=_help("help_print_force"))
    if name == "brochure":
        printed.add_argument("--group", choices=("province", "sector"), default="province",
                             help=_help("help_brochure_group"))


def _import_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imports = _command(sub, "import", described=True)
    imports.add_argument("file", type=Path, nargs="?", metavar="TỆP", help=_help("help_import_file"))
    imports.add_argument("--sheet", metavar="TRANG", help=_help("help_import_sheet"))
    imports.add_argument("--decision", metavar="SỐ", help=_help("help_import_decision"))
    imports.add_argument("--decision-date", type=_day_first, metavar="NGÀY",
                         help=_help("help_import_decision_date"))
    imports.add_argument("--authority", metavar="CƠ_QUAN", help=_help("help_import_authority"))
    imports.add_argument("--province", metavar="TỈNH", type=_province_name,
                         help=_help("help_import_province"))
    imports.add_argument("--regime", choices=("1048", "148", "148+1489", "26"),
                         help=_help("help_import_regime"))
    imports.add_argument("--stars", type=int, choices=(3, 4, 5), metavar="SAO",
                         help=_help("help_import_stars"))
    imports.add_argument("--update", action="store_true", help=_help("help_import_update"))
    imports.add_argument("--dry-run", action="store_true", help=_help("help_import_dry_run"))
    imports.add_argument("--skip-invalid", action="store_true",
                         help=_help("help_import_skip_invalid"))
    imports.add_argument("--todo", type=Path, metavar="TỆP.xlsx", help=_help("help_import_todo"))
    imports.add_argument("--template", type=Path, metavar="TỆP",
                         help=_help("help_import_template"))
    imports.add_argument("--lang", choices=("vi", "en"), default="vi",
                         help=_help("help_import_lang"))


def _changes_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    changes = _command(sub, "changes", described=True)
    changes.add_argument("--site-dir", type=Path, metavar="THƯ_MỤC",
                         help=_help("help_changes_site_dir"))
    changes.add_argument("--since", type=Path, metavar="TỆP", help=_help("help_changes_since"))
    changes.add_argument("--list", type=Path, metavar="TỆP", help=_help("help_changes_list"))
    changes.add_argument("--deleted", type=Path, metavar="TỆP", help=_help("help_changes_deleted"))
    changes.add_argument("--mark-uploaded", action="store_true",
                         help=_help("help_changes_mark_uploaded"))
    changes.add_argument("--force", action="store_true", help=_help("help_changes_force"))


def _shell_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--shell", choices=SHELLS, help=_help("help_shell"))


def _site_config(args: argparse.Namespace) -> SiteConfig:
    """The catalog settings of the mkdocs.yml given, with --as-of applied."""
    from site_builder.mkdocs.build import load_site_config

    return load_site_config(args.config_file, getattr(args, "as_of", None))


def cmd_check(args: argparse.Namespace) -> int:
    from site_builder.records.paths import record_paths
    from site_builder.records.validate import UNTRANSLATED_CODE, load_catalog, note_kind

    site = _site_config(args)
    catalog, problems = load_catalog(site)
    root = site.products_dir.parent
    blocking = Problems([p for p in problems.items if p.severity is not Severity.NOTE])
    github = args.format == "github"
    if github:  # the whole list, folded in the log; the annotations after it
        print("::group::ocop check")
    for problem in blocking.sorted():
        print(problem.format(args.lang, root))
    notes: dict[str, list] = {kind: [] for kind in NOTE_KINDS}
    for note in Problems(problems.notes).sorted():
        notes[note_kind(note)].append(note)
    for kind in NOTE_KINDS:
        if notes[kind]:
            print(f"\n{cli_message(f'note_{kind}').text(args.lang)}:")
            for note in notes[kind]:
                print(note.format(args.lang, root))
    if github:
        from site_builder.actions.annotations import annotations
        from site_builder.repository import repository_root

        print("::endgroup::")  # GitHub names files from the repository's root
        print("\n".join(annotations(problems.items, repository_root(root), args.lang)))
    records = len(record_paths(site.products_dir)) if site.products_dir.is_dir() else 0
    errors, warnings = len(problems.errors), len(problems.warnings)
    untranslated = sum(1 for p in problems.warnings if p.code == UNTRANSLATED_CODE)
    counts = {kind: len(found) for kind, found in notes.items()}
    print(cli_message("check_summary", records=records, valid=len(catalog.products),
                      errors=errors, warnings=warnings, untranslated=untranslated,
                      **counts).text(args.lang))
    return 1 if errors else 0


# The notes `ocop check` lists after errors and warnings, by kind (validate.note_kind), each
# under its heading (note_<kind> in the catalogue).
NOTE_KINDS = ("to_confirm", "missing", "traceability")


def cmd_build(args: argparse.Namespace) -> int:
    from site_builder.mkdocs.build import BuildError, build_site, quiet_mkdocs_logging

    quiet_mkdocs_logging()
    started = time.perf_counter()
    try:
        result = build_site(args.config_file, site_dir=args.site_dir, as_of=args.as_of,
                            draft=args.draft, progress=Progress(), host=args.host)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        print(said("build_stopped"), file=sys.stderr)
        return 1
    # What the build left alive is all young to the collector, which was off while it ran:
    # its first pass would go through every object (a tenth of a rebuild that publishes one
    # lot of a national catalog) while this prints a few lines. Frozen until they are printed.
    gc.freeze()
    try:
        _say_built(args, result, started)
    finally:
        gc.unfreeze()
    return 0


def _say_built(args: argparse.Namespace, result: BuildResult, started: float) -> None:
    root = args.config_file.resolve().parent
    for warning in result.warnings.sorted():
        print(warning.format("vi", root))
    elapsed = time.perf_counter() - started
    how = {"incremental": cli_message("build_incremental"),
           "up-to-date": cli_message("build_up_to_date")}.get(result.mode) or cli_message("build_full")
    done = cli_message("build_done", products=result.products, site_dir=result.site_dir,
                       seconds=f"{elapsed:.1f}", how=how, rendered=result.rendered,
                       reused=result.reused, pages=result.pages, files=result.files,
                       warnings=len(result.warnings), shell=shells.described())
    print(done.vi)
    print(done.en)
    print(f"{said('time_by_stage')}: " + ", ".join(
        f"{_stage_name(name)} {seconds:.2f} s" for name, seconds in result.stages))
    if result.units:  # processor time, summed over the worker processes
        print(f"{said('cpu_by_kind')}: " + ", ".join(
            f"{kind} {1000 * seconds / count:.2f} ms × {count}"
            for kind, seconds, count in result.units))


# Stages of a build (mkdocs/build.py) the summary names (stage_<name> in the catalogue).
STAGES = ("settings", "records", "plan", "shell", "render", "publish", "changes")


def _stage_name(name: str) -> str:
    """'hồ sơ/records': a stage of a build as the summary names it (an unknown one as it is)."""
    if name not in STAGES:
        return name
    text = cli_message(f"stage_{name}")
    return f"{text.vi}/{text.en}"


def cmd_stamps(args: argparse.Namespace) -> int:
    # Imported here: the PDF and font libraries are not needed to check or build.
    from site_builder.paper.stamp_files import SheetLayout
    from site_builder.paper.stamp_kit import KitError, small_module_warning, write_kit
    from site_builder.paper.stamps import DEFAULT_SIZES_MM
    from site_builder.records.validate import load_catalog

    site = _site_config(args)
    if args.draft:
        site = replace(site, draft=True)
    root = site.products_dir.parent
    if not site.draft and (reason := site.site_url_problem()):
        print(said("stamps_wrong_address", problem=Message(*reason), config=args.config_file),
              file=sys.stderr)
        return 1
    catalog, problems = load_catalog(site)
    if problems.errors:
        for problem in Problems(problems.errors).sorted():
            print(problem.format("vi", root), file=sys.stderr)
        print(said("stamps_records_errors"), file=sys.stderr)
        return 1
    if args.reprint:
        return _stamps_to_reprint(catalog, site, args)
    sizes = tuple(args.size or DEFAULT_SIZES_MM)
    if args.check:
        return _check_stamps(catalog, site, args, sizes)
    sheet = SheetLayout(columns=args.columns, rows=args.rows, gap=args.gap, margin=args.margin,
                        count=args.count)
    try:
        result = write_kit(catalog, site, args.out, ids=args.ids, lots=_lots(args), sizes=sizes,
                           sheet=sheet, dpi=args.dpi)
    except (KitError, ValueError) as exc:
        print(exc, file=sys.stderr)
        print(said("stamps_none"), file=sys.stderr)
        return 1
    for reason in result.skipped:
        print(reason)
    for job, art in result.artworks:
        print(f"{job.name}: {_stamp_summary(art)}, {art.url}{_short_note(job.url, art)}")
    if any(art.url != job.url for job, art in result.artworks):
        print(said("stamps_short_not_digital_link"))
    if warning := small_module_warning(result.artworks, bool(site.short_addresses)):
        print(warning.both())
    if site.draft:
        print(said("stamps_draft"))
    print(said("stamps_written", files=len(result.written), out=args.out,
               stamps=len(result.artworks)))
    return 0


def _stamp_summary(art: Artwork) -> str:
    """A stamp's printed size and its code in both languages ('stamp_summary' in the
    catalogue); a label taller than wide adds its height."""
    tall = (cli_message("stamp_tall", height=f"{art.height:.2f}", dots=art.height_dots)
            if art.height else "")
    text = ("" if len(art.texts) > 1 or (art.texts and not art.polygons)
            else cli_message("stamp_code_and_mark") if art.texts else cli_message("stamp_code_alone"))
    return said("stamp_summary", size=art.label, actual=f"{art.size:.2f}", dots=art.dots,
                dpi=art.dpi, tall=tall, symbol=f"{art.qr_version}-{art.qr_level.name}",
                module_dots=art.module_dots, module=f"{art.module:.2f}", text=text)


def _short_note(long_url: str, art: Artwork) -> str:
    """Said of a stamp that carries its short address instead of ``long_url``."""
    if art.url == long_url:
        return ""
    return f" ({said('stamp_short', long=long_url)})"


def _check_stamps(catalog: Catalog, site: SiteConfig, args: argparse.Namespace,
                  sizes: tuple[object, ...]) -> int:
    """``ocop stamps --check``: every stamp of every size read by zbar, zxing-cpp and OpenCV,
    from its files and after a simulated print and phone photo; nothing is written. Exit 1
    when zbar or zxing misses a printed stamp (most scanner apps are built on one of them)."""
    from site_builder.paper.print_check import DECODER_NAMES, MissingDecoders, decoders, read_stamp
    from site_builder.paper.stamp_kit import KitError, lay_out, plan_jobs, small_module_warning

    try:
        tools = decoders()
    except MissingDecoders as exc:
        print(said("decoders_missing", missing=", ".join(exc.missing)), file=sys.stderr)
        return 1
    try:
        planned = lay_out(plan_jobs(catalog, site, args.ids, _lots(args), []), sizes, args.dpi)
    except KitError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{said('decoders')}: " + ", ".join(tools.versions[n] for n in DECODER_NAMES))
    mark = {True: said("stamp_read"), False: said("stamp_not_read")}
    totals: dict[str, dict[str, list[int]]] = {}
    missed = 0
    for job, art in planned:
        reading = read_stamp(tools, art)
        files = ", ".join(f"{n} {mark[reading.files[n]]}" for n in DECODER_NAMES)
        after = ", ".join(f"{n} {mark[reading.printed[n]]}" for n in DECODER_NAMES)
        printed = said("check_printed", size=art.label, dpi=art.dpi)
        print(f"{job.name} {_stamp_summary(art)}, {art.url}{_short_note(job.url, art)}\n"
              f"  {said('check_files')}: {files}\n  {printed}: {after}"
              + (f"\n  {said('check_wrong')}: {', '.join(reading.wrong)}" if reading.wrong else ""))
        counts = totals.setdefault(art.label, {n: [0, 0] for n in DECODER_NAMES})
        for n in DECODER_NAMES:
            counts[n][0] += reading.files[n]
            counts[n][1] += reading.printed[n]
        missed += not (reading.printed["zbar"] and reading.printed["zxing"]) or bool(reading.wrong)
    per_size = len(planned) // max(1, len(totals))
    for size, counts in totals.items():
        print(f"{size} mm, {args.dpi} dpi: {said('check_total_files')} " + ", ".join(
            f"{n} {counts[n][0]}/{per_size}" for n in DECODER_NAMES)
            + f" | {said('check_total_printed')} " + ", ".join(
            f"{n} {counts[n][1]}/{per_size}" for n in DECODER_NAMES))
    if warning := small_module_warning(planned, bool(site.short_addresses)):
        print(warning.both())
    print(f"({said('check_renamed')})")
    return 1 if missed else 0


def _stamps_to_reprint(catalog: Catalog, site: SiteConfig, args: argparse.Namespace) -> int:
    """``ocop stamps --reprint`` (``--check`` until drawing version 5): the stamps an earlier
    ocop printed without the code's format information (those whose code took mask 0), which
    many phones cannot read."""
    from site_builder.assets.qr import printed_without_format_information
    from site_builder.paper.stamp_kit import KitError, plan_jobs

    try:
        jobs = plan_jobs(catalog, site, args.ids, _lots(args), [])
    except KitError as exc:
        print(exc, file=sys.stderr)
        return 1
    reprint = [job for job in jobs if printed_without_format_information(job.url)]
    for job in reprint:
        print(f"{job.name}: {job.url}")
    print(said("reprint_count", count=len(reprint), total=len(jobs)))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the records' JSON Schema next to them: records name it in their first line
    (``# yaml-language-server: $schema=../schema.json``), so editors check fields as staff type."""
    from site_builder.records.schema import json_schema

    site = _site_config(args)
    target = site.products_dir / "schema.json"
    target.write_text(json.dumps(json_schema(), ensure_ascii=False, indent=1, sort_keys=True)
                      + "\n", encoding="utf-8")
    print(said("wrote", target=target))
    return 0


def _refuse_overwrite(target: Path, force: bool) -> bool:
    """An existing file (a sheet an office has edited since, say) is replaced only on request."""
    if target.exists() and not force:
        print(said("not_overwritten", target=target), file=sys.stderr)
        return True
    return False


def cmd_printed(args: argparse.Namespace) -> int:
    """ocop brochure / cards / poster."""
    from site_builder.paper.printed import PrintError, Selection, brochure_pdf, cards_pdf, poster_pdf
    from site_builder.records.validate import load_catalog
    from site_builder.render.i18n import Translator
    from site_builder.render.views import Urls, product_view

    site = _site_config(args)
    catalog, problems = load_catalog(site, traceability_notes=False)
    if problems.errors:
        for problem in Problems(problems.errors).sorted():
            print(problem.format("vi", site.products_dir.parent), file=sys.stderr)
        print(said("print_records_errors"), file=sys.stderr)
        return 1
    day, t = site.today(), Translator(args.lang)
    urls = Urls(site.language_prefix(args.lang))
    views = [product_view(p, day, site, t).in_language(t, urls) for p in catalog.products]
    selection = Selection(args.province, tuple(args.stars or ()), args.sector,
                          tuple(getattr(args, "ids", ())))
    target = args.out or Path(f"ocop-{args.command}.pdf")
    if _refuse_overwrite(target, args.force):
        return 1
    try:
        if args.command == "brochure":
            data = brochure_pdf(views, site, day, selection, args.group)
        elif args.command == "cards":
            data = cards_pdf(views, site, day, selection)
        else:
            data = poster_pdf(views, site, day, selection)
    except PrintError as exc:
        print(exc, file=sys.stderr)
        return 1
    target.write_bytes(data)
    print(said("wrote_size", target=target, megabytes=f"{len(data) / 1e6:.1f}"))
    return 0


def cmd_offline(args: argparse.Namespace) -> int:
    """A kit from a build of its own: the published site/ is left exactly as it is."""
    from site_builder.mkdocs.build import BuildError, build_site, load_site_config, quiet_mkdocs_logging
    from site_builder.offline.kit import KitBuilder, OfflineError, make_kit
    from site_builder.offline.selection import SelectionError, parse_selection

    quiet_mkdocs_logging()
    try:
        selection = parse_selection(args.province, args.stars, args.sector)
        copy = make_kit(args.config_file, args.out, KitBuilder(load_site_config, build_site),
                        selection, as_of=args.as_of, progress=Progress())
    except SelectionError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (BuildError, OfflineError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(said("offline_written", folder=copy.folder, pages=copy.pages, files=copy.files,
               megabytes=f"{copy.bytes / 1e6:.1f}", index_kilobytes=f"{copy.index_bytes / 1e3:.0f}",
               holds=Message(*copy.holds)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from site_builder.sheets.exporter import write_template
    from site_builder.sheets.importer import ImportOptions, apply_import, plan_import
    from site_builder.sheets.lots.find import SHEET_KINDS, workbook_of
    from site_builder.sheets.review import outcome, plan_review
    from site_builder.sheets.sources import read_source
    from site_builder.sheets.tables import TableError
    from site_builder.sheets.todo import todo_target_problem, write_todo

    if args.template:
        if args.template.exists():
            print(said("template_exists", template=args.template), file=sys.stderr)
            return 1
        write_template(args.template, args.lang)
        print(said("template_written", template=args.template))
        return 0
    if args.file is None:
        print(said("spreadsheet_missing"), file=sys.stderr)
        return 2
    if args.file.is_dir() and args.file.suffix.lower() in SHEET_SUFFIXES:
        # An unpacked .xlsx, or a folder misnamed: imported as photos it would bring nothing.
        print(f"{args.file}: {said('folder_named_as_sheet', suffix=args.file.suffix)}",
              file=sys.stderr)
        return 1
    if args.file.is_dir():
        return cmd_import_folder(args)
    if args.todo and (problem := todo_target_problem(args.todo)):
        print(f"--todo {args.todo}: {problem.both()}", file=sys.stderr)
        return 1
    site = _site_config(args)
    options = ImportOptions(args.update, args.sheet, args.decision, args.decision_date,
                            args.authority, args.province, args.regime, args.stars)
    try:
        source = read_source(args.file, options.sheet, SHEET_KINDS)
        workbook = workbook_of(source, options.sheet)
        if workbook.has_lots:  # a lot log, or our template with its lot sheets filled in
            return _import_lots(args, site, options, workbook)
        plan = plan_import(source, site, options)
    except TableError as exc:
        print(f"{args.file}: {exc}" if not str(exc).startswith(str(args.file)) else exc,
              file=sys.stderr)
        return 1
    review = plan_review(plan, args.lang, dry_run=args.dry_run, skip_invalid=args.skip_invalid)
    print("\n".join(review.lines()[:-1]))
    if args.todo:  # the plan's report, even of a dry run or a list with errors; written first,
        try:  # so that one which cannot be written stops the import whole
            write_todo(args.todo, plan, args.lang)
        except OSError as exc:
            print(outcome("todo_unwritable", args.lang, path=args.todo, exc=exc), file=sys.stderr)
            return 1
        print(outcome("todo_written", args.lang, path=args.todo))
    if plan.errors and not args.skip_invalid:
        print(review.totals)
        print(outcome("errors_nothing_written", args.lang, count=len(plan.errors)), file=sys.stderr)
        return 1
    if args.dry_run:
        print(review.totals)
        return 0
    written = apply_import(plan, skip_invalid=args.skip_invalid)
    totals = plan_review(plan, args.lang, skip_invalid=args.skip_invalid).totals
    if plan.errors and not written:
        print(totals)
        print(outcome("skipped_all", args.lang, count=len(plan.errors)), file=sys.stderr)
        return 1
    print(f"{totals} {outcome('run_check', args.lang)}")  # one last line: what was done
    return 0


def _import_lots(args: argparse.Namespace, site: SiteConfig, options: ImportOptions,
                 workbook: Workbook) -> int:
    """``ocop import`` of a lot log (lots and stages), after the products of the same workbook
    when it has a product list filled in (our template): the lots may name those products."""
    from site_builder.sheets.importer import apply_import, plan_import
    from site_builder.sheets.lots.plan import apply_lots, plan_lots, products_of
    from site_builder.sheets.lots.review import lot_review
    from site_builder.sheets.review import outcome, plan_review
    from site_builder.sheets.todo import write_todo

    products = None
    if workbook.products is not None:
        products = plan_import(workbook.products, site, options)
        if not products.changes and not products.problems:
            products = None  # the template's product sheet left empty
    if products is not None:
        print("\n".join(plan_review(products, args.lang, dry_run=args.dry_run,
                                    skip_invalid=args.skip_invalid).lines()[:-1]) + "\n")
        if args.todo:  # the to-do workbook is about products
            try:
                write_todo(args.todo, products, args.lang)
            except OSError as exc:
                print(outcome("todo_unwritable", args.lang, path=args.todo, exc=exc),
                      file=sys.stderr)
                return 1
            print(outcome("todo_written", args.lang, path=args.todo))
    base, extra = products_of(products) if products is not None else ({}, [])
    plan = plan_lots(workbook, site, base, extra)
    errors = len(plan.errors) + (len(products.errors) if products is not None else 0)
    review = lot_review(plan, args.lang, dry_run=args.dry_run,
                        stamps=not errors or args.skip_invalid)
    print("\n".join(review.lines()[:-1]))
    if errors and not args.skip_invalid:
        print(review.totals)
        print(outcome("lots_nothing_written", args.lang, count=errors), file=sys.stderr)
        return 1
    if args.dry_run:
        print(review.totals)
        return 0
    if products is not None:
        apply_import(products, skip_invalid=args.skip_invalid)
    apply_lots(plan, skip_invalid=args.skip_invalid)
    print(lot_review(plan, args.lang).totals)
    return 0


# What only a sheet has. --update and --todo, which the import workflow passes to every upload,
# change nothing for a folder: its files are only ever added, and its review is its to-do list.
# A folder named so is not a folder of photos (an unpacked workbook, or a misnaming).
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".numbers")
SHEET_ONLY = ("sheet", "decision", "decision_date", "authority", "province", "regime", "stars")


def cmd_import_folder(args: argparse.Namespace) -> int:
    """``ocop import FOLDER``: photos and lot documents, placed by their names."""
    from site_builder.media_import.plan import FolderError, apply_folder, plan_folder, staging_area
    from site_builder.media_import.review import problem_lines, review_lines, totals_line
    from site_builder.media_import.texts import message as folder_text

    lang = args.lang
    for option in SHEET_ONLY:
        if getattr(args, option):
            print(folder_text("option_not_for_folder", option="--" + option.replace("_", "-"))
                  .text(lang), file=sys.stderr)
            return 2
    site = _site_config(args)
    try:
        with staging_area(site, args.dry_run) as staging:
            plan = plan_folder(args.file, site, staging, Progress())
            print("\n".join(review_lines(plan, str(args.file), lang)
                            + problem_lines(plan, str(args.file), lang)))
            blocked = bool(plan.errors) and not args.skip_invalid
            if args.dry_run:
                print(totals_line(plan, lang, dry_run=True))
                if blocked:
                    print(folder_text("would_write_nothing", errors=len(plan.errors)).text(lang))
                return 1 if blocked else 0
            if blocked:
                print(folder_text("nothing_written", errors=len(plan.errors)).text(lang),
                      file=sys.stderr)
                return 1
            _, left = apply_folder(plan, site)
    except FolderError as exc:
        print(exc.message.text(lang), file=sys.stderr)
        return 1
    for reason in left:
        print(folder_text("left_alone", reason=reason).text(lang), file=sys.stderr)
    print(totals_line(plan, lang) + " " + folder_text("run_check").text(lang))
    return 1 if left else 0


def cmd_export(args: argparse.Namespace) -> int:
    from site_builder.sheets.exporter import export_rows, write_export
    from site_builder.sheets.lots.export import lot_rows

    site = _site_config(args)
    target = args.out or Path(f"ocop-san-pham.{args.format}")
    if target.suffix.lower() != f".{args.format}":
        target = target.with_suffix(f".{args.format}")
    if _refuse_overwrite(target, args.force):
        return 1
    problems = Problems()
    rows = export_rows(site.products_dir, problems, args.lang)
    lots = lot_rows(site.products_dir, problems)
    root = site.products_dir.parent
    for problem in problems.sorted():
        print(problem.format(args.lang, root), file=sys.stderr)
    if problems.errors:
        print(said("export_records_unreadable"), file=sys.stderr)
        return 1
    written = write_export(target, rows, args.lang, lots)
    files = ", ".join(str(p) for p in written)
    print(said("exported", rows=len(rows), lots=len(lots[0]), stages=len(lots[1]), files=files))
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    """What the last build changed since the last upload, from the two manifests."""
    from site_builder.mkdocs.build import load_published, quiet_mkdocs_logging
    from site_builder.publishing import changes

    quiet_mkdocs_logging()
    site_dir, site = load_published(args.config_file)
    site_dir = args.site_dir.resolve() if args.site_dir else site_dir
    since = args.since or (site.cache_dir / changes.PREVIOUS if site.cache_dir else None)
    if since is None:
        print(changes.said(changes.changes_message("no_cache_dir")), file=sys.stderr)
        return 2
    # Nothing is written into the site or the records, over the settings, or over a file that
    # is there already (unless --force): a list named like product.yml would empty it.
    keep_out = {"keep_out": [site_dir, site.products_dir], "settings": args.config_file}
    try:
        if args.mark_uploaded:
            if args.since is not None:
                changes.check_target(since, force=args.force, manifest=True, **keep_out)
            changes.mark_uploaded(site_dir, since)
            print(changes.said(changes.changes_message("marked", file=since)))
            return 0
        targets = [t for t in (args.list, args.deleted) if t is not None]
        if len(targets) == 2 and targets[0].resolve() == targets[1].resolve():
            raise changes.ChangesError("target_twice", file=targets[0])
        for target in targets:
            changes.check_target(target, force=args.force, **keep_out)
        current = changes.read_manifest(site_dir)
        first = args.since is None and not os.path.lexists(since)
        previous, warning = (None, None) if first else changes.read_previous(since)
        if warning is not None:
            print(changes.said(warning), file=sys.stderr)
        found = changes.compare(previous, current, site_dir)
        if args.list:
            changes.write_list(args.list, found.uploads)
        if args.deleted:
            changes.write_list(args.deleted, found.deleted)
    except changes.ChangesError as exc:
        print(exc, file=sys.stderr)
        return 1
    print("\n".join(changes.summary(found, since if first else None)))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from site_builder.mkdocs.build import serve_site

    print(said("serving", url=f"http://{args.dev_addr}/"))
    serve_site(args.config_file, args.dev_addr)
    return 0


def main(argv: list[str] | None = None) -> int:
    with visible_output():  # what a record or sheet says never acts on the terminal
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    writes_template = args.command == "import" and args.template
    if not args.config_file.is_file() and not writes_template:  # the template needs no catalog
        print(said("config_not_found", config=args.config_file), file=sys.stderr)
        return 2
    shell = shells.chosen(args.config_file, getattr(args, "shell", None))
    try:
        if not shells.enter(shell):
            return shells.run_in_new_process(sys.argv[1:] if argv is None else list(argv))
        from site_builder.mkdocs.build import BuildError
    except shells.ShellMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    except ImportError as exc:  # MkDocs or Material broken or gone: say what to do
        print(shells.unloadable(shell, exc), file=sys.stderr)
        return 1

    handlers = {"check": cmd_check, "build": cmd_build, "stamps": cmd_stamps, "schema": cmd_schema,
                "serve": cmd_serve, "import": cmd_import, "export": cmd_export,
                "offline": cmd_offline, "brochure": cmd_printed, "cards": cmd_printed,
                "poster": cmd_printed, "changes": cmd_changes}
    try:
        return handlers[args.command](args)
    except BuildError as exc:  # settings in mkdocs.yml that cannot be used: say why
        print(exc, file=sys.stderr)
        return 1
    except RuntimeError as exc:  # an install that lost its place data (loaded when needed)
        from site_builder.place_data import HistoryDataMissing

        if not isinstance(exc, HistoryDataMissing):
            raise
        print(exc, file=sys.stderr)
        return 1


def run() -> int:
    """The ``ocop`` command: ``main``, then an end without the last collection of every object
    the command made. Python's exit goes through all of them looking for cycles; for a build
    of a national catalog that was a tenth of a second after the work was done, a tenth of a
    rebuild that publishes one lot. Frozen (``gc.freeze``), they are left to the system, as
    objects still alive at exit may be (their files are closed as their modules are cleared;
    the caches' changes were committed, ``blob_cache.close_all``). Not in ``main``, which tests
    call in their own process."""
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(run())
