"""A synthetic national catalog of N products, for benchmarks.

The mix follows the national figures (about 74% 3★, 25% 4★, 1% 5★), spreads products over all
34 provinces and 26 product sets, gives each 0-3 batches, Vietnamese and English stories of a
realistic length and one small photo. Records are valid, so the whole pipeline runs.

    python bench/synthetic.py 1000 /tmp/catalog-1000     # writes /tmp/catalog-1000/products/
"""

from __future__ import annotations

import io
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

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


def _stars(rng: random.Random) -> tuple[int, int]:
    roll = rng.random()
    if roll < 0.01:
        return 5, rng.randint(90, 96)
    if roll < 0.26:
        return 4, rng.randint(70, 89)
    return 3, rng.randint(50, 69)


def _photo(rng: random.Random) -> bytes:
    image = Image.new("RGB", (400, 300), tuple(rng.randint(80, 220) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y, r = rng.randint(0, 400), rng.randint(0, 300), rng.randint(20, 90)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def record(i: int, rng: random.Random) -> dict:
    province = list(places.provinces().values())[i % 34]
    communes = list(_communes_by_province()[province.code].values())
    commune = communes[rng.randrange(len(communes))]
    product_set = PRODUCT_SETS[i % 26 + 1]
    name = f"{rng.choice(PRODUCT_WORDS)} {rng.choice(QUALIFIERS)} {commune.name.split(' ', 1)[1]}"
    stars, score = _stars(rng)
    decided = date(2023, 6, 1) + timedelta(days=rng.randint(0, 900))
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
        "certifications": [{"stars": stars, "score": score, "regime": "148",
                            "decision": f"{rng.randint(100, 9999)}/QĐ-UBND",
                            "decision_date": decided.isoformat(),
                            "authority": f"UBND {province.name}"}],
        "photos": [{"file": "anh-1.jpg", "alt": {"vi": f"Ảnh {name}"}}],
        "standards": ["TCCS 01:2024"],
    }
    if i % 3 == 0:
        body = f"8936{i:08d}"
        data["gtin"] = body + str(check_digit(body))
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


def generate(count: int, root: Path, seed: int = 2026) -> Path:
    """Write ``count`` records under ``root/products`` (replacing any there) and return it."""
    rng = random.Random(seed)
    products = root / "products"
    products.mkdir(parents=True, exist_ok=True)
    photo_pool = [_photo(rng) for _ in range(50)]
    for i in range(count):
        folder = products / f"sp-{i:05d}"
        folder.mkdir(exist_ok=True)
        data = record(i, rng)
        (folder / "product.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        # Distinct bytes per product, so the photo cache does real work on a cold build.
        (folder / "anh-1.jpg").write_bytes(photo_pool[i % 50] + i.to_bytes(4, "big"))
    return products


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
