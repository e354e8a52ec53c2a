"""Each file checked to its last byte and made ready: upright, sRGB, JPEG, small enough, and
with no metadata left (read back by a JPEG segment walker of the test's own, not Pillow)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from phone_photos import (
    HEIC_FAST,
    SECOND,
    TOP,
    colour_at,
    jpeg_bytes,
    near,
    phone_exif,
    picture,
    report_pdf,
    upright,
)
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from site_builder.media_import.convert import (
    MAX_SIDE,
    MAX_SOURCE_BYTES,
    Prepared,
    Refused,
    Task,
    digest_of,
    prepare,
)
from site_builder.media_import.texts import message


def _task(source: Path, staging: Path, kind: str = "photo", known: frozenset[str] = frozenset()
          ) -> Task:
    pattern = "anh-{digest}.{ext}" if kind == "photo" else "lo-B2610/kq-{digest}.{ext}"
    return Task(source, kind, staging, pattern, known)


def _done(source: Path, tmp_path: Path, kind: str = "photo") -> tuple[Prepared, Path]:
    result = prepare(_task(source, tmp_path / "out", kind))
    assert isinstance(result, Prepared), getattr(result, "code", result)
    return result, tmp_path / "out" / result.written


def _refused(source: Path, tmp_path: Path, kind: str = "photo") -> str:
    result = prepare(_task(source, tmp_path / "out", kind))
    assert isinstance(result, Refused), result
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.*"))
    return result.code


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of every segment before the image data, read by hand."""
    assert data[:2] == b"\xff\xd8"
    at, found = 2, []
    while at < len(data):
        assert data[at] == 0xFF, at
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the pixels follow
            break
        length = int.from_bytes(data[at + 2:at + 4], "big")
        found.append((marker, data[at + 4:at + 2 + length]))
        at += 2 + length
    return found


