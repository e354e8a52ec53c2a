"""What the catalog is browsed and counted by: stars, sector, product set, province, status.

One definition serves the filters of the catalog page, the search index built from the records
(``search_index.py``), and the counts and charts of the home page, so a filter, a chart bar and
a listing always agree. Status is the status on the day of the build.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from site_builder.domain.places import provinces
from site_builder.domain.rules import Status
from site_builder.domain.taxonomy import BROWSED_SECTORS, PRODUCT_SETS, UNCLASSIFIED
from site_builder.render.i18n import Translator
from site_builder.render.views import ProductView, Urls

# URL query names of the filters: short, readable, the same in every language.
STARS, SECTOR, PRODUCT_SET, PROVINCE, STATUS = "sao", "nganh", "bo", "tinh", "tt"
FILTERS = (STARS, SECTOR, PRODUCT_SET, PROVINCE, STATUS)
# Sort orders of the catalog page, by URL value: the catalog order (certified first, stars,
# then name), name, newest decision.
SORTS = ("", "ten", "moi")


def values_of(view: ProductView) -> dict[str, str]:
    """The value of each filter for one product."""
    product = view.product
    values = {
        SECTOR: product.sector.slug,
        # A product not yet classified has a value of its own in both filters: never dropped.
        PRODUCT_SET: str(product.product_set.number) if product.product_set else UNCLASSIFIED.slug,
        PROVINCE: product.producer.province.slug,
        STATUS: view.status.status.value,
    }
    if not view.lapsed and view.status.stars:
        values[STARS] = str(view.status.stars)
    return values


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int
    url: str | None = None  # a listing of these products, for browsing without JavaScript


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    options: tuple[Option, ...]

    @property
    def most(self) -> int:
        return max([o.count for o in self.options] + [1])


def facets(views: list[ProductView], t: Translator, urls: Urls) -> list[Facet]:
    """Every filter with its options in a sensible order, each with how many products have it."""
    counts = {key: Counter() for key in FILTERS}
    for view in views:
        for key, value in values_of(view).items():
            counts[key][value] += 1
    all_provinces = {p.slug: p for p in provinces().values()}
    result = [
        Facet(STARS, t("stars"), tuple(
            Option(str(n), t("stars_label", n=n), counts[STARS][str(n)], urls.stars(n))
            for n in (5, 4, 3) if counts[STARS][str(n)])),
        Facet(SECTOR, t("sector"), tuple(
            Option(s.slug, t.name(s), counts[SECTOR][s.slug], urls.sector(s))
            for s in BROWSED_SECTORS if counts[SECTOR][s.slug])),
        Facet(PRODUCT_SET, t("product_set"), _product_set_options(counts[PRODUCT_SET], t, urls)),
        Facet(PROVINCE, t("province"), tuple(sorted(
            (Option(slug, all_provinces[slug].name, n, urls.province(all_provinces[slug]))
             for slug, n in counts[PROVINCE].items()), key=lambda o: all_provinces[o.value].short_name))),
        Facet(STATUS, t("status"), tuple(
            Option(s.value, t(f"status_short_{s.value}"), counts[STATUS][s.value])
            for s in Status if counts[STATUS][s.value])),
    ]
    return result


def _product_set_options(counts: Counter, t: Translator, urls: Urls) -> tuple[Option, ...]:
    """The 26 sets in Appendix II's order, then the products not yet classified (whose
    listing is the unclassified 'sector')."""
    options = [Option(str(n), f"{n}. {t.name(ps)}", counts[str(n)])
               for n, ps in PRODUCT_SETS.items() if counts[str(n)]]
    if counts[UNCLASSIFIED.slug]:
        options.append(Option(UNCLASSIFIED.slug, t.name(UNCLASSIFIED), counts[UNCLASSIFIED.slug],
                              urls.sector(UNCLASSIFIED)))
    return tuple(options)


def home_charts(views: list[ProductView], t: Translator, urls: Urls) -> list[Facet]:
    """Counts of the products certified now, by star, sector, province and year of decision,
    drawn at build time as bar charts (tables with bars, readable without JavaScript)."""
    certified = [v for v in views if not v.lapsed]
    by_facet = {f.key: f for f in facets(certified, t, urls)}
    by_year = Counter(v.status.current.certification.decision_date.year
                      for v in certified if v.status.current is not None)
    stars = by_facet[STARS].options
    lapsed = len(views) - len(certified)
    if lapsed:
        stars += (Option("lapsed", t("no_longer_certified"), lapsed),)
    return [
        Facet("by-star", t("counts_by_star"), stars),
        Facet("by-sector", t("counts_by_sector"), by_facet[SECTOR].options),
        Facet("by-province", t("counts_by_province"),
              tuple(sorted(by_facet[PROVINCE].options, key=lambda o: -o.count))),
        Facet("by-year", t("counts_by_year"),
              tuple(Option(str(y), str(y), n) for y, n in sorted(by_year.items()))),
    ]
