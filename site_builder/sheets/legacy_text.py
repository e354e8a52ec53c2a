"""Vietnamese typed in the legacy 8-bit font encodings, TCVN3 (ABC) and VNI, made Unicode.

Lists typed years ago use the .VnTime fonts (TCVN3: TCVN 5712:1993, table VN3) or the VNI-Windows
fonts. An Excel cell then holds the Windows-1252 reading of the legacy bytes ("Hîp t¸c x·" or
"Hôïp taùc xaõ" for "Hợp tác xã"), a CSV file the bytes themselves. Which reading is meant is
decided by counting Vietnamese syllables: text is converted only when a table turns broken words
into real syllables, so Unicode Vietnamese, English, codes and numbers pass unchanged, and text
that is no Vietnamese in any reading (UTF-8 misread, letters lost to '?') is refused with a
message saying what it looks like.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --- Character tables -----------------------------------------------------------------------
# Source: UniKey's converter tables (vnconv data.cpp by Pham Kim Long, as shipped in
# fcitx5-unikey), written out per vowel. TCVN3 was checked code by code against glibc's
# TCVN5712-1 (0xA1-0xFF, where VN3 and VN1 agree), VNI against xvnkb's vni.h. Neither encoding
# puts a letter in 0x80-0x9F, so those bytes keep their Windows-1252 meaning (quotes, dashes).
# Columns: no tone, sắc, huyền, hỏi, ngã, nặng.
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")

# TCVN3 codes small letters only; the upper-case font .VnTimeH draws the same codes as capitals.
_TCVN3_ROWS = {
    "a": "a¸µ¶·¹", "ă": "¨¾»¼½Æ", "â": "©ÊÇÈÉË",
    "e": "eÐÌÎÏÑ", "ê": "ªÕÒÓÔÖ", "i": "iÝ×ØÜÞ",
    "o": "oãßáâä", "ô": "«èåæçé", "ơ": "¬íêëìî",
    "u": "uóïñòô", "ư": "\xadøõö÷ù", "y": "yýúûüþ",
}
_TCVN3_OTHERS = {"đ": "®", "Đ": "§", "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}

# VNI writes a vowel as its base letter plus a mark byte; capitals are the same bytes upper-cased
# ("AÙ" for "Á"). Only i, ỵ, ơ, ư and đ are single bytes.
_VNI_ROWS = {
    "a": ("a", "aù", "aø", "aû", "aõ", "aï"), "ă": ("aê", "aé", "aè", "aú", "aü", "aë"),
    "â": ("aâ", "aá", "aà", "aå", "aã", "aä"), "e": ("e", "eù", "eø", "eû", "eõ", "eï"),
    "ê": ("eâ", "eá", "eà", "eå", "eã", "eä"), "i": ("i", "í", "ì", "æ", "ó", "ò"),
    "o": ("o", "où", "oø", "oû", "oõ", "oï"), "ô": ("oâ", "oá", "oà", "oå", "oã", "oä"),
    "ơ": ("ô", "ôù", "ôø", "ôû", "ôõ", "ôï"), "u": ("u", "uù", "uø", "uû", "uõ", "uï"),
    "ư": ("ö", "öù", "öø", "öû", "öõ", "öï"), "y": ("y", "yù", "yø", "yû", "yõ", "î"),
}
_VNI_OTHERS = {"đ": "ñ", "Đ": "Ñ"}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _build_tcvn3() -> tuple[dict[str, str], dict[str, str]]:
    """(Unicode letter -> TCVN3 code, TCVN3 code -> small letter or distinct capital)."""
    encode: dict[str, str] = {}
    decode: dict[str, str] = {}
    for base, codes in _TCVN3_ROWS.items():
        for tone, code in zip(_TONES, codes, strict=True):
            letter = _nfc(base + tone)
            if not letter.isascii():
                encode[letter] = encode[letter.upper()] = code
                decode[code] = letter
    encode.update(_TCVN3_OTHERS)
    decode.update({code: letter for letter, code in _TCVN3_OTHERS.items()})
    return encode, decode


def _build_vni() -> tuple[dict[str, str], dict[str, str]]:
    """(Unicode letter -> VNI text, VNI text -> letter). Decoding also takes a mark byte of the
    other case than its base letter ("Aù"), which careless typing produces."""
    encode: dict[str, str] = {}
    decode: dict[str, str] = {}
    pairs = [(_nfc(base + tone), code) for base, codes in _VNI_ROWS.items()
             for tone, code in zip(_TONES, codes, strict=True)]
    pairs += list(_VNI_OTHERS.items())
    for letter, code in pairs:
        for shown, bytes_ in ((letter, code), (letter.upper(), code.upper())):
            if bytes_.isascii():
                continue
            encode[shown] = bytes_
            decode[bytes_] = shown
            if len(bytes_) == 2:
                decode.setdefault(bytes_[0] + bytes_[1].swapcase(), shown)
    return encode, decode


_UNICODE_TO_TCVN3, _TCVN3_TO_UNICODE = _build_tcvn3()
_UNICODE_TO_VNI, _VNI_TO_UNICODE = _build_vni()
_VNI_PAIR = re.compile("|".join(k for k in _VNI_TO_UNICODE if len(k) == 2))  # a vowel, its mark
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_VNI_TO_UNICODE, key=len, reverse=True)))

# Windows-1252 for the bytes it defines, Latin-1 for the five it leaves out.
_WINDOWS_1252 = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)}
_WINDOWS_1252_TABLE = str.maketrans({chr(b): c for b, c in _WINDOWS_1252.items()})
_WINDOWS_1252_BYTES = {c: b for b, c in _WINDOWS_1252.items()}

# --- Words and syllables --------------------------------------------------------------------
# Letters of the Vietnamese alphabet (f, j, w, z only occur in loanwords).
_VIET_LETTERS = frozenset("abcdđeghiklmnopqrstuvxyăâêôơư")
_TONE_MARKS = frozenset(_TONES[1:])
# Letters Unicode Vietnamese has outside Latin-1: their presence proves the text is Unicode.
_UNICODE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
_ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
           "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x")
_RHYMES = frozenset("""
    a e ê i o ô ơ u ư y ia ua ưa oa oe uê uy uơ uya
    ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu iêu yêu uôi ươi ươu oai oay oao oeo uây uyu
    ac ach am an ang anh ap at ăc ăm ăn ăng ăp ăt âc âm ân âng âp ât ec em en eng ep et
    êch êm ên ênh êng êp êt ich im in inh ip it oc om on ong op ot ooc oong ôc ôm ôn ông ôp ôt
    ơm ơn ơp ơt uc um un ung up ut ưc ưm ưn ưng ưt iêc iêm iên iêng iêp iêt yêm yên yêng yêt
    uôc uôm uôn uông uôt ươc ươm ươn ương ươp ươt oac oach oam oan oang oanh oap oat
    oăc oăm oăn oăng oăt oem oen oeng oet uân uâng uât uêch uênh uyn uych uynh uyp uyt uyên uyêt
    ak ăk
