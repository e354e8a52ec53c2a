"""Legacy Vietnamese encodings (TCVN3/ABC and VNI) to Unicode: tables, detection, refusals."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from site_builder.sheets.legacy_text import (
    Converted,
    UnreadableText,
    decode_legacy_bytes,
    decode_tcvn3,
    decode_vni,
    encode_tcvn3,
    encode_tcvn3_bytes,
    encode_vni,
    encode_vni_bytes,
    is_vietnamese_syllable,
    to_unicode,
)

VOWELS = "aăâeêioôơuưy"
TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # none, sắc, huyền, hỏi, ngã, nặng
LETTERS = [unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES] + ["đ"]

PRODUCERS = [
    "Hợp tác xã Nông nghiệp Mỹ Sơn",
    "Thôn Tân Mỹ, xã Mỹ Sơn, huyện Ninh Sơn, tỉnh Ninh Thuận",
    "Mật ong Phú Lý",
    "Nước mắm cá cơm Ninh Hải",
    "Bánh tráng phơi sương Trảng Bàng",
    "Cơ sở sản xuất Nho Ba Mọi - ĐT: 0259.385.1234",
    "Tỏi Lý Sơn, khối lượng tịnh 500 g",
    "Ấp Tân Thạnh, xã Tân Bình, thành phố Tây Ninh",
    "Đà Nẵng",
    "Ở xã Phước Hữu có vườn nho 2 ha",
]


def _cp1258(text: str) -> bytes:
    """Text as Windows-1258 saves it: precomposed where the code page has the letter, otherwise
    a base letter (itself perhaps precomposed: ơ, ư, â) and a combining tone."""
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        tone = next(m for m in unicodedata.normalize("NFD", char) if m in TONES[1:])
        base = unicodedata.normalize("NFC", unicodedata.normalize("NFD", char).replace(tone, ""))
        out += (base + tone).encode("cp1258")
    return out


# --- The tables --------------------------------------------------------------------------------


def test_the_standard_spellings_of_a_cooperative():
    # The forms a TCVN3 (.VnTime) and a VNI-Windows user typed, as Excel shows them in Arial.
    assert encode_tcvn3("Hợp tác xã Nông nghiệp") == "Hîp t¸c x· N«ng nghiÖp"
    assert encode_vni("Hợp tác xã Nông nghiệp") == "Hôïp taùc xaõ Noâng nghieäp"
    assert encode_tcvn3("Đường Ưng Ăn Ơn Ông Ê Âu") == "§\xadêng ¦ng ¡n ¥n ¤ng £ ¢u"
    assert encode_vni("Đường Ưng Ăn Ơn Ông Ê Âu") == "Ñöôøng Öng AÊn Ôn OÂng EÂ AÂu"


@pytest.mark.parametrize("letter", LETTERS)
def test_every_letter_with_every_tone_round_trips_through_both_tables(letter):
    small, capital = f"t{letter}n", f"T{letter.upper()}N"  # capitals: a whole word in capitals
    assert decode_tcvn3(encode_tcvn3(small)) == small
    assert decode_tcvn3(encode_tcvn3(capital)) == capital
    assert decode_vni(encode_vni(small)) == small
    assert decode_vni(encode_vni(capital)) == capital
    if not letter.isascii():
        assert not encode_tcvn3(letter).isascii() and not encode_vni(letter).isascii()


def test_the_tables_give_each_letter_its_own_code():
    small = [x for x in LETTERS if not x.isascii()]
    assert len({encode_tcvn3(x) for x in small}) == len(small) == 67
    assert len({encode_vni(x) for x in small}) == 67
    assert len({encode_vni(x.upper()) for x in small}) == 67
    assert all(len(encode_tcvn3(x).encode("cp1252")) == 1 for x in small)
    assert all(0xA1 <= encode_tcvn3(x).encode("cp1252")[0] for x in small)


@pytest.mark.skipif(shutil.which("iconv") is None, reason="no iconv to compare with")
def test_tcvn3_agrees_with_the_c_library_table():
    """glibc's TCVN5712-1 is the VN1 table, which agrees with VN3 (.VnTime) on 0xA1-0xFF."""
    small = [x for x in LETTERS if not x.isascii()] + ["Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"]
    raw = b"".join(encode_tcvn3(x).encode("cp1252") for x in small)
    done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=raw,
                          capture_output=True, check=False)
    if done.returncode:
        pytest.skip("this iconv has no TCVN5712-1")
    assert unicodedata.normalize("NFC", done.stdout.decode()) == "".join(small)


