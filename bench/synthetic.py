"""A synthetic national catalog of N products, for benchmarks.

The mix follows the national figures (about 74% 3★, 25% 4★, 1% 5★), spreads products over all
34 provinces and 26 product sets, gives each 0-3 batches (or exactly ``lots`` of them, one a week
back from November 2026), Vietnamese and English stories of a realistic length and one small
photo. Records are valid as an office's are: each decision names the authority its regime gives
the rating to (a district's People's Committee for 3 stars under Decision 148 before 1489, the
province's for 4 stars and after 1489, the Ministry for 5), so checking them raises no warning.

    python bench/synthetic.py 1000 /tmp/catalog-1000     # writes /tmp/catalog-1000/products/
    python bench/synthetic.py 1000 /tmp/catalog-1000 --lots 10
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from site_builder import place_data  # noqa: E402
from site_builder.domain import places  # noqa: E402
from site_builder.domain.gtin import check_digit  # noqa: E402
from site_builder.domain.places import _communes_by_province  # noqa: E402
from site_builder.domain.taxonomy import PRODUCT_SETS  # noqa: E402

PRODUCT_WORDS = ["Mật ong", "Trà", "Gạo", "Nước mắm", "Cà phê", "Bánh tráng", "Miến", "Rượu",
                 "Nem chua", "Mứt", "Tinh dầu", "Chiếu cói", "Hạt điều", "Tương ớt", "Muối tôm",
                 "Khô cá", "Bưởi", "Xoài", "Nhãn sấy", "Dầu lạc"]
QUALIFIERS = ["truyền thống", "hữu cơ", "đặc sản", "thượng hạng", "làng nghề", "sấy lạnh",
              "rừng", "nếp cái hoa vàng", "ST25", "lên men tự nhiên"]
STORY_VI = ("{name} được làm theo cách của người dân {commune} từ nhiều đời nay. Nguyên liệu lấy từ "
            "vùng trồng của hợp tác xã, thu hái đúng vụ, sơ chế trong ngày. Mỗi lô hàng ghi rõ ngày "
            "sản xuất và được kiểm nghiệm trước khi ra thị trường. Sản phẩm phù hợp làm quà biếu, "
            "có mặt tại các điểm bán OCOP trong tỉnh và trên sàn thương mại điện tử.\n\n"
            "Cơ sở đang mở rộng vùng nguyên liệu theo tiêu chuẩn VietGAP và liên kết với các hộ dân "
            "trong xã để giữ nghề và tăng thu nhập.")
STORY_EN = ("{name} is made the way people in {commune} have made it for generations, from raw "
            "material grown by the cooperative, harvested in season and processed the same day. "
            "Every lot is dated and tested before sale.")
PRODUCER_TYPES = ["cooperative", "cooperative_group", "enterprise", "household", "farm"]
# Decision 1489/QĐ-TTg (6 July 2025) moved 3-star recognition from districts to provinces.
AMENDED = date(2025, 7, 6)
HUE_CITY = date(2025, 1, 1)  # the province of Thừa Thiên Huế became the city of Huế
MINISTRY = {False: "Bộ Nông nghiệp và Phát triển nông thôn", True: "Bộ Nông nghiệp và Môi trường"}
LAST_LOT = date(2026, 11, 15)  # lots are made weekly up to this day (the bench builds as of 22/11)
STAGES = [("Thu hoạch nguyên liệu", "Vùng nguyên liệu {area}"),
          ("Sơ chế và phân loại", "Nhà sơ chế của {producer}"),
          ("Chế biến và đóng gói", "Xưởng sản xuất của {producer}"),
          ("Giao cho điểm bán OCOP", "Điểm giới thiệu sản phẩm OCOP {province}")]
# A test report as the smallest valid PDF: one page, no text (lots link to it).
REPORT_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
              b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
              b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
              b"trailer<</Root 1 0 R>>\n%%EOF\n")


@cache
def _districts(province_code: int) -> list[tuple[str, str]]:
    """The rural districts (huyện) that were part of what is now the province, before the 2025
    reform, with the province they were in then: who recognised 3 stars under Decision 148."""
    old = places.old_provinces()
    rows = place_data.rows("select distinct provinceCode, district from admin_units_legacy "
                           "where districtType = 'Huyện' order by provinceCode, district")
    return [(name, old[int(code)].name) for code, name in rows
            if old[int(code)].now.code == province_code]


def _authority(stars: int, decided: date, province: places.Province,
               rng: random.Random) -> tuple[str, str]:
    """The regime of a decision and the authority that regime gives the rating to."""
    amended = decided >= AMENDED
    if stars == 5:
        return ("148+1489" if amended else "148"), MINISTRY[amended]
    if amended:
        return "148+1489", f"UBND {province.name}"
    district, old_province = rng.choice(_districts(province.code))
    if stars == 3:
        return "148", f"UBND {district[0].lower()}{district[1:]}"
    if old_province == "Thành phố Huế" and decided < HUE_CITY:
        old_province = "Tỉnh Thừa Thiên Huế"
    return "148", f"UBND {old_province}"


def _stars(rng: random.Random) -> tuple[int, int]:
    roll = rng.random()
    if roll < 0.01:
        return 5, rng.randint(90, 96)
    if roll < 0.26:
        return 4, rng.randint(70, 89)
    return 3, rng.randint(50, 69)


SMALL_PHOTO = (400, 300)


def photo_size(text: str) -> tuple[int, int]:
    """A photo size given on a bench's command line, 'WxH' ("2048x1536"), for argparse."""
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit() and 16 <= int(width) <= 8000
            and 16 <= int(height) <= 8000):
        raise argparse.ArgumentTypeError(f"{text!r}: give width x height in pixels, e.g. 2048x1536")
    return int(width), int(height)


