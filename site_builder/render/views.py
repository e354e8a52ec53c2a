"""What a page shows of a product: the status in words, links and summaries, computed once.

Templates receive these ready-made values and do nothing but place them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property, lru_cache
from urllib.parse import quote, urlencode

from site_builder.config import SiteConfig
from site_builder.domain.gtin import gtin14
from site_builder.domain.model import Batch, Certification, Product
from site_builder.domain.places import Province
from site_builder.domain.rules import CertificationStatus, ProductStatus, Status, grace_until, status_on
from site_builder.domain.site_paths import slug
from site_builder.domain.taxonomy import UNCLASSIFIED, Sector
from site_builder.hosts import DEFAULT_HOST, Host
from site_builder.render.i18n import Translator
from site_builder.render.text import first_sentence, render_story

# Traceability pages whose address ends in a slash: a product's or lot's short address in any
# language ('p/x/', 'en/p/x/L1/') and the GS1 pages of the other languages ('en/01/<GTIN>/',
# 'en/01/<GTIN>/10/<lot>/'). The CDN rule of deploy/ recognises exactly these forms.
TRACE_TREE = re.compile(r"^(?:[a-z]{2}/)?p/[^/]+/(?:[^/]+/)?$|^[a-z]{2}/01/\d{14}/(?:10/[^/]+/)?$")


class Urls:
    """Site paths, relative to the site root, for the pages of one language.

    The first language's pages sit at the root; another language's pages sit under its code
    ('en/san-pham/x/'). Photos, QR codes and documents are shared by all languages.

    Pages end in '/', except the GS1 Digital Link addresses of traceability pages
    (``01/{GTIN-14}`` and ``01/{GTIN-14}/10/{lot}``), which strict GS1 parsers read only without
    a trailing slash. ``files_for`` says which files serve such an address on a static host.
    Those addresses belong to the first language: it is what QR codes encode; the other
    languages' traceability pages are ordinary pages under their prefix.
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix  # "" or "en/"

    def page(self, path: str) -> str:
        """A page of this language: 'san-pham/' -> 'en/san-pham/'."""
        return self.prefix + path

    def home(self) -> str:
        return self.prefix

    def catalog(self) -> str:
        return self.prefix + "san-pham/"

    def product(self, product: Product) -> str:
        return f"{self.prefix}san-pham/{product.id}/"

    def short_trace(self, product: Product) -> str:
        """The traceability address that exists for every product, GTIN or not."""
        return f"{self.prefix}p/{product.id}/"

    def trace(self, product: Product) -> str:
        """The address the product's QR code encodes (in the first language)."""
        if product.gtin:
            return f"{self.prefix}01/{gtin14(product.gtin)}" + ("/" if self.prefix else "")
        return self.short_trace(product)

    def lot(self, product: Product, batch: Batch) -> str:
        """The address a batch's QR code encodes; lot codes need no escaping (records/schema.py)."""
        if product.gtin:
            return (f"{self.prefix}01/{gtin14(product.gtin)}/10/{batch.lot}"
                    + ("/" if self.prefix else ""))
        return f"{self.prefix}p/{product.id}/{batch.lot}/"

    @staticmethod
    def files_for(url: str, host: Host = DEFAULT_HOST) -> list[str]:
        """The files that answer ``url`` on ``host``: ``x/index.html`` for 'x/'; for a
        slash-less 'x', ``x.html`` (hosts that serve '/x' from 'x.html': GitHub Pages, Netlify,
        Cloudflare Pages, nginx with ``try_files $uri $uri.html``) and, where the host asks for
        the copy (``Host.index_copy``: a host we know nothing of), ``x/index.html`` too (hosts
        that redirect '/x' to '/x/'). On a host with ``flat_trace``, a traceability page with a
        slash ('p/x/', 'en/01/<GTIN>/') is ``x.html``, which the host's rule serves at '/x/'
        (deploy/cloudfront-function.js, nginx.conf)."""
        if url.endswith("/"):
            return ([url[:-1] + ".html"] if host.flat_trace and TRACE_TREE.match(url)
                    else [url + "index.html"])
        return [url + ".html", url + "/index.html"] if host.index_copy else [url + ".html"]

    @staticmethod
    def document(product: Product, batch: Batch, name: str) -> str:
        return f"tai-lieu/{product.id}/{batch.lot}/{name}"

    def completeness(self, province: Province | None = None) -> str:
        return self.prefix + (f"truy-xuat/{province.slug}/" if province else "truy-xuat/")

    @staticmethod
    def qr(product: Product, ext: str) -> str:
        return f"qr/{product.id}.{ext}"

    @staticmethod
    def badge(product: Product) -> str:
        return f"huy-hieu/{product.id}.svg"

    @staticmethod
    def linkset(product: Product) -> str:
        """The links of a product with a GTIN, as a GS1 resolver returns them (RFC 9264), beside
        its GS1 page: ``render/linksets.py``."""
        return f"01/{gtin14(product.gtin or '')}.linkset.json"

    @staticmethod
    def master_data(product: Product) -> str:
        """The record of a product with a GTIN as JSON (``gs1:masterData``), beside its GS1 page."""
        return f"01/{gtin14(product.gtin or '')}.json"

    @staticmethod
    def media(product: Product) -> str:
        """A product's pictures live in its page's folder (of the first language): no folder
        of their own for each product (``bench/run.py`` counts a site's folders)."""
        return f"san-pham/{product.id}/"

    @staticmethod
    def share_image(product: Product) -> str:
        """1200×630 (600×315 from a small photo), what a shared link shows (share_image.py)."""
        return Urls.media(product) + "chia-se.jpg"

    @staticmethod
    def square_image(product: Product) -> str:
        """The clean square photo for marketplace listings (only when there is a photo)."""
        return Urls.media(product) + "vuong.jpg"

    @staticmethod
    def tel(phone: str) -> str | None:
        """The ``tel:`` link of a phone number as written, or None when it is not one."""
        number = dialled_number(phone)
        return f"tel:{number}" if number else None

    @staticmethod
    def zalo(phone: str) -> str | None:
        """The Zalo chat link of a phone number as written (Zalo takes a Vietnamese number in
        its national form, '0912345678'), or None when it is not a phone number."""
        number = dialled_number(phone)
        if number is None:
            return None
        national = "0" + number[3:] if number.startswith("+84") else number.lstrip("+")
        return f"https://zalo.me/{national}"

    def provinces(self) -> str:
        return self.prefix + "tinh/"

    def province(self, province: Province) -> str:
        return f"{self.prefix}tinh/{province.slug}/"

    def sectors(self) -> str:
        return self.prefix + "nganh/"

    def sector(self, sector: Sector) -> str:
        return f"{self.prefix}nganh/{sector.slug}/"

    def stars(self, n: int) -> str:
        return f"{self.prefix}sao/{n}/"