def test_vni_follows_its_published_scheme():
    """VNI writes a vowel then a mark: ù ø û õ ï for the five tones, â á à å ã ä for a circumflex
    with them, ê é è ú ü ë for a breve; ơ, ư, đ are ô, ö, ñ; i and ỵ are single bytes."""
    plain, hat, breve = "ùøûõï", "âáàåãä", "êéèúüë"
    for vowel in "aeouy":
        for tone, mark in zip(TONES[1:], plain, strict=True):
            letter = unicodedata.normalize("NFC", vowel + tone)
            if letter != "ỵ":
                assert encode_vni(letter) == vowel + mark
                assert encode_vni(letter.upper()) == vowel.upper() + mark.upper()
    for vowel, base in (("ơ", "ô"), ("ư", "ö")):
        assert encode_vni(vowel) == base
        for tone, mark in zip(TONES[1:], plain, strict=True):
            assert encode_vni(unicodedata.normalize("NFC", vowel + tone)) == base + mark
    for vowel, base, marks in (("â", "a", hat), ("ê", "e", hat), ("ô", "o", hat), ("ă", "a", breve)):
        for tone, mark in zip(TONES, marks, strict=True):
            assert encode_vni(unicodedata.normalize("NFC", vowel + tone)) == base + mark
    assert [encode_vni(x) for x in "íìỉĩịỵđĐ"] == list("íìæóòîñÑ")
    assert encode_vni("Nguyễn Hữu Sử, Đắk Lắk") == "Nguyeãn Höõu Söû, Ñaék Laék"


def test_byte_forms_are_the_cell_forms_as_windows_1252():
    assert encode_tcvn3_bytes("Mật ong") == b"M\xcbt ong"
    assert encode_vni_bytes("Mật ong") == b"Ma\xe4t ong"


# --- Cells from Excel --------------------------------------------------------------------------


@pytest.mark.parametrize("text", PRODUCERS)
@pytest.mark.parametrize(("name", "encode"), [("TCVN3", encode_tcvn3), ("VNI", encode_vni)])
def test_legacy_cells_come_back_as_typed(text, name, encode):
    assert to_unicode(encode(text)) == Converted(text, name)


@pytest.mark.parametrize("text", ["HUYỆN NINH SƠN", "UBND HUYỆN NINH SƠN", "ĐỒNG NAI",
                                  "HỒ CHÍ MINH", "Thôn Tân Mỹ, HUYỆN NINH SƠN"])
def test_tcvn3_upper_case_font(text):
    """.VnTimeH draws the small letters' codes as capitals: "HUYÖN" is "HUYỆN"."""
    legacy = encode_tcvn3(text)
    assert legacy in ("HUYÖN NINH S¥N", "UBND HUYÖN NINH S¥N", "§åNG NAI", "Hå CHÝ MINH",
                      "Th«n T©n Mü, HUYÖN NINH S¥N")
    assert to_unicode(legacy) == Converted(text, "TCVN3")


@pytest.mark.parametrize("vowel", VOWELS)
@pytest.mark.parametrize("upper", [False, True])
def test_syllables_with_every_tone_are_recognised(vowel, upper):
    syllable = {"ư": "bưng", "y": "ly", "i": "bin"}.get(vowel, f"b{vowel}n")
    cell = " ".join(unicodedata.normalize("NFC", syllable.replace(vowel, vowel + t)) for t in TONES)
    cell = f"THÔN {cell.upper()}" if upper else cell  # a word all in capitals sets the cell's case
    for name, encode in (("TCVN3", encode_tcvn3), ("VNI", encode_vni)):
        if encode(cell) != cell:
            assert to_unicode(encode(cell)) == Converted(cell, name)


