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