def test_a_sideways_phone_photo_comes_upright_without_its_gps_position(tmp_path):
    source = tmp_path / "IMG_20261103_101522.jpg"
    taken = picture(1200, 900, seed=4)
    taken.transpose(Image.Transpose.ROTATE_90).save(
        source, quality=92, exif=phone_exif(orientation=6), comment="Nhà anh Tư, ấp Tân Trung",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>')
    done, written = _done(source, tmp_path)
    assert "note_rotated" in done.notes and "note_gps" in done.notes
    assert done.written == f"anh-{digest_of(source.read_bytes())}.jpg"
    data = written.read_bytes()
    markers = [m for m, _ in jpeg_segments(data)]
    assert 0xE1 not in markers  # no EXIF (GPS, camera, orientation) and no XMP
    assert 0xE2 not in markers and 0xFE not in markers  # no profile, no comment
    with Image.open(written) as image:
        assert image.size == (1200, 900)  # landscape, as it was seen
        assert upright(image)
    assert oct(os.stat(written).st_mode & 0o777) == "0o644"


def test_an_iphone_heic_comes_in_as_jpeg(tmp_path):
    source = tmp_path / "Bưởi Tân Triều.heic"
    picture(1600, 1200, seed=1).save(source, quality=80, exif=phone_exif().tobytes(),
                                     enc_params=HEIC_FAST)
    done, written = _done(source, tmp_path)
    assert done.format == "HEIC/HEIF" and "note_heif" in done.notes and "note_gps" in done.notes
    assert written.suffix == ".jpg" and written.read_bytes()[:3] == b"\xff\xd8\xff"
    with Image.open(written) as image:
        assert image.format == "JPEG" and image.size == (1600, 1200)
        assert near(colour_at(image, 0.5, 0.1), TOP)


def test_an_android_mpo_comes_in_as_its_first_picture(tmp_path):
    source = tmp_path / "nho-say-nhon-son (2).jpg"
    picture(1024, 768, 2).save(source, format="MPO", save_all=True,
                               append_images=[picture(1024, 768, 3, SECOND, SECOND)])
    done, written = _done(source, tmp_path)
    assert done.format == "MPO" and "note_mpo" in done.notes
    with Image.open(written) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
        assert near(colour_at(image, 0.5, 0.1), TOP)  # not the green second picture


@pytest.mark.parametrize("taken, kept", [
    ((4032, 3024), (2016, 1512)),  # a 12 MP phone: decoded at half scale, nothing resampled
    ((3024, 4032), (1512, 2016)),
    ((4624, 3468), (MAX_SIDE, 1536)),  # 16 MP: half scale is still too large, so resampled
    ((1920, 1080), (1920, 1080)),  # small enough already
])
def test_a_large_photo_is_scaled_to_the_longest_side_kept(tmp_path, taken, kept):
    source = tmp_path / "mat-ong.jpg"
    source.write_bytes(jpeg_bytes(picture(*taken, seed=5)))
    done, written = _done(source, tmp_path)
    assert done.size_in == taken and done.size_out == kept
    assert ("note_scaled" in done.notes) == (taken != kept)
    with Image.open(written) as image:
        assert image.size == kept and upright(image)


def test_a_display_p3_photo_is_converted_to_srgb(tmp_path):
    """An iPhone's Display P3 olive green (100, 180, 60) is (64, 184, 19) in sRGB: read as if
    it were sRGB (its profile dropped, as the site's WebP would) it would look greyer."""
    source = tmp_path / "p3.jpg"
    Image.new("RGB", (64, 64), (100, 180, 60)).save(source, quality=95,
                                                    icc_profile=_display_p3_icc())
    done, written = _done(source, tmp_path)
    assert "note_colour" in done.notes
    with Image.open(written) as image:
        assert near(colour_at(image, 0.5, 0.5), (64, 184, 19), slack=8)
        assert not near(colour_at(image, 0.5, 0.5), (100, 180, 60), slack=20)
        assert "icc_profile" not in image.info


def _display_p3_icc() -> bytes:
    """Display P3 as an ICC v2 matrix profile (Apple's colorants, adapted to D50)."""
    return _matrix_profile(
        red=(0.5151, 0.2412, -0.0011), green=(0.2920, 0.6922, 0.0419),
        blue=(0.1571, 0.0666, 0.7841), description="Display P3 (test)")


def _matrix_profile(red, green, blue, description: str) -> bytes:
    """An ICC v2 display profile with colorants (D50-adapted XYZ), a 2.2 curve and D50 white."""
    import struct

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(values) -> bytes:
        return b"XYZ " + bytes(4) + b"".join(s15(v) for v in values)

    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, int(2.2 * 256)) + bytes(2)
    desc_text = description.encode("ascii") + b"\0"
    desc = (b"desc" + bytes(4) + struct.pack(">I", len(desc_text)) + desc_text + bytes(8)
            + bytes(3) + bytes(67))
    tags = [(b"desc", desc), (b"wtpt", xyz((0.9642, 1.0, 0.8249))), (b"rXYZ", xyz(red)),
            (b"gXYZ", xyz(green)), (b"bXYZ", xyz(blue)), (b"rTRC", curve), (b"gTRC", curve),
            (b"bTRC", curve)]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        while (offset + len(body)) % 4:
            body += b"\0"
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntr" + b"RGB "
              + b"XYZ " + bytes(12) + b"acsp" + bytes(4) + bytes(4) + bytes(4) + bytes(4)
              + bytes(8) + bytes(4) + b"".join(s15(v) for v in (0.9642, 1.0, 0.8249))
              + bytes(4) + bytes(16) + bytes(28))
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body


def png_chunks(data: bytes) -> list[bytes]:
    """The kinds of the chunks of a PNG, read by hand."""
    at, kinds = 8, []
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kinds.append(data[at + 4:at + 8])
        at += 12 + length
    return kinds


def test_a_transparent_png_stays_png_and_an_opaque_one_becomes_jpeg(tmp_path):
    logo = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    logo.paste((200, 30, 40, 255), (50, 50, 250, 150))
    text = PngInfo()
    text.add_text("Comment", "Nhà anh Tư, ấp Tân Trung")
    logo.save(tmp_path / "logo.png", pnginfo=text, exif=phone_exif(),
              icc_profile=_display_p3_icc())
    done, written = _done(tmp_path / "logo.png", tmp_path)
    assert written.suffix == ".png" and Image.open(written).mode == "RGBA"
    assert set(png_chunks(written.read_bytes())) == {b"IHDR", b"IDAT", b"IEND"}
    picture(400, 300, 6).save(tmp_path / "8936058120037_1.png")
    done, written = _done(tmp_path / "8936058120037_1.png", tmp_path)
    assert written.suffix == ".jpg"


