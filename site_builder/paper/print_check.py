"""Does a stamp scan? Three independent decoders read it from its files and after a simulated
print and phone photo (``ocop stamps --check``).

The decoders are zbar (through pyzbar and Debian's libzbar0; many scanner apps are built on
it), zxing-cpp (the library behind Android's barcode apps) and OpenCV's QR detector. The print
and camera model is the team's measuring tool's (``../shared/tools/qr-print-check.py``), copied
here so a user can run it and so both give the same figures for the same files: the SVG is
rasterised at the printer's resolution and thresholded (each dot ink or paper), padded with
3 mm of paper, seen by a camera at 8 pixels per millimetre (a 1280-pixel frame 160 mm wide, a
phone about 12 cm away) with a Gaussian blur of 0.8 pixel, 80 % contrast, sensor noise of 3 grey
levels and JPEG quality 85; the noise's seed comes from the file's bytes and the size, as the
tool's does.

The decoders are optional dependencies (``pip install 'ocop-catalog[check]'``); without them
``decoders()`` raises ``MissingDecoders`` naming what to install.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from PIL import Image

from site_builder.paper.stamp_files import stamp_png, stamp_svg
from site_builder.paper.stamps import Artwork

DECODER_NAMES = ("zbar", "zxing", "opencv")
CAMERA_PX_PER_MM = 8.0
BLUR_SIGMA = 0.8
NOISE_SD = 3.0
CONTRAST = 0.8
JPEG_QUALITY = 85
PAPER_MARGIN_MM = 3.0
NATIVE_SVG_PX = 600  # the tool rasterises an SVG 600 pixels wide to read it "as published"


class MissingDecoders(RuntimeError):
    """The decoders or the SVG rasteriser are not installed; ``missing`` says which."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


Decoder = Callable[[Any], str | None]


@dataclass(frozen=True)
class Tools:
    """What reading a stamp needs: the three decoders, numpy, OpenCV and cairosvg."""

    decode: dict[str, Decoder]
    versions: dict[str, str]
    np: Any
    cv2: Any
    svg2png: Callable[..., bytes]


def decoders() -> Tools:
    """The decoders, or MissingDecoders naming every missing piece (Python packages and the
    system libraries they load)."""
    missing: list[str] = []
    found: dict[str, Any] = {}
    for module, what in (("numpy", "numpy"), ("cv2", "opencv-python-headless"),
                         ("zxingcpp", "zxing-cpp"), ("pyzbar.pyzbar", "pyzbar"),
                         ("cairosvg", "cairosvg")):
        try:
            found[module] = __import__(module, fromlist=["_"])
        except ImportError as exc:  # pyzbar raises it too when it cannot find libzbar
            missing.append("libzbar0 (apt-get install libzbar0)"
                           if "shared library" in str(exc) else what)
        except OSError:  # the package is there, its C library is not
            missing.append({"cairosvg": "libcairo2 (apt-get install libcairo2)",
                            "pyzbar.pyzbar": "libzbar0 (apt-get install libzbar0)"}.get(module, what))
    if missing:
        raise MissingDecoders(missing)
    np, cv2, zxingcpp = found["numpy"], found["cv2"], found["zxingcpp"]
    pyzbar = found["pyzbar.pyzbar"]
    detector = cv2.QRCodeDetector()

    def zbar(image: Any) -> str | None:
        found = pyzbar.decode(Image.fromarray(image), symbols=[pyzbar.ZBarSymbol.QRCODE])
        return found[0].data.decode("utf-8", errors="replace") if found else None

    def zxing(image: Any) -> str | None:
        found = [b for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
                 if b.valid]
        return found[0].text if found else None

    def opencv(image: Any) -> str | None:
        try:
            text, _, _ = detector.detectAndDecode(image)
        except cv2.error:
            return None
        return text or None

    versions = {"zbar": f"pyzbar {metadata.version('pyzbar')}",
                "zxing": f"zxing-cpp {metadata.version('zxing-cpp')}",
                "opencv": f"OpenCV {cv2.__version__}"}
    return Tools({"zbar": zbar, "zxing": zxing, "opencv": opencv}, versions, np, cv2,
                 found["cairosvg"].svg2png)