urls = Urls()  # the first language's, whose traceability addresses QR codes encode

# A phone number as people write it: digits grouped by spaces, dots, dashes or brackets, with
# an optional '+' before the country code ('+84 259 385 1234', '(+84) 912 345 678'). Text with
# anything else (a second number after '/', an extension in words) is not linked.
_WRITTEN_PHONE = re.compile(r"[\s(]*(\+)?[\d\s.()-]*\d[\d\s.()-]*")
VIETNAM_CODE = "84"


@lru_cache(maxsize=256)
def dialled_number(written: str) -> str | None:
    """What a phone number as written dials, as a ``tel:`` link needs it: digits, with a '+'
    before the country code. A Vietnamese number reads the same whichever way it is written:
    '0259.385.1234', '(0259) 385 1234', '+84 259 385 1234', '+84 (0) 259 385 1234' and
    '0084 259 385 1234' all give '+842593851234'. A number without a leading 0, '+' or '00' (a
    hotline such as '1900 1234', a local number) stays as its digits; None when ``written``
    is not a phone number."""
    match = _WRITTEN_PHONE.fullmatch(written.strip())
    if match is None:
        return None
    digits = re.sub(r"\D", "", written)
    if match.group(1):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    elif digits.startswith("0"):
        international = VIETNAM_CODE + digits[1:]
    elif digits.startswith(VIETNAM_CODE) and len(digits) in (11, 12):
        international = digits  # '84 912 345 678': the country code without its '+'
    else:
        return digits if len(digits) >= 3 else None
    if international.startswith(VIETNAM_CODE + "0"):  # the trunk 0 kept after '+84'
        international = VIETNAM_CODE + international[len(VIETNAM_CODE) + 1:]
    return "+" + international if len(international) > len(VIETNAM_CODE) + 2 else None


