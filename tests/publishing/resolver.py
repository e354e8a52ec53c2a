"""Every GS1 address of a built site asked as a GS1 resolver's client asks it, and what a
server that claims to be one (``addresses.Resolver``) must answer: derived from the linksets
the build wrote (``site_builder/render/linksets.py``), never chosen by hand.

For the GTIN and each lot of every product with a GTIN:

- the page, as a plain GET, HEAD and a CORS preflight (OPTIONS): the page at once, with CORS
  and a ``Link`` to the product's linkset (RFC 8288, ``rel="linkset"``);
- the linkset, for ``?linkType=linkset``, ``?linkType=all`` and ``Accept:
  application/linkset+json`` (also with a trailing slash, and for a lot the site does not know):
  the product's linkset file, ``application/linkset+json``, with GS1's JSON-LD context as a Link;
- every link of the level and of the levels above it (walking up the tree), asked by its type
  in each form a client may write it (``gs1:pip``, the vocabulary's URI, percent-encoded) and
  with the ``Accept-Language`` of each of its languages: a 307 to exactly its address, the rest
  of the query passed on; a type the linkset lacks: 404.

For each GTIN besides: addresses that are not GS1 Digital Links (400), lots and serials the
site has no page for (their product's page, or the lot's), an unknown GTIN (404); and the
description file ``/.well-known/gs1resolver``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from addresses import EXPIRY, UNKNOWN_LOT, Built, Resolver
from answers import Client, Report, run_checks

from site_builder.domain.gtin import check_digit, gtin14
from site_builder.render.linksets import DESCRIPTION_PATH as DESCRIPTION
from site_builder.render.linksets import GS1_VOCABULARY, LINKSET_CONTEXT, LINKSET_TYPE
from site_builder.render.views import Urls

ORIGIN = "https://app.example"  # where a browser app's cross-origin requests come from
Headers = dict[str, str]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Headers  # names in lower case; repeated headers joined with ", "
    body: bytes


@dataclass(frozen=True)
class Ask:
    """One request and what its answer must be: ``check`` lists what is wrong with it."""

    method: str
    target: str  # path and query, as sent
    headers: Headers
    why: str
    check: Callable[[Answer], list[str]]

    def __str__(self) -> str:
        shown = "".join(f" [{name}: {value}]" for name, value in self.headers.items()
                        if name != "Origin")
        return f"{self.method} {self.target}{shown} ({self.why})"


# What answers must be.

def status(*wanted: int) -> Callable[[Answer], list[str]]:
    return lambda a: [] if a.status in wanted else [f"status {a.status}, expected "
                                                     f"{' or '.join(map(str, wanted))}"]


def all_of(*checks: Callable[[Answer], list[str]]) -> Callable[[Answer], list[str]]:
    def check(answer: Answer) -> list[str]:
        found = checks[0](answer)  # the status first: the rest means little without it
        return found or [p for c in checks[1:] for p in c(answer)]
    return check


def header(name: str, wanted: Callable[[str | None], bool], what: str
           ) -> Callable[[Answer], list[str]]:
    return lambda a: [] if wanted(a.headers.get(name)) else [
        f"{name}: {a.headers.get(name)!r}, expected {what}"]


def location(href: str) -> Callable[[Answer], list[str]]:
    return header("location", lambda v: v == href, repr(href))


def body(data: bytes | None, what: str) -> Callable[[Answer], list[str]]:
    """The body is ``data`` (None: empty, as for HEAD)."""
    digest = hashlib.sha256(data or b"").hexdigest()
    return lambda a: [] if hashlib.sha256(a.body).hexdigest() == digest else [
        f"the body is not {what} ({len(a.body)} bytes)"]


CORS = header("access-control-allow-origin", lambda v: v == "*", "'*'")
PREFLIGHT = header("access-control-allow-methods",
                   lambda v: v is not None and all(m in v for m in ("GET", "HEAD", "OPTIONS")),
                   "GET, HEAD and OPTIONS")
CONTEXT = header("link", lambda v: v is not None and f"<{LINKSET_CONTEXT}>" in v
                 and 'rel="http://www.w3.org/ns/json-ld#context"' in v,
                 "GS1's JSON-LD context for linksets")
LINKSET = header("content-type", lambda v: v is not None and v.split(";")[0] == LINKSET_TYPE,
                 LINKSET_TYPE)


def linkset_link(url: str) -> Callable[[Answer], list[str]]:
    """A Link to the linkset at ``url``, or at its path (a relative reference, RFC 8288)."""
    wanted = [f'<{at}>; rel="linkset"; type="{LINKSET_TYPE}"' for at in (url, urlsplit(url).path)]
    return header("link", lambda v: v is not None and any(w in v for w in wanted), repr(wanted[0]))


@dataclass
class _Level:
    """A link context of a linkset: the GS1 address and its links by type name."""

    path: str  # path on the server
    file: str  # the site file of its page
    links: dict[str, list[dict]] = field(default_factory=dict)


def _levels(linkset: dict, built: Built) -> list[_Level]:
    found = []
    for context in linkset["linkset"]:
        path = urlsplit(context["anchor"]).path
        links = {name[len(GS1_VOCABULARY):]: value for name, value in context.items()
                 if name.startswith(GS1_VOCABULARY)}
        found.append(_Level(path, path[len(built.base):] + ".html", links))
    return found


# The forms a client may write a link type in.
def _forms(name: str) -> list[str]:
    return [f"gs1:{name}", quote(f"{GS1_VOCABULARY}{name}", safe=""), f"gs1%3A{name}",
            f"https://gs1.org/voc/{name}"]


def resolver_asks(built: Built, resolver: Resolver) -> list[Ask]:
    """Every request of the module's docstring for ``built``, and what it must get."""
    asks: list[Ask] = []
    site = built.site
    for product in built.catalog.products:
        if not product.gtin:
            continue
        linkset_file = Urls.linkset(product)
        data = (site / linkset_file).read_bytes()
        levels = _levels(json.loads(data), built)
        gtin_level = levels[0]
        link = linkset_link(built.site_url + linkset_file)
        for level in levels:
            asks += _page_asks(level, (site / level.file).read_bytes(), link)
            asks += _linkset_asks(level.path, data, "the linkset")
            inherited = {**gtin_level.links, **level.links}  # the lot's own first
            asks += _link_asks(level.path, inherited, data, resolver)
        asks += _gtin_asks(built, product, gtin_level, levels[1:], data, resolver)
    asks += _unknown_gtin_asks(built)
    if built.base == "/":
        text = (site / DESCRIPTION).read_bytes() if (site / DESCRIPTION).is_file() else None
        wanted = all_of(status(200), CORS, body(text, DESCRIPTION), header(
            "content-type", lambda v: v is not None and v.split(";")[0] == "application/json",
            "application/json")) if resolver.description and text else status(403, 404)
        asks.append(Ask("GET", "/" + DESCRIPTION, {}, "the resolver's description", wanted))
    return asks


