"""The site's icon: a white star on the catalog's dark green, from one drawing.

Browsers ask every host for ``/favicon.ico`` unless a page names its icon, and a 404 there is
an error on every QR scan. So the icon exists three ways, all drawn from ``_shapes``:

- ``DATA_URI``: an SVG inside the standalone pages (traceability, batch, 404, forwarding), so
  opening one costs no second request, at any depth and from a USB copy;
- ``favicon_ico()``: ``/favicon.ico`` at the site's root, for the browser's default request
  and for pages that name no icon (documents, feeds opened in a tab);
- ``favicon_png()``: the file Material's pages link (``theme/assets/images/favicon.png``, a
  Material theme override, written with ``python -m site_builder.assets.favicon``).
"""

from __future__ import annotations

import io
import math
import sys
from pathlib import Path
from urllib.parse import quote

from PIL import Image, ImageDraw

GREEN = "#1b5e20"  # the header's green (ocop.css): 8.9:1 against the white star
VIEW = 32  # the drawing's units: a 32 × 32 square
CORNER = 6
ICO_SIZES = (16, 32, 48)
THEME_PNG = Path(__file__).resolve().parents[2] / "theme" / "assets" / "images" / "favicon.png"


def star_points(cx: float = 16, cy: float = 17, outer: float = 12.5,
                inner: float = 5.2) -> list[tuple[float, float]]:
    """A five-pointed star, first point up, as (x, y) corners in drawing units."""
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2)))
    return points


def icon_svg() -> str:
    """The icon as a compact SVG document."""
    star = " ".join(f"{x:g},{y:g}" for x, y in star_points())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW} {VIEW}">'
            f'<rect width="{VIEW}" height="{VIEW}" rx="{CORNER}" fill="{GREEN}"/>'
            f'<polygon points="{star}" fill="#fff"/></svg>')


# Percent-encoded rather than base64 (a third shorter), quoted with ' so it sits in an
# attribute as it is; no space, '<', '>' or '#', so HTML checkers take it as a valid URL.
DATA_URI = "data:image/svg+xml," + quote(icon_svg().replace('"', "'"), safe="/=:,.'")


def icon_image(size: int) -> Image.Image:
    """The icon drawn at ``size`` × ``size`` pixels, smoothed by drawing it 8 times larger."""
    big = size * 8
    scale = big / VIEW
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * scale, fill=GREEN)
    draw.polygon([(x * scale, y * scale) for x, y in star_points()], fill="#ffffff")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def favicon_ico() -> bytes:
    """``/favicon.ico``: the icon at 16, 32 and 48 pixels, each drawn at its own size."""
    images = [icon_image(size) for size in ICO_SIZES]
    out = io.BytesIO()
    images[-1].save(out, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                    append_images=images[:-1])
    return out.getvalue()


def favicon_png(size: int = 48) -> bytes:
    out = io.BytesIO()
    icon_image(size).save(out, format="PNG", optimize=True)
    return out.getvalue()


if __name__ == "__main__":  # python -m site_builder.assets.favicon [PATH]: write the theme's PNG
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else THEME_PNG
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(favicon_png())
    print(target)