@dataclass
class StampReading:
    """What each decoder read of one stamp: from its PNG and SVG files, and after printing at
    its own size on its printer. True: the decoder read exactly the code's text."""

    art: Artwork
    files: dict[str, bool] = field(default_factory=dict)
    printed: dict[str, bool] = field(default_factory=dict)
    wrong: list[str] = field(default_factory=list)  # decoders that read another text


def _grey(tools: Tools, png: bytes) -> Any:
    image = Image.open(io.BytesIO(png))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, (255, 255, 255, 255)), image)
    return tools.np.array(image.convert("L"))


def _svg_raster(tools: Tools, svg: bytes, width: int) -> Any:
    return _grey(tools, tools.svg2png(bytestring=svg, output_width=int(width),
                                      background_color="white"))


def printed(tools: Tools, svg: bytes, mm: float, dpi: int) -> Any:
    """The SVG printed ``mm`` wide at ``dpi``: every dot ink or paper."""
    raster = _svg_raster(tools, svg, max(1, round(mm / 25.4 * dpi)))
    return tools.np.where(raster < 128, 0, 255).astype(tools.np.uint8)


def photographed(tools: Tools, dots: Any, dpi: int, seed: int) -> Any:
    """What a phone camera hands the decoder: paper around the print, area-downscaled to the
    camera's resolution, defocus blur, reduced contrast, sensor noise, JPEG."""
    np, cv2 = tools.np, tools.cv2
    margin = round(PAPER_MARGIN_MM / 25.4 * dpi)
    image = np.pad(dots, margin, constant_values=255).astype(np.float32)
    scale = CAMERA_PX_PER_MM / (dpi / 25.4)
    size = (max(1, round(image.shape[1] * scale)), max(1, round(image.shape[0] * scale)))
    frame = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    frame = cv2.GaussianBlur(frame, (0, 0), BLUR_SIGMA)
    low = 255 * (1 - CONTRAST) / 2
    frame = low + frame * (255 - 2 * low) / 255
    frame = frame + np.random.default_rng(seed).normal(0, NOISE_SD, frame.shape)
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    _, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return cv2.imdecode(encoded, cv2.IMREAD_GRAYSCALE)


def _seed(data: bytes, mm: float) -> int:
    """The tool's seed for a file printed ``mm`` wide: the same noise for the same file."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    return int(hashlib.sha256(f"{digest}{float(mm)}".encode()).hexdigest()[:8], 16)


def read_image(tools: Tools, image: Any) -> dict[str, str | None]:
    """What each decoder reads from ``image`` (None: nothing)."""
    readings = {}
    for name, decode in tools.decode.items():
        try:
            readings[name] = decode(tools.np.ascontiguousarray(image))
        except Exception:  # noqa: BLE001 - a decoder that fails has not read the code
            readings[name] = None
    return readings


def read_stamp(tools: Tools, art: Artwork) -> StampReading:
    """Read one stamp from its files (PNG at the printer's resolution, SVG as the tool reads it)
    and after printing its SVG at its own size and resolution and photographing it."""
    expected = art.code_text
    reading = StampReading(art)
    svg, png = stamp_svg(art), stamp_png(art)
    from_png = read_image(tools, _grey(tools, png))
    from_svg = read_image(tools, _svg_raster(tools, svg, NATIVE_SVG_PX))
    photo = photographed(tools, printed(tools, svg, art.asked or art.size, art.dpi), art.dpi,
                         _seed(svg, art.asked or art.size))
    after_print = read_image(tools, photo)
    for name in DECODER_NAMES:
        reading.files[name] = from_png[name] == expected and from_svg[name] == expected
        reading.printed[name] = after_print[name] == expected
        if any(text not in (None, expected) for text in (from_png[name], from_svg[name],
                                                          after_print[name])):
            reading.wrong.append(name)
    return reading
