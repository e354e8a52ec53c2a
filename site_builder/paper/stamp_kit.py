"""``ocop stamps``: choose what to print, lay it out, and write the kit into a folder.

A stamp carries the OCOP stars, so only a product whose certification is in force today gets
one; a lapsed, revoked or withdrawn product is refused with the reason.

With short addresses on (``short_addresses`` in mkdocs.yml, ``domain/stamp_codes.py``), a stamp
whose GS1 address cannot print crisply at its size carries the short address ``/T/<CODE>/``
instead (``best_layout``); the command says so for each such stamp, since a short address is
not a GS1 Digital Link.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.domain.model import Batch, Catalog, Product
from site_builder.domain.rules import status_on
from site_builder.domain.stamp_codes import ShortCodeClash, short_paths
from site_builder.paper.stamp_files import (
    SheetLayout,
    StampCache,
    artwork_key,
    made_on_utc,
    sheet_pdf,
    stamp_png,
    stamp_svg,
)
from site_builder.paper.stamps import (
    COMFORTABLE_MODULE_MM,
    DEFAULT_DPI,
    DEFAULT_SIZES_MM,
    Artwork,
    StampError,
    StampSize,
    comfortable_dots,
    comfortable_size,
    crispness,
    layout,
    message,
)
from site_builder.problems import Message
from site_builder.render.i18n import Translator
from site_builder.render.views import urls


@dataclass(frozen=True)
class StampJob:
    product: Product
    batch: Batch | None
    url: str
    stars: int
    short_url: str | None = None  # its short stamp address, when the site publishes them

    @property
    def name(self) -> str:
        return f"{self.product.id}-{self.batch.lot}" if self.batch else self.product.id


@dataclass
class KitResult:
    written: list[Path] = field(default_factory=list)
    artworks: list[tuple[StampJob, Artwork]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "id: reason", for products not printed


class KitError(ValueError):
    pass


def plan_jobs(catalog: Catalog, config: SiteConfig, ids: list[str], lots: Sequence[str] | None,
              skipped: list[str]) -> list[StampJob]:
    """The stamps to make: every product and batch, or those named (``lots``: only these lots of
    the one product named). Raises KitError for a named product or lot that does not exist or
    may not carry the OCOP mark."""
    by_id = catalog.by_id()
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise KitError(f"không có sản phẩm: {', '.join(unknown)} / no such product: "
                       f"{', '.join(unknown)}")
    lots = list(dict.fromkeys(lots or ()))
    if lots and len(ids) != 1:
        raise KitError("--lot cần đúng một mã sản phẩm / --lot needs exactly one product id")
    chosen = [by_id[i] for i in ids] if ids else catalog.products
    short = _short_urls(catalog, config)
    jobs = []
    for product in chosen:
        status = status_on(product, config.today(), config.rules)
        if status.stars is None:
            reason = (f"{product.id}: không in tem vì sản phẩm không có chứng nhận OCOP còn hiệu "
                      f"lực ({Translator('vi')(f'status_short_{status.status.value}').lower()}) / "
                      f"not printed: no OCOP certificate in force ({status.status.value})")
            if ids:
                raise KitError(reason)
            skipped.append(reason)
            continue
        batches = list(product.batches)
        if lots:
            batches = _named_lots(product, lots)
        else:
            jobs.append(StampJob(product, None, config.absolute_url(urls.trace(product)),
                                 status.stars, short.get((product.id, None))))
        jobs.extend(StampJob(product, b, config.absolute_url(urls.lot(product, b)), status.stars,
                             short.get((product.id, b.lot)))
                    for b in batches)
    return jobs


def _short_urls(catalog: Catalog, config: SiteConfig) -> dict[tuple[str, str | None], str]:
    """The short stamp address of every product and batch the site publishes (none when
    ``short_addresses`` is 0); KitError when two would share one, as the build refuses."""
    if not config.short_addresses:
        return {}
    pages = [(p.id, lot) for p in catalog.products for lot in (None, *(b.lot for b in p.batches))]
    try:
        paths = short_paths(pages, config.short_addresses)
    except ShortCodeClash as exc:
        raise KitError(str(exc)) from None
    return {page: config.absolute_url(path) for page, path in paths.items()}


def _named_lots(product: Product, lots: list[str]) -> list[Batch]:
    """The product's batches ``lots`` name, in that order; KitError naming every lot it does not
    have, with the lots it has."""
    by_lot = {b.lot: b for b in product.batches}
    missing = [lot for lot in lots if lot not in by_lot]
    if missing:
        known = ", ".join(by_lot) or "không có / none"
        named = ", ".join(f"'{lot}'" for lot in missing)
        if len(missing) == 1:
            raise KitError(f"{product.id} không có lô {named} (các lô: {known}) / "
                           f"{product.id} has no lot {named}")
        raise KitError(f"{product.id} không có các lô {named} (các lô: {known}) / "
                       f"{product.id} has no lots {named} (its lots: {known})")
    return [by_lot[lot] for lot in lots]


Sizes = Sequence[float | StampSize]
SHORT_HINT = (" (hoặc bật địa chỉ ngắn cho tem nhỏ: short_addresses trong mkdocs.yml / or turn on "
              "short stamp addresses for small stamps: short_addresses in mkdocs.yml)")


def lay_out(jobs: list[StampJob], sizes: Sizes, dpi: int) -> list[tuple[StampJob, Artwork]]:
    """Every stamp of ``jobs`` in every size, or KitError naming each stamp that cannot print
    (all of them at once, before anything is written)."""
    planned: list[tuple[StampJob, Artwork]] = []
    refused: list[str] = []
    for job in jobs:
        for size in sizes:
            try:
                planned.append((job, best_layout(job, StampSize.of(size), dpi)))
            except StampError as exc:
                refused.append(f"{job.name}: {exc}" + ("" if job.short_url else SHORT_HINT))
    if refused:
        raise KitError("\n".join(refused))
    return planned


def best_layout(job: StampJob, size: StampSize, dpi: int) -> Artwork:
    """The stamp of ``job`` at ``size``: with its GS1 (or product) address, unless its short
    address prints a larger module up to comfortable (``crispness``) or the long one cannot
    print at all; when neither prints, StampError for the short one (the sizes that hold it)."""
    lot = job.batch.lot if job.batch else None
    try:
        long: Artwork | None = layout(job.url, job.stars, size.width, lot, dpi, size.height)
    except StampError:
        if job.short_url is None:
            raise
        long = None
    if job.short_url is None:
        assert long is not None
        return long
    try:
        short = layout(job.short_url, job.stars, size.width, lot, dpi, size.height)
    except StampError:
        if long is None:
            raise  # the sizes that would hold the short address
        return long
    return short if long is None or crispness(short) > crispness(long) else long


def small_module_warning(planned: list[tuple[StampJob, Artwork]], short_on: bool
                         ) -> Message | None:
    """What to say of the stamps whose module is under comfortable: zbar and zxing-cpp read
    them, OpenCV's detector may not; the square size that gives every one of them a comfortable
    module, and short addresses when they are off. None when every module is comfortable.

    Such stamps are made, not refused: they are over the minimum every measured reader needs
    from its files and that most scanner apps' decoders read after the simulated print."""
    small = [(job, art) for job, art in planned if crispness(art) < comfortable_dots(art.dpi)]
    if not small:
        return None
    needed = [comfortable_size(art.url, job.stars, job.batch.lot if job.batch else None, art.dpi,
                               art.size) for job, art in small]
    sizes = ", ".join(sorted({f"{art.label} mm" for _, art in small}))
    known = [n for n in needed if n is not None]
    return message("stamps_small_module" if short_on else "stamps_small_module_short_off",
                   count=len(small), sizes=sizes, comfortable=f"{COMFORTABLE_MODULE_MM:g}",
                   needed=f"{max(known):g}" if known else "?")


