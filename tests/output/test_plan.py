"""The traceability pages a plan renders (output/plan.py): what a product's pages share is made
once for them, and a page is the same whether the pages rendered before it were its product's
or not, and wherever it is served from."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace

import pytest
from support.sites import AS_OF, REPO, SITE_URL

from site_builder.config import SiteConfig
from site_builder.domain.model import Catalog
from site_builder.output.plan import plan_site
from site_builder.output.units import SitePlan
from site_builder.records.validate import load_catalog
from site_builder.render.html import relative
from site_builder.render.templates import Parts, Renderer

THEME = REPO / "theme" / "ocop"
PRODUCT = "buoi-tan-trieu"  # two lots: B2610, and B2608 past its use-by date (its own day)


@pytest.fixture(scope="module")
def catalog() -> tuple[SiteConfig, Catalog]:
    """The sample catalog with short stamp addresses: each lot page is served from two depths."""
    config = SiteConfig(products_dir=REPO / "products", site_url=SITE_URL, as_of=AS_OF,
                        short_addresses=5)
    found, _ = load_catalog(config, traceability_notes=False)
    return config, replace(found, products=[p for p in found.products if p.id == PRODUCT])


def pages(plan: SitePlan, names: list[str]) -> dict[str, bytes]:
    """The HTML files the units ``names`` render, in that order."""
    units = {unit.name: unit for unit in plan.units}
    return {item.path: item.data for name in names for item in units[name].render().files
            if item.path.endswith(".html")}


def served_at(path: str) -> str:
    """The address a page file answers: 'x/' for 'x/index.html', 'x' for 'x.html'."""
    return path[: -len("index.html")] if path.endswith("/index.html") else path[: -len(".html")]


def test_a_lot_page_is_the_same_after_its_products_pages_or_alone(catalog):
    """Lots are rendered one after another, after their product, by one process, which makes
    what they share once; the page of a lot past its use-by date states another day."""
    config, products = catalog
    lots = [f"lot:{PRODUCT}/B2610", f"lot:{PRODUCT}/B2608"]
    in_order = pages(plan_site(products, config, THEME), [f"product:{PRODUCT}", *lots])
    alone = pages(plan_site(products, config, THEME), lots[::-1])
    # Each lot in two languages, the first in two files (a host we know nothing of), and at
    # its short address.
    assert len(alone) == 8
    assert alone == {path: in_order[path] for path in alone}
    first, second = (in_order[f"01/08936058120082/10/{lot}.html"] for lot in ("B2610", "B2608"))
    checked = re.compile(rb'data-checked-on[^>]*>([^<]*)<')
    assert checked.search(first).group(1) != checked.search(second).group(1)


def test_parts_an_office_makes_link_rightly_from_every_page(catalog, tmp_path):
    """An office's status panel that links to a page of the site: its link on each lot page,
    wherever the page is served from, goes there."""
    config, products = catalog
    theme = tmp_path / "ocop"
    shutil.copytree(THEME, theme)
    panel = theme / "status_panel.html"
    panel.write_text(panel.read_text(encoding="utf-8")
                     + '<a class="office-link" href="{{ link(\'gioi-thieu/\') }}">OCOP</a>\n',
                     encoding="utf-8")
    lots = [f"lot:{PRODUCT}/B2610", f"lot:{PRODUCT}/B2608"]
    rendered = pages(plan_site(products, config, theme), [f"product:{PRODUCT}", *lots])
    links = {path: re.search(rb'class="office-link" href="([^"]*)"', data).group(1).decode()
             for path, data in rendered.items() if b'id="status-heading"' in data}
    assert len(set(links.values())) >= 3  # the trace page, the lot pages, the short addresses
    for path, link in links.items():
        assert link == relative(served_at(path), "gioi-thieu/"), path
    # The product's own pages show the same panel, its link from where they are.
    for url, body in product_pages(plan_site(products, config, theme)).items():
        found = re.search(r'class="office-link" href="([^"]*)"', body)
        assert found is not None and found.group(1) == relative(url, "gioi-thieu/"), url


def test_pages_of_a_catalog_built_twice_in_one_process_show_each_its_own(catalog, tmp_path):
    """What pages share is kept for the plan that made it: another plan of the same product
    with other templates (``ocop serve`` after an edit) does not show the first's."""
    config, products = catalog
    theme = tmp_path / "ocop"
    shutil.copytree(THEME, theme)
    lot = f"lot:{PRODUCT}/B2610"
    before = pages(plan_site(products, config, THEME), [lot])
    heading = theme / "macros.html"
    heading.write_text(heading.read_text(encoding="utf-8").replace("<h1", '<h1 class="edited"'),
                       encoding="utf-8")
    after = pages(plan_site(products, config, theme), [lot])
    assert before.keys() == after.keys()
    for path, data in after.items():
        assert b'<h1 class="edited"' in data and b'<h1 class="edited"' not in before[path]