""".split())  # ak, ăk: place names of the Central Highlands (Đắk Lắk, Đắk Nông)
_STOP_CODAS = ("c", "ch", "k", "p", "t")  # after these only sắc or nặng can be heard

# TCVN3 codes that are not letters to Unicode (¸ · « ¬ ® ...) still belong inside a word.
_WORD_SYMBOLS = "".join(sorted(c for c in _TCVN3_TO_UNICODE if not re.fullmatch(r"[^\W\d_]", c)))
_WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape(_WORD_SYMBOLS) + "])+")
_TRAILING_MARKS = "®©"  # "Trung Nguyên®": a trade mark, never TCVN3 "đ"/"â" ending a word
_TCVN3_TABLE = str.maketrans(_TCVN3_TO_UNICODE)
_TCVN3_CODES = frozenset(_TCVN3_TO_UNICODE)
# Codes of toned vowels: .VnTime has no capitals for them (it has for ă â ê ô ơ ư đ).
_TCVN3_TONED = frozenset(code for code, letter in _TCVN3_TO_UNICODE.items()
                         if _TONE_MARKS.intersection(unicodedata.normalize("NFD", letter)))
_IN_WORD_SYMBOL = re.compile(  # a letter then a TCVN3 code that is no letter: "t¸c", "t¹i"
    r"[^\W\d_][" + re.escape("".join(sorted(c for c in _TCVN3_TO_UNICODE if not c.isalpha()))) + "]")


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` (any case) is one Vietnamese syllable as Unicode spells it: an initial
    consonant, a rhyme, at most one tone, on the vowel that carries it (either placement in an
    open "oa", "oe", "uy": "hoà" and "hòa"), and sắc or nặng on a syllable ending in c, ch, p
    or t."""
    letters, tone, at = _strip_tone(word.lower())
    if letters is None or not set(letters) <= _VIET_LETTERS:
        return False
    return any(letters.startswith(onset) and _is_rhyme(letters[len(onset):], tone, at - len(onset))
               for onset in _ONSETS)


