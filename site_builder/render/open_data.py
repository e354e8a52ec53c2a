"""Open data: the catalog as files anyone may reuse, and a feed of certification events.

``du-lieu/products.json`` (one object per product, with its certification history),
``du-lieu/products.csv`` (one row per product and certification, UTF-8 with BOM so that Excel
shows Vietnamese correctly), ``du-lieu/schema.json`` (the JSON Schema of the records) and
``du-lieu/feed-<lang>.atom`` (newly certified, upgraded, re-certified, expiring within the
warning period, expired, revoked). Each carries the licence and the build date; the data page
(``du-lieu/``) documents the fields in each language.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape

from site_builder.config import SiteConfig
from site_builder.domain.model import Product
from site_builder.domain.rules import history_on
from site_builder.records.schema import json_schema
from site_builder.render.i18n import Translator
from site_builder.render.text import cell_text
from site_builder.render.views import ProductView, Urls

DATA_DIR = "du-lieu/"
CSV_COLUMNS = (
    "id", "name_vi", "name_en", "product_set", "sector", "producer", "producer_type",
    "address_on_certificate", "province", "commune", "gtin", "stars", "score", "decision",
    "decision_date", "authority", "valid_until", "kind", "ocop_code", "certification_status",
    "product_status", "page", "trace_page", "licence", "built",
)


# What each column of products.csv holds (the same names in products.json), in each language.
FIELDS = {
    "id": ("Mã sản phẩm trong danh mục (cố định)", "The product's id in the catalog (permanent)"),
    "name_vi": ("Tên sản phẩm", "Product name, Vietnamese"),
    "name_en": ("Tên tiếng Anh (nếu có)", "Product name, English (if given)"),
    "product_set": ("Bộ sản phẩm 1-26 (Phụ lục I, Quyết định 26/2026/QĐ-TTg); để trống khi chưa "
                    "phân loại", "Product set 1-26 (Appendix I, Decision 26/2026/QĐ-TTg); empty "
                    "while not yet classified"),
    "sector": ("Ngành hàng; để trống khi chưa phân loại", "Sector; empty while not yet classified"),
    "producer": ("Chủ thể sản xuất", "Producer"),
    "producer_type": ("Loại chủ thể: cooperative, enterprise, household, ...",
                      "Producer type: cooperative, enterprise, household, ..."),
    "address_on_certificate": ("Địa chỉ ghi trên giấy chứng nhận (có thể theo địa giới cũ)",
                               "Address as on the certificate (may use the old boundaries)"),
    "province": ("Tỉnh, thành phố hiện nay (34 đơn vị từ 01/7/2025)",
                 "Province or city now (34 since 1 July 2025)"),
    "commune": ("Xã, phường, đặc khu hiện nay; để trống khi chưa xác định",
                "Commune, ward or special zone now; empty while not settled"),
    "gtin": ("Mã GTIN (mã vạch), nếu có", "GTIN (barcode), if any"),
    "stars": ("Số sao của quyết định này", "Stars of this certification"),
    "score": ("Điểm đánh giá", "Evaluation score"),
    "decision": ("Số quyết định công nhận", "Certification decision number"),
    "decision_date": ("Ngày quyết định (YYYY-MM-DD)", "Decision date (YYYY-MM-DD)"),
    "authority": ("Cơ quan ra quyết định", "Issuing authority"),
    "valid_until": ("Hiệu lực đến (36 tháng)", "Valid until (36 months)"),
    "kind": ("first (lần đầu), upgrade (nâng hạng), re-evaluation (đánh giá lại)",
             "first, upgrade, re-evaluation"),
    "ocop_code": ("Mã sản phẩm OCOP, nếu có", "OCOP product code, if any"),
    "certification_status": ("Tình trạng của quyết định này vào ngày dựng trang",
                             "Status of this certification on the build day"),
    "product_status": ("Tình trạng của sản phẩm vào ngày dựng trang",
                       "Status of the product on the build day"),
    "page": ("Trang sản phẩm", "Product page"),
    "trace_page": ("Trang truy xuất (địa chỉ mã QR)", "Traceability page (the QR code's address)"),
    "licence": ("Giấy phép sử dụng dữ liệu", "Licence of the data"),
    "built": ("Ngày dựng trang (YYYY-MM-DD)", "Build date (YYYY-MM-DD)"),
}
assert tuple(FIELDS) == CSV_COLUMNS


def _certifications(view: ProductView) -> list[dict]:
    config = view.config
    return [{
        "stars": h.certification.stars, "score": h.certification.score,
        "decision": h.certification.decision,
        "decision_date": h.certification.decision_date.isoformat(),
        "authority": h.certification.authority,
        "valid_until": h.certification.valid_until.isoformat(),
        "kind": h.certification.kind, "ocop_code": h.certification.ocop_code,
        "status": h.status.value,
        "revoked": None if h.certification.revocation is None else {
            "date": h.certification.revocation.on.isoformat(),
            "decision": h.certification.revocation.decision,
            "reason": h.certification.revocation.reason},
    } for h in history_on(view.product, view.day, config.rules)]


def product_record(view: ProductView) -> dict:
    p, config = view.product, view.config
    return {
        "id": p.id, "name": {"vi": p.name.vi, "en": p.name.en},
        # null while the product is not yet classified
        "product_set": None if p.product_set is None else {
            "number": p.product_set.number, "vi": p.product_set.name_vi,
            "en": p.product_set.name_en},
        "sector": None if p.product_set is None else {
            "key": p.sector.slug, "vi": p.sector.name_vi, "en": p.sector.name_en},
        "producer": {"name": p.producer.name, "type": p.producer.type_key,
                     "address_on_certificate": p.producer.address_on_certificate,
                     "province": p.producer.province.name, "commune": _commune(p),
                     "phone": p.producer.phone, "website": p.producer.website},
        "gtin": p.gtin, "brand": p.brand,
        "status": view.status.status.value,
        "stars": view.status.stars if not view.lapsed else None,
        "shops": [{"kind": s.kind, "name": s.name, "url": s.url, "address": s.address}
                  for s in p.shops],
        "page": config.absolute_url(Urls().product(p)),
        "trace_page": view.trace_absolute_url,
        "certifications": _certifications(view),
    }


def _commune(product: Product) -> str | None:
    """The producer's current commune; None while a person has still to settle it."""
    commune = product.producer.commune
    return commune.name if commune else None


