"""Every file a comment, a docstring or a document names is in the repository.

Code moves; the comments that send a reader to it did not always follow (``spreadsheet.py``,
``records.py``, ``pages.global_key`` were named years after they went). This test reads the
comments and docstrings of the code, tests, benchmarks and CI, and the whole text of the
README, the manual, the deploy files and the workflows, and fails naming every file, module or
``module.name`` that does not exist, at its file and line. What it recognises:

- a path with a folder (``output/plan.py``, ``bench/run.py``, ``deploy/nginx.conf``): it must
  exist from the repository's root, from ``site_builder/``, ``tests/`` or ``theme/``, or beside
  the file that names it; a path whose first folder is none of the repository's (a page of the
  built site such as ``01/<GTIN>.html``) is not a path of the repository and is left alone;
- a bare Python or Markdown file name (``writer.py``): some file of the repository has it;
- ``module.name`` where ``name`` is a function or class of the package (``plan.global_key``):
  a module of that name defines it.

Names that are rightly not in the repository (the team's notes beside it, files a user makes)
are in ``NOT_IN_REPOSITORY``, each with why.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Where comments and docstrings are read (Python), and where the whole text is (the rest).
SCANNED = ("site_builder", "tests", "bench", "deploy", ".ci", ".github", "theme", "imports", "docs",
           "manual")
SCANNED_FILES = ("README.md", "pyproject.toml", "mkdocs.yml")
TEXT_SUFFIXES = {".py", ".md", ".yml", ".yaml", ".toml", ".js", ".html", ".css", ".conf", ".sh",
                 ".service", ".timer", ".txt", ""}
OUTSIDE_THE_SOURCE = {".git", "site", ".cache", "ocop_catalog.egg-info"}
SKIPPED_FOLDERS = {"node_modules", "node", "__pycache__", ".venv", ".pytest_cache",
                   ".mypy_cache", ".ruff_cache"}

# Named on purpose, yet not files of this repository, each with why.
NOT_IN_REPOSITORY = {
    # The team's notes and tools, kept in a folder beside the repository, not in it.
    "../shared/domain.md": "the domain brief beside the repository",
    "../shared/tools/qr-print-check.py": "the team's print-simulation tool beside the repository",
    "qr-print-check.py": "the same tool, named again in the same paragraph",
    # Relative to a record's folder (products/<id>/): the first line of every record.
    "../schema.json": "products/schema.json as a record names it",
    # What a user makes when following the manual.
    "docs/zh/gioi-thieu.md": "the About page of a third language, written by whoever adds it",
    "products/mat-ong-tan-ninh/product.yml": "a record the sample annex's import writes",
    # Pages of docs/ that the plugin writes (mkdocs.yml's nav) or that stand for any page.
    "index.md": "the home page, written by the plugin into MkDocs' files",
    "docs/x.md": "any page of docs/", "docs/en/x.md": "its English page",
    "docs/about.md": "an example page of docs/", "docs/en/about.md": "its English page",
}
# Folders beside the repository: a path into one must say so with '../' (and be listed above).
BESIDE_THE_REPOSITORY = {"shared"}
# This file names stale names on purpose, as examples.
SELF = Path(__file__).resolve()

PATH_SUFFIXES = ("py", "md", "yml", "yaml", "toml", "js", "html", "css", "conf", "sh", "json",
                 "png", "svg", "service", "timer", "cfg", "txt", "xlsx", "csv")
# A path: segments of letters, digits, '.', '_', '-', at least one '/', ending in a known suffix.
PATH = re.compile(r"(?<![\w/.<>{}$-])((?:\.\./)*[\w.-]+(?:/[\w.-]+)*/[\w-]+(?:\.[\w-]+)*\.(?:"
                  + "|".join(PATH_SUFFIXES) + r"))(?![\w/])")
BARE_FILE = re.compile(r"(?<![\w/.<>{}$-])([A-Za-z_][\w-]*\.(?:py|md))(?![\w/.])")
DOTTED = re.compile(r"(?<![\w.])([a-z_][a-z0-9_]*)\.([a-z_][A-Za-z0-9_]*)(?![\w.(])")


def _scanned_files() -> Iterator[Path]:
    for name in SCANNED_FILES:
        yield REPO / name
    for path in sorted(_repository_files()):
        if (path.parts[0] in SCANNED and path.suffix in TEXT_SUFFIXES
                and (REPO / path).is_file() and REPO / path != SELF):
            yield REPO / path


def _prose(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of what a person reads: comments and docstrings of Python, else all."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".py":
        yield from enumerate(text.splitlines(), 1)
        return
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)):
                for offset, line in enumerate(first.value.value.splitlines()):
                    yield first.lineno + offset, line


@cache
def _repository_files() -> frozenset[Path]:
    """Every file and folder of the checkout, outside what builds, tools and git keep."""
    found = set()
    for folder, folders, files in os.walk(REPO):
        here = Path(folder).relative_to(REPO)
        folders[:] = [name for name in folders if name not in SKIPPED_FOLDERS
                      and not (here == Path(".") and name in OUTSIDE_THE_SOURCE)]
        found |= {here / name for name in folders + files}
    return frozenset(found)


@cache
def _basenames() -> frozenset[str]:
    return frozenset(path.name for path in _repository_files())


@cache
def _top_folders() -> frozenset[str]:
    """First folders a repository path may start with: the root's, the package's, the tests'."""
    names = set()
    for base in (REPO, REPO / "site_builder", REPO / "tests", REPO / "theme"):
        names |= {p.name for p in base.iterdir() if p.is_dir() and p.name not in SKIPPED_FOLDERS}
    return frozenset(names - {"site", ".cache", "node"})


