"""Where a listing's pages end, so that a small change to a listing changes few of its pages.

Pages used to hold LISTING_PAGE_SIZE products each, counted from the start: one product added
or removed moved every product after it to another page, and every later page of every listing
it was in had to be uploaded again. Here a page ends after a product whose id hashes to a chosen
value (content-defined chunking), with a minimum and a maximum size: adding or removing a
product changes its own page, and the next when that product ends a page (a few more, rarely,
where pages were cut at LISTING_PAGE_MAX up to the next product that ends one). The pages are still
a function of the records alone (a clean build and an incremental one agree), and a page after
the first is addressed by the product that ends the page before it (``…/trang-sau-<id>/``), so
that pages before and after a change keep their addresses too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeVar

LISTING_PAGE_SIZE = 60  # products a page, on average (see ``test_listing_pages``)
LISTING_PAGE_MIN = 30  # a page ends no earlier, and a last page shorter joins the one before
LISTING_PAGE_MAX = 120  # a page ends here even without a product that ends it
# One product in _SPREAD ends a page once the page has LISTING_PAGE_MIN: pages of MIN plus a
# geometric number of products, cut at MAX, are LISTING_PAGE_SIZE long on average.
_SPREAD = 33
# The segment of a later page's address, before the id of the product that ends the page before.
AFTER = "trang-sau-"

T = TypeVar("T")


def ends_page(product_id: str, spread: int = _SPREAD) -> bool:
    """Whether the product may end a page (one in ``spread``): a property of its id alone, the
    same in every listing, every language and every build."""
    digest = hashlib.blake2b(product_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % spread == 0


def listing_pages(items: Sequence[T], key: Callable[[T], str], least: int = LISTING_PAGE_MIN,
                  most: int = LISTING_PAGE_MAX, spread: int = _SPREAD) -> list[list[T]]:
    """``items`` cut into pages (at least one, maybe empty): a page ends after an item whose
    ``key`` ends pages (``ends_page`` with ``spread``) once it has ``least`` items, or at
    ``most``; a last page shorter than ``least`` is added to the page before. Pages are
    ``least`` + ``spread`` items long on average, a little less for the cut at ``most``."""
    pages: list[list[T]] = []
    page: list[T] = []
    for item in items:
        page.append(item)
        if len(page) >= most or (len(page) >= least and ends_page(key(item), spread)):
            pages.append(page)
            page = []
    if page and pages and len(page) < least:
        pages[-1].extend(page)
    elif page or not pages:
        pages.append(page)
    return pages


def page_addresses(first: str, pages: list[list[T]], key: Callable[[T], str]) -> list[str]:
    """The address of each page: ``first``, then ``first`` + 'trang-sau-<key of the item that
    ends the page before>/'."""
    return [first] + [f"{first}{AFTER}{key(before[-1])}/" for before in pages[:-1]]