def _strip_tone(word: str) -> tuple[str | None, str, int]:
    """(letters without the tone, the tone mark or "", index of the toned letter); letters is
    None when there are two tones."""
    letters, tone, at = [], "", -1
    for index, char in enumerate(_nfc(word)):
        marks = [c for c in unicodedata.normalize("NFD", char) if c in _TONE_MARKS]
        if marks:
            if tone or len(marks) > 1:
                return None, "", -1
            tone, at = marks[0], index
            char = _nfc("".join(c for c in unicodedata.normalize("NFD", char) if c != tone))
        letters.append(char)
    return "".join(letters), tone, at


def _is_rhyme(rhyme: str, tone: str, at: int) -> bool:
    """Whether ``rhyme`` is one, with ``tone`` on its letter ``at``."""
    if rhyme not in _RHYMES:
        return False
    if rhyme.endswith(_STOP_CODAS) and tone not in ("\u0301", "\u0323"):
        return False
    return not tone or at in _TONE_PLACES[rhyme]


def _tone_places(rhyme: str) -> frozenset[int]:
    """Where a rhyme's tone goes: on its last vowel with a diacritic (ă â ê ô ơ ư); else on
    either vowel of an open oa, oe, uy; else on i or u of open ia, ua; else on the vowel before
    the final consonant or semivowel."""
    marked = [i for i, c in enumerate(rhyme) if c in "ăâêôơư"]
    if marked:
        return frozenset({marked[-1]})
    if rhyme in ("oa", "oe", "uy"):
        return frozenset({0, 1})
    if rhyme in ("ia", "ua", "uya"):
        return frozenset({rhyme.index("a") - 1})
    nucleus = re.sub("(ch|ng|nh|[cmnpkt])$", "", rhyme)
    if nucleus == rhyme and len(rhyme) > 1:
        nucleus = rhyme[:-1]  # a final semivowel: "ai", "eo", "oai", "uyu"
    return frozenset({len(nucleus) - 1})


_TONE_PLACES = {rhyme: _tone_places(rhyme) for rhyme in _RHYMES}
_VIET_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + "".join(_UNICODE_TO_TCVN3))


@dataclass(frozen=True)
class _Score:
    """How Vietnamese a reading is, counted over the words that hold a character outside ASCII."""

    valid: int  # Vietnamese syllables
    plain: int  # letters Vietnamese has, but no syllable: "HĐND", "Café", a typo
    strange: int  # what Unicode Vietnamese never holds: "t¸c", "Mü", "Há»£p"; or VNI's "taùc"
    tones: int  # tone marks on the syllables: breaks a tie between TCVN3 and VNI

    @property
    def broken(self) -> int:
        return self.plain + self.strange

    def key(self) -> tuple[int, int, int, int]:
        """Smaller is better."""
        return (self.broken, self.strange, -self.valid, self.tones)

    @property
    def vietnamese(self) -> bool:
        """Mostly syllables: the right table leaves only the odd foreign word or abbreviation
        broken, a wrong one (or another encoding, such as VISCII) leaves many."""
        return 3 * self.broken <= self.valid