@dataclass(frozen=True)
class CertificationView:
    cert: Certification
    status: Status
    short: str
    text: str


@dataclass(frozen=True, eq=False)
class ProductView:
    """A product as pages show it. Planning a site needs only the status; the texts are worked
    out when a page is rendered (most builds render few pages), then kept."""

    product: Product
    status: ProductStatus
    day: date
    config: SiteConfig
    t: Translator
    urls: Urls = urls

    def in_language(self, t: Translator, language_urls: Urls) -> ProductView:
        """The same product, worded for another language (the status is not worked out again)."""
        return replace(self, t=t, urls=language_urls)

    @property
    def lang(self) -> str:
        return self.t.lang

    @property
    def name(self) -> str:
        return self.product.name.get(self.lang)

    @property
    def name_lang(self) -> str:
        """The language of the name shown (Vietnamese when not translated)."""
        return self.lang if self.product.name.given(self.lang) else "vi"

    @property
    def story_lang(self) -> str:
        """The language of the story shown: with no story, the page's own sentence saying so."""
        story = self.product.story
        return self.lang if story is None or story.given(self.lang) else "vi"

    @property
    def untranslated(self) -> bool:
        """The record gives no name or story in this language: the page shows the Vietnamese."""
        return self.name_lang != self.lang or self.story_lang != self.lang

    @property
    def sector(self) -> Sector:
        return self.product.sector

    @property
    def product_set_label(self) -> str:
        """'7. Chế biến từ rau, củ, quả, hạt', or 'Chưa phân loại' while not classified."""
        product_set = self.product.product_set
        return f"{product_set.number}. {self.t.name(product_set)}" if product_set \
            else self.t.name(UNCLASSIFIED)

    @property
    def classification(self) -> str:
        """'Thực phẩm · Chế biến từ rau, củ, quả, hạt', or 'Chưa phân loại'."""
        product_set = self.product.product_set
        return f"{self.t.name(product_set.sector)} · {self.t.name(product_set)}" if product_set \
            else self.t.name(UNCLASSIFIED)

    @property
    def place(self) -> str:
        """'Phường Đô Vinh, Khánh Hòa', or the province alone while the commune is unsettled."""
        producer = self.product.producer
        if producer.commune is None:
            return producer.province.name
        return f"{producer.commune.name}, {producer.province.name}"

    @property
    def lapsed(self) -> bool:
        """The OCOP mark may not be used now."""
        return not self.status.status.shows_mark

    @property
    def status_short(self) -> str:
        return self.t(f"status_short_{self.status.status.value}")

    @property
    def trace_absolute_url(self) -> str:
        return self.config.absolute_url(urls.trace(self.product))

    @cached_property
    def messages(self) -> dict[str, str]:
        return _messages(self.status.current, self.product, self.t, self.config)

    @cached_property
    def status_text(self) -> str:
        status, current = self.status.status, self.status.current
        if status is Status.EXPIRING and current is not None:
            return _expiring_text(self.messages, current.days_left)
        return self.messages.get(status.value, self.status_short)

    @property
    def checked_on(self) -> str:
        return self.t("checked_on_build", date=self.t.date(self.day))

    @cached_property
    def history(self) -> tuple[CertificationView, ...]:
        return tuple(_certification_view(h, self.product, self.t, self.config)
                     for h in reversed(self.status.history))

    @cached_property
    def report(self) -> tuple[ReportLink, ...]:
        """Ways to report a wrong page or a suspected fake."""
        return (*report_mail(self.product, None, self.trace_absolute_url, self.config, self.t),
                *self.report_calls)

    @cached_property
    def report_calls(self) -> tuple[ReportLink, ...]:
        """The calls and messages of ``report``, which each of its lots' pages offers too."""
        return tuple(report_calls(self.product, self.config, self.t))

    @cached_property
    def script_data(self) -> dict:
        """What the in-page script needs to recompute the status on the reader's day."""
        return _script_data(self.product, self.status.current, self.messages, self.t, self.config)

    @cached_property
    def badge_data(self) -> dict:
        """What the script needs to recompute a card's badge: the dates alone. The short
        status names are the same for every card and are given once, on the list of cards
        (``status_names``); the long texts and the 'checked on' line are a panel's only.
        A listing page of 60 cards is 45 KB lighter for it."""
        return {key: value for key, value in self.script_data.items()
                if key not in ("m", "s", "checked")}

    @cached_property
    def story_html(self) -> str:
        """The story as safe HTML; "" when the producer has not provided one (pages then say
        so with ``story_missing``)."""
        story = self.product.story
        return render_story(story.get(self.lang)) if story else ""

    @cached_property
    def description(self) -> str:
        """A sentence for search engines and shared links: the story's first, or without a
        story one made from the name, the rating, the producer and the province."""
        story = self.product.story
        if story:
            return first_sentence(story.get(self.lang))
        producer = self.product.producer
        if not self.lapsed and self.status.stars:
            return self.t("description_certified", name=self.name, stars=self.status.stars,
                          producer=producer.name, province=producer.province.name)
        return self.t("description_listed", name=self.name, producer=producer.name,
                      province=producer.province.name)

    @property
    def page_description(self) -> str:
        """The product page's meta description (the fallback sentence already has the name)."""
        if self.product.story is None:
            return self.description
        return self.t("product_description", name=self.name, story=self.description)