def _photo(rng: random.Random, size: tuple[int, int] = SMALL_PHOTO) -> bytes:
    """A photo of ``size``. The default, 400×300 at quality 80, is small for a build to pass
    through; any other size is made as ``ocop import`` keeps a phone's photo (quality 90) with
    a grain, so that its JPEG weighs and decodes like one."""
    width, height = size
    image = Image.new("RGB", size, tuple(rng.randint(80, 220) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, width), rng.randint(0, height)
        r = round(rng.randint(20, 90) * width / SMALL_PHOTO[0])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    if size != SMALL_PHOTO:
        grain = Image.frombytes("L", (width // 2, height // 2), rng.randbytes(width * height // 4))
        grain = grain.resize(size, Image.Resampling.BICUBIC).convert("RGB")
        image = Image.blend(image, grain, 0.15)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80 if size == SMALL_PHOTO else 90)
    return buffer.getvalue()


def _lot(i: int, n: int, produced: date, producer: str, commune: str, province: str,
         rng: random.Random) -> dict:
    """A lot as a producer records it: its stages, the raw-material area, now and then a test
    report (a file published with the lot, or a link)."""
    area = f"thôn {rng.randint(1, 12)}, {commune}"
    days = [produced - timedelta(days=3), produced - timedelta(days=2), produced,
            produced + timedelta(days=2)]
    lot: dict = {
        "lot": f"L{produced:%y%m%d}",
        "produced": produced.isoformat(),
        "expires": (produced + timedelta(days=365)).isoformat(),
        "quantity": f"{rng.randint(2, 40) * 50} hộp",
        "areas": [{"name": f"Vùng nguyên liệu {area}",
                   "code": f"VN-{i % 90 + 10}-{rng.randint(100, 999)}-{rng.randint(10000, 99999)}"}],
        "events": [{"step": step, "date": day.isoformat(),
                    "place": place.format(area=area, producer=producer, province=province)}
                   for (step, place), day in zip(STAGES, days, strict=True)],
    }
    if n % 5 == 0:
        lot["documents"] = [{"title": "Phiếu kết quả thử nghiệm", "file": f"{lot['lot']}.pdf"}]
    elif n % 5 == 2:
        lot["documents"] = [{"title": "Giấy chứng nhận VietGAP",
                             "url": f"https://vietgap.example.vn/{i}/{lot['lot']}"}]
    return lot


def record(i: int, rng: random.Random, lots: int | None = None) -> dict:
    province = list(places.provinces().values())[i % 34]
    communes = list(_communes_by_province()[province.code].values())
    commune = communes[rng.randrange(len(communes))]
    product_set = PRODUCT_SETS[i % 26 + 1]
    name = f"{rng.choice(PRODUCT_WORDS)} {rng.choice(QUALIFIERS)} {commune.name.split(' ', 1)[1]}"
    stars, score = _stars(rng)
    decided = date(2023, 6, 1) + timedelta(days=rng.randint(0, 900))
    regime, authority = _authority(stars, decided, province, rng)
    data: dict = {
        "id": f"sp-{i:05d}",
        "name": {"vi": name, "en": f"{name} (OCOP)"},
        "product_set": product_set.number,
        "story": {"vi": STORY_VI.format(name=name, commune=commune.name),
                  "en": STORY_EN.format(name=name, commune=commune.name)},
        "producer": {"name": f"Hợp tác xã {commune.name.split(' ', 1)[1]} số {i % 7 + 1}",
                     "type": rng.choice(PRODUCER_TYPES), "phone": f"0{rng.randint(200, 299)} "
                     f"{rng.randint(1000, 9999)} {rng.randint(100, 999)}",
                     "address_on_certificate": f"Thôn {i % 12 + 1}, {commune.name}, {province.name}",
                     "province": province.name, "commune": commune.name},
        "certifications": [{"stars": stars, "score": score, "regime": regime,
                            "decision": f"{rng.randint(100, 9999)}/QĐ-UBND",
                            "decision_date": decided.isoformat(), "authority": authority}],
        "photos": [{"file": "anh-1.jpg", "alt": {"vi": f"Ảnh {name}"}}],
        "standards": ["TCCS 01:2024"],
    }
    if i % 3 == 0:
        body = f"8936{i:08d}"
        data["gtin"] = body + str(check_digit(body))
    if lots is not None:
        producer = data["producer"]["name"]
        # Lots are made while the certificate is valid (36 months): none after it lapsed.
        last = min(LAST_LOT, date(decided.year + 3, decided.month, min(decided.day, 28))
                   - timedelta(days=7))
        data["batches"] = [_lot(i, n, last - timedelta(days=7 * n), producer, commune.name,
                                province.name, rng) for n in range(lots)]
        return data
    batches = []
    for b in range(rng.randint(0, 3)):
        produced = decided + timedelta(days=30 + 60 * b)
        batches.append({
            "lot": f"L{produced:%y%m}{b}",
            "produced": produced.isoformat(),
            "expires": (produced + timedelta(days=365)).isoformat(),
            "events": [{"step": "Thu hoạch", "date": (produced - timedelta(days=3)).isoformat(),
                        "place": f"Vùng trồng {commune.name}"},
                       {"step": "Chế biến và đóng gói", "date": produced.isoformat(),
                        "place": "Xưởng của hợp tác xã"}],
        })
    if batches:
        data["batches"] = batches
    return data


def generate(count: int, root: Path, seed: int = 2026, lots: int | None = None,
             photo_size: tuple[int, int] = SMALL_PHOTO) -> Path:
    """Write ``count`` records under ``root/products`` (replacing any there) and return it;
    ``lots``: that many lots per product instead of 0 to 3; ``photo_size``: each product's
    photo's (see ``_photo``)."""
    rng = random.Random(seed)
    products = root / "products"
    products.mkdir(parents=True, exist_ok=True)
    photo_pool = [_photo(rng, photo_size) for _ in range(50)]
    for i in range(count):
        folder = products / f"sp-{i:05d}"
        folder.mkdir(exist_ok=True)
        data = record(i, rng, lots)
        (folder / "product.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for batch in data.get("batches", []):
            for document in batch.get("documents", []):
                if "file" in document:
                    (folder / document["file"]).write_bytes(REPORT_PDF)
        # Distinct bytes per product, so the photo cache does real work on a cold build.
        (folder / "anh-1.jpg").write_bytes(photo_pool[i % 50] + i.to_bytes(4, "big"))
    return products


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="a synthetic national OCOP catalog")
    parser.add_argument("count", type=int)
    parser.add_argument("root", type=Path)
    parser.add_argument("--lots", type=int, default=None, help="lots per product (else 0 to 3)")
    args = parser.parse_args()
    generate(args.count, args.root, lots=args.lots)
