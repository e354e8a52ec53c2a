"""A folder of photos and papers as a producer sends it from a phone, for the sample catalog.

What is in it, and what ``ocop import`` must make of each (ids of the sample under products/):

- ``Bưởi Tân Triều.heic``: an iPhone HEIC named by the product's name → buoi-tan-trieu;
- ``nho-say-nhon-son (2).jpg``: an Android MPO (two pictures, named .jpg) → nho-say-nhon-son,
  its first picture;
- ``Bưởi Lâm Sơn/IMG_20261103_101522.jpg``: a sideways photo (EXIF orientation 6, with the GPS
  position where it was taken) in a folder named after the product → buoi-lam-son, upright;
- ``MAT ONG TAN BINH_1.jpg``: a 12 MP photo (4032×3024) → mat-ong-tan-binh, scaled down;
- ``8936058120037_1.png``: named by GTIN → hat-dieu-rang-muoi;
- ``KQ B2610.pdf``: a test report named by lot → lot B2610 of buoi-tan-trieu;
- ``Phiếu kiểm nghiệm NS-2610.jpg``: a photographed report named by lot → lot NS-2610;
- ``buoi-tan-trieu (1).jpg``: a copy cut short → refused;
- ``IMG_20261104_083010.jpg``: a name the phone gave → not imported, with how to name it;
- ``Mật ong.jpg``: the start of two products' names → a question listing both;
- ``ghi chu.txt`` (not a photo: a warning) and ``.DS_Store`` (skipped).

Every picture has a red top half and a blue bottom half as it should be seen, so a test can
tell it is upright; the MPO's second picture is green.

    python tests/media_import/phone_photos.py FOLDER          writes the folder
    python tests/media_import/phone_photos.py --annex FOLDER  the same kinds of file for the
        sample annex and its lot log (``write_annex_photos``)
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

import pillow_heif
from fpdf import FPDF
from PIL import ExifTags, Image, ImageDraw, ImageFilter, ImageStat

pillow_heif.register_heif_opener()

TOP, BOTTOM, SECOND = (200, 30, 40), (30, 60, 190), (20, 160, 60)
# name in the folder -> (product id, lot or None) for what must come in.
EXPECTED = {
    "Bưởi Tân Triều.heic": ("buoi-tan-trieu", None),
    "nho-say-nhon-son (2).jpg": ("nho-say-nhon-son", None),
    "Bưởi Lâm Sơn/IMG_20261103_101522.jpg": ("buoi-lam-son", None),
    "MAT ONG TAN BINH_1.jpg": ("mat-ong-tan-binh", None),
    "8936058120037_1.png": ("hat-dieu-rang-muoi", None),
    "KQ B2610.pdf": ("buoi-tan-trieu", "B2610"),
    "Phiếu kiểm nghiệm NS-2610.jpg": ("nho-say-nhon-son", "NS-2610"),
}
# name -> the message code that refuses it.
REFUSED = {"buoi-tan-trieu (1).jpg": "picture_truncated",
           "IMG_20261104_083010.jpg": "camera_name",
           "Mật ong.jpg": "ask_products"}
# The same kinds of file for the sample annex's products (tests/sheets/annexes.py) and the lots
# of its lot log (tests/sheets/lot_logs.py), as a producer sends them with the log.
ANNEX_EXPECTED = {
    "Mật ong hoa nhãn Mỹ Sơn.heic": ("mat-ong-hoa-nhan-my-son", None),  # an iPhone's HEIC
    "nho-say-deo-nhon-son (2).jpg": ("nho-say-deo-nhon-son", None),  # an Android MPO
    "Bưởi da xanh Lâm Sơn/IMG_20261103_101522.jpg": ("buoi-da-xanh-lam-son", None),  # sideways
    "KQ NS-2604.pdf": ("nho-say-deo-nhon-son", "NS-2604"),  # a test report named by lot
}
ANNEX_REFUSED = {"mat-ong-hoa-nhan-my-son (1).jpg": "picture_truncated",
                 "IMG_20261104_083010.jpg": "camera_name"}
HEIC_FAST = {"preset": "ultrafast"}  # x265's fastest: a test's HEIC in a tenth of the time
GPS = {1: "N", 2: (11.0, 48.0, 12.5), 3: "E", 4: (106.0, 50.0, 3.2)}  # a house in Tây Ninh


def picture(width: int, height: int, seed: int, top: tuple[int, int, int] = TOP,
            bottom: tuple[int, int, int] = BOTTOM) -> Image.Image:
    """A photo-like picture, upright: ``top`` above, ``bottom`` below, with the grain and soft
    detail that give a JPEG a phone photo's size."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), top)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height // 2, width, height), fill=bottom)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(width // 40 + 2, width // 12 + 3)
        shade = tuple(max(0, min(255, c + rng.randrange(-40, 40)))
                      for c in (top if y < height // 2 else bottom))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    grain = Image.effect_noise((max(1, width // 4), max(1, height // 4)), 24).resize(
        (width, height)).filter(ImageFilter.GaussianBlur(1))
    return Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.12)


