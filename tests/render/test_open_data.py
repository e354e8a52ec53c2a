"""Open data from the sample build: products.json, products.csv, schema.json and the Atom feeds
(RFC 4287's required elements checked with an XML parser), and the data page in each language."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import yaml
from support.sites import AS_OF, REPO, SITE_URL

from site_builder.render.open_data import CSV_COLUMNS

ATOM = "{http://www.w3.org/2005/Atom}"


def test_products_json_holds_every_product_with_licence_and_date(sample_site):
    data = json.loads((sample_site / "du-lieu/products.json").read_text(encoding="utf-8"))
    records = sorted((REPO / "products").glob("*/product.yml"))
    assert data["count"] == len(data["products"]) == len(records)
    assert data["licence"].startswith("CC BY 4.0") and data["built"] == AS_OF.isoformat()
    pomelo = next(p for p in data["products"] if p["id"] == "buoi-tan-trieu")
    assert pomelo["stars"] == 5 and pomelo["status"] == "valid"
    assert [c["kind"] for c in pomelo["certifications"]] == ["first", "upgrade"]
    assert pomelo["trace_page"] == SITE_URL + "01/08936058120082"
    revoked = next(p for p in data["products"] if p["id"] == "ruou-sam-tien-vua")
    assert revoked["stars"] is None and revoked["certifications"][-1]["revoked"]["decision"]


def test_products_csv_has_a_row_per_certification_and_opens_in_excel(sample_site):
    raw = (sample_site / "du-lieu/products.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the BOM
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    certifications = sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["certifications"])
                         for p in (REPO / "products").glob("*/product.yml"))
    assert len(rows) == certifications
    assert tuple(rows[0]) == CSV_COLUMNS
    upgrade = next(r for r in rows if r["id"] == "buoi-tan-trieu" and r["kind"] == "upgrade")
    assert (upgrade["stars"], upgrade["decision_date"], upgrade["province"]) == (
        "5", "2024-11-28", "Đồng Nai")
    assert all(r["licence"] and r["built"] == AS_OF.isoformat() for r in rows)


def test_schema_json_is_the_record_schema(sample_site):
    schema = json.loads((sample_site / "du-lieu/schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"id", "name", "certifications", "producer"} <= set(schema["properties"])
    assert "Licence" in schema["$comment"]


def test_the_feeds_are_atom_with_the_certification_events(sample_site):
    for lang in ("vi", "en"):
        root = ET.parse(sample_site / f"du-lieu/feed-{lang}.atom").getroot()
        assert root.tag == ATOM + "feed"
        for required in ("id", "title", "updated", "author"):
            assert root.find(ATOM + required) is not None, required
        entries = root.findall(ATOM + "entry")
        assert entries
        ids = [e.findtext(ATOM + "id") for e in entries]
        assert len(ids) == len(set(ids))
        dates = [e.findtext(ATOM + "updated") for e in entries]
        assert dates == sorted(dates, reverse=True)
        for entry in entries:
            assert entry.findtext(ATOM + "title") and entry.find(ATOM + "link").get("href")
        titles = " | ".join(e.findtext(ATOM + "title") for e in entries)
        if lang == "vi":
            assert "Thu hồi: Rượu sâm" in titles and "Nâng hạng: Bưởi Tân Triều, lên 5 sao" in titles
            assert "Hết hạn: Rượu nếp" in titles
        else:
            assert "Upgraded: Tan Trieu pomelo, now 5-star" in titles


def test_the_data_page_documents_every_field_in_both_languages(sample_site):
    for path, word in (("du-lieu/index.html", "Giấy phép"), ("en/du-lieu/index.html", "Licence")):
        html = (sample_site / path).read_text(encoding="utf-8")
        assert word in html
        for column in CSV_COLUMNS:
            assert f"<code>{column}</code>" in html


def test_the_records_point_editors_at_the_current_schema():
    from site_builder.records.schema import json_schema

    committed = json.loads((REPO / "products/schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run: ocop schema"
    for record in (REPO / "products").glob("*/product.yml"):
        first = record.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema.json", record


def test_the_geojson_has_a_point_per_located_producer_and_shop(sample_site):
    data = json.loads((sample_site / "du-lieu" / "places.geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and data["licence"] and data["built"] == AS_OF.isoformat()
    located = {}
    for path in sorted((REPO / "products").glob("*/product.yml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "location" in record["producer"]:
            located[record["id"]] = record["producer"]["location"]
    producers = [f for f in data["features"] if f["properties"]["kind"] == "producer"]
    assert data["producers_located"] == len(producers) == len(located) >= 3
    for feature in producers:
        where = located[feature["properties"]["product_id"]]
        assert feature["geometry"] == {"type": "Point", "coordinates": [where["lon"], where["lat"]]}
    shops = [f for f in data["features"] if f["properties"]["kind"] == "point_of_sale"]
    assert shops and all(f["properties"]["address"] for f in shops)


def test_a_location_outside_vietnam_is_an_error_with_its_line(products, site_config):
    from support.records import record, write_record

    from site_builder.records.validate import load_catalog

    data = record()
    data["producer"]["location"] = {"lat": 48.85, "lon": 2.35}
    write_record(products, data)
    _, problems = load_catalog(site_config)
    messages = [p.format("vi", products.parent) for p in problems.errors]
    assert any("producer.location.lat" in m for m in messages), messages


def test_products_csv_keeps_formula_like_text_as_text(products, site_config):
    from support.records import record, write_record

    from site_builder.records.validate import load_catalog
    from site_builder.render.i18n import Translator
    from site_builder.render.open_data import products_csv
    from site_builder.render.views import product_view

    data = record()
    data["name"] = {"vi": "=HYPERLINK(\"https://lua-dao.example\")"}
    write_record(products, data)
    catalog, problems = load_catalog(site_config)
    assert not problems.errors
    views = [product_view(p, AS_OF, site_config, Translator("vi")) for p in catalog.products]
    rows = list(csv.reader(io.StringIO(products_csv(views, site_config).decode("utf-8-sig"))))
    assert rows[1][CSV_COLUMNS.index("name_vi")] == "'=HYPERLINK(\"https://lua-dao.example\")"


def test_an_annex_product_is_in_the_open_data_with_nulls_and_empty_cells(annex_site):
    data = json.loads((annex_site / "du-lieu/products.json").read_text(encoding="utf-8"))
    honey = next(p for p in data["products"] if p["id"] == "mat-ong-tan-ninh")
    assert honey["product_set"] is None and honey["sector"] is None
    assert honey["producer"]["commune"] is None and honey["producer"]["province"] == "Tây Ninh"
    assert honey["producer"]["phone"] is None and honey["gtin"] is None
    assert honey["stars"] == 4 and honey["certifications"][0]["decision"] == "2150/QĐ-UBND"
    grapes = next(p for p in data["products"] if p["id"] == "nho-say-nhon-son")
    assert grapes["product_set"]["number"] == 7 and grapes["sector"]["key"] == "thuc-pham"
    assert "to_confirm" not in json.dumps(data)  # a question for staff, never published
    raw = (annex_site / "du-lieu/products.csv").read_bytes().decode("utf-8-sig")
    [row] = [r for r in csv.DictReader(io.StringIO(raw)) if r["id"] == "mat-ong-tan-ninh"]
    assert (row["product_set"], row["sector"], row["commune"], row["gtin"]) == ("", "", "", "")
    assert (row["province"], row["stars"], row["decision_date"]) == ("Tây Ninh", "4", "2024-09-20")


def test_a_located_producer_without_a_commune_has_a_null_commune(products, site_config):
    from support.records import annex_record, write_record

    from site_builder.records.validate import load_catalog
    from site_builder.render.i18n import Translator
    from site_builder.render.open_data import places_geojson
    from site_builder.render.views import product_view

    data = annex_record()
    data["producer"]["location"] = {"lat": 11.31, "lon": 106.10}
    write_record(products, data, photo=False)
    catalog, problems = load_catalog(site_config)
    assert not problems.errors
    views = [product_view(p, AS_OF, site_config, Translator("vi")) for p in catalog.products]
    [feature] = json.loads(places_geojson(views, site_config))["features"]
    assert feature["properties"]["commune"] is None
    assert feature["properties"]["province"] == "Tây Ninh"
    assert feature["geometry"]["coordinates"] == [106.10, 11.31]


def test_the_schema_leaves_story_set_and_commune_optional_and_describes_to_confirm():
    from site_builder.records.schema import json_schema

    schema = json_schema()
    assert schema["required"] == ["id", "name", "producer", "certifications"]
    producer = schema["$defs"]["ProducerRecord"]
    assert "commune" not in producer["required"] and "province" in producer["required"]
    certification = schema["$defs"]["CertificationRecord"]
    assert {"stars", "regime", "decision", "decision_date", "authority"} <= set(
        certification["required"])
    to_confirm = schema["properties"]["to_confirm"]
    assert to_confirm["type"] == "object"
    assert to_confirm["propertyNames"]["maxLength"] == 100
    assert to_confirm["additionalProperties"]["maxLength"] == 500