def _page_asks(level: _Level, page: bytes, link: Callable) -> list[Ask]:
    query = f"?17={EXPIRY}"
    return [
        Ask("GET", level.path + query, {}, "the page, at once",
            all_of(status(200), body(page, level.file), CORS, link)),
        Ask("HEAD", level.path + query, {}, "the page, HEAD",
            all_of(status(200), body(None, "empty"), CORS, link)),
        Ask("OPTIONS", level.path, {"Access-Control-Request-Method": "GET",
                                    "Access-Control-Request-Headers": "accept"},
            "a CORS preflight", all_of(status(200, 204), CORS, PREFLIGHT, link)),
    ]


def _linkset_asks(path: str, data: bytes, why: str) -> list[Ask]:
    wanted = all_of(status(200), LINKSET, body(data, "the linkset"), CORS, CONTEXT)
    accept = {"Accept": f"{LINKSET_TYPE}, application/json;q=0.5"}
    return [
        Ask("GET", f"{path}?linkType=linkset", {}, why, wanted),
        Ask("GET", f"{path}?linkType=all&17={EXPIRY}", {}, why, wanted),
        Ask("GET", path, accept, why, wanted),
        Ask("GET", f"{path}/?linkType=linkset", {}, why + ", a slash at the end", wanted),
        Ask("HEAD", f"{path}?linkType=linkset", {}, why + ", HEAD",
            all_of(status(200), LINKSET, body(None, "empty"), CORS)),
    ]


def _by_language(links: list[dict]) -> dict[str | None, dict]:
    return {(link.get("hreflang") or [None])[0]: link for link in links}