def product_metadata(view: ProductView, photos: list[dict], share_size: tuple[int, int] = (1200, 630)
                     ) -> tuple[dict, dict[str, str]]:
    """What marketplaces and search engines read from a product page: schema.org JSON-LD
    (``Product`` with its OCOP ``Certification``) and Open Graph / Twitter card tags;
    ``share_size``: the share picture's (``share_image.card_size``)."""
    p, config, t = view.product, view.config, view.t
    url = config.absolute_url(view.urls.product(p))
    images = [config.absolute_url(ph["large"]) for ph in photos]
    if photos:
        images.insert(0, config.absolute_url(Urls.square_image(p)))
    data: dict = {
        "@context": "https://schema.org", "@type": "Product", "@id": url, "url": url,
        "name": view.name, "description": view.description, "sku": p.id,
        "manufacturer": {"@type": "Organization", "name": p.producer.name,
                         "address": _postal_address(p)},
    }
    if p.product_set:
        data["category"] = t.name(p.product_set)
    if images:
        data["image"] = images
    if p.brand:
        data["brand"] = {"@type": "Brand", "name": p.brand}
    if p.gtin:
        data["gtin"] = p.gtin
        data["hasGS1DigitalLink"] = view.trace_absolute_url
    current = view.status.current
    if current is not None:
        c = current.certification
        data["hasCertification"] = {
            "@type": "Certification",
            "name": t("certification_name", stars=c.stars),
            "certificationIdentification": c.decision,
            "issuedBy": {"@type": "Organization", "name": c.authority},
            "validFrom": c.decision_date.isoformat(),
            "expires": c.valid_until.isoformat(),
            "certificationStatus": "https://schema.org/" + (
                "CertificationActive" if view.status.status.shows_mark else "CertificationInactive"),
            "certificationRating": {"@type": "Rating", "ratingValue": c.stars,
                                    "bestRating": 5, "worstRating": 1},
            "url": view.trace_absolute_url,
        }
    # X reads og:title, og:description and og:image where its own tags are missing
    # (developer.x.com/cards/markup): only the card's kind and the picture's text are its own.
    tags = {"og:type": "product", "og:url": url, "og:title": view.name,
            "og:description": view.description, "og:site_name": config.site_name_in(t.lang),
            "og:locale": t("og_locale")}
    if config.share_images:
        share = config.absolute_url(Urls.share_image(p))
        tags.update({"twitter:card": "summary_large_image", "og:image": share,
                     "og:image:type": "image/jpeg",
                     "og:image:width": str(share_size[0]), "og:image:height": str(share_size[1]),
                     "og:image:alt": t("share_image_alt", name=view.name),
                     "twitter:image:alt": t("share_image_alt", name=view.name)})
    elif photos:
        # The square JPEG: not every reader of a shared link decodes WebP.
        first = config.absolute_url(Urls.square_image(p))
        tags.update({"twitter:card": "summary_large_image", "og:image": first,
                     "og:image:type": "image/jpeg", "og:image:alt": t.text(photos[0]["alt"]),
                     "twitter:image:alt": t.text(photos[0]["alt"])})
    else:
        tags["twitter:card"] = "summary"
    return data, tags


