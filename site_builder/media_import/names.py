"""Which product (and lot) a file belongs to, told by its name and the folders it lies in.

A name is compared as words without case or diacritics ("Mật ong Tân Bình (2).jpg" and
"MAT-ONG-TAN-BINH_1.heic" read alike) against each product's id, GTIN (with or without its
leading zeros), OCOP codes and names in every language. In order:

0. the name is a product's id as written ("buoi-tan-trieu (2).jpg"): ids are unique, so a name
   another product shares does not make it a question;
1. the whole name is a product's key;
2. the name starts with a product's key ("buoi-tan-trieu-hop-qua.jpg"): the longest key wins;
3. the name, without the numbers and "copy" people and phones add, is the start of a product's
   name of at least two words ("Bưởi Tân.jpg").

Two products at the same step make a question listing both, never a guess. A lot code standing
alone in the name ("KQ B2610.jpg", "phieu-kiem-nghiem-B2610.pdf") attaches the file to that lot;
a lot code two products share is settled by a product named beside it, or asked. Names phones
and apps give (IMG_20261103_101522, DSC0001, Zalo's long hashes, "photo") name nothing; a
folder named after a product then tells. Names close to a product's are suggested, never used.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from site_builder.domain.model import Product
from site_builder.domain.places import ascii_fold
from site_builder.media_import.source import SourceFile
from site_builder.media_import.texts import message
from site_builder.problems import Message
from site_builder.sheets.drafts import name_key

# Words phones, cameras and chat apps put in the names they make (ASCII, lower case) that no
# Vietnamese word reads as without its marks: on their own they tell a made-up name ("photo.jpg").
CAMERA_WORDS = frozenset("""
    img image images imag dsc dscn dscf dcim pxl mvimg pano burst photo photos pic pics picture
    pictures pict screen shot screenshot screenshots fb received zalo z snapchat whatsapp viber
    messenger telegram cimg wp gopr dji mvi vid video scan scanned untitled new copy edited
    cropped crop edit final portrait night hdr mp cover original zing android facebook katana orca
    instagram apple samsung xiaomi oppo
    """.split())
# Words phones and apps use that are also everyday Vietnamese written without its marks: "sam"
# (Samsung's SAM_0001, and sâm), "man" (màn hình, and mận), "sua" (sửa, and sữa), "ban" (bản
# sao, and bàn), "moi" (mới, and mồi), "com" (com.zing.zalo, and cơm), "anh" (ảnh, and anh),
# "luc" and "cua" (lúc, của: "Bản sao của IMG_0042"; and lục, cua). They count as a phone's only
# in a name that carries what a phone writes: a run of digits (RUN_DIGITS or more), a long hex
# string, or one of CAMERA_WORDS ("Sâm 2.jpg" names a product, "SAM_0001.JPG" does not).
LOOKALIKE_WORDS = frozenset("anh hinh chup man sam khong ten moi ban sao sua at com luc cua"
                            .split())
RUN_DIGITS = 4  # a phone numbers its pictures 0001 on, or by date and time
_GLUED_CAMERA = re.compile(r"^(img|dsc[nf]?|pxl|mvimg|vid|cimg|sam|wp|gopr|dji|z|p)(?=\d)")
_HEX = re.compile(r"^[0-9a-f]{16,}$")
# What people and phones add after a name: " (2)", "_1", "-copy", " - Bản sao (3)", "~2".
_ADDED = re.compile(r"(?:\s+(?:copy|ban sao|edited|sua|moi|new|final))?(?:\s+\d{1,3})?$")
# The same, on a name as written: " (2)", "_1", " - Copy", " - Bản sao (3)", "~2", " copy 2".
_PHONE_ADDED = re.compile(r"(?:\s*\(\d{1,3}\)|[_~ ]\d{1,3}|\s*-?\s*(?:copy|bản sao)(?:\s*\(?\d{1,3}\)?)?)+$")
MIN_WORDS_FOR_START = 2  # "Bưởi.jpg" is too little to name a product by the start of its name
MIN_LOT_LENGTH = 3  # shorter codes ("A1") turn up in any name
MIN_DIGIT_LOT_LENGTH = 4  # a lot code of digits alone: "(2)" or "_12" are not lots


def _written(text: str) -> str:
    """A name as written, lower case, without what phones add after it."""
    return _PHONE_ADDED.sub("", unicodedata.normalize("NFC", text).strip().casefold())


def word_key(text: str) -> str:
    """A name as words: ASCII, lower case, one space between words; a number of 8 to 14 digits
    (a GTIN) without its leading zeros."""
    words = name_key(unicodedata.normalize("NFC", text)).split()
    return " ".join(w.lstrip("0") or "0" if w.isdigit() and 8 <= len(w) <= 14 else w
                    for w in words)


def stem(name: str) -> str:
    """A file name without its ending: 'Bưởi Tân Triều (2).heic' -> 'Bưởi Tân Triều (2)'."""
    head, dot, tail = name.rpartition(".")
    return head if dot and head and tail and " " not in tail and len(tail) <= 5 else name


def _shortened(key: str) -> str:
    """``key`` without what people and phones add after a name (repeatedly: 'x copy 2 1')."""
    while True:
        shorter = _ADDED.sub("", key).strip()
        if shorter == key or not shorter:
            return key
        key = shorter


def is_camera_name(name: str) -> bool:
    """Whether a name is one a phone, a camera or an app made up: it tells no product. Its
    words are all a phone's (CAMERA_WORDS, LOOKALIKE_WORDS) or numbers, and it carries what only
    a phone writes: a run of digits, a long hex string, or a word of CAMERA_WORDS."""
    words = word_key(name).split()
    telling = not words  # a name of no letters or digits (emoji, another script) tells nothing
    for word in words:
        glued = _GLUED_CAMERA.match(word)  # img1234, dsc0001, z5123...: a prefix and digits
        digits = word[glued.end():] if glued else word
        if _HEX.match(word):
            telling = True
        elif digits.isdigit():  # "2" or "(3)" is what people add; 0001 or a date, a phone
            telling = telling or len(digits) >= RUN_DIGITS or bool(
                glued and glued.group(1) in CAMERA_WORDS)
        elif word in CAMERA_WORDS:
            telling = True
        elif word not in LOOKALIKE_WORDS:
            return False
    return telling


@dataclass(frozen=True)
class Found:
    """Products a text names, and how (a code of the catalogue: how_id, how_gtin, ...)."""

    ids: frozenset[str] = frozenset()
    how: str = ""
    said: str = ""  # the text that named them, for the review

    def __bool__(self) -> bool:
        return bool(self.ids)


@dataclass(frozen=True)
class Placement:
    """Where a file goes: a product (and a lot), or why it goes nowhere."""

    product_id: str | None = None
    lot: str | None = None
    how: tuple[Message, ...] = ()  # why, said in order ("by lot code B2610", "by its id")
    problem: str | None = None  # message code when the file is not placed
    values: dict[str, object] = field(default_factory=dict)  # of the problem's message


# The kinds of key and the message saying a name matched it, most telling first.
KEY_KINDS = {"id": "how_id", "gtin": "how_gtin", "ocop_code": "how_ocop_code",
             "name": "how_name"}


class CatalogIndex:
    """The products of the catalog as names of files may give them."""

    def __init__(self, products: Iterable[Product], unreadable: Iterable[str] = ()) -> None:
        self.names: dict[str, str] = {}  # id -> Vietnamese name
        self.lots_of: dict[str, tuple[str, ...]] = {}
        self.keys: dict[str, dict[str, set[str]]] = {}  # key -> {id: the kinds of key it is}
        self.starts: dict[str, set[str]] = {}  # the first words (2 or more) of a name -> ids
        self.lots: dict[str, list[tuple[str, str]]] = {}  # lot, case folded -> [(id, lot)]
        self.unreadable = frozenset(unreadable)  # ids of records with errors: nothing matches them
        for product in products:
            self._add(product)
        for product_id in self.unreadable:  # named by its id only: its record could not be read
            self.names.setdefault(product_id, product_id)
            self.keys.setdefault(word_key(product_id), {}).setdefault(product_id, set()).add("id")

    def _add(self, product: Product) -> None:
        self.names[product.id] = product.name.vi
        self.lots_of[product.id] = tuple(b.lot for b in product.batches)
        keyed = [(word_key(product.id), "id")]
        keyed += [(word_key(text), "name") for text in (product.name.vi, product.name.en,
                                                        *(t for _, t in product.name.more)) if text]
        keyed += [(word_key(c.ocop_code), "ocop_code") for c in product.certifications
                  if c.ocop_code]
        if product.gtin:
            keyed.append((product.gtin.lstrip("0"), "gtin"))
        for key, kind in keyed:
            if not key:
                continue  # a name in a script with no Latin letters
            self.keys.setdefault(key, {}).setdefault(product.id, set()).add(kind)
            words = key.split()
            if kind in ("id", "name"):
                for n in range(MIN_WORDS_FOR_START, len(words)):
                    self.starts.setdefault(" ".join(words[:n]), set()).add(product.id)
        for batch in product.batches:
            self.lots.setdefault(batch.lot.casefold(), []).append((product.id, batch.lot))

    # --- a text ------------------------------------------------------------------------------

    def find(self, text: str) -> Found:
        """The products ``text`` names: an id written as it is first (ids are unique: a name
        another product shares does not make "buoi-tan-trieu" a question), then the three
        steps of the module's docstring."""
        if (product_id := self._literal_id(text)) is not None:
            return Found(frozenset({product_id}), "how_id", text)
        key = word_key(text)
        if not key:
            return Found()
        for candidate in dict.fromkeys((key, _shortened(key))):
            if candidate in self.keys:
                return self._found(self.keys[candidate], text, exact=True)
        words = key.split()
        for n in range(len(words) - 1, 0, -1):  # the longest key the name starts with
            head = " ".join(words[:n])
            named = {i: kinds for i, kinds in self.keys.get(head, {}).items()
                     if n >= MIN_WORDS_FOR_START or kinds & {"gtin", "ocop_code"}}
            as_id = {i: kinds for i, kinds in named.items()
                     if "id" in kinds and _written(text).startswith(i + "-")}
            if named:
                return self._found(as_id if len(as_id) == 1 else named, text)
        short = _shortened(key)
        if len(short.split()) >= MIN_WORDS_FOR_START and short in self.starts:
            return Found(frozenset(self.starts[short]), "how_name_start", text)
        return Found()

    def _literal_id(self, text: str) -> str | None:
        """The id ``text`` is as written (lower case, hyphens; what phones add after it
        ignored), or None."""
        written = _written(text)
        return written if written in self.names and written not in self.unreadable else None

    def _found(self, named: dict[str, set[str]], text: str, exact: bool = False) -> Found:
        """``named``: id -> the kinds of key the text gave. A name written with diacritics that
        is also an id ("Bưởi Tân Triều") was written as a name, and is said so."""
        kinds = set().union(*named.values())
        if exact and not text.isascii() and "name" in kinds:
            return Found(frozenset(named), KEY_KINDS["name"], text)
        best = min(kinds, key=list(KEY_KINDS).index)
        return Found(frozenset(named), KEY_KINDS[best], text)

    def lots_in(self, text: str) -> list[tuple[str, str]]:
        """(product id, lot) for every lot code standing alone in ``text``."""
        folded = ascii_fold(unicodedata.normalize("NFC", text)).casefold()
        found: dict[tuple[str, str], None] = {}
        for chunk in re.findall(r"[a-z0-9._-]+", folded):
            parts = re.split(r"([._-])", chunk)
            words = parts[::2]
            for i in range(len(words)):
                for j in range(i, len(words)):
                    code = "".join(parts[2 * i:2 * j + 1])
                    if len(code) < (MIN_DIGIT_LOT_LENGTH if code.isdigit() else MIN_LOT_LENGTH):
                        continue
                    for pair in self.lots.get(code, ()):
                        found[pair] = None
        return list(found)

    def suggestions(self, text: str, limit: int = 3) -> list[str]:
        """Product ids whose id or name is close to ``text`` (a typo, a word left out), else
        those whose name holds every word of it ("Sâm.jpg": Rượu sâm ngọc cầu)."""
        key = _shortened(word_key(text))
        close = difflib.get_close_matches(key, list(self.keys), n=limit * 2, cutoff=0.8) \
            if len(key) >= 4 else []
        words = set(key.split())
        if not close and any(len(w) >= 3 and not w.isdigit() for w in words):
            close = sorted(k for k in self.keys if words <= set(k.split()))
        ids = [i for k in close for i in sorted(self.keys[k])]
        return list(dict.fromkeys(ids))[:limit]

    def lot_suggestions(self, text: str, limit: int = 3) -> list[tuple[str, str]]:
        """(id, lot) for codes in ``text`` that look like lot codes close to a known one."""
        folded = ascii_fold(text).casefold()
        words = [w for w in re.findall(r"[a-z0-9._-]+", folded)
                 if len(w) >= 4 and re.search(r"[a-z]", w) and re.search(r"\d", w)]
        close = [c for w in words for c in difflib.get_close_matches(w, list(self.lots), n=2,
                                                                     cutoff=0.75)]
        return list(dict.fromkeys(p for c in close for p in self.lots[c]))[:limit]

    # --- a file ------------------------------------------------------------------------------

    def place(self, file: SourceFile) -> Placement:
        """Where ``file`` goes, from its own name first and then from its folders'."""
        own_name = stem(unicodedata.normalize("NFC", file.name))
        own = self.find(own_name)
        camera = not own and is_camera_name(own_name)
        folder = next((found for name in file.folders if (found := self.find(name))), Found())
        how: list[Message] = [message(own.how, said=own.said)] if own else []
        ids = own.ids
        if folder:
            if own and not own.ids & folder.ids:
                return self._question("ask_name_and_folder", own.ids | folder.ids,
                                      folder=folder.said)
            ids = own.ids & folder.ids if own else folder.ids
            how.append(message("how_folder", folder=folder.said,
                               how=message(folder.how, said=folder.said)))
        lots = [] if camera else self.lots_in(own_name)
        if not lots:
            lots = next((given for name in file.folders if (given := self.lots_in(name))), [])
        if lots:
            return self._place_lot(ids, lots, how)
        if not ids:
            return self._nowhere(own_name, camera)
        if len(ids) > 1:
            return self._question("ask_products", ids)
        (product_id,) = ids
        if product_id in self.unreadable:
            return Placement(problem="record_has_errors", values={"id": product_id})
        if file.kind == "document":
            listed = ", ".join(self.lots_of.get(product_id, ()))
            return Placement(problem="document_without_lot" if listed else "document_no_lots",
                             values={"id": product_id, "lots": listed})
        return Placement(product_id, None, tuple(how))

    def _place_lot(self, ids: frozenset[str], lots: list[tuple[str, str]],
                   how: list[Message]) -> Placement:
        """A file with a lot code in its name: that lot of the product named, or of the only
        product that has it."""
        owners = {product_id for product_id, _ in lots}
        if ids:
            mine = [pair for pair in lots if pair[0] in ids]
            if not mine:
                return self._question("ask_lot_elsewhere", owners | ids, lot=lots[0][1])
            lots, owners = mine, {product_id for product_id, _ in mine}
        if len(owners) > 1:
            return self._question("ask_lot_shared", owners, lot=lots[0][1])
        if len(lots) > 1:
            return self._question("ask_lots", owners, lots=", ".join(lot for _, lot in lots))
        ((product_id, lot),) = lots
        if product_id in self.unreadable:
            return Placement(problem="record_has_errors", values={"id": product_id})
        return Placement(product_id, lot, (message("how_lot", lot=lot), *how))

    def _question(self, code: str, ids: Iterable[str], **values: object) -> Placement:
        listed = "; ".join(f"{i} «{self.names.get(i, i)}»" for i in sorted(ids))
        example = min(ids)
        return Placement(problem=code, values={"candidates": listed, "example": example, **values})

    def _nowhere(self, name: str, camera: bool) -> Placement:
        example = min(self.names) if self.names else "mat-ong-tan-binh"
        if camera:
            return Placement(problem="camera_name", values={"example": example,
                                                            "name": self.names.get(example, "")})
        close = self.suggestions(name)
        lots = self.lot_suggestions(name)
        hints = [f"{i} «{self.names.get(i, i)}»" for i in close]
        hints += [f"{lot} ({i})" for i, lot in lots]
        if hints:
            return Placement(problem="unmatched_close", values={"close": "; ".join(hints)})
        return Placement(problem="unmatched", values={"example": example})


