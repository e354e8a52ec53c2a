"""Photos for the web: WebP only, upright, close to the photo; a photo that cannot be decoded
stops the build with its name, never a traceback (``ocop check`` finds such photos first; this
covers one that changed since)."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat
from support.records import record, write_record
from support.sites import AS_OF, REPO, write_mkdocs_config

import site_builder.records.validate as validate
from site_builder.assets.media import PhotoUnreadable, photo_files, web_photo
from site_builder.cli import main
from site_builder.domain.model import Photo, Text

SAMPLE_PHOTO = REPO / "products" / "buoi-tan-trieu" / "anh-1.jpg"  # 800×600, a real-looking photo


def photo_of(path: Path, alt: str = "Bưởi Tân Triều, quả 1,2 kg") -> Photo:
    """The record's photo as validation leaves it: its size as displayed (EXIF-rotated)."""
    with Image.open(path) as image:
        width, height = ImageOps.exif_transpose(image).size
    return Photo(source=path, name=path.name, alt=Text(alt), width=width, height=height)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image.convert("RGB")


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per channel, in levels of 255."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


def test_web_sizes_are_webp_only_and_look_like_the_photo(tmp_path):
    photo = photo_of(SAMPLE_PHOTO)
    files = photo_files(photo, tmp_path / "cache")
    web = web_photo(photo)
    assert sorted(files) == ["anh-1-480.webp", "anh-1-960.webp"]
    assert sorted(files) == sorted(web.name(width) for width in web.widths)
    original = Image.open(SAMPLE_PHOTO).convert("RGB")
    large, small = decoded(files["anh-1-960.webp"]), decoded(files["anh-1-480.webp"])
    assert large.size == original.size == web.size  # never enlarged
    assert small.size == (480, 360)
    # Quality 80 is 1.0 and 1.4 levels off at these sizes; quality 60 would be 1.4 and 1.7.
    assert mean_difference(large, original) < 1.2
    reference = original.resize((480, 360), Image.Resampling.LANCZOS)
    assert mean_difference(small, reference) < 1.5


def test_a_small_photo_is_published_once(tmp_path):
    source = tmp_path / "anh-1.jpg"
    Image.open(SAMPLE_PHOTO).resize((400, 300)).save(source, quality=85)
    files = photo_files(photo_of(source), None)
    assert list(files) == ["anh-1-480.webp"] and decoded(files["anh-1-480.webp"]).size == (400, 300)


def test_a_large_photo_taken_sideways_is_decoded_small_enough_and_upright(tmp_path):
    """A large JPEG is decoded at a reduced scale, chosen for the photo as displayed: a phone
    photo stored sideways (EXIF orientation 6) must keep the width it is shown at."""
    stored = Image.open(SAMPLE_PHOTO).convert("RGB").resize((4000, 500))  # shown 500×4000
    marker = Image.new("RGB", (400, 500), (200, 30, 30))
    stored.paste(marker, (0, 0))  # red at the stored left: the top once turned upright
    exif = Image.Exif()
    exif[0x0112] = 6  # turn 90° clockwise to show
    source = tmp_path / "anh-1.jpg"
    stored.save(source, quality=90, exif=exif)
    photo = photo_of(source)
    assert (photo.width, photo.height) == (500, 4000)
    large = decoded(photo_files(photo, None)["anh-1-960.webp"])
    assert large.size == (480, 3840)  # the 960 size, bounded by its height of 4 widths
    top = ImageStat.Stat(large.crop((0, 0, 480, 300))).mean
    bottom = ImageStat.Stat(large.crop((0, 3540, 480, 3840))).mean
    assert top[0] > 150 and top[1] < 60 and bottom[1] > 100  # red on top, the photo below


def test_cmyk_and_16_bit_photos_become_plain_rgb_in_their_own_colours(tmp_path):
    cmyk = tmp_path / "anh-1.jpg"
    Image.new("CMYK", (600, 400), (0, 80, 80, 10)).save(cmyk, "JPEG", quality=95)
    files = photo_files(photo_of(cmyk), None)
    assert sorted(files) == ["anh-1-480.webp", "anh-1-960.webp"]
    expected = Image.open(cmyk).convert("RGB").getpixel((300, 200))
    shown = decoded(files["anh-1-960.webp"]).getpixel((300, 200))
    assert max(abs(a - b) for a, b in zip(shown, expected, strict=True)) <= 6
    grey = tmp_path / "anh-2.png"
    Image.new("I;16", (300, 200), 40_000).save(grey)
    [(name, data)] = photo_files(photo_of(grey), None).items()
    assert name == "anh-2-480.webp" and decoded(data).size == (300, 200)


def test_a_very_large_jpeg_gives_what_a_full_decode_gives(tmp_path):
    """Decoding at a reduced scale (down to twice the size needed) is not visible."""
    source = tmp_path / "anh-1.jpg"
    big = Image.open(SAMPLE_PHOTO).convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    big.save(source, quality=90)
    files = photo_files(photo_of(source), None)
    full = big.resize((960, 720), Image.Resampling.LANCZOS)
    assert mean_difference(decoded(files["anh-1-960.webp"]), full) < 2.0


def cut_short(path: Path) -> None:
    """A photo with real detail, then only its first third, as an interrupted copy leaves it."""
    image = Image.merge("RGB", [Image.effect_noise((320, 240), 40),
                                Image.linear_gradient("L").resize((320, 240)),
                                Image.radial_gradient("L").resize((320, 240))])
    image.save(path, "JPEG", quality=85)
    whole = path.read_bytes()
    path.write_bytes(whole[:len(whole) // 3])


def test_a_photo_cut_short_is_named_not_a_traceback(tmp_path):
    source = tmp_path / "anh-1.jpg"
    cut_short(source)
    photo = Photo(source=source, name=source.name, alt=Text("Túi nho sấy 200 g"), width=320,
                  height=240)
    with pytest.raises(PhotoUnreadable) as caught:
        photo_files(photo, tmp_path / "cache")
    assert str(source) in str(caught.value) and "cut short" in str(caught.value)
    # Workers render in other processes: the error must come back with its photo.
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_a_photo_cut_short_after_the_check_stops_the_build_with_its_name(tmp_path, monkeypatch,
                                                                        capsys):
    products = tmp_path / "products"
    photo = write_record(products, record()).parent / "anh-1.jpg"
    config = write_mkdocs_config(tmp_path, products)
    checked = validate.load_catalog

    def check_then_cut(*args, **kwargs):  # the copy is interrupted while the build runs
        result = checked(*args, **kwargs)
        cut_short(photo)
        return result

    monkeypatch.setattr(validate, "load_catalog", check_then_cut)
    assert main(["-f", str(config), "build", "--as-of", AS_OF.isoformat()]) == 1
    err = capsys.readouterr().err
    assert f"ảnh '{photo}' không giải mã được" in err and "Build stopped" in err
    assert not (tmp_path / "site").exists()