def _postal_address(product: Product) -> dict[str, str]:
    """The producer's schema.org address; no locality while the commune is unsettled."""
    producer = product.producer
    address = {"@type": "PostalAddress", "streetAddress": producer.address_on_certificate}
    if producer.commune is not None:
        address["addressLocality"] = producer.commune.name
    address.update({"addressRegion": producer.province.name, "addressCountry": "VN"})
    return address


def _messages(cs: CertificationStatus | None, product: Product, t: Translator,
              config: SiteConfig) -> dict[str, str]:
    """The long status text for every status the current certification can reach."""
    messages: dict[str, str] = {}
    if product.withdrawn:
        messages["withdrawn"] = t("status_withdrawn", date=t.date(product.withdrawn.on),
                                  reason=product.withdrawn.reason)
    if cs is None:
        return messages
    c = cs.certification
    until = t.date(c.valid_until)
    messages["valid"] = t("status_valid", date=until)
    messages["expiring"] = t("status_expiring", days="{days}", date=until)
    messages["expiring_today"] = t("status_expiring_today", date=until)
    messages["expired"] = t("status_expired", date=until)
    messages["not_yet"] = t("status_not_yet", date=t.date(c.decision_date))
    grace = grace_until(c, config.rules)
    if grace is not None:
        messages["grace"] = t("status_grace", date=until, grace=t.date(grace))
    if c.revocation:
        messages["revoked"] = t("status_revoked", date=t.date(c.revocation.on),
                                decision=c.revocation.decision, reason=c.revocation.reason)
    if cs.superseded_by:
        later = cs.superseded_by
        messages["superseded"] = t("status_superseded", decision=later.decision,
                                   date=t.date(later.decision_date))
    return messages


def _expiring_text(messages: dict[str, str], days_left: int) -> str:
    """'còn 12 ngày'; on the last day of validity (``valid_until``, which already counts
    ``RuleSettings.validity_ends_day_before``) that it ends today, not 'còn 0 ngày'."""
    if days_left == 0:
        return messages["expiring_today"]
    return messages["expiring"].replace("{days}", str(days_left))


def _certification_view(cs: CertificationStatus, product: Product, t: Translator,
                        config: SiteConfig) -> CertificationView:
    messages = _messages(cs, product, t, config)
    text = _expiring_text(messages, cs.days_left) if cs.status is Status.EXPIRING \
        else messages[cs.status.value]
    return CertificationView(cs.certification, cs.status, t(f"status_short_{cs.status.value}"), text)


def product_view(product: Product, day: date, config: SiteConfig, t: Translator) -> ProductView:
    return ProductView(product, status_on(product, day, config.rules), day, config, t)


def _script_data(product: Product, current: CertificationStatus | None,
                 messages: dict[str, str], t: Translator, config: SiteConfig) -> dict:
    """Dates as ISO text, so the browser can recompute the status with the rules of rules.py."""
    data: dict = {"m": messages,
                  "s": {s.value: t(f"status_short_{s.value}") for s in Status},
                  "checked": t("checked_on", date="{date}")}
    if product.withdrawn:
        data["withdrawn"] = product.withdrawn.on.isoformat()
    if current is None:
        return data
    c = current.certification
    data.update({"decision": c.decision_date.isoformat(), "until": c.valid_until.isoformat(),
                 "exp": config.rules.expiring_days})
    grace = grace_until(c, config.rules)
    if grace is not None:
        data["grace"] = grace.isoformat()
    if c.revocation:
        data["revoked"] = c.revocation.on.isoformat()
    if current.superseded_by:
        data["superseded"] = current.superseded_by.decision_date.isoformat()
    return data


@dataclass(frozen=True)
class ReportLink:
    kind: str  # email | phone | zalo
    label: str
    href: str


