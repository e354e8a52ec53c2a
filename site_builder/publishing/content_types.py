"""The type each kind of file of the site must be served with, and which an uploader must be told.

Object storage serves a file with the ``Content-Type`` stored when it was uploaded. ``aws s3
sync`` and ``aws s3 cp`` guess it with Python's ``mimetypes`` (its built-in table, plus the
system's ``/etc/mime.types`` where there is one); ``rclone`` with Go's ``mime`` package
(likewise). A type the table lacks is stored as ``binary/octet-stream``: a browser then
downloads the file instead of using it (a WebP photo, the map's GeoJSON, the Atom feed), and
nothing at build time says so. ``UPLOAD_TYPES`` are the extensions to pass explicitly, so an
upload from a bare container or a Windows desk gives the same types as one from Debian.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

# Every kind of file the site writes (or may: .woff2 with a self-hosted font, .txt with
# robots.txt) -> the types a browser or a consumer accepts for it, the usual one first.
CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    ".html": ("text/html",),
    ".css": ("text/css",),
    ".js": ("text/javascript", "application/javascript"),
    ".json": ("application/json",),
    # A GS1 resolver's answer (RFC 9264); a host that is not one serves it as JSON.
    ".linkset.json": ("application/linkset+json", "application/json"),
    ".map": ("application/json",),  # the theme's source maps
    ".geojson": ("application/geo+json",),
    ".atom": ("application/atom+xml",),
    ".xml": ("application/xml", "text/xml"),
    ".csv": ("text/csv",),
    ".txt": ("text/plain",),
    ".svg": ("image/svg+xml",),
    ".webp": ("image/webp",),
    ".jpg": ("image/jpeg",),
    ".png": ("image/png",),
    ".ico": ("image/vnd.microsoft.icon", "image/x-icon"),
    ".woff2": ("font/woff2",),
    ".pdf": ("application/pdf",),
    ".bin": ("application/octet-stream",),  # the search index's sort orders, read as bytes
}

# The extensions whose type an uploader must be given: Python's built-in table lacks them
# (3.11; later versions add some), and so may a bare system's. deploy/upload.sh and manual/operators.md pass
# exactly these (a test keeps the three in step).
UPLOAD_TYPES: dict[str, str] = {
    ".webp": "image/webp",
    ".geojson": "application/geo+json",
    ".atom": "application/atom+xml",
    ".woff2": "font/woff2",
    ".map": "application/json",
    # Guessed as plain JSON, which a GS1 resolver's client may not take for a linkset.
    ".linkset.json": "application/linkset+json",
}

_BUILT_IN = mimetypes.MimeTypes(filenames=())


def guessed_type(path: str) -> str | None:
    """The type an uploader using only Python's built-in table stores for ``path`` (what
    ``aws s3 sync`` does on a system without /etc/mime.types); None: binary/octet-stream."""
    return _BUILT_IN.guess_type(PurePosixPath(path).name)[0]


def upload_type(path: str) -> str | None:
    """The type stored for ``path`` by an upload that passes ``UPLOAD_TYPES`` explicitly."""
    return UPLOAD_TYPES.get(kind(path)) or guessed_type(path)


def kind(path: str) -> str:
    """The kind of file ``path`` is, by its name: '.html', '.linkset.json'..."""
    suffixes = "".join(PurePosixPath(path).suffixes[-2:]).lower()
    return suffixes if suffixes in CONTENT_TYPES else PurePosixPath(path).suffix.lower()


def acceptable(path: str, content_type: str | None) -> bool:
    """Whether ``content_type`` is right for ``path`` (a file kind we do not know: any)."""
    wanted = CONTENT_TYPES.get(kind(path))
    if wanted is None:
        return True
    return content_type is not None and content_type.split(";")[0].strip() in wanted