def test_a_legacy_name_beside_a_phone_number():
    assert to_unicode("C¬ së Mü S¬n - §T: 0259.385.1234 - 0912 345 678") == Converted(
        "Cơ sở Mỹ Sơn - ĐT: 0259.385.1234 - 0912 345 678", "TCVN3")


def test_quotes_of_an_xls_read_as_latin_1_become_quotes():
    assert to_unicode("\x93Hîp t¸c x·\x94").text == "“Hợp tác xã”"


def test_when_both_tables_give_syllables_the_one_with_fewer_tones_wins():
    # "ö" is ư in VNI and ử in TCVN3: "Lưu" (VNI) over "Lửu".
    assert to_unicode("Nguyeãn Vaên Löu") == Converted("Nguyễn Văn Lưu", "VNI")
    assert to_unicode("Löu") == Converted("Lưu", "VNI")


def test_a_capital_inside_a_word_is_a_tcvn3_small_letter():
    # È and é are TCVN3's ẩ and ộ: "phÈm" and "NéI" are no Unicode words, though "phèm" would be.
    assert to_unicode("Thùc phÈm") == Converted("Thực phẩm", "TCVN3")
    assert to_unicode("NéI DUNG") == Converted("NỘI DUNG", "TCVN3")


def test_a_cell_that_reads_well_both_ways_is_left_unless_the_table_says_which():
    """'Tái' is a word, and TCVN3 for 'Tỏi': alone, the cell cannot tell; the importer, having
    seen the sheet's other cells in TCVN3, can."""
    assert to_unicode("Tái Phan Rang") == Converted("Tái Phan Rang", None)
    assert to_unicode("Tái Phan Rang", prefer="TCVN3") == Converted("Tỏi Phan Rang", "TCVN3")
    assert to_unicode("Ninh Sôn", prefer="VNI") == Converted("Ninh Sơn", "VNI")
    # ... but never into broken words: "Bánh" would be "Bỏnh".
    assert to_unicode("Bánh tráng", prefer="TCVN3") == Converted("Bánh tráng", None)
    assert to_unicode("Hòa Sơn", prefer="TCVN3") == Converted("Hòa Sơn", None)


def test_a_trade_mark_sign_is_not_a_letter():
    assert to_unicode("Cµ phª Trung Nguyªn®") == Converted("Cà phê Trung Nguyên®", "TCVN3")


@pytest.mark.parametrize("text", [
    "Bánh tráng phơi sương", "Cà phê", "Hòa Sơn", "Hoà Bình", "ÔNG TÁM", "Lý", "Phó Đức Chính",
    "Nho sấy tách hạt Nhơn Sơn", "Coffee beans, roasted", "HTX", "0259.385.1234", "72,5",
    "★★★★", "Café Trung Nguyên®", "Trà Ô Long", "Gói ½kg", "Müller Café", "40°C",
    "Cà phê?", "https://shop.ocop.vn/san-pham?id=12&sao=4", "Nhà toàn Công phâ",
])
def test_unicode_english_and_numbers_pass_unchanged(text):
    assert to_unicode(text) == Converted(text, None)


def test_text_with_letters_only_unicode_has_is_never_converted():
    # "Mü" would be Mỹ in TCVN3, but ô and ơ say the cell is Unicode (TCVN3 would make "Thụn").
    assert to_unicode("Thôn Mü Sơn") == Converted("Thôn Mü Sơn", None)


def test_decomposed_unicode_comes_back_composed():
    decomposed = unicodedata.normalize("NFD", "Mật ong Phú Lý")
    assert to_unicode(decomposed) == Converted("Mật ong Phú Lý", None)


@pytest.mark.parametrize("text", PRODUCERS)
def test_converting_twice_changes_nothing(text):
    once = to_unicode(encode_tcvn3(text)).text
    assert to_unicode(once) == Converted(once, None)


# --- Text that is no Vietnamese in any reading -------------------------------------------------


