"""The site shell: Material's page layout, rendered once per folder depth, filled per page.

Rendering every product page through MkDocs and Material costs several milliseconds a page
(tech-notes 1.2: the base template alone is about 40 % of it). Pages that are not in the
navigation all share the same header, navigation and footer, and their relative links differ
only by folder depth. So MkDocs renders one placeholder page per depth, whose title,
description, canonical address and body are markers; each catalog page is that text with the
markers replaced, in one pass, so nothing a record contains is ever re-scanned for markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import escape

SHELL_DIR = "ocop-shell"
TITLE = "OCOPSHELLTITLE0d5e"
DESCRIPTION = "OCOPSHELLDESCRIPTION0d5e"
BODY = "OCOPSHELLBODY0d5e"


_CHECKBOX_AUTOCOMPLETE = re.compile(r'(<input\b[^>]*type="checkbox"[^>]*?) autocomplete="off"')


def valid_html(page: str) -> str:
    """Material's toggles are checkboxes with ``autocomplete``, which HTML does not allow
    there (the W3C checker reports it); drop the attribute, which checkboxes ignore anyway."""
    return _CHECKBOX_AUTOCOMPLETE.sub(r"\1", page)


def depth(url: str) -> int:
    """Folder depth of a page address: '' is 0, 'san-pham/x/' is 2."""
    return url.count("/")


def placeholder_url(level: int) -> str:
    """A page address of the given depth, under SHELL_DIR."""
    return "/".join([SHELL_DIR] + ["d"] * (level - 1)) + "/"


@dataclass(frozen=True)
class Shell:
    parts: tuple[str, ...]  # text and marker names, alternating

    @classmethod
    def parse(cls, html: str, placeholder_address: str) -> Shell:
        """``placeholder_address`` is the placeholder's absolute URL (in its canonical link)."""
        markers = [TITLE, DESCRIPTION, BODY, placeholder_address]
        pattern = "(" + "|".join(re.escape(m) for m in markers) + ")"
        parts = re.split(pattern, valid_html(html))
        missing = [m for m in (TITLE, BODY) if m not in parts]
        if missing:
            raise ValueError(f"the site shell lacks the markers {missing}")
        return cls(tuple(parts))

    def fill(self, *, title: str, description: str, body: str, address: str) -> str:
        values = {TITLE: str(escape(title)), DESCRIPTION: str(escape(description)), BODY: body}
        out = []
        for i, part in enumerate(self.parts):
            if i % 2 == 0:
                out.append(part)
            else:
                out.append(values.get(part, address))
        return "".join(out)
