"""Listing pages end where a product's id says, so one product more or less changes few pages."""

from __future__ import annotations

import statistics

import pytest

from site_builder.output.listing_pages import (
    LISTING_PAGE_MAX,
    LISTING_PAGE_MIN,
    LISTING_PAGE_SIZE,
    ends_page,
    listing_pages,
    page_addresses,
)

IDS = [f"sp-{i:05d}" for i in range(5000)]


def _pages(ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Each page's address and products."""
    pages = listing_pages(ids, str)
    return dict(zip(page_addresses("san-pham/", pages, str), map(tuple, pages), strict=True))


def _changed(before: list[str], after: list[str]) -> set[str]:
    """Addresses whose page is new or holds other products (what an upload sends)."""
    old, new = _pages(before), _pages(after)
    return {address for address, items in new.items() if old.get(address) != items}


def test_pages_hold_every_product_in_order_between_the_least_and_the_most():
    pages = listing_pages(IDS, str)
    assert [i for page in pages for i in page] == IDS
    assert all(LISTING_PAGE_MIN <= len(page) <= LISTING_PAGE_MAX for page in pages[:-1])
    assert LISTING_PAGE_MIN <= len(pages[-1]) < LISTING_PAGE_MAX + LISTING_PAGE_MIN
    assert 0.8 * LISTING_PAGE_SIZE <= statistics.mean(map(len, pages)) <= 1.1 * LISTING_PAGE_SIZE


@pytest.mark.parametrize("count", [0, 1, LISTING_PAGE_MIN - 1, LISTING_PAGE_MIN])
def test_a_short_listing_is_one_page(count):
    assert listing_pages(IDS[:count], str) == [IDS[:count]]


def test_a_page_ends_after_a_product_that_ends_pages_or_at_the_most():
    pages = listing_pages(IDS, str)
    assert all(ends_page(page[-1]) or len(page) == LISTING_PAGE_MAX for page in pages[:-1])
    # Without any product that ends a page, pages are as long as allowed.
    never = [i for i in IDS if not ends_page(i)][:3 * LISTING_PAGE_MAX]
    assert [len(p) for p in listing_pages(never, str)] == [LISTING_PAGE_MAX] * 3


def test_later_pages_are_addressed_by_the_product_ending_the_page_before():
    pages = listing_pages(IDS, str)
    addresses = page_addresses("tinh/khanh-hoa/", pages, str)
    assert addresses[0] == "tinh/khanh-hoa/"
    assert addresses[1:] == [f"tinh/khanh-hoa/trang-sau-{page[-1]}/" for page in pages[:-1]]


def test_removing_or_adding_one_product_changes_its_page_and_rarely_one_more():
    """Its page, the next when it ended its page, and a few more only where pages were cut at
    the largest size, up to the next product that ends a page."""
    counts = []
    for i in range(0, len(IDS), 7):
        for after in (IDS[:i] + IDS[i + 1:], [*IDS[:i], f"moi-{i}", *IDS[i:]]):
            counts.append(len(_changed(IDS, after)))
    assert min(counts) >= 1 and max(counts) <= 6
    assert statistics.mean(counts) < 1.2
    # Counted by position, every page after the first product would hold other products.
    assert len(_changed(IDS, IDS[1:])) <= 2


def test_completeness_pages_hold_about_25_products_and_one_more_or_less_changes_few():
    from site_builder.output.plan import (
        COMPLETENESS_PAGE_MAX,
        COMPLETENESS_PAGE_MIN,
        COMPLETENESS_PAGE_SPREAD,
    )

    sizes = (COMPLETENESS_PAGE_MIN, COMPLETENESS_PAGE_MAX, COMPLETENESS_PAGE_SPREAD)
    pages = listing_pages(IDS, str, *sizes)
    assert [i for page in pages for i in page] == IDS
    assert all(COMPLETENESS_PAGE_MIN <= len(page) <= COMPLETENESS_PAGE_MAX for page in pages[:-1])
    assert 22 <= statistics.mean(map(len, pages)) <= 28

    def changed(after: list[str]) -> int:
        old, new = (dict(zip(page_addresses("truy-xuat/an-giang/", p, str), map(tuple, p),
                             strict=True)) for p in (pages, listing_pages(after, str, *sizes)))
        return sum(1 for address, items in new.items() if old.get(address) != items)

    counts = [changed(after) for i in range(0, len(IDS), 11)
              for after in (IDS[:i] + IDS[i + 1:], [*IDS[:i], f"moi-{i}", *IDS[i:]])]
    assert min(counts) >= 1 and max(counts) <= 6 and statistics.mean(counts) < 1.3


def test_a_province_s_completeness_pages_are_addressed_by_the_product_ending_the_page_before(
        monkeypatch):
    """Planned from the sample catalog, with pages of two to four products."""
    from dataclasses import replace

    from support.sites import AS_OF, REPO

    from site_builder.config import SiteConfig
    from site_builder.output import plan
    from site_builder.records.validate import load_catalog

    monkeypatch.setattr(plan, "COMPLETENESS_PAGE_MIN", 2)
    monkeypatch.setattr(plan, "COMPLETENESS_PAGE_MAX", 4)
    monkeypatch.setattr(plan, "COMPLETENESS_PAGE_SPREAD", 2)
    config = SiteConfig(products_dir=REPO / "products", as_of=AS_OF)
    catalog, _ = load_catalog(config, traceability_notes=False)

    def pages(products) -> dict[str, str]:
        site = plan.plan_site(replace(catalog, products=products), config, REPO / "theme" / "ocop")
        return {u.name.removeprefix("completeness:"): u.key for u in site.units
                if u.name.startswith("completeness:")}

    whole = pages(catalog.products)
    later = [a for a in whole if "/trang-sau-" in a]
    assert len(later) >= 5 and not any(a.rstrip("/").rsplit("/", 1)[-1].isdigit() for a in whole)
    ids = {p.id for p in catalog.products}
    assert all(a.rstrip("/").rsplit("/trang-sau-", 1)[1] in ids for a in later)
    assert {a for a in whole if a.startswith("en/")} == {f"en/{a}" for a in whole
                                                         if not a.startswith("en/")}
    # One product fewer: the province's first page in each language (its totals), its own
    # page, and the one after when it ended its page; not every page after it.
    for gone in catalog.products[::3]:
        fewer = pages([p for p in catalog.products if p is not gone])
        changed = {a for a in fewer if whole.get(a) != fewer[a]}
        first = f"truy-xuat/{gone.producer.province.slug}/"
        assert {first, f"en/{first}"} <= changed, gone.id
        assert len(changed - {first, f"en/{first}"}) <= 4, (gone.id, changed)
