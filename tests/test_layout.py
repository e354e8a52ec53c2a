"""The folders show the pipeline, and the edges stay edges: only the MkDocs adapter imports MkDocs
or Material, the domain imports no renderer, and every stage imports only stages before it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
# The pipeline in order; a stage may import the ones before it, never the ones after.
STAGES = ("domain", "records", "render", "assets", "output", "publishing")
EDGES = ("mkdocs", "cli")  # the adapters at the edge may import any stage
# Features use the stages, never used by them.
FEATURES = ("paper", "sheets", "offline", "editor", "actions", "media_import")
SHARED = {"config", "hosts", "problems", "progress", "repository"}  # used by every stage


def _imports(path: Path) -> set[str]:
    """Every module a file imports, as absolute dotted names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _part(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_the_adapter_imports_mkdocs_or_material():
    offenders = [str(p.relative_to(PACKAGE)) for p in _modules() if _part(p) != "mkdocs"
                 and any(n.split(".")[0] in ("mkdocs", "material") for n in _imports(p))]
    assert offenders == []


def test_the_domain_does_no_rendering_and_no_io_libraries():
    for path in (PACKAGE / "domain").rglob("*.py"):
        roots = {n.split(".")[0] for n in _imports(path)}
        assert not roots & {"jinja2", "markupsafe", "mkdocs", "material", "PIL", "openpyxl"}, path
        inner = {n.split(".")[1] for n in _imports(path) if n.startswith("site_builder.")
                 and n.count(".") >= 1}
        assert inner <= {"domain"} | SHARED, (path, inner)


def test_each_stage_imports_only_the_stages_before_it():
    for path in _modules():
        part = _part(path)
        if part not in STAGES:
            continue
        allowed = set(STAGES[: STAGES.index(part) + 1]) | SHARED
        inner = {n.split(".")[1] for n in _imports(path) if n.startswith("site_builder.")}
        assert inner <= allowed, (str(path.relative_to(PACKAGE)), inner - allowed)


def test_the_top_level_holds_only_the_pipeline_and_its_edges():
    top = sorted(p.name for p in PACKAGE.iterdir() if not p.name.startswith(("_", ".")))
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}
    # messages/: the shared modules' message catalogues (data, no code)
    assert folders == set(STAGES) | {"mkdocs", "messages"} | set(FEATURES), top
    assert not list((PACKAGE / "messages").glob("*.py"))
    files = {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert files == {f"{name}.py" for name in SHARED} | {"cli.py"}, top
