"""The bundled sample built with each site shell, as ratios against MkDocs in the same run.

    python bench/shells.py                      # MkDocs and ProperDocs, 3 rounds each
    python bench/shells.py --zensical PATH      # and the Zensical prototype (see below)

Each round builds a copy of the repository's sample (mkdocs.yml, docs/, theme/, products/)
with ``ocop build --shell S`` in a new process, from an empty cache and no previous site (as the
manual/figures.md's "The sample site" figure), the shells taking turns; the median wall time of each is
reported with its ratio to MkDocs', and the files of the last two sites that differ.

Zensical runs no MkDocs plugin, so it cannot run stage 4 as it is. ``--zensical`` measures the
way it could: the plugin's part done beforehand as files (the navigation pages with a marker
for their body, the shell placeholders, mkdocs.yml with what the plugin's on_config sets), then
``zensical build`` (the executable given, from a venv of its own) against ``mkdocs build`` of the
same folder; it reports the times, whether every marker came through and whether each shell
parses (output/shell.py). manual/operators.md, "Site shell", says what blocks it.
"""

from __future__ import annotations

import argparse
import filecmp
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-22"
SHELLS = ("mkdocs", "properdocs")


def sample(folder: Path) -> Path:
    for name in ("docs", "theme", "products"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")
    return folder / "mkdocs.yml"


def cold_build(config: Path, shell: str, site: Path) -> float:
    shutil.rmtree(config.parent / ".cache", ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "site_builder.cli", "-f", str(config), "build",
                    "--as-of", AS_OF, "--shell", shell, "--site-dir", str(site)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def differing(first: Path, second: Path) -> list[str]:
    """Files of two sites whose bytes differ, or that only one has."""
    names = {p.relative_to(first) for p in first.rglob("*") if p.is_file()}
    others = {p.relative_to(second) for p in second.rglob("*") if p.is_file()}
    found = sorted(str(n) for n in names ^ others)
    return found + sorted(str(n) for n in names & others
                          if not filecmp.cmp(first / n, second / n, shallow=False))


def delegated(config: Path, out: Path) -> dict[str, str]:
    """The plugin's part of stage 4 written out as files in ``out`` for a generator that runs
    no plugins; the marker standing for each navigation page's body, by page address."""
    from mkdocs.config import load_config

    from site_builder.mkdocs.build import ocop_plugin
    from site_builder.mkdocs.plugin import SHELL_DEPTHS, THEME_CSS, plan_for_host
    from site_builder.output import shell
    from site_builder.records.validate import load_catalog
    from site_builder.render.i18n import strings

    mk = load_config(config_file=str(config))
    plugin = ocop_plugin(mk)
    plugin.config.as_of = AS_OF
    site = plugin.site_config(mk)
    catalog, _ = load_catalog(site)
    plan = plan_for_host(catalog, site, (config.parent / plugin.config.templates_dir).resolve(),
                         config.parent)
    shutil.copytree(config.parent / "docs", out / "docs")
    shutil.copytree(config.parent / "theme", out / "theme", ignore=shutil.ignore_patterns("ocop"))
    markers = {}
    pages = [(p.src_uri, p.title, p.description, f"OCOPNAVBODY{i}x")
             for i, p in enumerate(q for q in plan.pages if q.in_nav)]
    pages += [(shell.placeholder_url(level) + "index.md", shell.TITLE, shell.DESCRIPTION,
               "<!-- <h1> -->" + shell.BODY) for level in SHELL_DEPTHS]
    for src, title, description, body in pages:
        markers[src] = body
        front = yaml.safe_dump({"title": title, "description": description}, allow_unicode=True)
        (out / "docs" / src).parent.mkdir(parents=True, exist_ok=True)
        (out / "docs" / src).write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["plugins"] = []
    raw["theme"]["variant"] = "classic"  # Zensical's look closest to Material's; MkDocs ignores it
    raw.setdefault("extra", {})["ocop_draft"] = strings("vi")["draft_notice"] if site.draft else ""
    raw["extra"]["alternate"] = [{"name": "", "link": shell.ALTERNATE_PLACEHOLDER, "lang": "x-ocop"}]
    raw["extra_css"] = [THEME_CSS]
    (out / "mkdocs.yml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return markers


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def zensical_prototype(config: Path, zensical: Path, work: Path, rounds: int) -> None:
    from site_builder.mkdocs.plugin import SHELL_DEPTHS
    from site_builder.output import shell

    folder = work / "delegated"
    markers = delegated(config, folder)
    version = subprocess.run([str(zensical), "--version"], capture_output=True, text=True).stdout
    runs: dict[str, list[float]] = {"mkdocs build": [], "zensical build": []}
    for _ in range(rounds):
        for name, command in (("mkdocs build", [sys.executable, "-m", "mkdocs", "build", "-q"]),
                              ("zensical build", [str(zensical), "build"])):
            shutil.rmtree(folder / "site", ignore_errors=True)
            shutil.rmtree(folder / ".cache", ignore_errors=True)
            runs[name].append(timed(command, folder))
    reference = statistics.median(runs["mkdocs build"])
    print(f"\nZensical prototype ({version.strip()}): the navigation pages and shells as files")
    for name, times in runs.items():
        median = statistics.median(times)
        print(f"  {name:16} {median:6.2f} s   ×{median / reference:.2f}   (fastest {min(times):.2f} s)")
    site = folder / "site"  # the last build was Zensical's
    body = {src: marker.split("-->")[-1] for src, marker in markers.items()}
    lost = [src for src, marker in body.items() if marker not in _page(site, src)]
    print(f"  pages: {len(markers)}, body markers lost: {lost or 'none'}")
    for level in SHELL_DEPTHS:
        url = shell.placeholder_url(level)
        try:
            shell.Shell.parse(_page(site, url + "index.md"), "https://ocop.example.org/" + url)
            print(f"  shell of depth {level}: parses")
        except ValueError as exc:
            print(f"  shell of depth {level}: {exc}")


def _page(site: Path, src: str) -> str:
    path = site / (src[: -len("index.md")] if src.endswith("index.md") else src[:-3] + "/")
    page = path / "index.html"
    return page.read_text(encoding="utf-8") if page.is_file() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--zensical", type=Path, help="a zensical executable (its own venv)")
    args = parser.parse_args()
    print(f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="ocop-shells-") as scratch:
        work = Path(scratch)
        config = sample(work / "catalog")
        times: dict[str, list[float]] = {shell: [] for shell in SHELLS}
        for _ in range(args.rounds):
            for shell in SHELLS:
                times[shell].append(cold_build(config, shell, work / f"site-{shell}"))
        reference = statistics.median(times["mkdocs"])
        print(f"ocop build of the sample, cold, median of {args.rounds}:")
        for shell, found in times.items():
            median = statistics.median(found)
            print(f"  {shell:11} {median:6.2f} s   ×{median / reference:.2f}   (fastest "
                  f"{min(found):.2f} s; runs: {', '.join(f'{t:.2f}' for t in found)})")
        changed = differing(work / "site-mkdocs", work / "site-properdocs")
        html = [name for name in changed if name.endswith(".html")]
        print(f"  files that differ: {len(changed)} ({len(html)} pages, by their generator tag; "
              f"the rest: {[n for n in changed if not n.endswith('.html')]})")
        if args.zensical:
            zensical_prototype(config, args.zensical, work, args.rounds)


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
