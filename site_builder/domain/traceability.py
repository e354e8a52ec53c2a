"""The ten minimum traceability items of Circular 02/2024/TT-BKHCN, checked per product and batch.

A product page can carry the items about the product; the stages and their times (items 5 and
6) only exist for a batch. Items the Circular marks "if any" (8 and 9) are never counted as
missing: a product may have no registered brand, and some products have no shelf life.
How each item is satisfied is documented in manual/offices.md, "Circular 02/2024 completeness".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from site_builder.domain.model import Batch, Product


@dataclass(frozen=True)
class Item:
    number: int
    vi: str
    en: str
    short_vi: str
    short_en: str
    optional: bool = False  # "(if any)" in the Circular


ITEMS: tuple[Item, ...] = (
    Item(1, "Tên sản phẩm", "Product name", "tên", "name"),
    Item(2, "Hình ảnh sản phẩm", "Product images", "ảnh", "images"),
    Item(3, "Tên cơ sở sản xuất, kinh doanh", "Producer or business name", "cơ sở", "producer"),
    Item(4, "Địa chỉ cơ sở", "Its address", "địa chỉ", "address"),
    Item(5, "Các công đoạn sản xuất, kinh doanh, mỗi công đoạn có mã truy vết sản phẩm, mã truy "
            "vết địa điểm và thời gian", "Production and business stages, each with a product "
            "trace code, a location trace code and a time",
         "công đoạn có mã địa điểm", "stages with location codes"),
    Item(6, "Thời gian sản xuất, kinh doanh", "Production or business time",
         "ngày sản xuất", "production date"),
    Item(7, "Mã truy vết sản phẩm", "Product trace code", "mã truy vết: GTIN hoặc mã OCOP",
         "trace code: GTIN or OCOP code"),
    Item(8, "Nhãn hiệu, thương hiệu, mã ký hiệu, số sê-ri (nếu có)",
         "Brand, trademark, symbol code or serial number (if any)", "nhãn hiệu", "brand",
         optional=True),
    Item(9, "Hạn sử dụng (nếu có)", "Shelf life (if any)", "hạn sử dụng", "shelf life",
         optional=True),
    Item(10, "Tiêu chuẩn, quy chuẩn kỹ thuật áp dụng", "Standards or technical regulations applied",
         "tiêu chuẩn áp dụng", "standards"),
)


class Mark(str, Enum):
    PRESENT = "present"
    MISSING = "missing"
    NOT_DECLARED = "not_declared"  # an "(if any)" item left out: not a gap


@dataclass(frozen=True)
class Completeness:
    product: Product
    batch: Batch | None
    marks: tuple[Mark, ...]  # in the order of ITEMS

    @property
    def missing(self) -> list[Item]:
        return [item for item, mark in zip(ITEMS, self.marks, strict=True) if mark is Mark.MISSING]

    @property
    def not_declared(self) -> list[Item]:
        return [item for item, mark in zip(ITEMS, self.marks, strict=True)
                if mark is Mark.NOT_DECLARED]

    @property
    def complete(self) -> bool:
        return not self.missing


def _mark(present: bool, optional: bool = False) -> Mark:
    if present:
        return Mark.PRESENT
    return Mark.NOT_DECLARED if optional else Mark.MISSING


def _has_stages(batch: Batch) -> bool:
    """Every stage has a location trace code; the time is required and the product trace code
    is the lot itself."""
    return bool(batch.events) and all(e.location_trace_code for e in batch.events)


def completeness(product: Product, batch: Batch | None = None) -> Completeness:
    """Which items a product page (``batch`` None) or a batch page carries."""
    if batch is None:
        # The product's page links to its batches: it carries the stages if one of them does.
        stages = any(_has_stages(b) for b in product.batches)
        produced = bool(product.batches)
        trace_code = bool(product.gtin or product.latest.ocop_code)
        shelf_life = bool(product.shelf_life)
        standards = bool(product.standards)
    else:
        stages = _has_stages(batch)
        produced = True  # the production date is a required field of a batch
        trace_code = True  # the lot code, with the GTIN when there is one
        shelf_life = bool(batch.use_by or product.shelf_life)
        standards = bool(batch.standards or product.standards)
    marks = (
        Mark.PRESENT,  # the name is a required field
        _mark(bool(product.photos)),
        Mark.PRESENT,  # so is the producer's name
        _mark(bool(product.producer.address_on_certificate)),
        _mark(stages),
        _mark(produced),
        _mark(trace_code),
        _mark(bool(product.brand), optional=True),
        _mark(shelf_life, optional=True),
        _mark(standards),
    )
    return Completeness(product, batch, marks)


def all_completeness(products: list[Product]) -> list[Completeness]:
    """Each product, followed by each of its batches."""
    rows = []
    for product in products:
        rows.append(completeness(product))
        rows.extend(completeness(product, batch) for batch in product.batches)
    return rows
