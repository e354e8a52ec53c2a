"""What marketplaces and search engines read from a product page, extracted from the built HTML
with an independent library (extruct): schema.org JSON-LD and Open Graph / Twitter tags."""

from __future__ import annotations

import extruct
from support.sites import SITE_URL


def extract(site, path: str) -> dict:
    html = (site / path / "index.html").read_text(encoding="utf-8")
    return extruct.extract(html, base_url=SITE_URL + path, syntaxes=["json-ld", "opengraph"],
                           uniform=True)


def product_of(data: dict) -> dict:
    [product] = [item for item in data["json-ld"] if item.get("@type") == "Product"]
    return product


def test_a_product_page_describes_the_product_and_its_ocop_certification(sample_site):
    product = product_of(extract(sample_site, "san-pham/buoi-tan-trieu/"))
    assert product["name"] == "Bưởi Tân Triều"
    assert product["gtin"] == "8936058120082"
    assert product["brand"] == {"@type": "Brand", "name": "Bưởi Tân Triều"}
    assert product["manufacturer"]["name"] == "Hợp tác xã Bưởi Tân Triều"
    assert product["manufacturer"]["address"]["addressRegion"] == "Đồng Nai"
    assert product["image"][0].startswith(SITE_URL + "san-pham/buoi-tan-trieu/")
    assert product["hasGS1DigitalLink"] == SITE_URL + "01/08936058120082"
    cert = product["hasCertification"]
    assert cert["@type"] == "Certification"
    assert cert["certificationRating"]["ratingValue"] == 5
    assert cert["issuedBy"]["name"] == "Bộ Nông nghiệp và Phát triển nông thôn"
    assert cert["certificationIdentification"] == "4511/QĐ-BNN-VPĐP"
    assert (cert["validFrom"], cert["expires"]) == ("2024-11-28", "2027-11-28")
    assert cert["certificationStatus"] == "https://schema.org/CertificationActive"


def test_the_english_page_says_it_in_english(sample_site):
    data = extract(sample_site, "en/san-pham/buoi-tan-trieu/")
    product = product_of(data)
    assert product["name"] == "Tan Trieu pomelo"
    assert product["hasCertification"]["name"] == "OCOP 5-star product"
    [og] = data["opengraph"]
    assert og["og:title"] == "Tan Trieu pomelo" and og["og:locale"] == "en_US"
    assert og["og:url"] == SITE_URL + "en/san-pham/buoi-tan-trieu/"
    # The share picture (1200×630) for links; the clean square photo first for listings.
    assert og["og:image"] == SITE_URL + "san-pham/buoi-tan-trieu/chia-se.jpg"
    assert product["image"][0] == SITE_URL + "san-pham/buoi-tan-trieu/vuong.jpg"


def test_a_revoked_certification_is_marked_inactive(sample_site):
    product = product_of(extract(sample_site, "san-pham/ruou-sam-tien-vua/"))
    assert product["hasCertification"]["certificationStatus"] == (
        "https://schema.org/CertificationInactive")


def test_open_graph_and_twitter_tags(sample_site):
    html = (sample_site / "san-pham/buoi-tan-trieu/index.html").read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    [og] = extract(sample_site, "san-pham/buoi-tan-trieu/")["opengraph"]
    assert og["@type"] == "product" and og["og:locale"] == "vi_VN"  # extruct names og:type so
    assert og["og:title"] == "Bưởi Tân Triều"
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    assert og["og:image:width"] == "1200" and og["og:image:height"] == "630"
    for address in (og["og:image"], *product_of(extract(sample_site, "san-pham/buoi-tan-trieu/"))["image"]):
        assert (sample_site / address.removeprefix(SITE_URL)).is_file(), address