def _link_asks(path: str, links: dict[str, list[dict]], data: bytes,
               resolver: Resolver) -> list[Ask]:
    """Each link by its type, in each language, in a rotation of the forms of the type."""
    asks = []
    n = 0
    for name, targets in links.items():
        by_lang = _by_language(targets)
        default = targets[0]["href"]
        tries: list[tuple[Headers, str, str]] = [({}, default, "no language asked")]
        for lang, target in by_lang.items():
            if lang:
                tries.append(({"Accept-Language": f"{lang};q=0.9"}, target["href"], lang))
        if "en" in by_lang:  # the first of the site's languages listed decides, not the first
            tries.append(({"Accept-Language": "fr-FR, fr;q=0.9, en;q=0.8, vi;q=0.7"},
                          by_lang["en"]["href"], "fr, en, vi"))
        if "vi" in by_lang:
            tries.append(({"Accept-Language": "vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7"},
                          by_lang["vi"]["href"], "vi, en"))
        for headers, href, why in tries:
            form = _forms(name)[n % 4]
            n += 1
            target = f"{path}?17={EXPIRY}&linkType={form}&11=261101"
            if resolver.links:
                wanted = all_of(status(307), location(f"{href}?17={EXPIRY}&11=261101"), CORS)
            else:
                wanted = all_of(status(300), LINKSET, body(data, "the linkset"), CORS)
            asks.append(Ask("GET", target, headers, f"gs1:{name}, {why}", wanted))
    asks.append(Ask("GET", f"{path}?linkType=gs1:nosuchlt", {}, "a link type it lacks",
                    status(404)))
    return asks


def _gtin_asks(built: Built, product, gtin_level: _Level, lots: list[_Level], data: bytes,
               resolver: Resolver) -> list[Ask]:
    path = gtin_level.path
    bad = "400: not a GS1 Digital Link"
    asks = [Ask("GET", path + suffix, {}, bad, status(400)) for suffix in (
        "/foo", "/17/270101", "/21/S1/10/L1", "/10/" + "A" * 21, "/10/L%201", "/10/L1/foo",
        "/99/X")]
    gtin = gtin14(product.gtin or "")
    wrong = gtin[:-1] + str((check_digit(gtin[:-1]) + 1) % 10)
    asks.append(Ask("GET", path.replace(gtin, wrong), {}, "a wrong check digit",
                    status(400) if resolver.check_digits else status(400, 404)))
    page = gtin_level.links["defaultLink"][0]["href"]
    up: list[tuple[str, str]] = [(f"/10/{UNKNOWN_LOT}", page), ("/21/S1", page),
                                 ("/22/V1/10/" + UNKNOWN_LOT, page)]
    up += [(lot.path[len(path):] + "/21/S1", lot.links["defaultLink"][0]["href"]) for lot in lots]
    for suffix, target in up:
        wanted = all_of(status(307), location(f"{target}?17={EXPIRY}"), CORS) \
            if resolver.walks_up else status(404)
        asks.append(Ask("GET", f"{path}{suffix}?17={EXPIRY}", {}, "walking up the tree", wanted))
    unknown = f"{path}/10/{UNKNOWN_LOT}"
    asks += _linkset_asks(unknown, data, "an unknown lot's linkset: its product's")
    pip = gtin_level.links["pip"][0]["href"]
    asks.append(Ask("GET", f"{unknown}?linkType=gs1:pip", {}, "an unknown lot's gs1:pip",
                    all_of(status(307), location(pip)) if resolver.links else status(300)))
    return asks


def _unknown_gtin_asks(built: Built) -> list[Ask]:
    path = f"{built.base}01/00000000000000"
    return [Ask("GET", path + query, headers, "a GTIN the site does not know", status(404))
            for query, headers in (("", {}), ("?linkType=linkset", {}),
                                   ("?linkType=gs1:pip", {}),
                                   ("", {"Accept": LINKSET_TYPE}))]


def ask(client: Client, one: Ask) -> Answer:
    """``one`` sent from a browser app's origin; repeated headers joined with ", "."""
    status, sent, data = client.send(one.method, one.target, {"Origin": ORIGIN, **one.headers})
    found: Headers = {}
    for name, value in sent:
        found[name] = f"{found[name]}, {value}" if name in found else value
    return Answer(status, found, data)


def check_resolver(server: str, base_url: str, built: Built, resolver: Resolver | None = None,
                   *, workers: int = 8, host_header: str | None = None) -> Report:
    """Every request of ``resolver_asks`` sent to the server at ``base_url``."""
    client = Client(base_url, host_header)
    return run_checks(server, resolver_asks(built, resolver or Resolver()),
                      lambda one: one.check(ask(client, one)), workers)