def _words(text: str) -> list[str]:
    """Words holding a character outside ASCII (a trade mark sign ending a word is not part of
    it; a lone symbol, such as a middle dot between words, is no word)."""
    found = []
    for word in _WORD.findall(text):
        word = word.rstrip(_TRAILING_MARKS)
        if not word.isascii() and (len(word) > 1 or word.isalpha()):
            found.append(word)
    return found


def _score(text: str) -> _Score:
    counts = {"valid": 0, "toned": 0, "plain": 0, "strange": 0}
    for word in _words(text):
        counts[_kind(word)] += 1
    return _Score(counts["valid"] + counts["toned"], counts["plain"], counts["strange"],
                  counts["toned"])


@lru_cache(maxsize=65536)
def _kind(word: str) -> str:
    """'valid' or 'toned' (a syllable without or with a tone), 'plain' or 'strange'. A capital
    after a small letter ("phÈm", "NéI": TCVN3 codes for small ẩ, ộ) is strange too."""
    odd_case = not (word.islower() or word.isupper() or word[1:].islower())
    if not odd_case and is_vietnamese_syllable(word):
        return "toned" if _strip_tone(word.lower())[1] else "valid"
    if not odd_case and set(word) <= _VIET_CHARS and not _VNI_PAIR.search(word):
        return "plain"
    return "strange"


# --- Decoding -------------------------------------------------------------------------------
_ASCII_SMALL = re.compile("[a-z]")
_ASCII_CAPITAL = re.compile("[A-Z]")
_LINE_BREAK = re.compile(r"(\r\n|[\n\r])")
_CELL_BREAK = re.compile(r'(\r\n|[\n\r\t;"]|,(?! ))')  # in a CSV file; ", " is inside a cell


def decode_tcvn3(text: str, table: bool = False) -> str:
    """The Unicode (NFC) of TCVN3 text read as Windows-1252, whatever it looks like.

    .VnTimeH capitals share the small letters' codes, so case is guessed per word: a word whose
    plain letters are all capitals (two or more, or one after a toned letter) is upper-case; a
    word with no such evidence follows the other words of its cell; a cell's first letter, when
    it is a toned vowel (for which .VnTime has no capital), becomes a capital, as names and
    sentences begin with one. ``table``: the text is a whole CSV file, whose cells end at a
    line break, tab, semicolon, quote or a comma not followed by a space.
    """
    parts = (_CELL_BREAK if table else _LINE_BREAK).split(text)
    return _nfc("".join(part if i % 2 else _decode_tcvn3_field(part) for i, part in enumerate(parts)))


def _decode_tcvn3_field(field: str) -> str:
    matches = [m for m in _WORD.finditer(field) if not _TCVN3_CODES.isdisjoint(m.group())]
    cases = [_tcvn3_case(m.group()) for m in matches]
    field_upper = "upper" in cases and "lower" not in cases
    out, last = [], 0
    for index, (match, case) in enumerate(zip(matches, cases, strict=True)):
        out.append(field[last:match.start()])
        upper = case == "upper" or (case is None and field_upper)
        first = index == 0 and not field[:match.start()].strip()  # the cell's first word
        out.append(_decode_tcvn3_word(match.group(), upper, first))
        last = match.end()
    out.append(field[last:])
    return "".join(out)


@lru_cache(maxsize=65536)
def _tcvn3_case(word: str) -> str | None:
    """'upper' or 'lower' from the word's plain letters, None when they do not tell."""
    if _ASCII_SMALL.search(word):
        return "lower"
    capitals = len(_ASCII_CAPITAL.findall(word))
    if capitals >= 2 or (capitals == 1 and not ("A" <= word[0] <= "Z")):
        return "upper"
    return None