def products_json(views: list[ProductView], config: SiteConfig) -> bytes:
    data = {"licence": config.data_licence, "built": config.today().isoformat(),
            "source": config.site_url, "count": len(views),
            "products": [product_record(v) for v in views]}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def places_geojson(views: list[ProductView], config: SiteConfig) -> bytes:
    """Producers and shops one can visit, as GeoJSON points (RFC 7946: longitude first), for
    records that give a ``location``. Products without one are counted, not guessed: a
    commune's centre is not where a producer is."""
    features = []
    for view in views:
        p = view.product
        common = {"product_id": p.id, "product": p.name.vi, "product_en": p.name.en,
                  "stars": view.status.stars if not view.lapsed else None,
                  "status": view.status.status.value,
                  "page": config.absolute_url(Urls().product(p))}
        if p.producer.location:
            features.append(_point_feature(p.producer.location, {
                **common, "kind": "producer", "name": p.producer.name,
                "address": p.producer.address_on_certificate, "province": p.producer.province.name,
                "commune": _commune(p), "phone": p.producer.phone}))
        for shop in p.shops:
            if shop.location:
                features.append(_point_feature(shop.location, {
                    **common, "kind": "point_of_sale", "shop_kind": shop.kind, "name": shop.name,
                    "address": shop.address, "url": shop.url}))
    located = sum(1 for v in views if v.product.producer.location)
    data = {"type": "FeatureCollection", "licence": config.data_licence,
            "built": config.today().isoformat(), "source": config.site_url,
            "products": len(views), "producers_located": located, "features": features}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _point_feature(location: tuple[float, float], properties: dict) -> dict:
    lat, lon = location
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": properties}


