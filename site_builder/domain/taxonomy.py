"""The fixed vocabularies of the OCOP programme.

Sources: Decision 26/2026/QĐ-TTg Appendix I (product sets; same structure as 148), Decision
148/QĐ-TTg and 1048/QĐ-TTg (star bands), and the producer types of Decision 26. See
``../shared/domain.md`` sections 1 and 2. Key on the set number, never on the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Sector:
    key: str  # Roman numeral of Appendix I
    slug: str
    name_vi: str
    name_en: str


@dataclass(frozen=True)
class ProductSet:
    number: int  # 1-26, the criteria sheet number of Appendix II
    path: str  # Appendix I numbering, e.g. "I.1.a"
    group_vi: str
    subgroup_vi: str
    name_en: str

    @property
    def sector(self) -> Sector:
        return SECTORS[self.path.split(".")[0]]

    @property
    def name_vi(self) -> str:
        return self.subgroup_vi or self.group_vi

    @property
    def slug(self) -> str:
        return str(self.number)


SECTORS: dict[str, Sector] = {
    s.key: s
    for s in (
        Sector("I", "thuc-pham", "Thực phẩm", "Food"),
        Sector("II", "do-uong", "Đồ uống", "Drinks"),
        Sector("III", "duoc-lieu", "Dược liệu và sản phẩm từ dược liệu",
               "Medicinal herbs and herbal products"),
        Sector("IV", "thu-cong-my-nghe", "Hàng thủ công mỹ nghệ", "Handicrafts"),
        Sector("V", "sinh-vat-canh", "Sinh vật cảnh", "Ornamental plants and animals"),
        Sector("VI", "du-lich", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
               "Community and eco-tourism services"),
    )
}

# Where a product whose product set is not known yet is listed, filtered and counted (a
# decision annex often names no set): a sector of its own that is never dropped, and the value
# of both the sector filter and the product-set filter. Not one of Appendix I's sectors.
UNCLASSIFIED = Sector("", "chua-phan-loai", "Chưa phân loại", "Not yet classified")

# The sectors one can browse by, in Appendix I's order, then the products not yet classified.
BROWSED_SECTORS: tuple[Sector, ...] = (*SECTORS.values(), UNCLASSIFIED)

PRODUCT_SETS: dict[int, ProductSet] = {
    p.number: p
    for p in (
        ProductSet(1, "I.1.a", "Thực phẩm tươi sống", "Rau, củ, quả, hạt tươi",
                   "Fresh vegetables, tubers, fruit and nuts"),
        ProductSet(2, "I.1.b", "Thực phẩm tươi sống", "Thịt, thủy sản, trứng, sữa tươi",
                   "Fresh meat, seafood, eggs and milk"),
        ProductSet(3, "I.2.a", "Thực phẩm thô, sơ chế", "Gạo, ngũ cốc, hạt sơ chế khác",
                   "Rice, cereals and other grains, pre-processed"),
        ProductSet(4, "I.2.b", "Thực phẩm thô, sơ chế",
                   "Mật ong, mật khác và nông sản thực phẩm khác",
                   "Honey, other syrups and other farm foods"),
        ProductSet(5, "I.3.a", "Thực phẩm chế biến", "Đồ ăn nhanh",
                   "Fast food"),
        ProductSet(6, "I.3.b", "Thực phẩm chế biến", "Chế biến từ gạo, ngũ cốc",
                   "Processed from rice and cereals"),
        ProductSet(7, "I.3.c", "Thực phẩm chế biến", "Chế biến từ rau, củ, quả, hạt",
                   "Processed from vegetables, tubers, fruit and nuts"),
        ProductSet(8, "I.3.d", "Thực phẩm chế biến",
                   "Chế biến từ thịt, trứng, sữa, thủy sản, mật ong và nông sản khác",
                   "Processed from meat, eggs, milk, seafood, honey and other farm produce"),
        ProductSet(9, "I.4.a", "Gia vị", "Tương, nước mắm, gia vị dạng lỏng khác",
                   "Soy sauce, fish sauce and other liquid seasonings"),
        ProductSet(10, "I.4.b", "Gia vị", "Gia vị khác (muối, hành, tỏi, tiêu)",
                   "Other seasonings (salt, shallot, garlic, pepper)"),
        ProductSet(11, "I.5.a", "Chè", "Chè tươi, chế biến",
                   "Tea, fresh and processed"),
        ProductSet(12, "I.5.b", "Chè", "Sản phẩm trà từ thực vật khác",
                   "Herbal teas from other plants"),
        ProductSet(13, "I.6", "Cà phê, ca cao", "",
                   "Coffee and cocoa"),
        ProductSet(14, "II.1.a", "Đồ uống có cồn", "Rượu trắng",
                   "White rice spirits"),
        ProductSet(15, "II.1.b", "Đồ uống có cồn", "Đồ uống có cồn khác",
                   "Other alcoholic drinks"),
        ProductSet(16, "II.2.a", "Đồ uống không cồn", "Nước khoáng thiên nhiên, nước uống đóng chai",
                   "Natural mineral water and bottled water"),
        ProductSet(17, "II.2.b", "Đồ uống không cồn", "Đồ uống không cồn khác",
                   "Other non-alcoholic drinks"),
        ProductSet(18, "III.1", "Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền", "",
                   "Functional foods, herbal and traditional medicines"),
        ProductSet(19, "III.2", "Mỹ phẩm có thành phần từ dược liệu", "",
                   "Cosmetics with herbal ingredients"),
        ProductSet(20, "III.3", "Tinh dầu và dược liệu khác", "",
                   "Essential oils and other medicinal herbs"),
        ProductSet(21, "IV.1", "Thủ công mỹ nghệ gia dụng, trang trí", "",
                   "Household and decorative handicrafts"),
        ProductSet(22, "IV.2", "Vải, may mặc", "",
                   "Fabrics and garments"),
        ProductSet(23, "V.1", "Hoa", "",
                   "Flowers"),
        ProductSet(24, "V.2", "Cây cảnh", "",
                   "Ornamental plants"),
        ProductSet(25, "V.3", "Động vật cảnh", "",
                   "Ornamental animals"),
        ProductSet(26, "VI.1", "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch", "",
                   "Community tourism, eco-tourism and tourist sites"),
    )
}


@dataclass(frozen=True)
class ProducerType:
    key: str
    name_vi: str
    name_en: str


PRODUCER_TYPES: dict[str, ProducerType] = {
    t.key: t
    for t in (
        ProducerType("cooperative", "Hợp tác xã", "Cooperative"),
        ProducerType("cooperative_group", "Tổ hợp tác", "Cooperative group"),
        ProducerType("enterprise", "Doanh nghiệp", "Enterprise"),
        ProducerType("household", "Hộ sản xuất, hộ kinh doanh có đăng ký", "Registered household business"),
        ProducerType("farm", "Trang trại", "Farm"),
        ProducerType("association", "Hiệp hội, trung tâm điều hành du lịch",
                     "Association or tourism operator"),
    )
}
# Shown for a producer whose type a person has not settled yet (never a type of the programme).
UNDETERMINED_TYPE = ProducerType("", "Chưa xác định loại hình", "Type not yet determined")


@dataclass(frozen=True)
class StarBand:
    stars: int
    min_score: float  # inclusive
    max_score: float  # exclusive, except 100 which is inclusive


@dataclass(frozen=True)
class Regime:
    """A legal regime of OCOP evaluation and the period its decisions are expected in."""

    key: str
    name_vi: str
    in_force_from: date
    in_force_until: date | None
    bands: tuple[StarBand, ...]

    @property
    def name_en(self) -> str:
        return self.name_vi.replace("Quyết định", "Decision")

    def stars_for(self, score: float) -> int:
        for band in self.bands:
            if band.min_score <= score < band.max_score or (score == 100 and band.max_score == 100):
                return band.stars
        return 0

    def band_of(self, stars: int) -> StarBand | None:
        return next((b for b in self.bands if b.stars == stars), None)


# The star bands are the same in all four regimes: 1048 writes them as 50-69, 70-89, 90-100
# and 148/26 as "50 to under 70" and so on; with decimal scores the two readings agree.
_BANDS = (
    StarBand(5, 90, 100),
    StarBand(4, 70, 90),
    StarBand(3, 50, 70),
    StarBand(2, 30, 50),
    StarBand(1, 0, 30),
)

REGIMES: dict[str, Regime] = {
    r.key: r
    for r in (
        Regime("1048", "Quyết định 1048/QĐ-TTg (2019)", date(2019, 8, 21), date(2023, 2, 23), _BANDS),
        Regime("148", "Quyết định 148/QĐ-TTg (2023)", date(2023, 2, 24), date(2026, 7, 21), _BANDS),
        Regime("148+1489", "Quyết định 148/QĐ-TTg, sửa đổi bởi 1489/QĐ-TTg (2025)",
               date(2025, 7, 6), date(2026, 7, 21), _BANDS),
        Regime("26", "Quyết định 26/2026/QĐ-TTg", date(2026, 5, 22), None, _BANDS),
    )
}

MIN_OCOP_STARS = 3


@dataclass(frozen=True)
class IssuerLevel:
    """The level of government whose body recognises a star level."""

    key: str
    name_vi: str
    name_en: str


DISTRICT = IssuerLevel("district", "UBND cấp huyện", "the district People's Committee")
PROVINCE = IssuerLevel("province", "UBND cấp tỉnh", "the provincial People's Committee")
CENTRAL = IssuerLevel("central", "Bộ Nông nghiệp (cấp trung ương)",
                      "the Ministry of Agriculture (central level)")

# Who recognises each star level under each regime (../shared/domain.md 1.3). A record whose
# authority is of another level gets a warning, never an error: parts of this are uncertain
# (only third-party transcripts of Decision 26 were available; under 1048 the district
# pre-screened what the province recognised). Edit here, the only place it is written.
ISSUER_LEVELS: dict[str, dict[int, IssuerLevel]] = {
    "1048": {3: PROVINCE, 4: PROVINCE, 5: CENTRAL},
    "148": {3: DISTRICT, 4: PROVINCE, 5: CENTRAL},
    # 1489/QĐ-TTg (06/07/2025) moved 3 stars to the province after districts were abolished.
    "148+1489": {3: PROVINCE, 4: PROVINCE, 5: CENTRAL},
    "26": {3: PROVINCE, 4: PROVINCE, 5: CENTRAL},  # 5 stars: Bộ Nông nghiệp và Môi trường
}
