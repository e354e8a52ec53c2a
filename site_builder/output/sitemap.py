"""sitemap.xml: every page of the site, each with its versions in the other languages.

Not the traceability pages of products and lots (``p/...``, ``01/...``, their other
languages and their short stamp addresses ``T/...``): they ask search engines not to index
them (``noindex``, a page for the holder of a package), and a sitemap listing them would
contradict that. So a new lot, which adds such
pages alone, leaves the sitemap as it was.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import escape

SITEMAP_LIMIT = 50_000  # addresses per sitemap file (sitemaps.org)
_TRACEABILITY = re.compile(r"^(?:(?:[a-z]{2}/)?(?:p|01)|T)/")


def indexed_address(url: str) -> bool:
    """A page search engines may index (and the sitemap lists): not a traceability page."""
    return not _TRACEABILITY.match(url)


def write_sitemap(site_dir: Path, site_url: str, urls: list[str], languages: tuple[str, ...]
                  ) -> list[str]:
    """sitemap.xml: every page, each with its versions in the other languages, without dates
    so the same records give the same bytes. Past 50,000 addresses it is an index of
    sitemap-N.xml files. Returns the files written."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    pages = {url for url in urls if indexed_address(url)}
    prefixes = tuple(f"{lang}/" for lang in languages[1:])
    entries = []
    for url in sorted(u for u in pages if not u.startswith(prefixes)):
        versions = [(languages[0], url)]
        for lang in languages[1:]:
            twin = f"{lang}/{url}" + ("" if url.endswith("/") or not url else "/")
            if twin in pages:
                versions.append((lang, twin))
        links = "".join(f'<xhtml:link rel="alternate" hreflang="{lang}" href="{escape(base + u)}"/>'
                        for lang, u in versions) if len(versions) > 1 else ""
        entries += [f"<url><loc>{escape(base + u)}</loc>{links}</url>\n" for _, u in versions]
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n')
    chunks = [entries[i:i + SITEMAP_LIMIT] for i in range(0, len(entries), SITEMAP_LIMIT)] or [[]]
    if len(chunks) == 1:
        (site_dir / "sitemap.xml").write_text(head + "".join(chunks[0]) + "</urlset>\n",
                                              encoding="utf-8")
        return ["sitemap.xml"]
    names = [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
    for name, chunk in zip(names, chunks, strict=True):
        (site_dir / name).write_text(head + "".join(chunk) + "</urlset>\n", encoding="utf-8")
    (site_dir / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/'
        'schemas/sitemap/0.9">\n' + "".join(f"<sitemap><loc>{escape(base + n)}</loc></sitemap>\n"
                                             for n in names) + "</sitemapindex>\n",
        encoding="utf-8")
    return ["sitemap.xml", *names]