def _path_exists(name: str, named_in: Path) -> bool:
    """True when `name` is a file or folder of the repository, or not a repository path."""
    if name in NOT_IN_REPOSITORY:
        return True
    first = name.lstrip("./").split("/")[0]
    if first in BESIDE_THE_REPOSITORY:
        return False  # outside the repository: only the listed names may point there
    if first not in _top_folders() or name.startswith("../"):
        return True  # a page of the built site, a path in a user's folder: not ours to find
    bases = (REPO, REPO / "site_builder", REPO / "tests", REPO / "theme", named_in.parent)
    return any((base / name).exists() for base in bases)


@cache
def _definitions() -> dict[str, frozenset[str]]:
    """Top-level names of every module of the package, by module name (a/b.py: 'b' and 'a.b')."""
    names: dict[str, set[str]] = {}
    for path in (REPO / "site_builder").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = set()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Assign):
                defined |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                defined.add(node.target.id)
        module = path.parent.name if path.name == "__init__.py" else path.stem
        names.setdefault(module, set()).update(defined)
        if path.name != "__init__.py":  # a package names its modules: output.plan
            names.setdefault(path.parent.name, set()).add(path.stem)
    return {module: frozenset(found) for module, found in names.items()}


@cache
def _functions() -> dict[str, frozenset[str]]:
    """Which modules define each function or class of the package (its own names only)."""
    where: dict[str, set[str]] = {}
    for module, defined in _definitions().items():
        for name in defined:
            where.setdefault(name, set()).add(module)
    return {name: frozenset(modules) for name, modules in where.items()}


def _dotted_problem(module: str, name: str) -> str | None:
    """What is wrong with `module.name` as a reference into the package, or None."""
    definitions, functions = _definitions(), _functions()
    if module in definitions:
        if name in definitions[module] or name.startswith("_") and name[1:] in definitions[module]:
            return None
        if name in functions and "_" in name:
            return f"{module}.{name}: {name} is in {', '.join(sorted(functions[name]))}"
        return None  # an attribute of an object, or a word: not a claim about the module
    if name in functions and "_" in name and not name.startswith("_") and module not in {
            "self", "cls", "os", "sys"}:
        modules = ", ".join(sorted(functions[name]))
        return f"{module}.{name}: there is no module {module}; {name} is in {modules}"
    return None


def _problems(path: Path) -> Iterator[str]:
    where = path.relative_to(REPO) if path.is_relative_to(REPO) else path.name
    for line, text in _prose(path):
        for match in PATH.finditer(text):
            if not _path_exists(match.group(1), path):
                yield f"{where}:{line}: {match.group(1)} is not in the repository"
        for match in BARE_FILE.finditer(text):
            name = match.group(1)
            if name not in _basenames() and name not in NOT_IN_REPOSITORY:
                yield f"{where}:{line}: no file of the repository is named {name}"
        for match in DOTTED.finditer(text) if path.suffix in (".py", ".md") else ():
            problem = _dotted_problem(match.group(1), match.group(2))
            if problem:
                yield f"{where}:{line}: {problem}"


def test_every_file_named_in_comments_and_documents_exists():
    problems = [problem for path in _scanned_files() for problem in _problems(path)]
    assert not problems, "\n".join(problems)



@pytest.mark.parametrize(("text", "found"), [
    ("# kept by sheets/spreadsheet.py\n", "sheets/spreadsheet.py is not in the repository"),
    ("# see sheet_columns.py\n", "no file of the repository is named sheet_columns.py"),
    ("# the key (pages.global_key)\n", "pages.global_key: there is no module pages; global_key is in"),
    ("# plan.global_key\n", "plan.global_key: global_key is in"),
    ("# corrected in site_builder/place_history.py\n", "site_builder/place_history.py is not in"),
    ("# rules in shared/domain.md\n", "shared/domain.md is not in the repository"),
    ('def f():\n    """Docstrings too: bench/runner.py."""\n', "bench/runner.py is not in the repository"),
])
def test_a_stale_name_is_reported_at_its_line(tmp_path, text, found):
    path = tmp_path / "example.py"
    path.write_text("x = 1\n" + text, encoding="utf-8")
    problems = list(_problems(path))
    line = text.count("\n") + 1
    assert len(problems) == 1 and problems[0].startswith(f"example.py:{line}: "), problems
    assert found in problems[0]


