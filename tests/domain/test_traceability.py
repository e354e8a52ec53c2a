"""Circular 02/2024 items: what a product page and a batch page carry, and what is missing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from support.records import product_with

from site_builder.domain.model import Batch, Certification, Event, Photo, Text
from site_builder.domain.traceability import ITEMS, Mark, completeness

CERT = Certification(stars=4, score=75, regime_key="148", decision="88/QĐ-UBND",
                     decision_date=date(2025, 3, 1), authority="UBND tỉnh Khánh Hòa",
                     valid_until=date(2028, 3, 1), kind="first")
PHOTO = Photo(Path("/x/anh-1.jpg"), "anh-1.jpg", Text("Túi nho"))
GOOD_EVENT = Event("Đóng túi", date(2026, 10, 5), "Xưởng sấy", gln="8936058200067")


def marks(row):
    return {item.number: mark for item, mark in zip(ITEMS, row.marks, strict=True)}


def test_ten_items_in_the_circulars_order():
    assert [item.number for item in ITEMS] == list(range(1, 11))
    assert [item.number for item in ITEMS if item.optional] == [8, 9]


def test_product_without_batches_lacks_stages_and_times():
    row = completeness(product_with(CERT, photos=(PHOTO,), gtin="8936058120082",
                                    standards=("TCCS 01:2024",)))
    assert [item.number for item in row.missing] == [5, 6]
    assert marks(row)[8] is Mark.NOT_DECLARED and marks(row)[9] is Mark.NOT_DECLARED


def test_a_complete_batch():
    lot = Batch("NS-2610", date(2026, 10, 5), best_before=date(2027, 4, 5), events=(GOOD_EVENT,),
                standards=("VietGAP",))
    product = product_with(CERT, photos=(PHOTO,), batches=(lot,))
    row = completeness(product, lot)
    assert row.complete and marks(row)[9] is Mark.PRESENT
    # The product page links to the batch, so it carries stages and times too; its own trace
    # code is missing without a GTIN or an OCOP code.
    assert [item.number for item in completeness(product).missing] == [7, 10]


def test_a_stage_without_a_location_code_is_a_gap():
    lot = Batch("NS-2610", date(2026, 10, 5), events=(
        GOOD_EVENT, Event("Giao hàng", date(2026, 10, 7), "Chợ Phan Rang")), standards=("VietGAP",))
    row = completeness(product_with(CERT, photos=(PHOTO,), batches=(lot,)), lot)
    assert [item.number for item in row.missing] == [5]
    assert marks(row)[9] is Mark.NOT_DECLARED