# Words that tell what paper a lot's document is, and its title ("{lot}" filled), in order.
DOCUMENT_KINDS = (
    (("kiem nghiem", "kn", "phieu kiem nghiem"), "Phiếu kết quả kiểm nghiệm lô {lot}"),
    (("thu nghiem", "ket qua", "kq", "xet nghiem", "phan tich", "test", "report", "coa"),
     "Phiếu kết quả thử nghiệm lô {lot}"),
    (("chung nhan", "gcn", "chung chi", "certificate"), "Giấy chứng nhận lô {lot}"),
    (("cong bo", "tu cong bo", "tcb"), "Bản tự công bố sản phẩm (lô {lot})"),
    (("nhat ky", "so ghi chep", "ghi chep"), "Nhật ký sản xuất lô {lot}"),
)
STANDARD_WORDS = {"vietgap": "VietGAP", "globalgap": "GlobalGAP", "haccp": "HACCP",
                  "iso": "ISO", "huu co": "hữu cơ", "organic": "hữu cơ"}
DEFAULT_TITLE = "Tài liệu lô {lot}"


def document_title(name: str, lot: str) -> tuple[str, bool]:
    """A lot document's title from its file name, and whether it was worked out (a person then
    confirms it): words typed with diacritics are the title; otherwise the words that name a
    kind of paper give one ("KQ B2610" -> "Phiếu kết quả thử nghiệm lô B2610")."""
    text = unicodedata.normalize("NFC", stem(name))
    typed = " ".join(re.sub(r"[_]+", " ", text).split())
    typed = re.sub(r"\s*(\(\d{1,3}\)|_\d{1,3})$", "", typed)
    if typed.casefold() != ascii_fold(typed):  # written with diacritics: a person's words
        title = typed[:1].upper() + typed[1:]
        return (title if lot.casefold() in title.casefold() else f"{title} (lô {lot})"), False
    words = f" {word_key(text)} "
    for standard, shown in STANDARD_WORDS.items():
        if f" {standard} " in words and any(f" {w} " in words for w in DOCUMENT_KINDS[2][0]):
            return f"Giấy chứng nhận {shown} (lô {lot})", True
    for kinds, title in DOCUMENT_KINDS:
        if any(f" {w} " in words for w in kinds):
            return title.format(lot=lot), True
    return DEFAULT_TITLE.format(lot=lot), True
