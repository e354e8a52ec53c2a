"""What pages show of a product: phone and Zalo links made one way, whatever way a number is
written."""

from __future__ import annotations

import pytest

from site_builder.render.views import Urls, dialled_number


@pytest.mark.parametrize("written", [
    "0259 385 1234", "0259.385.1234", "0259-385-1234", "(0259) 385 1234", "+84 259 385 1234",
    "+84 (0) 259 385 1234", "(+84) 259 385 1234", "0084 259 385 1234", " 0259 3851234 ",
])
def test_a_vietnamese_landline_dials_the_same_however_it_is_written(written):
    assert dialled_number(written) == "+842593851234"
    assert Urls.tel(written) == "tel:+842593851234"
    assert Urls.zalo(written) == "https://zalo.me/02593851234"


@pytest.mark.parametrize("written, tel, zalo", [
    ("0912 345 678", "tel:+84912345678", "https://zalo.me/0912345678"),
    ("84912345678", "tel:+84912345678", "https://zalo.me/0912345678"),  # Zalo field, no '+'
    ("1900 1234", "tel:19001234", "https://zalo.me/19001234"),  # a hotline has no trunk 0
    ("+66 2 123 4567", "tel:+6621234567", "https://zalo.me/6621234567"),
])
def test_mobile_hotline_and_foreign_numbers(written, tel, zalo):
    assert (Urls.tel(written), Urls.zalo(written)) == (tel, zalo)


@pytest.mark.parametrize("written", [
    "0258 3822 000 / 0912 345 678",  # two numbers
    "0258 3822 000 máy lẻ 12",  # an extension in words
    "Văn phòng OCOP", "+", "+84", "12", "",
])
def test_text_that_is_not_one_phone_number_gets_no_link(written):
    assert dialled_number(written) is None
    assert Urls.tel(written) is None and Urls.zalo(written) is None
