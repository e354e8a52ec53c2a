"""Photos for the web: a photo that cannot be decoded stops the build with its name, never a
traceback (``ocop check`` finds such photos first; this covers one that changed since)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import AS_OF, record, write_mkdocs_config, write_record
from PIL import Image

import site_builder.mkdocs.build as build
from site_builder.assets.media import PhotoUnreadable, photo_files
from site_builder.cli import main
from site_builder.domain.model import Photo, Text


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
    checked = build.load_catalog

    def check_then_cut(*args, **kwargs):  # the copy is interrupted while the build runs
        result = checked(*args, **kwargs)
        cut_short(photo)
        return result

    monkeypatch.setattr(build, "load_catalog", check_then_cut)
    assert main(["-f", str(config), "build", "--as-of", AS_OF.isoformat()]) == 1
    err = capsys.readouterr().err
    assert f"ảnh '{photo}' không giải mã được" in err and "Build stopped" in err
    assert not (tmp_path / "site").exists()
