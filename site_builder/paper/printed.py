"""What trade-promotion staff print for a fair: an A4 brochure, A6 table cards, an A4 poster.

All three show only products whose OCOP mark may be used on the day (valid, expiring, or in a
renewal's grace period): a printed sheet outlives the build, so it never advertises a lapsed
certificate. QR codes are drawn as vector squares (sharp at any size) and lead to the public
site: the product's page, or the catalog filtered to what the sheet shows.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from urllib.parse import urlencode

import nh3
from fpdf import FPDF

from site_builder.assets.media import square_image
from site_builder.assets.qr import dark_runs, symbol
from site_builder.assets.typefaces import FONT_FILES
from site_builder.config import SiteConfig
from site_builder.domain import places
from site_builder.domain.taxonomy import BROWSED_SECTORS
from site_builder.render.facets import PROVINCE, SECTOR, STARS, values_of
from site_builder.render.i18n import Translator
from site_builder.render.views import ProductView, Urls

A4 = (210.0, 297.0)
MARGIN = 12.0
GREEN = (27, 94, 32)  # the site's primary colour
AMBER = (191, 120, 0)
GREY = (90, 90, 90)
STAR, EMPTY_STAR = "★", "☆"


class PrintError(ValueError):
    """The selection cannot be printed (message in Vietnamese / English)."""


@dataclass(frozen=True)
class Selection:
    """Which products a printed sheet shows; empty fields select everything."""

    province: str = ""  # a province's name or slug
    stars: tuple[int, ...] = ()
    sector: str = ""  # a sector's slug (thuc-pham, ..., or chua-phan-loai)
    ids: tuple[str, ...] = ()

    def province_slug(self) -> str:
        if not self.province:
            return ""
        found = places.find_province(self.province) or next(
            (p for p in places.provinces().values() if p.slug == self.province), None)
        if found is None:
            raise PrintError(f"không có tỉnh '{self.province}' / no province '{self.province}'")
        return found.slug

    def query(self) -> str:
        """The catalog address parameters showing the same products (catalog.js reads them)."""
        params: list[tuple[str, str]] = [("sao", str(n)) for n in sorted(self.stars)]
        if self.sector:
            params.append(("nganh", self.sector))
        if self.province:
            params.append(("tinh", self.province_slug()))
        return f"?{urlencode(params)}" if params else ""

    def pick(self, views: Iterable[ProductView]) -> list[ProductView]:
        if self.sector and self.sector not in {s.slug for s in BROWSED_SECTORS}:
            raise PrintError(f"không có ngành '{self.sector}' / no sector '{self.sector}'")
        province = self.province_slug()
        chosen = []
        known = set()
        for view in views:
            known.add(view.product.id)
            values = values_of(view)
            if view.lapsed or (self.ids and view.product.id not in self.ids):
                continue
            if (province and values[PROVINCE] != province) or (
                    self.sector and values[SECTOR] != self.sector) or (
                    self.stars and int(values.get(STARS, 0)) not in self.stars):
                continue
            chosen.append(view)
        missing = [i for i in self.ids if i not in known]
        if missing:
            raise PrintError(f"không có sản phẩm {', '.join(missing)} / unknown product ids")
        if not chosen:
            raise PrintError("không có sản phẩm nào đang được công nhận khớp lựa chọn / no "
                             "currently certified product matches")
        return sorted(chosen, key=lambda v: (-v.status.stars, v.name.casefold()))


def _pdf(title: str, made_on: date) -> FPDF:
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_creation_date(datetime.combine(made_on, time(), timezone.utc))
    pdf.set_title(title)
    pdf.set_author("ocop-catalog")
    pdf.set_auto_page_break(False)
    pdf.add_font("body", "", str(FONT_FILES[False]))
    pdf.add_font("body", "B", str(FONT_FILES[True]))
    pdf.set_text_color(0, 0, 0)
    return pdf


def draw_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """A QR code of ``size`` mm (quiet zone included) with its top-left corner at x, y."""
    matrix = symbol(url).matrix()
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, start, end in dark_runs(matrix):
        # A hair of overlap so no light seam shows between runs in some viewers.
        pdf.rect(x + start * module, y + row * module, (end - start) * module + 0.01,
                 module + 0.01, style="F")


def _stars(n: int) -> str:
    return STAR * n + EMPTY_STAR * (5 - n)


def plain_story(view: ProductView) -> str:
    """The story as plain text (its Markdown rendered, then every tag dropped); "" when the
    producer has not provided one: a fair's brochure leaves the space empty."""
    text = nh3.clean(view.story_html, tags=set())
    return " ".join(html.unescape(text).split())