def report_mail(product: Product, batch: Batch | None, page_url: str, config: SiteConfig,
                t: Translator) -> list[ReportLink]:
    """A way to report a wrong page or a suspected fake: an e-mail to the producer and the
    provincial OCOP office (if either has an address), prefilled with what identifies the
    page and the batch."""
    producer, office = product.producer, config.ocop_office
    recipients = [a for a in (producer.email, office.email) if a]
    if not recipients:
        return []
    name = product.name.get(t.lang)
    lines = [t("report_body_product", name=name, id=product.id)]
    if batch:
        lines.append(t("report_body_lot", lot=batch.lot))
    lines += [t("report_body_page", url=page_url), "", t("report_body_problem")]
    subject = t("report_subject", name=name) + (f" ({batch.lot})" if batch else "")
    query = urlencode({"subject": subject, "body": "\n".join(lines)}, quote_via=quote)
    return [ReportLink("email", t("report_email"), f"mailto:{','.join(recipients)}?{query}")]


def report_calls(product: Product, config: SiteConfig, t: Translator) -> list[ReportLink]:
    """The other ways to report (``report_mail``): a call or a Zalo message to the producer
    and the office, the same on all the product's pages."""
    producer, office = product.producer, config.ocop_office
    links = []
    for who, phone in ((producer.name, producer.phone), (office.name, office.phone)):
        if phone and (href := Urls.tel(phone)):
            links.append(ReportLink("phone", t("report_call", who=who, phone=phone), href))
    for who, zalo in ((producer.name, producer.zalo), (office.name, office.zalo)):
        if zalo and (href := Urls.zalo(zalo)):
            links.append(ReportLink("zalo", t("report_zalo", who=who), href))
    return links


@dataclass(frozen=True)
class DocumentView:
    title: str
    href: str  # a site path for a published file, or an https link
    published: bool  # a file published with the site, rather than an outside link


@dataclass(frozen=True)
class LotView:
    batch: Batch
    view: ProductView
    url: str
    absolute_url: str
    use_by_label: str
    past_use_by: bool
    at_production: str  # the certification the product held when this lot was made
    documents: tuple[DocumentView, ...]
    report: tuple[ReportLink, ...]
    script_data: dict


def document_names(batch: Batch) -> list[str]:
    """A file name per published document ('' for a link), made by the project: its position
    in the lot and a slug of its title, with the extension of its checked content
    ('1-phieu-ket-qua-thu-nghiem.pdf'). The producer's own file name is never published: it
    could be a name a host reads itself ('.htaccess'), hold a line break, or say '.html'."""
    return [f"{i + 1}-{slug(doc.title) or 'tai-lieu'}.{doc.extension}" if doc.source else ""
            for i, doc in enumerate(batch.documents)]


def lot_view(view: ProductView, batch: Batch, config: SiteConfig, t: Translator,
             names: list[str] | None = None) -> LotView:
    """``names``: the batch's ``document_names``, if the caller has them."""
    product, day = view.product, view.day
    url = view.urls.lot(product, batch)
    then = status_on(product, batch.produced, config.rules)
    if then.status.shows_mark and then.current is not None:
        c = then.current.certification
        at_production = t("lot_made_certified", date=t.date(batch.produced), stars=c.stars,
                          decision=c.decision)
    else:
        at_production = t("lot_made_uncertified", date=t.date(batch.produced))
    documents = []
    for doc, name in zip(batch.documents, document_names(batch) if names is None else names,
                         strict=True):
        if doc.source is not None:
            documents.append(DocumentView(doc.title, urls.document(product, batch, name), True))
        else:
            documents.append(DocumentView(doc.title, doc.url or "", False))
    absolute = config.absolute_url(url)
    return LotView(
        batch=batch, view=view, url=url, absolute_url=absolute,
        use_by_label=t("expires" if batch.expires else "best_before"),
        past_use_by=bool(batch.use_by and batch.use_by < day),
        at_production=at_production,
        documents=tuple(documents),
        report=(*report_mail(product, batch, absolute, config, t), *view.report_calls),
        script_data={"lot": batch.lot,
                     "use_by": batch.use_by.isoformat() if batch.use_by else None},
    )