def test_a_pdf_is_copied_byte_for_byte(tmp_path):
    (tmp_path / "KQ B2610.pdf").write_bytes(report_pdf("B2610"))
    done, written = _done(tmp_path / "KQ B2610.pdf", tmp_path, "document")
    assert done.format == "PDF" and written.read_bytes() == report_pdf("B2610")
    assert done.written.startswith("lo-B2610/kq-") and written.suffix == ".pdf"


def test_a_file_already_there_is_not_decoded_again(tmp_path):
    source = tmp_path / "anh.jpg"
    source.write_bytes(jpeg_bytes(picture(400, 300, 1)))
    result = prepare(_task(source, tmp_path / "out", known=frozenset({digest_of(
        source.read_bytes())})))
    assert isinstance(result, Prepared) and result.written == ""
    assert not (tmp_path / "out").exists()


def _cut(data: bytes, share: float = 0.6) -> bytes:
    return data[: int(len(data) * share)]


@pytest.mark.parametrize("name, make, code", [
    ("cut.jpg", lambda: _cut(jpeg_bytes(picture(800, 600, 1))), "picture_truncated"),
    ("cut.png", lambda: _cut(_png(picture(400, 300, 1))), "picture_truncated"),
    ("cut.heic", lambda: _cut(_heic(picture(640, 480, 1))), "picture_damaged"),
    ("cut-mpo.jpg", lambda: _cut(_mpo(), 0.8), "picture_truncated"),  # its second picture cut
    ("cut.pdf", lambda: _cut(report_pdf("B2610"), 0.7), "pdf_truncated"),
    ("empty.jpg", lambda: b"", "file_empty"),
    ("trang-web.jpg", lambda: b"<!DOCTYPE html><html><script>alert(1)</script>", "not_a_picture"),
    ("anh.jpg", lambda: b"PK\x03\x04" + bytes(200), "not_a_picture"),
    ("report.jpg", lambda: report_pdf("B2610"), "picture_is_pdf"),
    ("anh.pdf", lambda: jpeg_bytes(picture(64, 48, 1)), "pdf_is_picture"),
    ("anh.gif.jpg", lambda: _gif(), "picture_format"),
    ("bomb.png", lambda: _png_bomb(20_000), "too_many_megapixels"),
    ("bomb-small.png", lambda: _png_bomb(9_500), "too_many_megapixels"),
    ("broken.pdf", lambda: b"%PDF-1.4\n" + bytes(100) + b"\nstartxref\n99999\n%%EOF\n",
     "pdf_damaged"),
])
def test_each_bad_file_is_refused_with_its_reason(tmp_path, name, make, code):
    source = tmp_path / name
    source.write_bytes(make())
    assert _refused(source, tmp_path, "document" if "pdf" in name or "report" in name
                    else "photo") == code


def test_a_decompression_bomb_is_refused_with_its_size_in_words(tmp_path):
    """Pillow refuses a picture of over twice its limit before it gives the width and
    height: the office still reads how large it is, not "?×?"."""
    source = tmp_path / "bomb.png"
    source.write_bytes(_png_bomb(20_000))
    refused = prepare(_task(source, tmp_path / "out", "photo"))
    assert isinstance(refused, Refused)
    said = message(refused.code, **refused.values)
    assert said.text("vi").startswith("ảnh có 400 triệu điểm ảnh, quá lớn (tối đa 80 triệu")
    assert said.text("en").startswith("the picture has 400 million pixels")
    assert "?" not in said.text("vi") + said.text("en")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    source = tmp_path / "video-that-is-not.jpg"
    with source.open("wb") as out:  # sparse: no disk used
        out.truncate(MAX_SOURCE_BYTES + 1)
    assert _refused(source, tmp_path) == "file_too_large"


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _heic(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", quality=80, enc_params=HEIC_FAST)
    return buffer.getvalue()


def _mpo() -> bytes:
    buffer = io.BytesIO()
    picture(800, 600, 2).save(buffer, format="MPO", save_all=True,
                              append_images=[picture(800, 600, 3)])
    return buffer.getvalue()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (32, 32)).save(buffer, "GIF")
    return buffer.getvalue()


def _png_bomb(side: int) -> bytes:
    """A tiny file claiming a huge picture (a PNG header for side × side pixels)."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (len(data).to_bytes(4, "big") + kind + data
                + zlib.crc32(kind + data).to_bytes(4, "big"))
    header = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))