def colour_at(image: Image.Image, x: float, y: float) -> tuple[int, ...]:
    """The mean colour of a small patch around (x, y), given as shares of width and height."""
    side = max(2, min(image.size) // 20)
    left = min(max(0, int(image.width * x) - side // 2), image.width - side)
    top = min(max(0, int(image.height * y) - side // 2), image.height - side)
    patch = image.convert("RGB").crop((left, top, left + side, top + side))
    return tuple(round(v) for v in ImageStat.Stat(patch).mean)


def near(colour: tuple[int, ...], wanted: tuple[int, int, int], slack: int = 60) -> bool:
    """Whether ``colour`` is ``wanted`` give or take the picture's grain and shading (TOP and
    BOTTOM are 150 apart or more)."""
    return all(abs(a - b) <= slack for a, b in zip(colour, wanted, strict=False))


def upright(image: Image.Image) -> bool:
    """Whether a picture made by ``picture`` is seen as it was taken: TOP above, BOTTOM below."""
    return near(colour_at(image, 0.5, 0.1), TOP) and near(colour_at(image, 0.5, 0.9), BOTTOM)


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "samsung"
    exif[ExifTags.Base.Model] = "SM-A546E"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    return exif


def jpeg_bytes(image: Image.Image, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif if exif is not None else Image.Exif())
    return buffer.getvalue()


def report_pdf(lot: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, "PHIEU KET QUA THU NGHIEM (mau minh hoa)")
    pdf.ln()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 8, f"Lo {lot}: du luong thuoc bao ve thuc vat: khong phat hien")
    return bytes(pdf.output())


def write_folder(folder: Path) -> Path:
    """Writes the folder (see the module's docstring); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    heic = picture(1600, 1200, seed=1)
    heic.save(folder / "Bưởi Tân Triều.heic", quality=80, exif=phone_exif().tobytes(),
              enc_params=HEIC_FAST)
    first, second = picture(1024, 768, seed=2), picture(1024, 768, 3, SECOND, SECOND)
    first.save(folder / "nho-say-nhon-son (2).jpg", format="MPO", save_all=True,
               append_images=[second], quality=90)
    sideways = folder / "Bưởi Lâm Sơn"
    sideways.mkdir(exist_ok=True)
    upright = picture(1200, 900, seed=4)  # seen as 1200×900; stored turned a quarter
    (sideways / "IMG_20261103_101522.jpg").write_bytes(
        jpeg_bytes(upright.transpose(Image.Transpose.ROTATE_90), phone_exif(orientation=6)))
    (folder / "MAT ONG TAN BINH_1.jpg").write_bytes(
        jpeg_bytes(picture(4032, 3024, seed=5), phone_exif()))
    picture(800, 800, seed=6).save(folder / "8936058120037_1.png")
    (folder / "KQ B2610.pdf").write_bytes(report_pdf("B2610"))
    (folder / "Phiếu kiểm nghiệm NS-2610.jpg").write_bytes(
        jpeg_bytes(picture(900, 1273, 7, (235, 235, 230), (235, 235, 230)), phone_exif()))
    whole = jpeg_bytes(picture(1024, 768, seed=8))
    (folder / "buoi-tan-trieu (1).jpg").write_bytes(whole[: len(whole) * 6 // 10])
    (folder / "IMG_20261104_083010.jpg").write_bytes(jpeg_bytes(picture(1024, 768, seed=9)))
    (folder / "Mật ong.jpg").write_bytes(jpeg_bytes(picture(1024, 768, seed=10)))
    (folder / "ghi chu.txt").write_text("Ảnh gửi anh Tâm, văn phòng OCOP\n", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1" + bytes(100))
    return folder


def write_annex_photos(folder: Path) -> Path:
    """Photos and a report for the sample annex and its lot log (ANNEX_EXPECTED, ANNEX_REFUSED),
    written into ``folder`` (made if need be); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    picture(1600, 1200, seed=11).save(folder / "Mật ong hoa nhãn Mỹ Sơn.heic", quality=80,
                                      exif=phone_exif().tobytes(), enc_params=HEIC_FAST)
    picture(1024, 768, seed=12).save(folder / "nho-say-deo-nhon-son (2).jpg", format="MPO",
                                     save_all=True, append_images=[
                                         picture(1024, 768, 13, SECOND, SECOND)], quality=90)
    sideways = folder / "Bưởi da xanh Lâm Sơn"
    sideways.mkdir(exist_ok=True)
    (sideways / "IMG_20261103_101522.jpg").write_bytes(jpeg_bytes(
        picture(1200, 900, seed=14).transpose(Image.Transpose.ROTATE_90), phone_exif(6)))
    (folder / "KQ NS-2604.pdf").write_bytes(report_pdf("NS-2604"))
    whole = jpeg_bytes(picture(1024, 768, seed=15))
    (folder / "mat-ong-hoa-nhan-my-son (1).jpg").write_bytes(whole[: len(whole) * 6 // 10])
    (folder / "IMG_20261104_083010.jpg").write_bytes(jpeg_bytes(picture(1024, 768, seed=16)))
    return folder


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--annex":
        print(write_annex_photos(Path(sys.argv[2])))
        sys.exit()
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(write_folder(Path(sys.argv[1])))
