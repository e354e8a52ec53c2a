"""An embeddable badge per product: a small static SVG a producer puts on a marketplace listing
or a website, linking to the product's permanent page.

It states the certification as of the build day in Vietnamese and English: the stars and the
date the certificate is valid until, or, for a product that may no longer use the OCOP mark
(expired, revoked, withdrawn...), that it is no longer certified, without stars. The text
comes from the status and dates only, never from a record's free text.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from site_builder.render.i18n import Translator
from site_builder.render.views import ProductView

WIDTH, HEIGHT = 300, 64
_COLOURS = {"ok": ("#14532d", "#dcfce7"), "warn": ("#713f12", "#fef9c3"),
            "bad": ("#7f1d1d", "#fee2e2")}


def badge_lines(view: ProductView) -> tuple[str, str, str, str]:
    """(colour kind, Vietnamese line, English line, date line) of a product's badge."""
    vi, en = Translator("vi"), Translator("en")
    status, current = view.status.status, view.status.current
    until = current.certification.valid_until if current else None
    if view.lapsed or current is None:
        kind = "bad"
        date_line = (f"{vi(f'status_short_{status.value}')} · {en(f'status_short_{status.value}')}")
        return kind, vi("badge_lapsed"), en("badge_lapsed"), date_line
    kind = "warn" if status.value in ("expiring", "grace") else "ok"
    stars = current.certification.stars
    if status.value == "grace":  # past its date, still in force while re-evaluated
        date_line = f"{vi('status_short_grace')} · {en('status_short_grace')}"
    else:
        date_line = f"{vi('badge_until')} / {en('badge_until')} {vi.date(until)}"
    return kind, vi("badge_certified", stars=stars), en("badge_certified", stars=stars), date_line


def badge_svg(view: ProductView) -> bytes:
    kind, line_vi, line_en, date_line = badge_lines(view)
    ink, paper = _COLOURS[kind]
    stars = "" if kind == "bad" else "★" * (view.status.stars or 0)
    title = f"{line_vi} / {line_en}. {date_line}"
    text = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">'
        f"<title>{escape(title)}</title>"
        f'<rect x="1" y="1" width="{WIDTH - 2}" height="{HEIGHT - 2}" rx="8" fill="{paper}" '
        f'stroke="{ink}" stroke-width="2"/>'
        f'<rect x="1" y="1" width="64" height="{HEIGHT - 2}" rx="8" fill="{ink}"/>'
        f'<g font-family="system-ui,-apple-system,Segoe UI,Roboto,Noto Sans,Arial,sans-serif">'
        f'<text x="33" y="30" fill="#ffffff" font-size="17" font-weight="700" '
        f'text-anchor="middle">{"OCOP" if kind != "bad" else "✕"}</text>'
        f'<text x="33" y="50" fill="#fcd34d" font-size="12" text-anchor="middle">{stars}</text>'
        f'<text x="74" y="21" fill="{ink}" font-size="13" font-weight="700">{escape(line_vi)}</text>'
        f'<text x="74" y="37" fill="{ink}" font-size="11">{escape(line_en)}</text>'
        f'<text x="74" y="53" fill="{ink}" font-size="9">{escape(date_line)}</text>'
        f"</g></svg>\n")
    return text.encode("utf-8")