def _refusal(text: str) -> tuple[str, str]:
    with pytest.raises(UnreadableText) as caught:
        to_unicode(text)
    vi, en = caught.value.args
    assert vi != en and vi in str(caught.value) and en in str(caught.value)
    return vi, en


def test_utf8_read_as_windows_1252_is_refused_with_what_was_meant():
    mojibake = "Hợp tác xã Nông nghiệp".encode().decode("cp1252", errors="replace")
    vi, en = _refusal(mojibake)
    assert en.startswith("UTF-8 read as Windows-1252 (Há»£p tÃ¡c")
    assert "Hợp tác" in en and "UTF-8 bị đọc nhầm" in vi and "Hợp tác" in vi


def test_letters_lost_to_question_marks_are_refused():
    vi, en = _refusal("H?p t?c x? N?ng nghi?p")
    assert "question marks (H?p t?c x? N?ng)" in en and "dấu hỏi (H?p t?c x? N?ng)" in vi
    assert to_unicode("Mật ong? Có!") == Converted("Mật ong? Có!", None)
    vi, en = _refusal("M\ufffdt ong Ph\ufffd L\ufffd")
    assert "replacement character" in en and "M\ufffdt" in en


def test_symbols_inside_words_that_no_table_explains_are_refused():
    visc_ii = "Thôn Tân MÛ, xã MÛ S½n, huy®n Ninh S½n"  # VISCII bytes read as Windows-1252
    vi, en = _refusal(visc_ii)
    assert "neither Unicode, TCVN3 nor VNI" in en and "S½n" in en and "ký hiệu lạ" in vi


# --- CSV files -----------------------------------------------------------------------------------

CSV = ("Tên sản phẩm;Chủ thể;Địa chỉ;Số sao\r\n"
       "Mật ong Phú Lý;Hợp tác xã Nông nghiệp Mỹ Sơn;Thôn Tân Mỹ, xã Mỹ Sơn;4\r\n"
       "Nho sấy;Cơ sở Ba Mọi;\"Ấp Tân Thạnh, xã Tân Bình\";3\r\n"
       "NƯỚC MẮM NINH HẢI;HTX Thủy sản;HUYỆN NINH HẢI;5\r\n")


@pytest.mark.parametrize(("name", "encode"), [
    ("TCVN3", encode_tcvn3_bytes), ("VNI", encode_vni_bytes), ("cp1258", _cp1258)])
def test_csv_bytes_in_each_legacy_encoding(name, encode):
    raw = encode(CSV)
    assert raw.isascii() is False
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert decode_legacy_bytes(raw) == (CSV, name)


def test_cp1258_file_uses_combining_tones():
    raw = _cp1258("Mật ong")
    assert raw == b"M\xe2\xf2t ong"  # â, then the combining dot below
    assert decode_legacy_bytes(raw) == ("Mật ong", "cp1258")


def test_a_file_that_is_no_vietnamese_in_any_encoding():
    assert decode_legacy_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4) is None
    assert decode_legacy_bytes(encode_tcvn3("Café;Crème brûlée").encode("cp1252")) is None
    visc_ii = b"Th\xf4n T\xe2n M\xdb, x\xe3 M\xdb S\xbdn, huy\xaen Ninh S\xbdn"
    assert decode_legacy_bytes(visc_ii) is None


def test_a_file_with_symbols_only_reads_as_windows_1258():
    assert decode_legacy_bytes(b"Price;40\xb0C;\xa92020") == ("Price;40°C;©2020", "cp1258")


# --- Syllables -----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["nghiệp", "Hòa", "hoà", "khuỷu", "giữ", "quốc", "NGƯỜI", "thuở",
                                  "gì", "yến", "xoong", "Tuyết", "oách", "ạ", "Đắk"])
def test_syllables(word):
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize("word", ["Hôïp", "t¸c", "HTX", "Café", "bat", "hóâ", "nghiêpj", "lẽò",
                                  "leõ", "Há»£p", "phâ", "xyz"])
def test_not_syllables(word):
    assert not is_vietnamese_syllable(word)