def write_kit(catalog: Catalog, config: SiteConfig, out: Path, *, ids: list[str] | None = None,
              lots: Sequence[str] = (), sizes: Sizes = DEFAULT_SIZES_MM,
              sheet: SheetLayout | None = None, dpi: int = DEFAULT_DPI) -> KitResult:
    """Write SVG, PNG and an A4 sheet per stamp and size into ``out/<product id>/``.

    Every stamp is laid out before anything is written, so a size that cannot scan stops the
    run with nothing half-written."""
    result = KitResult()
    jobs = plan_jobs(catalog, config, ids or [], lots, result.skipped)
    planned = lay_out(jobs, sizes, dpi)
    cache = StampCache(config.cache_dir / "stamps" if config.cache_dir else None)
    sheet = sheet or SheetLayout()
    for _, art in planned:  # refuse a sheet layout that does not fit before writing anything
        sheet.grid(art.size, art.printed_height)
    made_on = made_on_utc(config.today())
    for job, art in planned:
        folder = out / job.product.id
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{job.name}-{art.label}mm"
        key = artwork_key(art)
        heading = (f"{job.product.name.vi} · {'Lô ' + job.batch.lot + ' · ' if job.batch else ''}"
                   f"tem {art.size:.2f}{f' × {art.height:.2f}' if art.height else ''} mm, "
                   f"{art.dpi} dpi · {art.url}")
        if config.draft:
            heading = "BẢN NHÁP, KHÔNG IN LÊN BAO BÌ · " + heading
        files = {
            f"{stem}.svg": cache.get(key, "svg", lambda art=art: stamp_svg(art)),
            f"{stem}.png": cache.get(key, "png", lambda art=art: stamp_png(art)),
            f"{stem}-a4.pdf": cache.get(repr((key, heading, sheet, made_on)), "pdf",
                                        lambda art=art, heading=heading: sheet_pdf(
                                            art, heading, sheet, made_on)),
        }
        for name, data in files.items():
            path = folder / name
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            result.written.append(path)
        result.artworks.append((job, art))
    return result
