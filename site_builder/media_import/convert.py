"""One file of the folder made ready for the catalog: checked to its last byte, then written
under a name the project makes.

A photo (or a picture of a lot's paper) is decoded whole: a copy cut short, a damaged file or a
file that only pretends to be a picture is refused here, with the reason. It is then turned
upright (EXIF orientation), converted to sRGB, scaled down to ``MAX_SIDE`` and written as a
JPEG (a PNG when it has transparent pixels) with no metadata at all: a phone's EXIF holds the
GPS position where the photo was taken, often the producer's home. iPhone HEIC/HEIF and the MPO
of many Android phones (a JPEG with a second picture) come in as that JPEG, from their first
picture. A PDF is checked for its end (``%%EOF`` and a cross-reference table where its trailer
says) and copied byte for byte.

The name of what is written carries the first 12 hex digits of the SHA-256 of the source file:
the same photo imported again is recognised without decoding it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageOps

from site_builder.records.validate import MAX_DOCUMENT_BYTES
from site_builder.records.writing import write_file

pillow_heif.register_heif_opener()

# The longest side of a photo as kept in products/: 2048 px is an A4 page's width at 248 dpi
# (a photo printed across a page, a poster or a fair's banner, stays sharp), twice the widest
# picture the site publishes (960 px, assets/media.py), and about 0.6 MB as a JPEG, so a
# producer's weekly photos stay small in the repository.
MAX_SIDE = 2048
# A JPEG is decoded at the DCT scale (1/2, 1/4, 1/8) that brings it within MAX_SIDE when that
# leaves at least MIN_SIDE: no resampling pass at all. Every byte is still read and decoded,
# so a copy cut short fails as at full size. 12 MP phones (4000×3000, 4032×3024) come in at
# half scale, 48 MP ones at a quarter: a tenth of the time of a full decode and a resample.
MIN_SIDE = 1600
JPEG_QUALITY = 90  # written once from the decoded pixels; the site re-encodes from it
MAX_SOURCE_BYTES = 60_000_000  # a 108 MP phone JPEG is about 30 MB
# Pixels decoded at most: a 48 MP HEIC (8064×6048) passes, a 200 MP one or a "decompression
# bomb" (a small file claiming a huge picture) is refused before any pixel is decoded.
MAX_SOURCE_PIXELS = 80_000_000
HASH_DIGITS = 12
PHOTO_FORMATS = {"JPEG": "JPEG", "MPO": "MPO", "PNG": "PNG", "WEBP": "WebP", "HEIF": "HEIC/HEIF"}


class Refused(Exception):
    """A file that cannot come in: a code of the catalogue and the values of its text."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code, self.values = code, values

    def __reduce__(self) -> tuple[object, tuple[str, dict[str, object]]]:  # whole across processes
        return (_refused, (self.code, self.values))


def _refused(code: str, values: dict[str, object]) -> Refused:
    return Refused(code, **values)


@dataclass(frozen=True)
class Task:
    """A file to prepare: read ``source``, write under ``folder`` (a product's, staged)."""

    source: Path
    kind: str  # 'photo' or 'document' (what the file will be in the record)
    folder: Path
    pattern: str  # the name to write, relative to ``folder``: '{digest}' and '{ext}' filled
    known: frozenset[str] = frozenset()  # digests (HASH_DIGITS) already in the product


@dataclass(frozen=True)
class Prepared:
    digest: str  # of the source file, HASH_DIGITS hex digits
    written: str = ""  # relative to the task's folder; empty: ``known`` had it
    format: str = ""  # of the source: JPEG, HEIF, PDF ...
    size_in: tuple[int, int] = (0, 0)
    size_out: tuple[int, int] = (0, 0)
    notes: tuple[str, ...] = field(default_factory=tuple)  # codes of what was done to it


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_DIGITS]


def prepare(task: Task) -> Prepared | Refused:
    """The task done, or why the file is refused (returned: it crosses worker processes)."""
    try:
        data = _read(task.source, task.kind)
        digest = digest_of(data)
        if digest in task.known:
            return Prepared(digest)
        kind = sniff(data)
        if kind == "PDF":
            _check_pdf(data, task.source.suffix.lower())
            return _write(task, digest, "pdf", data, Prepared(digest, format="PDF"))
        if kind not in ("JPEG", "PNG", "WEBP", "HEIF"):
            looks = _looks_like(data)
            if looks in OTHER_PICTURES:
                raise Refused("picture_format", format=looks)
            raise Refused("not_a_picture", suffix=task.source.suffix, looks=looks)
        if task.source.suffix.lower() == ".pdf":
            raise Refused("pdf_is_picture", format=kind)
        return _photo(task, digest, data)
    except Refused as refused:
        return refused
    except MemoryError:
        return _too_many_pixels(None)


