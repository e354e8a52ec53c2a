"""What the import tests share: an empty catalog with its mkdocs.yml, running ``ocop``, reading a
record back. A test module imports the fixture (``empty_project``, used as ``project``) and the
helpers by name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support.sites import write_mkdocs_config

from site_builder.cli import main


@pytest.fixture(name="project")
def empty_project(tmp_path: Path) -> tuple[Path, Path]:
    """``project``: an empty ``products/`` and the mkdocs.yml of a catalog kept in it."""
    products = tmp_path / "products"
    products.mkdir()
    return products, write_mkdocs_config(tmp_path, products)


def run(config: Path, *args: str) -> int:
    """``ocop -f CONFIG ARGS...``: its exit code."""
    return main(["-f", str(config), *args])


def record(products: Path, product_id: str) -> dict:
    return yaml.safe_load((products / product_id / "product.yml").read_text(encoding="utf-8"))


def written(products: Path) -> dict[str, str]:
    """Every record's text, by product id."""
    return {p.name: (p / "product.yml").read_text(encoding="utf-8")
            for p in sorted(products.iterdir()) if p.is_dir()}