@lru_cache(maxsize=65536)
def _decode_tcvn3_word(word: str, upper: bool, first: bool) -> str:
    core = word.rstrip(_TRAILING_MARKS)
    if len(core) < 2 and not core.isalpha():
        return word  # a lone symbol (a middle dot between words, "½", "©"), not a letter
    letters = core.translate(_TCVN3_TABLE)
    if upper:
        letters = letters.upper()
    elif first and core[0] in _TCVN3_TONED:
        letters = letters[0].upper() + letters[1:]
    return letters + word[len(core):]


def decode_vni(text: str) -> str:
    """The Unicode (NFC) of VNI text read as Windows-1252, whatever it looks like."""
    return _nfc(_VNI_PATTERN.sub(lambda m: _VNI_TO_UNICODE[m.group()], text))


_DECODERS = (("TCVN3", decode_tcvn3), ("VNI", decode_vni))


# --- Encoding (the inverse tables: fixtures, documentation) ---------------------------------


def encode_tcvn3(text: str) -> str:
    """``text`` as a .VnTime/.VnTimeH user typed it, read as Windows-1252 (an Excel cell's
    text). Capital toned letters take the small letter's code, as .VnTimeH stores them."""
    return "".join(_UNICODE_TO_TCVN3.get(c, c) for c in _nfc(text))


def encode_vni(text: str) -> str:
    """``text`` as a VNI-Windows user typed it, read as Windows-1252 (an Excel cell's text)."""
    return "".join(_UNICODE_TO_VNI.get(c, c) for c in _nfc(text))


def encode_tcvn3_bytes(text: str, errors: str = "replace") -> bytes:
    """The bytes of a TCVN3 file holding ``text``; a character no 8-bit code page has ("★")
    becomes "?", as Windows writes it (``errors="strict"`` raises instead)."""
    return encode_tcvn3(text).encode("cp1252", errors=errors)


def encode_vni_bytes(text: str, errors: str = "replace") -> bytes:
    """The bytes of a VNI file holding ``text``; "★" becomes "?" as in ``encode_tcvn3_bytes``."""
    return encode_vni(text).encode("cp1252", errors=errors)


# --- Detection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Converted:
    text: str  # Unicode NFC
    encoding: str | None  # "TCVN3" or "VNI" when converted; None when the text was already fine


class UnreadableText(ValueError):
    """args = (message_vi, message_en): says what the text looks like, e.g. 'UTF-8 read as
    Windows-1252 (Há»£p tÃ¡c)', 'letters replaced by question marks (H?p t?c x?)'."""

    def __str__(self) -> str:
        return " / ".join(str(a) for a in self.args)


def to_unicode(text: str, prefer: str | None = None) -> Converted:
    """``text`` as Unicode NFC, converted from TCVN3 or VNI when that is what it is.

    A reading is taken only when it leaves fewer broken words (no syllable) and no fewer
    syllables than the text as it stands, so text already in Unicode (which has no broken words)
    is never touched. Raises UnreadableText for text that is no Vietnamese in any reading:
    UTF-8 misread as Windows-1252, letters lost to '?' or '�', or letters mixed with stray
    symbols.

    ``prefer`` ("TCVN3" or "VNI") is for a caller that found most legacy cells of a table in
    one encoding: a cell that reads as Vietnamese both as it stands and in that encoding
    ("Tái Phan Rang" is TCVN3 for "Tỏi Phan Rang"; "Ghi chó" for "Ghi chú") is then read in it.
    """
    text = _nfc(text)
    damage = _damage(text)
    if damage:
        raise UnreadableText(*damage)
    if text.isascii() or _UNICODE_ONLY.search(text):
        return Converted(text, None)
    misread = _utf8_misread(text)
    if misread:
        raise UnreadableText(*misread)
    found = _best_reading(text, prefer)
    if found:
        return Converted(found[1], found[0])
    soup = _symbol_soup(text)
    if soup:
        raise UnreadableText(*soup)
    return Converted(text, None)