def _read(source: Path, kind: str) -> bytes:
    """The file's bytes, refused before reading when it is larger than allowed."""
    limit = MAX_DOCUMENT_BYTES if source.suffix.lower() == ".pdf" else MAX_SOURCE_BYTES
    try:
        with open(source, "rb", opener=_no_follow) as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise Refused("not_a_file_special")
            size = status.st_size
            if size > limit:
                raise Refused("file_too_large", size=round(size / 1e6, 1), limit=limit // 10**6)
            if size == 0:
                raise Refused("file_empty")
            return handle.read(limit + 1)
    except OSError as exc:
        raise Refused("file_unreadable", reason=exc.strerror or type(exc).__name__) from None


def _no_follow(path: str, flags: int) -> int:
    """Open without following a link put there since the folder was listed."""
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))


# --- what a file is -----------------------------------------------------------------------------

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
OTHER_PICTURES = {"GIF", "TIFF", "BMP", "AVIF"}  # pictures, but not in a form the catalog keeps
_LOOKS = ((b"PK\x03\x04", "ZIP"), (b"Rar!", "RAR"), (b"7z\xbc\xaf", "7z"), (b"GIF8", "GIF"),
          (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"BM", "BMP"), (b"\x1f\x8b", "gzip"),
          (b"MZ", "EXE"), (b"\x7fELF", "ELF"), (b"\xd0\xcf\x11\xe0", "Office 97-2003"),
          (b"{\\rtf", "RTF"))


