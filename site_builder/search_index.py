"""The catalog's search and filter index: a Pagefind bundle built from the records.

Pagefind splits its index into small files, so a browser downloads only what one query needs
(bench/search_weight.py measures it at 20,000 products), whatever the size of the catalog.
We index one small search document per product and language rather than the pages themselves:
it is faster to build, and holds exactly what people search by (name, producer, province,
commune, product type) and filter by (``facets.py``).

Pagefind does not fold Vietnamese diacritics, so each document also carries its words without
them ("banh trang" beside "bánh tráng"), and the page folds what the reader types the same way
(``catalog.js``): "ca phe", "CÀ PHÊ" and "cà phê" all find "Cà phê".
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from markupsafe import escape

from .facets import values_of
from .places import ascii_fold
from .views import ProductView, Urls

OUTPUT_DIR = "pagefind/"
# Pagefind's own ready-made interfaces: the catalog page has its own, in its languages.
_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


class SearchIndexError(RuntimeError):
    pass


def pagefind_binary() -> Path:
    """The Pagefind program, installed with the ``pagefind-bin`` package."""
    from pagefind_bin import get_executable  # imported late: only full builds need it

    return Path(get_executable())


def search_document(view: ProductView, photo: dict | None, order: int) -> str:
    """A small HTML page that Pagefind indexes in place of the product page."""
    p, t = view.product, view.t
    place = f"{p.producer.commune.name}, {p.producer.province.name}"
    words = " ".join((view.name, p.producer.name, place, t.name(p.product_set),
                      t.name(p.product_set.sector), p.brand or "", p.id))
    stars = view.status.stars if not view.lapsed and view.status.stars else 0
    decided = view.status.current.certification.decision_date.isoformat() \
        if view.status.current else "0000-00-00"
    hidden = [f'<span data-pagefind-filter="{key}">{escape(value)}</span>'
              for key, value in sorted(values_of(view).items())]
    hidden += [
        f'<span data-pagefind-sort="ten">{escape(ascii_fold(view.name))}</span>',
        f'<span data-pagefind-sort="sao">{stars}</span>',
        f'<span data-pagefind-sort="moi">{decided}</span>',
        f'<span data-pagefind-sort="thu-tu">{order:06d}</span>',
        f'<span data-pagefind-meta="stars">{stars}</span>',
        f'<span data-pagefind-meta="status">{escape(view.status.status.value)}</span>',
        f'<span data-pagefind-meta="status_text">{escape(view.status_short)}</span>',
    ]
    if photo is not None:
        hidden += [f'<span data-pagefind-meta="image">{escape(photo["small_webp"])}</span>',
                   f'<span data-pagefind-meta="image_fallback">{escape(photo["small"])}</span>',
                   f'<span data-pagefind-meta="image_alt">{escape(t.text(photo["alt"]))}</span>']
    return (
        f'<!doctype html><html lang="{t.lang}"><head><meta charset="utf-8"><title></title></head>'
        f'<body><h1 data-pagefind-meta="title">{escape(view.name)}</h1>'
        f'<p data-pagefind-meta="producer">{escape(p.producer.name)}</p>'
        f'<p data-pagefind-meta="place">{escape(place)}</p>'
        f'<p>{escape(words)}</p><p>{escape(ascii_fold(words))}</p>'
        f'<div data-pagefind-ignore>{"".join(hidden)}</div></body></html>'
    )


def build_search_index(views_by_language: list[list[ProductView]], photos: dict[str, list],
                       urls_by_language: list[Urls]) -> dict[str, bytes]:
    """The Pagefind bundle for every product in every language, as site paths and contents."""
    with tempfile.TemporaryDirectory(prefix="ocop-search-") as tmp:
        source, output = Path(tmp) / "docs", Path(tmp) / "out"
        for views, language_urls in zip(views_by_language, urls_by_language, strict=True):
            for order, view in enumerate(views):
                folder = source / language_urls.product(view.product)
                folder.mkdir(parents=True, exist_ok=True)
                shown = photos.get(view.product.id) or [None]
                (folder / "index.html").write_text(search_document(view, shown[0], order),
                                                   encoding="utf-8")
        if not source.exists():
            return {}  # no products
        run = subprocess.run(
            [str(pagefind_binary()), "--site", str(source), "--output-path", str(output)],
            capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False)
        if run.returncode != 0:
            raise SearchIndexError(f"Pagefind could not build the search index:\n{run.stdout}"
                                   f"\n{run.stderr}")
        files = {}
        for path in sorted(output.rglob("*")):
            if path.is_file() and not path.name.startswith(_UNUSED):
                files[OUTPUT_DIR + path.relative_to(output).as_posix()] = path.read_bytes()
        return files
