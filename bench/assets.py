"""What a product's pictures cost on a cold build: photos, share pictures, QR codes.

    python bench/assets.py                       # 200 synthetic products (bench/synthetic.py)
    python bench/assets.py 500 --against HEAD~1  # and the same work done by an older commit
    python bench/assets.py --products products   # the bundled sample (800×600 photos)
    python bench/assets.py 50 --photo-size 2048x1536  # photos as ocop import keeps a phone's

For each kind of asset: processor time per product (for each product the fastest of a few
tries, no cache, so other work on the machine hardly moves it), that time as a multiple of
a reference measured in the same run (Pillow decoding the product's photo and encoding it
again as a JPEG of quality 75, once), and the bytes published per product. ``--against REV``
loads ``site_builder/assets/{media,share_image,qr}.py`` as they were at REV and runs them on
the same products (the site then published both the SVG and the PNG of each QR code; the old
share module draws from today's ``media.square_image``, which differs only for large JPEGs).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from PIL import Image, features  # noqa: E402
from synthetic import SMALL_PHOTO, generate, photo_size  # noqa: E402

from site_builder.assets import media, qr, share_image  # noqa: E402
from site_builder.config import SiteConfig  # noqa: E402
from site_builder.records.validate import load_catalog  # noqa: E402
from site_builder.render.i18n import Translator  # noqa: E402
from site_builder.render.views import ProductView, product_view  # noqa: E402

AS_OF = date(2026, 11, 22)
SITE_URL = "https://ocop.khanhhoa.gov.vn/"
MODULES = {"media": "site_builder/assets/media.py", "share_image": "site_builder/assets/share_image.py",
           "qr": "site_builder/assets/qr.py"}


def product_views(products: Path) -> list[list[ProductView]]:
    """Each product of the catalog in both languages, as the build sees it."""
    config = SiteConfig(products_dir=products, site_url=SITE_URL, as_of=AS_OF)
    catalog, problems = load_catalog(config, traceability_notes=False)
    if problems.errors:
        raise SystemExit(f"the catalog in {products} has errors; run ocop check")
    return [[product_view(p, AS_OF, config, Translator(lang)) for lang in ("vi", "en")]
            for p in catalog.products]


def load_revision(revision: str) -> dict[str, ModuleType]:
    """The asset modules as they were at ``revision``, importable side by side with today's."""
    loaded = {}
    for name, path in MODULES.items():
        try:
            text = subprocess.run(["git", "-C", str(REPO), "show", f"{revision}:{path}"],
                                  capture_output=True, text=True, check=True).stdout
        except subprocess.CalledProcessError as error:
            raise SystemExit(f"git show {revision}:{path} failed: {error.stderr.strip()}") from None
        module_name = f"_bench_{name}_{revision.replace('~', '_').replace('^', '_')}"
        file = Path(tempfile.mkdtemp()) / f"{name}.py"
        file.write_text(text, encoding="utf-8")
        spec = importlib.util.spec_from_file_location(module_name, file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
        loaded[name] = module
    return loaded


def per_product(works: dict[str, Callable[[list[ProductView]], int]],
                products: list[list[ProductView]], rounds: int) -> dict[str, tuple[float, float]]:
    """Processor seconds and bytes per product of each of ``works`` (each returns the bytes it
    made): for each product the fastest of ``rounds`` tries, the works taking turns product by
    product, so that a busy moment of the machine weighs on all of them alike."""
    fastest = {name: [float("inf")] * len(products) for name in works}
    for _ in range(rounds):
        for i, views in enumerate(products):
            for name, work in works.items():
                started = time.process_time()
                work(views)
                fastest[name][i] = min(fastest[name][i], time.process_time() - started)
    sizes = {name: 0 for name in works}
    for views in products:
        for name, work in works.items():
            sizes[name] += work(views)
    return {name: (sum(fastest[name]) / len(products), sizes[name] / len(products))
            for name in works}


def reference(views: list[ProductView]) -> int:
    """Pillow decoding the product's photo and encoding it once more (JPEG, quality 75)."""
    photo = views[0].product.photos[0]
    buffer = io.BytesIO()
    with Image.open(photo.source) as image:
        image.convert("RGB").save(buffer, format="JPEG", quality=75)
    return len(buffer.getvalue())


def tasks(modules: dict[str, ModuleType], old: bool) -> dict[str, Callable[[list[ProductView]], int]]:
    """What the site makes of each product with ``modules``: photos, share pictures, QR code."""
    media_module, share_module, qr_module = modules["media"], modules["share_image"], modules["qr"]

    def photos(views: list[ProductView]) -> int:
        return sum(len(data) for photo in views[0].product.photos
                   for data in media_module.photo_files(photo, None).values())

    def share(views: list[ProductView]) -> int:
        return sum(len(data) for data in share_module.share_files(views, None).values())

    def qr_site(views: list[ProductView]) -> int:
        if old:  # the SVG and the PNG were both published
            images = qr_module.qr_images(views[0].trace_absolute_url, None)
            return len(images.svg) + len(images.png)
        return len(qr_module.qr_svg_file(views[0].trace_absolute_url, None))

    def qr_both(views: list[ProductView]) -> int:
        images = qr_module.qr_images(views[0].trace_absolute_url, None)
        return len(images.svg) + len(images.png)

    def pictures(views: list[ProductView]) -> int:
        """Both, as a build makes them: each photo decoded once for all its pictures."""
        product = views[0].product
        read = [media_module.DecodedPhoto.of(photo, media_module.SQUARE if i == 0 else 0)
                for i, photo in enumerate(product.photos)]
        size = sum(len(data) for photo, decoded in zip(product.photos, read, strict=True)
                   for data in media_module.photo_files(photo, None, decoded).values())
        return size + sum(len(data) for data in share_module.share_files(
            views, None, decoded=read[0] if read else None).values())

    found: dict[str, Callable[[list[ProductView]], int]] = {
        "photos (web sizes)": photos, "share + square pictures": share,
        "QR code as the site publishes it": qr_site}
    if not old:
        found["photos, share and square pictures, one decode (as a build)"] = pictures
        found["QR code, SVG and PNG (hosts without rules)"] = qr_both
    return found


def machine() -> str:
    """The processor and the libraries that do the work."""
    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), cpu)
    return (f"{cpu}; Python {platform.python_version()}, Pillow {Image.__version__} "
            f"(libjpeg-turbo {features.version('libjpeg_turbo')}, libwebp {features.version('webp')})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=200, help="synthetic products")
    parser.add_argument("--products", type=Path, help="measure this catalog instead")
    parser.add_argument("--against", metavar="REV", help="also measure the asset modules of REV")
    parser.add_argument("--rounds", type=int, default=5, help="tries of each product")
    parser.add_argument("--photo-size", type=photo_size, default=SMALL_PHOTO, metavar="WxH",
                        help="the synthetic photos' size (400x300; 2048x1536 is a phone's photo "
                             "as ocop import keeps it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:  # the photos are read from it while measuring
        products = args.products or generate(args.count, Path(folder), photo_size=args.photo_size)
        catalog = [views for views in product_views(products) if views[0].product.photos]
        if not catalog:
            raise SystemExit("no product with a photo to measure")
        works: dict[str, Callable[[list[ProductView]], int]] = {"reference": reference}
        runs = [("new", tasks({"media": media, "share_image": share_image, "qr": qr}, old=False))]
        if args.against:
            runs.insert(0, (args.against, tasks(load_revision(args.against), old=True)))
        for label, work in runs:
            works.update({f"{name} [{label}]": task for name, task in work.items()})
        for task in works.values():
            task(catalog[0])  # fonts, tables and grids are made once per process, as in a build
        measured = per_product(works, catalog, args.rounds)
        reference_seconds, reference_bytes = measured.pop("reference")
        rows = [(name, seconds, size) for name, (seconds, size) in measured.items()]
    print(f"{len(catalog)} products, {machine()}")
    print(f"reference (decode the photo, encode it as JPEG q75): {reference_seconds * 1000:.2f} ms, "
          f"{reference_bytes / 1024:.1f} KB a product\n")
    print(f"| {'asset':48} | ms/product | × reference | KB/product |")
    print(f"|{'-' * 50}|-----------:|------------:|-----------:|")
    for name, seconds, size in rows:
        print(f"| {name:48} | {seconds * 1000:10.2f} | {seconds / reference_seconds:11.2f} "
              f"| {size / 1024:10.1f} |")


if __name__ == "__main__":
    import figures

    sys.exit(figures.run(main))
