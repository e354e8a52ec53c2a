"""What a name or a path of the published site may be.

Every name that becomes part of a published path comes from the project (ids and lot codes
checked against a pattern, slugs of titles and file names), never straight from a user's file
name. These checks say why a name or a path is refused; they hold wherever a path is written,
listed or read back: the build's writer, the manifest, the build journal and the change lists
that upload and delete files (a path with a line break in a list is two paths).
"""

from __future__ import annotations

import re

from site_builder.domain.folding import ascii_fold

# Names a web host or this tool reads itself, wherever they lie in the site: never a name from
# a record. Compared ignoring case (some hosts and disks ignore it).
RESERVED_NAMES = frozenset({
    "index.html", "index.htm", "404.html", "_redirects", "_headers", "_routes.json",
    "_worker.js", "web.config", "robots.txt", "sitemap.xml", "favicon.ico",
})
MAX_PATH = 1024  # characters; the longest path the project makes is about 120
MAX_SEGMENT_BYTES = 255  # a file name on every common file system
# Why a path is refused, by code (the catalogue of output/messages words each one).
LENGTH, CONTROL, ESCAPE, SEGMENT = "length", "control", "escape", "segment"


def control_character(text: str) -> str | None:
    """The first character of ``text`` that is not printed, or None: a control character (a
    line break, a tab), a format character (a bidirectional override, which shows a name
    reversed), a line or paragraph separator, any space but the ordinary one."""
    if text.isprintable():
        return None
    return next(char for char in text if not char.isprintable())


def shown(text: str) -> str:
    """``text`` for a message on one line: characters that are not printed written as escapes
    ('phieu\\nindex.html')."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                   for char in text)


def reserved(name: str) -> bool:
    """Whether a host or this tool reads ``name`` itself: a dot-file (``.htaccess``,
    ``.well-known``, ``.ocop-manifest.json``), a name of ``RESERVED_NAMES``, or a name that is
    one once a page's '.html' is added (lot 'index' is 'index.html' on a flat layout)."""
    folded = name.casefold()
    return (folded.startswith(".") or folded in RESERVED_NAMES
            or f"{folded}.html" in RESERVED_NAMES)


def site_path_problem(path: str) -> str | None:
    """Why ``path`` cannot be a file of the published site (a code: LENGTH, CONTROL, ESCAPE,
    SEGMENT), or None. It must be relative, in '/'-separated segments that are neither empty,
    '.' nor '..', with no character that is not printed, no backslash and no '%' (which an
    uploader or a server could decode into any of those), and of a length every file system
    takes."""
    return paths_problem([path])


def paths_problem(paths: list[str]) -> str | None:
    """``site_path_problem`` of many paths at once, in a few passes of C code over them all
    (a national site's manifest lists a quarter of a million): the first problem found, or
    None."""
    if not paths:
        return None
    joined = "\\".join(paths)  # a backslash may be in no path: it separates them here
    if not joined.isprintable():
        return CONTROL
    if "%" in joined or joined.count("\\") != len(paths) - 1:
        return ESCAPE
    walled = "/" + joined.replace("\\", "/\n/") + "/"  # each path between slashes
    if "//" in walled or "/./" in walled or "/../" in walled:
        return SEGMENT
    longest = max(map(len, paths))
    if longest > MAX_PATH:
        return LENGTH
    if longest > MAX_SEGMENT_BYTES or not joined.isascii():  # a segment may be too long
        if max(map(len, joined.encode("utf-8").replace(b"\\", b"/").split(b"/"))) > (
                MAX_SEGMENT_BYTES):
            return LENGTH
    return None


def pages_problem(pages: list[str]) -> str | None:
    """Why one of ``pages`` (addresses such as 'san-pham/x/', '01/<GTIN>/10/<lot>' or '' for
    the home page, all made from checked ids, lot codes and slugs) is not one, or None."""
    joined = "\\".join(pages)
    if not _PAGE_CHARACTERS.fullmatch(joined) or joined.count("\\") != len(pages) - 1:
        return ESCAPE
    walled = "/" + joined.replace("\\", "/\n/") + "/"
    if ("/./" in walled or "/../" in walled or joined.startswith("/") or "\\/" in joined
            or max(map(len, pages)) > MAX_PATH):
        return SEGMENT
    return None


_PAGE_CHARACTERS = re.compile(r"[A-Za-z0-9._~/\\-]*")


def slug(text: str, limit: int = 40) -> str:
    """'Phiếu kết quả (bản 2)' -> 'phieu-ket-qua-ban-2': lower-case ASCII letters, digits and
    single hyphens, at most ``limit`` characters cut at a hyphen when one is near; '' when
    nothing is left."""
    found = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text)).strip("-")
    if len(found) <= limit:
        return found
    cut = found[:limit + 1]
    head = cut.rpartition("-")[0] if "-" in cut[limit // 2:] else cut[:limit]
    return head.strip("-")