def sniff(data: bytes) -> str | None:
    """The format by the first bytes: JPEG (MPO too), PNG, WEBP, HEIF or PDF, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return "HEIF"
    if data.startswith(b"%PDF-"):
        return "PDF"
    return None


def _looks_like(data: bytes) -> str:
    for head, name in _LOOKS:
        if data.startswith(head):
            return name
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "AVIF"
    text = data[:512].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<svg")):
        return "HTML/XML"
    return "?"


def _check_pdf(data: bytes, suffix: str) -> None:
    """A PDF read to its end: its last ``%%EOF`` and the cross-reference its trailer points to
    (a copy cut short has neither)."""
    if suffix != ".pdf":
        raise Refused("picture_is_pdf", suffix=suffix)
    tail = data[-2048:]
    found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", tail)
    if not found:
        raise Refused("pdf_truncated")
    at = int(found.group(1))
    if not (data[at:at + 4] == b"xref" or re.match(rb"\d+\s+\d+\s+obj", data[at:at + 40])):
        raise Refused("pdf_damaged")


# --- a photo ------------------------------------------------------------------------------------

def _photo(task: Task, digest: str, data: bytes) -> Prepared:
    notes: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image, source_format, size_in = _decoded(data, notes)
        except Refused:
            raise
        except Image.DecompressionBombError as bomb:
            raise _too_many_pixels(bomb) from None
        except OSError as exc:
            raise Refused("picture_truncated" if "truncated" in str(exc) else "picture_damaged"
                          ) from None
        except Exception:  # noqa: BLE001 - whatever a damaged file makes a decoder raise
            raise Refused("picture_damaged") from None
    image = _in_srgb(_plain(image), notes)
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if image.size != size_in:
        notes.append("note_scaled")
    transparent = image.mode == "RGBA"
    buffer = io.BytesIO()
    image.info = {}  # no EXIF, XMP, comment or profile goes out (sRGB is every reader's default)
    if transparent:
        image.save(buffer, format="PNG", compress_level=6)
    else:
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    done = Prepared(digest, format=source_format, size_in=size_in, size_out=image.size,
                    notes=tuple(notes))
    return _write(task, digest, "png" if transparent else "jpg", buffer.getvalue(), done)


def _too_many_pixels(bomb: Image.DecompressionBombError | None) -> Refused:
    """Refused for its size. Pillow refuses a picture of over twice its pixel limit as it
    opens it, before it says the width and height; its message says the count, which is
    what the office is told then (never "?×?")."""
    limit = MAX_SOURCE_PIXELS // 10**6
    count = re.search(r"\((\d+) pixels\)", str(bomb)) if bomb is not None else None
    if count is None:  # out of memory, or a Pillow that words it otherwise
        return Refused("too_many_pixels_unsized", limit=limit)
    return Refused("too_many_megapixels", millions=round(int(count[1]) / 10**6), limit=limit)


def _decoded(data: bytes, notes: list[str]) -> tuple[Image.Image, str, tuple[int, int]]:
    """The picture decoded to the last byte of the file and upright (a large JPEG at a reduced
    scale: see MIN_SIDE), its format's name and its size as taken (upright)."""
    image = Image.open(io.BytesIO(data))
    source_format = str(image.format)
    if source_format not in PHOTO_FORMATS:
        raise Refused("picture_format", format=source_format)
    width, height = image.size
    if width * height > MAX_SOURCE_PIXELS:
        raise Refused("too_many_pixels", width=width, height=height,
                      limit=MAX_SOURCE_PIXELS // 10**6)
    if source_format == "MPO":
        _check_frames(data)
        notes.append("note_mpo")
    elif source_format == "HEIF":
        notes.append("note_heif")
    exif = image.getexif()
    if exif.get_ifd(ExifTags.IFD.GPSInfo):
        notes.append("note_gps")
    elif len(exif) or image.info.get("xmp") or image.info.get("comment"):
        notes.append("note_metadata")
    if source_format in ("JPEG", "MPO") and (scale := _dct_scale(max(width, height))) > 1:
        image.draft(image.mode, (width // scale, height // scale))
    image.load()  # raises when the data ends early or is damaged
    taken = (width, height)
    if exif.get(ExifTags.Base.Orientation, 1) not in (1, None):
        ImageOps.exif_transpose(image, in_place=True)
        notes.append("note_rotated")
        if image.width < image.height and width > height or (
                image.width > image.height and width < height):
            taken = (height, width)
    return image, PHOTO_FORMATS[source_format], taken


def _dct_scale(side: int) -> int:
    """The reduction a JPEG decoder gives for free that brings ``side`` within MAX_SIDE (and
    no lower than MIN_SIDE), or the largest that keeps it above MAX_SIDE for a resample."""
    fits = [s for s in (8, 4, 2) if MIN_SIDE <= side / s <= MAX_SIDE]
    if fits:
        return fits[0]
    return next((s for s in (8, 4, 2) if side / s > MAX_SIDE), 1)


def _check_frames(data: bytes) -> None:
    """The pictures of an MPO after the first decoded (at their smallest scale, which still
    reads every byte): a copy cut short loses the last one first."""
    with Image.open(io.BytesIO(data)) as image:
        for frame in range(1, getattr(image, "n_frames", 1)):
            image.seek(frame)
            image.draft(image.mode, (1, 1))
            image.load()


def _plain(image: Image.Image) -> Image.Image:
    """8-bit RGB or grey, or RGBA when some pixel is transparent (a logo on nothing)."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode == "CMYK" and image.info.get("icc_profile"):
        return image  # converted through its profile in _in_srgb
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        lowest, _ = rgba.getchannel("A").getextrema()
        if isinstance(lowest, (int, float)) and lowest < 255:
            return rgba
        return rgba.convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        return image.convert("I").point(lambda v: v / 256).convert("L")
    return image.convert("RGB")


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _in_srgb(image: Image.Image, notes: list[str]) -> Image.Image:
    """Pixels in sRGB: a photo with another profile (an iPhone's Display P3, a printer's CMYK)
    is converted through it; an unreadable profile is ignored."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image if image.mode in ("RGB", "L", "RGBA") else image.convert("RGB")
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in (ImageCms.getProfileDescription(profile) or "").casefold().replace(" ", ""):
            return image if image.mode in ("RGB", "L", "RGBA") else image.convert("RGB")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, profile, _SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        notes.append("note_profile_ignored")
        return image if image.mode in ("RGB", "L", "RGBA") else image.convert("RGB")
    notes.append("note_colour")
    return converted if converted is not None else image


# --- writing ------------------------------------------------------------------------------------

def _write(task: Task, digest: str, ext: str, data: bytes, done: Prepared) -> Prepared:
    """``data`` written atomically under the task's folder (two workers may write the same
    photo found twice in the folder: each writes whole, the last wins, the bytes are alike)."""
    relative = task.pattern.format(digest=digest, ext=ext)
    target = task.folder / relative
    write_file(target, data)
    return Prepared(digest, relative, done.format, done.size_in, done.size_out, done.notes)
