"""Where the site is published, and everything that changes with it: one ``Host`` per host.

GS1 Digital Link addresses have no trailing slash (``/01/<GTIN-14>``). Every host below, with
the rules this project ships for it, answers ``/x`` from ``x.html``; the ``default`` layout also
writes ``x/index.html`` for a host nobody told us about (one that only redirects ``/x`` to
``/x/``). A host that understands redirect rules gets them in its own syntax (``rules``, written
by ``publishing/rules.py``) instead of a forwarding page for each moved address.

The ``host`` option of the ``ocop`` block in ``mkdocs.yml`` (or ``ocop build --host``) names
one; ``config.settings_from`` turns the name into its ``Host`` once, in ``SiteConfig.host``,
and everything after reads the object. This module imports nothing of the package: the
settings, every stage and the edges may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class RulesSyntax:
    """A kind of rules file a host reads from the site's root folder. ``publishing/rules.py``
    holds the writer of each (tests/publishing/test_host_rules.py checks every syntax has one,
    which writes only the files named here)."""

    name: str
    files: tuple[str, ...]  # every file its writer may put in the site's root
    moved_in: str  # the one of them that holds the moved addresses


# Netlify: a redirect matches with or without the trailing slash; a placeholder is a whole
# path segment.
NETLIFY_REDIRECTS = RulesSyntax("netlify", ("_redirects",), "_redirects")
# Cloudflare Pages and Workers static assets: redirects, cache lives, and the files never
# published.
CLOUDFLARE_FILES = RulesSyntax("cloudflare", ("_redirects", "_headers", ".assetsignore"),
                               "_redirects")
# nginx: maps included by deploy/nginx.conf, which holds the patterns.
NGINX_MAPS = RulesSyntax("nginx", ("nginx-redirects.map", "nginx-gs1.conf"),
                         "nginx-redirects.map")
# Apache: mod_rewrite and mod_headers in the site's root folder.
APACHE_HTACCESS = RulesSyntax("apache", (".htaccess",), ".htaccess")


@dataclass(frozen=True)
class Host:
    """What one host answers by itself, what it reads from the site (its rules file) and what
    of ``deploy/`` serves the site there."""

    name: str  # as mkdocs.yml's ``host`` names it
    index_copy: bool  # write 'x/index.html' beside 'x.html' for a slash-less address
    # How many per-address redirect rules its rules file takes (None: no rules file, so
    # forwarding pages are written; 0 would mean rules of patterns only).
    redirect_limit: int | None
    # Whether '/qr/<id>.png' (published before the site kept QR codes as SVG only) is answered
    # by one pattern (its rules file, or for object storage the CDN function in deploy/);
    # otherwise the PNG file is still written.
    qr_by_pattern: bool
    # Whether the traceability pages with a slash ('p/<id>/', 'p/<id>/<lot>/', 'en/01/<GTIN>/'
    # ...) are written as 'x.html' rather than 'x/index.html', the host's rule answering '/x/'
    # from 'x.html' (Urls.files_for): a folder fewer per page, for the national catalog.
    flat_trace: bool = False
    # Whether the host, with what this project ships for it, answers GS1 Digital Link addresses
    # as a GS1-Conformant resolver does (render/linksets.py): linksets, link redirects, CORS.
    # Only these get the description file that claims it, ``/.well-known/gs1resolver``.
    resolver: bool = False
    # The rules file the build writes for it into the site's root (None: it reads none of ours).
    rules: RulesSyntax | None = None
    # The files of the repository that serve the site there (manual/operators.md, "Publishing");
    # every file of deploy/ belongs to some host (tests/publishing/test_host_rules.py).
    deploy: tuple[str, ...] = ()

    def forwards_by_rule(self, moved: int) -> bool:
        """Whether ``moved`` redirects go in the host's rules file rather than forwarding pages:
        all of them or none, so a reader never has to know which product is which."""
        return self.redirect_limit is not None and moved <= self.redirect_limit


DEFAULT_HOST = Host("default", index_copy=True, redirect_limit=None, qr_by_pattern=False)

HOSTS: dict[str, Host] = {host.name: host for host in (
    DEFAULT_HOST,
    # GitHub Pages serves '/x' from 'x.html'; what it does when 'x/' is a folder too (a
    # product with batches) could not be checked, so the copy stays. The workflow builds and
    # deploys every day.
    Host("github-pages", index_copy=True, redirect_limit=None, qr_by_pattern=False,
         deploy=(".github/workflows/publish.yml",)),
    # Cloudflare Pages: 2,000 static and 100 dynamic rules per _redirects file. Workers static
    # assets: wrangler.toml; Pages: upload.sh pages.
    Host("cloudflare", index_copy=False, redirect_limit=2000, qr_by_pattern=True,
         rules=CLOUDFLARE_FILES, deploy=("deploy/wrangler.toml", "deploy/upload.sh")),
    # Netlify: a placeholder is a whole path segment, so '/qr/:id.png' is not a pattern there
    # and the PNG codes stay.
    Host("netlify", index_copy=False, redirect_limit=100_000, qr_by_pattern=False,
         rules=NETLIFY_REDIRECTS),
    # GitLab Pages redirects '/x' to '/x/' before trying 'x.html' when 'x/' is a folder
    # (gitlab-pages reader.go), and its _redirects drops the query string (GS1's ?17=): moved
    # addresses keep their forwarding pages, which carry the query on; its placeholders are
    # whole segments too, so the PNG codes stay.
    Host("gitlab", index_copy=True, redirect_limit=None, qr_by_pattern=False),
    # nginx reads the maps when it loads its configuration: reload it after every build (the
    # systemd service does).
    Host("nginx", index_copy=False, redirect_limit=1_000_000, qr_by_pattern=True,
         flat_trace=True, resolver=True, rules=NGINX_MAPS,
         deploy=("deploy/nginx.conf", "deploy/systemd/ocop-build.service",
                 "deploy/systemd/ocop-build.timer")),
    # Apache: the .htaccess needs mod_rewrite and AllowOverride FileInfo Indexes.
    Host("apache", index_copy=False, redirect_limit=100_000, qr_by_pattern=True, resolver=True,
         rules=APACHE_HTACCESS),
    # S3, R2, GCS, MinIO behind a CDN: the CDN function answers '/x' from 'x.html' and the
    # QR pattern; a per-address table would not fit in a function, so moved addresses keep
    # their forwarding pages. The Cloudflare Worker answers as a GS1 resolver; the CloudFront
    # Function cannot (it reads no file), and answers the description file with 404.
    Host("object-storage", index_copy=False, redirect_limit=None, qr_by_pattern=True,
         flat_trace=True, resolver=True,
         deploy=("deploy/upload.sh", "deploy/cloudflare-worker.js",
                 "deploy/cloudfront-function.js")),
)}


class Redirect(NamedTuple):
    """A permanent move of one site path to another ('p/x/' -> '01/08936...')."""

    source: str  # site path, no leading slash
    target: str