def test_what_a_products_pages_share_is_made_once_a_language_and_day(catalog, monkeypatch):
    """Its traceability page (at three addresses) and a lot's share what they show of the
    product; the lot past its use-by date, stating another day, has its own."""
    config, products = catalog
    made: list[tuple[str, str]] = []
    parts = Renderer.parts

    def counted(self: Renderer, template: str, page_url: str, **context: object) -> Parts:
        made.append((self.lang, page_url))
        return parts(self, template, page_url, **context)

    monkeypatch.setattr(Renderer, "parts", counted)
    pages(plan_site(products, config, THEME),
          [f"product:{PRODUCT}", f"lot:{PRODUCT}/B2610", f"lot:{PRODUCT}/B2608"])
    assert sorted(lang for lang, _ in made) == ["en", "en", "vi", "vi"]


def product_pages(plan: SitePlan) -> dict[str, str]:
    """The bodies of the product's own pages (product.html), by address."""
    units = {unit.name: unit for unit in plan.units}
    return {page.url: page.body for page in units[f"product:{PRODUCT}"].render().pages}


def test_an_offices_product_page_that_makes_its_own_status_panel_still_works(catalog, tmp_path):
    """The product page shows the status panel and heading its traceability pages share
    (``shared``); an office's product.html that includes the panel and calls the heading's
    macro itself, as the theme's did before, is given all it was and shows the same."""
    config, products = catalog
    theme = tmp_path / "ocop"
    shutil.copytree(THEME, theme)
    page = theme / "product.html"
    text = page.read_text(encoding="utf-8")
    own = text.replace("shared.heading if shared.heading is defined else ", "")
    own = re.sub(r"{% if shared.status is defined %}.*?{% else %}(.*?){% endif %}", r"\1", own)
    assert own != text and "shared." not in own
    page.write_text(own, encoding="utf-8")
    theirs = product_pages(plan_site(products, config, theme))
    ours = product_pages(plan_site(products, config, THEME))
    assert len(ours) == 2 and theirs == ours
    for body in ours.values():
        assert body.count('id="status-heading"') == 1 and body.count("<h1") == 1


# The theme's trace_product.html before the product page shared its status panel and heading.
TRACE_PRODUCT_BEFORE = """{% import "trace_parts.html" as parts %}
{% from "macros.html" import product_heading %}
{% set top %}{% include "status_panel.html" %}
{{ product_heading(v) }}{% endset %}
{% set maker %}{{ parts.qr_data() }}
{{ parts.producer_box(v) }}{% endset %}
"""


def test_an_offices_older_trace_parts_leave_the_product_page_whole(catalog, tmp_path):
    """An office's templates folder with today's product.html and the trace_product.html of
    the stop before (no status or heading among its parts): the product page makes them itself
    and is the same page."""
    config, products = catalog
    theme = tmp_path / "ocop"
    shutil.copytree(THEME, theme)
    (theme / "trace_product.html").write_text(TRACE_PRODUCT_BEFORE, encoding="utf-8")
    theirs = product_pages(plan_site(products, config, theme))
    assert theirs == product_pages(plan_site(products, config, THEME))