@pytest.mark.parametrize("text", [
    "# output/plan.py and keys.global_key, writer.py, README.md\n",
    "# the team's notes: ../shared/domain.md\n",
    "# a page of the site: 01/<GTIN>.html, p/x/index.html, san-pham/x/index.html\n",
    "# an object's attribute: host.name, config.site_url\n",
    'path = "sheets/spreadsheet.py"  # code is not prose: only comments and docstrings are read\n',
])
def test_real_names_and_names_that_are_not_the_repository_s_pass(tmp_path, text):
    path = tmp_path / "example.py"
    path.write_text(text, encoding="utf-8")
    assert list(_problems(path)) == []


# --- links of the README and the manual ---------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _documents() -> list[Path]:
    return [REPO / "README.md", REPO / "imports" / "README.md", *sorted((REPO / "manual").glob("*.md"))]


def _outside_fences(text: str) -> Iterator[tuple[int, str]]:
    """(line, text) of a Markdown file, without its fenced blocks."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield number, line


def _outside_code(text: str) -> Iterator[tuple[int, str]]:
    """(line, text) of a Markdown file, without its fenced blocks and inline code."""
    for number, line in _outside_fences(text):
        yield number, re.sub(r"`[^`]*`", "", line)


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(document: Path) -> set[str]:
    return {anchor(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.lstrip("#")))
            for _, line in _outside_fences(document.read_text(encoding="utf-8"))
            if re.match(r"#{1,6} ", line)}


def _broken_links(document: Path) -> Iterator[str]:
    where = document.relative_to(REPO)
    for line, text in _outside_code(document.read_text(encoding="utf-8")):
        for match in LINK.finditer(text):
            address = match.group(1)
            if re.match(r"[a-z]+:", address):
                continue  # http(s), mailto: not a file of the repository
            path, _, fragment = address.partition("#")
            target = (document.parent / path).resolve() if path else document
            if not target.exists():
                yield f"{where}:{line}: {address}: no such file"
            elif fragment and target.suffix == ".md" and fragment not in _anchors(target):
                yield f"{where}:{line}: {address}: no heading #{fragment} in {target.name}"


def test_every_link_of_the_readme_and_the_manual_leads_somewhere():
    problems = [problem for document in _documents() for problem in _broken_links(document)]
    assert not problems, "\n".join(problems)



def test_the_manual_s_index_lists_every_section():
    index = (REPO / "manual" / "index.md").read_text(encoding="utf-8")
    missing = [f"{page.name}#{anchor(line[3:])}" for page in sorted((REPO / "manual").glob("*.md"))
               if page.name != "index.md" for _, line in _outside_fences(page.read_text(encoding="utf-8"))
               if line.startswith("## ") and f"({page.name}#{anchor(line[3:])})" not in index]
    assert not missing, missing


# --- sections named in comments: (README, "Languages"), manual/operators.md, "GS1 resolver" ----

SECTION = re.compile(r"\b(README(?:\.md)?|manual/[\w-]+\.md)(?:'s)?,? \(?\"([^\"]+)\"")


def _headings(document: Path) -> list[str]:
    text = document.read_text(encoding="utf-8")
    headings = [re.sub(r"[`*]", "", line.lstrip("#").strip()) for _, line in _outside_fences(text)
                if re.match(r"#{1,6} ", line)]
    headings += [re.sub(r"`", "", bold) for bold in re.findall(r"\*\*([^*]+)\*\*", text)]
    return headings


def _names_a_section(name: str, headings: list[str]) -> bool:
    """A heading (or either language of a bilingual one, or a bold run-in title) starts so."""
    name = name.rstrip(".… ").replace("`", "")
    sides = [side.strip() for heading in headings for side in [heading, *heading.split(" · ")]]
    return any(side.startswith(name) for side in sides)


def test_every_section_named_in_a_comment_is_in_the_document_named():
    problems = []
    for path in _scanned_files():
        for line, text in _prose(path):
            for match in SECTION.finditer(text):
                document = REPO / ("README.md" if match.group(1).startswith("README")
                                   else match.group(1))
                if not document.is_file() or not _names_a_section(match.group(2),
                                                                  _headings(document)):
                    problems.append(f"{path.relative_to(REPO)}:{line}: {match.group(1)} has no "
                                    f"section \"{match.group(2)}\"")
    assert not problems, "\n".join(problems)
