"""Where the site is published decides which files answer its addresses.

GS1 Digital Link addresses have no trailing slash (``/01/<GTIN-14>``). Every host below, with
the rules this project ships for it, answers ``/x`` from ``x.html``; the ``default`` layout also
writes ``x/index.html`` for a host nobody told us about (one that only redirects ``/x`` to
``/x/``). A host that understands redirect rules gets them in its own format instead of a
forwarding page for each moved address (``publishing/rules.py`` writes them).

The ``host`` option of the ``ocop`` block in ``mkdocs.yml`` chooses one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Host:
    name: str
    index_copy: bool  # write 'x/index.html' beside 'x.html' for a slash-less address
    # How many per-address redirect rules its rules file takes (None: no rules file, so
    # forwarding pages are written; 0 would mean rules of patterns only).
    redirect_limit: int | None
    # Whether '/qr/<id>.png' (published before the site kept QR codes as SVG only) can be
    # answered by a pattern rule; otherwise the PNG file is still written.
    pattern_rules: bool
    # Whether the traceability pages with a slash ('p/<id>/', 'p/<id>/<lot>/', 'en/01/<GTIN>/'
    # ...) are written as 'x.html' rather than 'x/index.html', the host's rule answering '/x/'
    # from 'x.html' (Urls.files_for): a folder fewer per page, for the national catalog.
    flat_trace: bool = False
    # Whether the host, with what this project ships for it, answers GS1 Digital Link addresses
    # as a GS1-Conformant resolver does (render/linksets.py): linksets, link redirects, CORS.
    # Only these get the description file that claims it, ``/.well-known/gs1resolver``.
    resolver: bool = False


HOSTS: dict[str, Host] = {host.name: host for host in (
    Host("default", index_copy=True, redirect_limit=None, pattern_rules=False),
    # GitHub Pages serves '/x' from 'x.html'; what it does when 'x/' is a folder too (a
    # product with batches) could not be checked, so the copy stays.
    Host("github-pages", index_copy=True, redirect_limit=None, pattern_rules=False),
    # Cloudflare Pages: 2,000 static and 100 dynamic rules per _redirects file.
    Host("cloudflare", index_copy=False, redirect_limit=2000, pattern_rules=True),
    # Netlify and GitLab Pages: a placeholder is a whole path segment, so '/qr/:id.png' is
    # not a pattern there and the PNG codes stay.
    Host("netlify", index_copy=False, redirect_limit=100_000, pattern_rules=False),
    # GitLab Pages redirects '/x' to '/x/' before trying 'x.html' when 'x/' is a folder
    # (gitlab-pages reader.go), and its _redirects drops the query string (GS1's ?17=): moved
    # addresses keep their forwarding pages, which carry the query on.
    Host("gitlab", index_copy=True, redirect_limit=None, pattern_rules=False),
    Host("nginx", index_copy=False, redirect_limit=1_000_000, pattern_rules=True,
         flat_trace=True, resolver=True),
    Host("apache", index_copy=False, redirect_limit=100_000, pattern_rules=True, resolver=True),
    # S3, R2, GCS, MinIO behind a CDN: the CDN function answers '/x' from 'x.html' and the
    # QR pattern; a per-address table would not fit in a function, so moved addresses keep
    # their forwarding pages. The Cloudflare Worker answers as a GS1 resolver; the CloudFront
    # Function cannot (it reads no file), and answers the description file with 404.
    Host("object-storage", index_copy=False, redirect_limit=None, pattern_rules=True,
         flat_trace=True, resolver=True),
)}
DEFAULT_HOST = "default"


class Redirect(NamedTuple):
    """A permanent move of one site path to another ('p/x/' -> '01/08936...')."""

    source: str  # site path, no leading slash
    target: str


def forwards_by_rule(host: Host, moved: int) -> bool:
    """Whether ``moved`` redirects go in the host's rules file rather than forwarding pages:
    all of them or none, so a reader never has to know which product is which."""
    return host.redirect_limit is not None and moved <= host.redirect_limit
