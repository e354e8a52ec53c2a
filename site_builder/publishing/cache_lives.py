"""How long a browser or a CDN may keep each file of the site before asking again.

- **Five minutes** for what can change any day: every page (a traceability page changes the day
  a certificate lapses or a batch passes its use-by date), the open data and the search index,
  the badges producers embed (they state the validity), QR codes (a product that gains a GTIN
  gets a new one) and the site's own style sheet and scripts without a hash in their name.
- **A day** for photos and documents (``.webp``, ``.jpg``, ``.png``, ``.pdf``): replaced
  rarely, under the same name when they are.
- **A year, immutable** for the theme's files with a hash in their name
  (``main.57a0d79d.min.css``): a new version has a new name.
- The build's own files (``.ocop-manifest.json``, ``.ocop-site``, a build's journal) and the
  hosts' rule files are never published (``UNPUBLISHED``).

One policy for every way the site is served: ``publishing/rules.py`` writes it into Apache's
``.htaccess`` and Cloudflare's ``_headers``; ``deploy/nginx.conf``, ``deploy/upload.sh`` (every
mode) and ``deploy/cloudflare-worker.js`` say the same in their own syntax, and
``tests/publishing/`` checks every address of the built sample against this module.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

SHORT = "public, max-age=300"
DAY = "public, max-age=86400"
YEAR = "public, max-age=31536000, immutable"

# The theme's files whose name carries a hash of their content.
HASHED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:css|js)$")
# Photos and documents, kept a day.
LONG_LIVED = frozenset({".webp", ".jpg", ".png", ".pdf"})

# Files of the site folder no host may serve: the build's own (manifest, marker, journal) and
# the rules each host reads from the folder.
UNPUBLISHED = re.compile(r"^(?:\.ocop-.*|\.htaccess|\.assetsignore|_redirects|_headers"
                         r"|nginx-redirects\.map|nginx-gs1\.conf)$")


def cache_control(path: str) -> str:
    """The ``Cache-Control`` value for the site file at ``path``."""
    if HASHED.search(path):
        return YEAR
    if PurePosixPath(path).suffix.lower() in LONG_LIVED:
        return DAY
    return SHORT


def published(path: str) -> bool:
    """Whether the site file at ``path`` is served to readers (not the build's own file or a
    host's rules)."""
    return not UNPUBLISHED.match(path)