def _fit_lines(pdf: FPDF, text: str, width: float, line: float, max_lines: int) -> str:
    """``text`` cut at a word so it fills at most ``max_lines`` lines of ``width`` mm."""
    lines = pdf.multi_cell(width, line, text, dry_run=True, output="LINES")
    if len(lines) <= max_lines:
        return text
    kept = " ".join(lines[:max_lines]).rstrip()
    while kept and len(pdf.multi_cell(width, line, kept + " …", dry_run=True,
                                      output="LINES")) > max_lines:
        kept = kept.rsplit(" ", 1)[0] if " " in kept else kept[:-1]  # one very long word
    return kept + " …"


def _photo(pdf: FPDF, view: ProductView, x: float, y: float, size: float) -> None:
    if view.product.photos:
        image = square_image(view.product.photos[0].source.read_bytes(), 600)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=85)
        pdf.image(buffer, x=x, y=y, w=size, h=size)
    else:
        pdf.set_fill_color(232, 240, 233)
        pdf.rect(x, y, size, size, style="F")
    pdf.set_draw_color(200, 200, 200)
    pdf.rect(x, y, size, size)


def _product_url(view: ProductView, config: SiteConfig) -> str:
    return config.absolute_url(view.urls.product(view.product))


def _catalog_url(config: SiteConfig, lang: str, selection: Selection) -> str:
    return config.absolute_url(Urls(config.language_prefix(lang)).catalog()) + selection.query()


def _footer(pdf: FPDF, t: Translator, config: SiteConfig, day: date) -> None:
    pdf.set_font("body", "", 7)
    pdf.set_text_color(*GREY)
    left = f"{config.site_name_in(t.lang)} · {t('print_updated', date=t.date(day))}"
    if config.sample_data:
        left += " · " + t("print_sample")
    pdf.text(MARGIN, A4[1] - 7, left)
    label = t("print_page", n=pdf.page_no())
    pdf.text(A4[0] - MARGIN - pdf.get_string_width(label), A4[1] - 7, label)
    pdf.set_text_color(0, 0, 0)


# --- brochure ---------------------------------------------------------------------------------

ROW_H = 52.0
PHOTO = 40.0
CODE = 30.0


def brochure_pdf(views: list[ProductView], config: SiteConfig, day: date, selection: Selection,
                 group_by: str = "province") -> bytes:
    """A4 pages: a cover with a QR code to the same view online, then one section per
    province (or sector), products by stars then name: photo, name, stars, producer, place,
    a short story, validity, and a QR code to the product's page."""
    chosen = selection.pick(views)
    t = chosen[0].t
    pdf = _pdf(t("print_title"), day)
    _cover(pdf, chosen, config, day, selection)
    groups: dict[str, list[ProductView]] = {}
    for view in chosen:
        key = (view.product.producer.province.short_name if group_by == "province"
               else t.name(view.sector, "name"))
        groups.setdefault(key, []).append(view)
    for name in sorted(groups, key=str.casefold):
        _group_pages(pdf, name, groups[name], config, day)
    return bytes(pdf.output())


def _cover(pdf: FPDF, chosen: list[ProductView], config: SiteConfig, day: date,
           selection: Selection) -> None:
    t = chosen[0].t
    pdf.add_page()
    _banner(pdf, t("print_title"), _scope(chosen, selection), height=70, top=22,
            title_font=(30, 13), scope_font=(13, 7), align="L")
    pdf.set_font("body", "", 12)
    pdf.set_xy(MARGIN, 82)
    pdf.multi_cell(A4[0] - 2 * MARGIN, 7, f"{t('print_count', n=len(chosen))}\n"
                   f"{t('print_updated', date=t.date(day))}")
    size = 80.0
    url = _catalog_url(config, t.lang, selection)
    draw_qr(pdf, url, (A4[0] - size) / 2, 115, size)
    pdf.set_xy(MARGIN, 200)
    pdf.set_font("body", "B", 13)
    pdf.multi_cell(A4[0] - 2 * MARGIN, 7, t("print_scan_catalog"), align="C")
    pdf.set_font("body", "", 10)
    pdf.set_x(MARGIN)
    pdf.multi_cell(A4[0] - 2 * MARGIN, 6, url, align="C")
    if config.sample_data:
        _sample_notice(pdf, t, MARGIN, A4[0] - 2 * MARGIN, 12, 8)
    _footer(pdf, t, config, day)


