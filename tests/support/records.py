"""Small, real-looking product records: the base record and an office's bare annex record,
written into a catalog folder, and the domain's Product made directly."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from PIL import Image

from site_builder.domain import places
from site_builder.domain.model import Certification, Producer, Product, Text
from site_builder.domain.taxonomy import PRODUCT_SETS

BASE_RECORD = {
    "id": "nho-say-nhon-son",
    "name": {"vi": "Nho sấy tách hạt Nhơn Sơn", "en": "Nhon Son seedless dried grapes"},
    "product_set": 7,
    "story": {"vi": "Nho đỏ Ninh Thuận được tách hạt bằng tay rồi sấy lạnh.\n",
              "en": "Red Ninh Thuan grapes, seeded by hand, then cold-dried.\n"},
    "producer": {
        "name": "Hợp tác xã Nông nghiệp Nhơn Sơn",
        "type": "cooperative",
        "phone": "0259 3854 112",
        "address_on_certificate": "Thôn Láng Ngựa, xã Nhơn Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận",
        "province": "Khánh Hòa",
        "commune": "Phường Đô Vinh",
    },
    "certifications": [{
        "stars": 3, "score": 64, "regime": "148", "decision": "1120/QĐ-UBND",
        "decision_date": "2024-03-15", "authority": "UBND huyện Ninh Sơn",
    }],
    "photos": [{"file": "anh-1.jpg", "alt": {"vi": "Túi nho sấy 200 g"}}],
}

# A product as an office's decision annex gives it (what `ocop import` writes): certification
# only, no story, photos, contacts or GTIN, no product set, and a commune still to settle.
ANNEX_RECORD = {
    "id": "mat-ong-tan-ninh",
    "name": {"vi": "Mật ong hoa nhãn Tân Ninh"},
    "producer": {
        "name": "HTX Nông nghiệp Tân Ninh",
        "type": "cooperative",
        "address_on_certificate": "Khu phố 4, Phường 4, thành phố Tây Ninh, tỉnh Tây Ninh",
        "province": "Tây Ninh",
    },
    "certifications": [{
        "stars": 4, "score": 72, "regime": "148", "decision": "2150/QĐ-UBND",
        "decision_date": "2024-09-20", "authority": "UBND tỉnh Tây Ninh",
    }],
    "to_confirm": {
        "producer.type": "suy ra từ tên chủ thể «HTX Nông nghiệp Tân Ninh»",
        "producer.commune": "xã Phường 4 cũ đã chia: Phường Tân Ninh hoặc Phường Long An — chọn một",
    },
}


def annex_record(**changes: object) -> dict:
    """A copy of the bare annex record with top-level fields replaced."""
    data = copy.deepcopy(ANNEX_RECORD)
    data.update(copy.deepcopy(changes))
    return data


def record(**changes: object) -> dict:
    """A copy of the base record with top-level fields replaced."""
    data = copy.deepcopy(BASE_RECORD)
    data.update(copy.deepcopy(changes))
    return data


def published_document(documents: list[dict]) -> str:
    """The name the site publishes the last of a lot's ``documents`` under (the project's,
    never the file's: its place in the lot, a slug of its title, the type of its content)."""
    from site_builder.domain.site_paths import slug

    kind = Path(documents[-1]["file"]).suffix.lower().lstrip(".").replace("jpeg", "jpg")
    return f"{len(documents)}-{slug(documents[-1]['title'])}.{kind}"


def write_record(products: Path, data: dict, *, photo: bool = True, text: str | None = None) -> Path:
    folder = products / str(data.get("id", "khong-co-ma"))
    folder.mkdir(parents=True, exist_ok=True)
    if photo:
        Image.new("RGB", (64, 48), (120, 30, 60)).save(folder / "anh-1.jpg", "JPEG")
    path = folder / "product.yml"
    path.write_text(text if text is not None else
                    yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def product_with(*certifications: Certification, **changes: object) -> Product:
    """A product of Khánh Hòa with the given certification history, oldest first."""
    province = places.find_province("Khánh Hòa")
    producer = Producer("Hợp tác xã Nông nghiệp Nhơn Sơn", "cooperative",
                        "xã Nhơn Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận", province,
                        places.find_commune(province, "Phường Đô Vinh"))
    fields = dict(id="nho-say-nhon-son", name=Text("Nho sấy Nhơn Sơn"), product_set=PRODUCT_SETS[7],
                  story=Text("Nho sấy."), producer=producer, certifications=certifications,
                  source=Path("products/nho-say-nhon-son/product.yml"))
    fields.update(changes)
    return Product(**fields)


# The lot of the annex record in conftest.annex_site.
ANNEX_LOT = {"lot": "TN2410", "produced": "2026-10-02"}
# What conftest.draft_site's record is written with.
DRAFT_PHONE = "0259.385.1234"  # written with dots, as on many packages
DRAFT_OFFICE_PHONE = "+84 (0) 258 3822 000"
DRAFT_GTIN = "08936058120099"
DRAFT_LOT = {"lot": "NS2611", "produced": "2026-11-02", "expires": "2027-05-02"}