def products_csv(views: list[ProductView], config: SiteConfig) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    built = config.today().isoformat()
    for view in views:
        record = product_record(view)
        p = view.product
        for c in record["certifications"]:
            writer.writerow(cell_text(v) if isinstance(v, str) else v for v in [
                p.id, p.name.vi, p.name.en or "",
                p.product_set.number if p.product_set else "",
                p.sector.slug if p.product_set else "", p.producer.name, p.producer.type_key,
                p.producer.address_on_certificate, p.producer.province.name,
                _commune(p) or "", p.gtin or "", c["stars"],
                "" if c["score"] is None else f"{c['score']:g}", c["decision"],
                c["decision_date"], c["authority"], c["valid_until"], c["kind"],
                c["ocop_code"] or "", c["status"], record["status"], record["page"],
                record["trace_page"], config.data_licence, built])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def schema_json(config: SiteConfig) -> bytes:
    schema = json_schema()
    schema["$comment"] = f"Licence: {config.data_licence}. Built {config.today().isoformat()}."
    return json.dumps(schema, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class Event:
    day: date
    kind: str  # first | upgrade | re-evaluation | expiring | expired | revoked
    view: ProductView
    stars: int
    decision: str


def events(views: list[ProductView]) -> list[Event]:
    """Certification events up to the build day, newest first."""
    found = []
    for view in views:
        day, rules = view.day, view.config.rules
        for h in history_on(view.product, day, rules):
            c = h.certification
            if c.decision_date <= day:
                found.append(Event(c.decision_date, c.kind, view, c.stars, c.decision))
            if c.revocation and c.revocation.on <= day:
                found.append(Event(c.revocation.on, "revoked", view, c.stars, c.revocation.decision))
            if h.superseded_by is None and c.revocation is None:
                warn = c.valid_until - timedelta(days=rules.expiring_days)
                if warn <= day < c.valid_until:
                    found.append(Event(warn, "expiring", view, c.stars, c.decision))
                elif c.valid_until <= day:
                    found.append(Event(c.valid_until, "expired", view, c.stars, c.decision))
    return sorted(found, key=lambda e: (e.day, e.view.product.id, e.kind), reverse=True)


def atom_feed(views: list[ProductView], config: SiteConfig, t: Translator, urls: Urls,
              limit: int = 500) -> bytes:
    """The newest ``limit`` events as an Atom 1.0 feed, each entry linking to the product."""
    feed_url = config.absolute_url(f"{DATA_DIR}feed-{t.lang}.atom")
    updated = f"{config.today().isoformat()}T00:00:00Z"
    entries = []
    for event in events(views)[:limit]:
        p = event.view.product
        link = config.absolute_url(urls.product(p))
        title = t(f"event_{event.kind.replace('-', '_')}", name=event.view.name, stars=event.stars)
        summary = t("event_summary", decision=event.decision, date=t.date(event.day),
                    producer=p.producer.name, province=p.producer.province.name)
        entries.append(
            f"<entry><id>{escape(link)}#{event.kind}-{event.day.isoformat()}</id>"
            f"<title>{escape(title)}</title><updated>{event.day.isoformat()}T00:00:00Z</updated>"
            f'<link href="{escape(link)}"/><summary>{escape(summary)}</summary></entry>\n')
    text = (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{t.lang}">\n'
            f"<id>{escape(feed_url)}</id><title>{escape(t('feed_title', site=config.site_name_in(t.lang)))}"
            f"</title><updated>{updated}</updated>"
            f'<link rel="self" href="{escape(feed_url)}"/>'
            f'<link href="{escape(config.absolute_url(urls.home()))}"/>'
            f"<author><name>{escape(config.site_name_in(t.lang))}</name></author>"
            f"<rights>{escape(config.data_licence)}</rights>\n" + "".join(entries) + "</feed>\n")
    return text.encode("utf-8")
