"""Short stamp addresses: ``/T/<CODE>/`` for a product's or a lot's traceability page.

A stamp of 12 or 15 mm cannot hold the GS1 Digital Link address crisply (a version 3 code at
least: manual/producers.md, "Short addresses for the smallest stamps"). With the setting
``short_addresses: N`` (N characters, 0: off), the build also publishes each traceability page
at ``/T/<CODE>/`` and ``ocop stamps`` prints that address when the long one cannot print
crisply. The code is made of capitals and digits and the prefix ``/T/`` too, so with the host
in capitals everything after ``https://`` is one alphanumeric QR segment (5.5 bits a
character instead of 8): on a 16-character domain, a 5-character code fits version 2 at level M.

The code is the first N base-36 digits of a SHA-256 of the product id (and lot): the same
product and lot always get the same code, whatever else the catalog holds, so a printed stamp
never changes meaning. Two addresses sharing a code are refused (``ShortCodeClash``), never
resolved by an order that a later product could change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

PREFIX = "T/"
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class ShortCodeClash(ValueError):
    """Two traceability pages whose short codes are the same."""


def short_code(product_id: str, lot: str | None, length: int) -> str:
    """The code of a product's (``lot`` None) or a lot's page: ``length`` base-36 digits."""
    key = product_id if lot is None else f"{product_id}/{lot}"
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest(), "big")
    code = []
    for _ in range(length):
        number, digit = divmod(number, len(DIGITS))
        code.append(DIGITS[digit])
    return "".join(code)


def short_path(product_id: str, lot: str | None, length: int) -> str:
    """The site path of a product's or a lot's short address: 'T/7QK2M/'."""
    return f"{PREFIX}{short_code(product_id, lot, length)}/"


def short_paths(pages: Iterable[tuple[str, str | None]], length: int
                ) -> dict[tuple[str, str | None], str]:
    """The short path of every (product id, lot or None), or ShortCodeClash naming the
    pages that share one and what to do."""
    paths: dict[tuple[str, str | None], str] = {}
    owner: dict[str, tuple[str, str | None]] = {}
    for page in pages:
        path = short_path(page[0], page[1], length)
        if path in owner:
            first, second = ("/".join(p for p in key if p) for key in (owner[path], page))
            raise ShortCodeClash(
                f"'{first}' và '{second}' có cùng địa chỉ ngắn /{path}: đổi mã lô của lô mới; "
                f"chỉ khi chưa in tem địa chỉ ngắn nào mới đặt short_addresses dài hơn "
                f"({length + 1}), vì độ dài mới đổi mọi mã / '{first}' and '{second}' share the "
                f"short address /{path}: give the newer lot another lot code; set a longer "
                f"short_addresses ({length + 1}) only if no short stamp has been printed yet, "
                f"as a new length changes every code")
        owner[path] = page
        paths[page] = path
    return paths