def _best_reading(text: str, prefer: str | None = None) -> tuple[str, str] | None:
    """(encoding, text) of the legacy reading that repairs ``text`` best, if one does.

    A reading must leave fewer strange words (symbols or letters Vietnamese lacks inside words);
    text without any is converted only when at least two words are broken and the reading
    repairs them all, so a typo in Unicode text ("phâ" for "phân") never converts a cell. A
    reading must make more syllables than the text had, unless it only turns symbols inside
    words into letters ("K§M", "KĐM"); one that leaves strange words must leave mostly
    syllables. Between readings that do as well, the one changing fewer syllables, then the
    preferred one, then the one with fewer tones wins ("ô" is ơ in VNI, ụ in TCVN3).
    """
    before = _score(text)
    if not before.broken:
        return _preferred_reading(text, before, prefer)
    syllables = [w for w in _words(text) if is_vietnamese_syllable(w)]
    symbols = _IN_WORD_SYMBOL.search(text.replace("®", "").replace("©", "")) is not None
    legacy = text.translate(_WINDOWS_1252_TABLE)  # a Latin-1 reading has C1 codes for quotes
    best: tuple[tuple[int, ...], str, str] | None = None
    for name, decode in _DECODERS:
        after = _score(decoded := decode(legacy))
        if not (after.key() < before.key() and after.valid >= before.valid):
            continue
        repairs = after.strange < before.strange or (before.plain >= 2 and not after.broken)
        changed = sum(1 for w in syllables if decode(w).lower() != w.lower())
        keeps = after.valid > before.valid or (not changed and symbols)
        if repairs and keeps and (not after.strange or after.vietnamese):
            key = (*after.key()[:3], changed, name != prefer, after.tones)
            if best is None or key < best[0]:
                best = (key, name, decoded)
    return (best[1], best[2]) if best else None


def _preferred_reading(text: str, before: _Score, prefer: str | None) -> tuple[str, str] | None:
    """(prefer, text read in it) when that reading also gives only syllables and changes some."""
    decode = dict(_DECODERS).get(prefer or "")
    if decode is None or prefer is None:
        return None
    decoded = decode(text.translate(_WINDOWS_1252_TABLE))
    after = _score(decoded)
    if decoded != text and not after.broken and after.valid >= before.valid:
        return prefer, decoded
    return None


def decode_legacy_bytes(raw: bytes) -> tuple[str, str] | None:
    """(text NFC, "cp1258" | "TCVN3" | "VNI") for the bytes of a file that is not UTF-8 or
    UTF-16, by the reading that gives the fewest broken words and the most Vietnamese ones;
    None when no reading gives Vietnamese."""
    sample = _sample(raw)
    readings = []
    for order, (name, decode) in enumerate(_BYTE_DECODERS):
        text = decode(sample)
        if text is not None:
            score = _score(text)
            readings.append((score.key(), order, name, decode, score.vietnamese))
    if not readings:
        return None
    (broken, *_), _, name, decode, vietnamese = min(readings)
    text = decode(raw) if vietnamese or not broken else None
    return (text, name) if text is not None else None


def _cp1258(raw: bytes) -> str | None:
    try:
        return _nfc(raw.decode("cp1258"))  # tones are combining marks: NFC joins them
    except UnicodeDecodeError:
        return None  # a byte Windows-1258 leaves undefined


def _windows_1252(raw: bytes) -> str:
    return raw.decode("latin-1").translate(_WINDOWS_1252_TABLE)


_BYTE_DECODERS = (
    ("cp1258", _cp1258),
    ("TCVN3", lambda raw: decode_tcvn3(_windows_1252(raw), table=True)),
    ("VNI", lambda raw: decode_vni(_windows_1252(raw))),
)


