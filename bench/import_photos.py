"""Importing a folder of phone photos, as a ratio to Pillow decoding the same files.

    python bench/import_photos.py [PHOTOS]     (default 1000)

Writes a catalog of PHOTOS / 4 products and a folder of PHOTOS phone-sized JPEGs (4000×3000,
about 3.7 MB each: sensor grain makes them as large as a 12 MP phone's), four per product named
as people name them ("<name> (2).jpg", "<ID>_3.jpg"), a quarter of them sideways (EXIF
orientation 6) and every one with a GPS position. Then, in one process:
1. reference: Pillow decodes every file whole (``Image.open(...).load()``), one after another;
2. ``ocop import FOLDER --dry-run`` (read, check to the last byte, turn, scale, encode, check
   the records: everything but the final moves);
3. ``ocop import FOLDER`` (the same, and the files and records moved into products/);
4. ``ocop import FOLDER`` again (every file already there: hashed, never decoded).
Prints the times, the ratios to the reference, photos per second and the bytes kept.
The import uses one worker process per core (OCOP_WORKERS overrides it); the reference one.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "media_import"))

from phone_photos import phone_exif, picture  # noqa: E402
from support.records import record, write_record  # noqa: E402
from support.sites import write_mkdocs_config  # noqa: E402

from site_builder.cli import main  # noqa: E402

BASES = 6  # distinct pictures; each file differs from the others by a comment of its own
NAMES = ["Mật ong hoa nhãn", "Nho sấy dẻo", "Bưởi da xanh", "Rượu nếp", "Gạo tám thơm",
         "Tỏi", "Hành tím", "Trà khổ qua", "Bánh tráng", "Nước mắm", "Táo xanh", "Hạt điều"]
PLACES = ["Mỹ Sơn", "Nhơn Sơn", "Lâm Sơn", "Quảng Sơn", "Mỹ Hà", "Mỹ Tân", "Ma Nới"]


def phone_jpegs() -> list[bytes]:
    """A few 4000×3000 phone photos, upright and sideways, with grain and a GPS position."""
    made = []
    for seed in range(BASES):
        clean = picture(4000, 3000, seed)
        grain = Image.effect_noise((4000, 3000), 40).convert("RGB")
        photo = Image.blend(clean, grain, 0.18)
        sideways = seed % 4 == 3
        if sideways:
            photo = photo.transpose(Image.Transpose.ROTATE_90)
        buffer = io.BytesIO()
        photo.save(buffer, "JPEG", quality=90, exif=phone_exif(6 if sideways else 1))
        made.append(buffer.getvalue())
    return made


def unique(jpeg: bytes, number: int) -> bytes:
    """The same photo with a comment segment of its own: other bytes, the same decoding."""
    text = f"photo {number}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]


def write_catalog(root: Path, photos: int) -> tuple[Path, Path, int]:
    products = root / "products"
    count = max(1, photos // 4)
    ids = []
    for n in range(count):
        name = f"{NAMES[n % len(NAMES)]} {PLACES[n % len(PLACES)]} số {n + 1}"
        product_id = f"sp-{n + 1:05d}"
        write_record(products, record(id=product_id, name={"vi": name}))
        ids.append((product_id, name))
    folder = root / "anh-gui-ve"
    folder.mkdir()
    bases = phone_jpegs()
    size = 0
    for i in range(photos):
        product_id, name = ids[i % count]
        shown = (f"{name} ({i // count + 1}).jpg" if i % 2 else
                 f"{product_id.upper()}_{i // count + 1}.jpg")
        data = unique(bases[i % len(bases)], i)
        (folder / shown).write_bytes(data)
        size += len(data)
    return folder, write_mkdocs_config(root, products), size


def reference_decode(folder: Path) -> int:
    pixels = 0
    for path in sorted(folder.iterdir()):
        with Image.open(path) as image:
            image.load()
            pixels += image.width * image.height
    return pixels


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(config: Path, *args: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["-f", str(config), "import", *args])


def main_bench(photos: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        folder, config, size = write_catalog(root, photos)
        reference = timed(lambda: reference_decode(folder))
        codes: list[int] = []
        dry = timed(lambda: codes.append(run(config, str(folder), "--dry-run")))
        real = timed(lambda: codes.append(run(config, str(folder))))
        again = timed(lambda: codes.append(run(config, str(folder))))
        imported = list((root / "products").glob("*/anh-" + "[0-9a-f]" * 12 + ".jpg"))
        kept = sum(p.stat().st_size for p in imported)
        added = len(imported)
    assert codes == [0, 0, 0], codes
    workers = os.environ.get("OCOP_WORKERS") or os.cpu_count()
    print(f"photos: {photos} (4000×3000 JPEG, {size / photos / 1e6:.1f} MB each, "
          f"{size / 1e9:.2f} GB), products: {max(1, photos // 4)}, workers: {workers}")
    print(f"reference (Pillow decodes every file, one process): {reference:.1f} s "
          f"({photos / reference:.1f} photos/s)")
    for label, seconds in (("ocop import --dry-run", dry), ("ocop import", real),
                           ("ocop import again (all there)", again)):
        print(f"{label + ':':32} {seconds:6.1f} s  {seconds / reference:5.2f}x reference, "
              f"{photos / seconds:6.1f} photos/s")
    print(f"photos added: {added}, kept: {kept / 1e6:.0f} MB ({kept / max(1, added) / 1e6:.2f} MB "
          f"each, {kept / size:.0%} of the source)")


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(lambda: main_bench(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)))