def _banner(pdf: FPDF, title: str, scope: str, *, height: float, top: float,
            title_font: tuple[float, float], scope_font: tuple[float, float], align: str) -> None:
    """The green band across the top of a cover or poster: the title, then the scope. The
    fonts are (size in points, line height in mm)."""
    width = A4[0] - 2 * MARGIN
    pdf.set_fill_color(*GREEN)
    pdf.rect(0, 0, A4[0], height, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("body", "B", title_font[0])
    pdf.set_xy(MARGIN, top)
    pdf.multi_cell(width, title_font[1], title, align=align)
    pdf.set_font("body", "", scope_font[0])
    pdf.set_x(MARGIN)
    pdf.multi_cell(width, scope_font[1], scope, align=align)
    pdf.set_text_color(0, 0, 0)


def _sample_notice(pdf: FPDF, t: Translator, x: float, width: float, size: float,
                   line: float) -> None:
    """'SAMPLE DATA' in amber, centred, below whatever was drawn last."""
    pdf.set_x(x)
    pdf.set_text_color(*AMBER)
    pdf.set_font("body", "B", size)
    pdf.multi_cell(width, line, t("print_sample"), align="C")
    pdf.set_text_color(0, 0, 0)


def _scope(chosen: list[ProductView], selection: Selection) -> str:
    t = chosen[0].t
    parts = []
    if selection.province:
        parts.append(chosen[0].product.producer.province.name)
    if selection.sector:
        parts.append(t.name(chosen[0].sector, "name"))
    if selection.stars:
        parts.append(" · ".join(t("stars_label", n=n) for n in sorted(selection.stars)))
    return " · ".join(parts) or t("print_all")


def _group_pages(pdf: FPDF, name: str, views: list[ProductView], config: SiteConfig,
                 day: date) -> None:
    t = views[0].t
    per_page = int((A4[1] - 2 * MARGIN - 22) // ROW_H)
    for start in range(0, len(views), per_page):
        pdf.add_page()
        pdf.set_fill_color(*GREEN)
        pdf.rect(MARGIN, MARGIN, A4[0] - 2 * MARGIN, 11, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("body", "B", 13)
        pdf.text(MARGIN + 3, MARGIN + 7.7, f"{name} ({len(views)})")
        pdf.set_text_color(0, 0, 0)
        y = MARGIN + 16
        for view in views[start:start + per_page]:
            _product_row(pdf, view, config, y)
            y += ROW_H
        _footer(pdf, t, config, day)


def _product_row(pdf: FPDF, view: ProductView, config: SiteConfig, y: float) -> None:
    t, product = view.t, view.product
    _photo(pdf, view, MARGIN, y, PHOTO)
    x = MARGIN + PHOTO + 5
    width = A4[0] - MARGIN - CODE - 4 - x
    pdf.set_font("body", "B", 12)
    name = _fit_lines(pdf, view.name, width, 5.5, 2)
    pdf.set_xy(x, y)
    pdf.multi_cell(width, 5.5, name)
    pdf.set_x(x)
    pdf.set_text_color(*AMBER)
    pdf.set_font("body", "B", 11)
    pdf.cell(width, 6, f"{_stars(view.status.stars)}  {t('stars_title', n=view.status.stars)}",
             new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("body", "", 8.5)
    place = product.producer.province.short_name
    if product.producer.commune is not None:
        place = f"{product.producer.commune.name}, {place}"
    producer = f"{product.producer.name} · {place}"
    pdf.multi_cell(width, 4, _fit_lines(pdf, producer, width, 4, 2), new_x="LEFT")
    pdf.set_font("body", "", 8)
    pdf.set_text_color(60, 60, 60)
    story_top = pdf.get_y() + 0.8
    lines = max(1, int((y + ROW_H - 7 - story_top) // 3.8))
    pdf.set_xy(x, story_top)
    pdf.multi_cell(width, 3.8, _fit_lines(pdf, plain_story(view), width, 3.8, lines))
    pdf.set_text_color(0, 0, 0)
    current = view.status.current
    code_x = A4[0] - MARGIN - CODE
    draw_qr(pdf, _product_url(view, config), code_x, y, CODE)
    pdf.set_font("body", "", 6.5)
    pdf.set_xy(code_x - 2, y + CODE)
    pdf.multi_cell(CODE + 4, 3, t("print_scan_product"), align="C")
    if current is not None:
        pdf.set_xy(code_x - 4, pdf.get_y() + 0.5)
        pdf.set_font("body", "B", 6.5)
        pdf.multi_cell(CODE + 8, 3, t("print_valid_until", date=t.date(current.certification.valid_until)),
                       align="C")
    pdf.set_draw_color(215, 215, 215)
    pdf.line(MARGIN, y + ROW_H - 3, A4[0] - MARGIN, y + ROW_H - 3)


# --- A6 table cards ---------------------------------------------------------------------------

A6 = (105.0, 148.5)


def cards_pdf(views: list[ProductView], config: SiteConfig, day: date,
              selection: Selection) -> bytes:
    """Four A6 cards per A4 sheet, cut along the dashed lines: one per product, to stand on
    the booth's table beside it, with a large QR code to its page."""
    chosen = selection.pick(views)
    t = chosen[0].t
    pdf = _pdf(t("print_title"), day)
    for index, view in enumerate(chosen):
        if index % 4 == 0:
            pdf.add_page()
            pdf.set_draw_color(160, 160, 160)
            pdf.set_dash_pattern(dash=2, gap=2)
            pdf.line(A6[0], 0, A6[0], A4[1])
            pdf.line(0, A6[1], A4[0], A6[1])
            pdf.set_dash_pattern()
        _card(pdf, view, config, day, (index % 2) * A6[0], ((index // 2) % 2) * A6[1])
    return bytes(pdf.output())


def _card(pdf: FPDF, view: ProductView, config: SiteConfig, day: date, left: float,
          top: float) -> None:
    t = view.t
    inner = A6[0] - 16
    pdf.set_fill_color(*GREEN)
    pdf.rect(left + 8, top + 8, inner, 7, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("body", "B", 8)
    pdf.text(left + 10, top + 12.8, config.site_name_in(t.lang))
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("body", "B", 14)
    pdf.set_xy(left + 8, top + 18)
    pdf.multi_cell(inner, 6, _fit_lines(pdf, view.name, inner, 6, 2), align="C")
    pdf.set_x(left + 8)
    pdf.set_text_color(*AMBER)
    pdf.set_font("body", "B", 18)
    pdf.cell(inner, 9, _stars(view.status.stars), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("body", "", 9)
    producer = f"{view.product.producer.name}\n{view.product.producer.province.short_name}"
    pdf.multi_cell(inner, 4.2, producer, align="C")
    size = 58.0
    draw_qr(pdf, _product_url(view, config), left + (A6[0] - size) / 2, top + 60, size)
    pdf.set_xy(left + 8, top + 119)
    pdf.set_font("body", "B", 9)
    pdf.multi_cell(inner, 4.5, t("print_scan_product"), align="C")
    if view.status.current is not None:
        pdf.set_x(left + 8)
        pdf.set_font("body", "", 8)
        until = view.status.current.certification.valid_until
        pdf.multi_cell(inner, 4, t("print_valid_until", date=t.date(until)), align="C")
    if config.sample_data:
        _sample_notice(pdf, t, left + 8, inner, 6.5, 3.5)


# --- A4 poster --------------------------------------------------------------------------------


def poster_pdf(views: list[ProductView], config: SiteConfig, day: date,
               selection: Selection) -> bytes:
    """One A4 page for the booth's wall: a large QR code to the catalog, filtered to the
    selection (a province, star levels, a sector), in the chosen language and Vietnamese."""
    chosen = selection.pick(views)
    t = chosen[0].t
    pdf = _pdf(t("print_title"), day)
    pdf.add_page()
    _banner(pdf, t("print_title"), _scope(chosen, selection), height=52, top=12,
            title_font=(32, 14), scope_font=(14, 8), align="C")
    size = 150.0
    url = _catalog_url(config, t.lang, selection)
    draw_qr(pdf, url, (A4[0] - size) / 2, 62, size)
    pdf.set_xy(MARGIN, 218)
    pdf.set_font("body", "B", 17)
    pdf.multi_cell(A4[0] - 2 * MARGIN, 9, t("print_scan_catalog"), align="C")
    pdf.set_font("body", "", 11)
    pdf.set_x(MARGIN)
    pdf.multi_cell(A4[0] - 2 * MARGIN, 6, f"{t('print_count', n=len(chosen))} · "
                   f"{t('print_updated', date=t.date(day))}\n{url}", align="C")
    if config.sample_data:
        _sample_notice(pdf, t, MARGIN, A4[0] - 2 * MARGIN, 13, 8)
    return bytes(pdf.output())