def _sample(raw: bytes, limit: int = 200_000) -> bytes:
    """The lines of ``raw`` that hold non-ASCII bytes, enough of them to judge the encoding."""
    lines, size = [], 0
    for line in raw.splitlines():
        if not line.isascii():
            lines.append(line)
            size += len(line)
            if size > limit:
                break
    return b"\n".join(lines)


# --- What unreadable text looks like --------------------------------------------------------
Message = tuple[str, str]
# A UTF-8 lead byte then a continuation byte, both as Windows-1252 (or Latin-1) shows them.
_UTF8_PAIR = re.compile("[\u00c2-\u00f4][\u0080-\u00bf" + "".join(_WINDOWS_1252.values()) + "]")
_QUESTION_DAMAGE = re.compile(r"[^\W\d_]\?[^\W\d_]")


def _damage(text: str) -> Message | None:
    """Letters lost for good: replaced by '?' (a save in a code page without them) or '�'."""
    chunks = [c for c in text.split() if not re.search(r"[/=@&:]", c)]  # not addresses of pages
    if any(_QUESTION_DAMAGE.search(c) for c in chunks):
        sample = _excerpt([c for c in chunks if re.search(r"[^\W\d_]\?", c)])
        return (f"chữ có dấu đã bị thay bằng dấu hỏi ({sample}), không khôi phục được: hãy chép "
                "lại từ bản gốc",
                f"letters replaced by question marks ({sample}); they cannot be recovered: copy "
                "the text again from the original")
    if "\ufffd" in text:
        sample = _excerpt([c for c in text.split() if "\ufffd" in c])
        return (f"chữ có dấu đã bị thay bằng ký tự � ({sample}), không khôi phục được: hãy chép "
                "lại từ bản gốc",
                f"letters replaced by the replacement character � ({sample}); they cannot be "
                "recovered: copy the text again from the original")
    return None


def _utf8_misread(text: str) -> Message | None:
    """UTF-8 bytes shown as Windows-1252 ("Há»£p tÃ¡c" for "Hợp tác"), when undoing that
    gives better Vietnamese."""
    if not _UTF8_PAIR.search(text):
        return None
    misread, fixed = [], []
    for chunk in text.split():
        repaired = _as_utf8(chunk)
        fixed.append(repaired or chunk)
        if repaired:
            misread.append(chunk)
    if not misread:
        return None
    before, after = _score(text), _score(" ".join(fixed))
    if not (after.broken < before.broken and after.valid > before.valid):
        return None
    sample = _excerpt(misread)
    meant = _excerpt([_as_utf8(c) or c for c in misread])
    return (f"chữ UTF-8 bị đọc nhầm thành Windows-1252 ({sample}, đúng ra là “{meant}”): hãy lấy "
            "lại từ tệp gốc",
            f"UTF-8 read as Windows-1252 ({sample}, meant “{meant}”): take the text again from "
            "the original file")


def _as_utf8(chunk: str) -> str | None:
    """``chunk`` decoded as UTF-8 from its Windows-1252 bytes, if that works and changes it."""
    if chunk.isascii():
        return None
    try:
        raw = bytes(ord(c) if ord(c) < 0x100 else _WINDOWS_1252_BYTES[c] for c in chunk)
        repaired = raw.decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    return _nfc(repaired) if repaired != chunk else None


def _symbol_soup(text: str) -> Message | None:
    """Letters mixed with symbols inside words, which no table explains. (Letters Vietnamese
    lacks are let through: "Müller", "Señor" are names.)"""
    odd = [w for w in _WORD.findall(text) if _IN_WORD_SYMBOL.search(w.rstrip(_TRAILING_MARKS))]
    if not odd:
        return None
    sample = _excerpt(odd)
    return (f"chữ lẫn ký hiệu lạ, không phải tiếng Việt Unicode, TCVN3 hay VNI ({sample})",
            f"letters mixed with stray symbols, neither Unicode, TCVN3 nor VNI Vietnamese "
            f"({sample})")


def _excerpt(words: list[str], limit: int = 40) -> str:
    shown = " ".join(words[:4])
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
