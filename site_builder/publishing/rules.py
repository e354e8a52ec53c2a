"""The rules files a host reads from the site's root folder, in the host's own syntax.

Two kinds of rule replace files the ``default`` layout writes (see ``hosts.py``):

- **moved addresses**: a product that gained a GTIN keeps its short address ``/p/<id>/``
  (printed on older stamps), answered by a permanent redirect to its GS1 page instead of a
  forwarding page, when the host takes that many rules (``forwards_by_rule``);
- **patterns**: ``/qr/<id>.png`` (the site kept QR codes as PNG before) answered by a redirect
  to the SVG, where the host's syntax can say so; and, for Apache, answering ``/01/<GTIN>``
  from ``01/<GTIN>.html``, which the other hosts do by themselves or in their shipped config.

Beside them, where the host reads them from the folder, the cache lives of
``publishing/cache_lives.py`` (Apache's ``.htaccess``, Cloudflare's ``_headers``) and the build's
own files that must not be published (``.htaccess``, Cloudflare's ``.assetsignore``).

What each syntax can say was checked against the hosts' documentation and code:

- Cloudflare Pages and Workers static assets (``_redirects``): 2,000 static and 100 dynamic
  rules, static first; a placeholder may be part of a segment (``/qr/:id.png``), since it
  becomes ``[^/]+`` in a regular expression (workers-sdk ``rules-engine.ts``); an exact rule
  matches the path as asked, so ``/p/x`` needs its own rule beside ``/p/x/``; the query string
  is kept on a redirect.
- Netlify (``_redirects``): a redirect matches with or without the trailing slash; a
  placeholder is a whole segment (``:id.png`` is a placeholder named ``id.png``), so the PNG
  addresses cannot be one pattern.
- Cloudflare ``_headers``: a rule's path is a pattern of the same kind; every rule that
  matches applies in order, and ``! Name`` removes what an earlier one set. Workers static
  assets skip the files ``.assetsignore`` names (gitignore syntax); Pages publishes every file.
- GitLab Pages (``_redirects``): its redirect drops the query string (gitlab-pages
  ``internal/redirects``: the rule's target is the new address, whole), so a moved address
  would lose GS1's ``?17=``: GitLab keeps forwarding pages (``hosts.py``), which carry
  the query on.
- Apache (``.htaccess``, mod_rewrite): needs ``AllowOverride FileInfo Indexes`` (Indexes for
  ``DirectorySlash Off``: mod_dir redirects a folder asked without its slash in the same phase
  as a rewrite, before it applies, and ``/01/<GTIN>`` is a folder too when the product has
  batches; mod_dir.c, ``fixup_dir``), and ``Options FollowSymLinks``. In a folder's rules
  ``REQUEST_FILENAME`` is the path only as far as it exists on disk, the rest being
  ``PATH_INFO`` (``/01/<GTIN>/10/x`` of a product without batches is ``01/<GTIN>`` + ``/10/x``):
  a test of the file asked needs both, or a rule rewrites in a loop (Apache then answers 500).
- nginx: a map file (``$uri`` -> target) included by ``deploy/nginx.conf``, which holds the
  patterns; nginx reads it when it (re)loads its configuration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from site_builder.hosts import (
    APACHE_HTACCESS,
    CLOUDFLARE_FILES,
    NETLIFY_REDIRECTS,
    NGINX_MAPS,
    Host,
    Redirect,
    RulesSyntax,
)
from site_builder.publishing.cache_lives import DAY, HASHED, LONG_LIVED, SHORT, YEAR
from site_builder.publishing.resolver_table import ResolverTable
from site_builder.render.linksets import LINKSET_CONTEXT, LINKSET_TYPE

# Site paths come from our own addresses (ids, GTINs and lot codes are checked): anything else
# would need escaping in some of these syntaxes, so it is refused rather than written.
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._~/-]*$")
_SAFE_URL = re.compile(r"^https?://[A-Za-z0-9.:-]+/(?:[A-Za-z0-9._~-]+/)*$")


def rule_files(host: Host, moved: Sequence[Redirect], base_path: str = "/",
               gs1: ResolverTable | None = None) -> dict[str, bytes]:
    """The files to put in the site's root for ``host`` (name -> bytes); none for hosts whose
    rules live elsewhere or that read none we write (``default``, ``github-pages``,
    ``gitlab``, ``object-storage``).

    ``moved`` are written as rules only when the host takes that many (``forwards_by_rule``);
    otherwise the build writes forwarding pages and only pattern rules are here. ``base_path``
    is the path the site is published under ('/' or '/ocop/', from ``site_url``). ``gs1``: the
    GS1 resolver's table, for a host that answers as one (``Host.resolver``)."""
    if host.rules is None:
        return {}
    base = _base(base_path)
    qr = host.qr_by_pattern
    moves = list(moved) if moves_by_rule(host, moved, base_path) else []
    if gs1 is not None:
        _check_table(gs1)
    files = WRITERS[host.rules](moves, base, qr, gs1)
    return {name: text.encode("utf-8") for name, text in files.items() if text}


def _check_table(table: ResolverTable) -> None:
    """Ids and GTINs are checked by the records; the site's address is the user's: refused
    where it could break out of the quotes it is written in."""
    if not _SAFE_URL.match(table.site_url):
        raise ValueError(f"site_url '{table.site_url}' không viết được thành quy tắc / "
                         "cannot be written as a rule")
    for gtin, product in table.products:
        _check_path(f"{gtin}/{product}")


def moves_by_rule(host: Host, moved: Sequence[Redirect], base_path: str = "/") -> bool:
    """Whether ``moved`` go in the host's rules file (else the build writes forwarding pages):
    ``forwards_by_rule``, the host's count of rules."""
    if not host.forwards_by_rule(len(moved)):
        return False
    _base(base_path)
    for move in moved:
        _check_path(move.source)
        _check_path(move.target)
    return True


def _base(base_path: str) -> str:
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    _check_path(base)
    return base


def _check_path(path: str) -> None:
    if not _SAFE_PATH.match(path) or "//" in path:
        raise ValueError(f"đường dẫn '{path}' không viết được thành quy tắc chuyển hướng / "
                         f"'{path}' cannot be written as a redirect rule")


def _header(host: str, comment: str = "#") -> list[str]:
    return [f"{comment} Written by `ocop build` for `host: {host}` (mkdocs.yml); every build "
            "replaces it.",
            f"{comment} Viết bởi `ocop build` cho `host: {host}`; mỗi lần dựng ghi lại tệp này."]


def _netlify(moves: list[Redirect], base: str, qr: bool,
             gs1: ResolverTable | None) -> dict[str, str]:
    # A rule matches with or without the trailing slash; no pattern can name '<id>.png'.
    lines = [f"{base}{m.source} {base}{m.target} 301" for m in moves]
    return {"_redirects": "\n".join([*_header("netlify"), *lines]) + "\n" if lines else ""}


def _cloudflare(moves: list[Redirect], base: str, qr: bool,
                gs1: ResolverTable | None) -> dict[str, str]:
    return {"_redirects": _cloudflare_redirects(moves, base, qr),
            "_headers": _cloudflare_headers(base),
            ".assetsignore": "\n".join([*_header("cloudflare"), "# Never published.",
                                        "/.ocop-*"]) + "\n"}


def _cloudflare_redirects(moves: list[Redirect], base: str, qr: bool) -> str:
    static = [f"{base}{m.source} {base}{m.target} 301" for m in moves]
    dynamic = []
    if moves:  # '/p/x' typed without its slash: to '/p/x/', which a static rule answers
        folders = sorted({m.source.split("/")[0] for m in moves if m.source.count("/") == 2})
        dynamic += [f"{base}{folder}/:id {base}{folder}/:id/ 301" for folder in folders]
    if qr:
        dynamic.append(f"{base}qr/:id.png {base}qr/:id.svg 301")
    if not static and not dynamic:
        return ""
    # Static rules first: Cloudflare counts every rule after the first dynamic one as dynamic.
    return "\n".join([*_header("cloudflare"), *static, *dynamic]) + "\n"


# The theme's files with a hash in their name (cache_lives.HASHED), by where Material puts them:
# a placeholder stands for one path segment, or part of one, never for hex digits only.
_CLOUDFLARE_HASHED = ("assets/stylesheets/:name.min.css", "assets/javascripts/:name.min.js",
                      "assets/javascripts/workers/:name.min.js")


def _cloudflare_headers(base: str) -> str:
    """``publishing/cache_lives.py`` by the address asked: every rule that matches applies, in
    order, so each later one first removes the Cache-Control an earlier one set."""
    blocks = [[f"{base}*", f"  Cache-Control: {SHORT}"]]
    blocks += [[f"{base}*{ext}", "  ! Cache-Control", f"  Cache-Control: {DAY}"]
               for ext in sorted(LONG_LIVED)]
    blocks += [[f"{base}{path}", "  ! Cache-Control", f"  Cache-Control: {YEAR}"]
               for path in _CLOUDFLARE_HASHED]
    return "\n".join([*_header("cloudflare"), "# Cache lives (site_builder/publishing/"
                      "cache_lives.py).", *(line for block in blocks for line in block)]) + "\n"


def _nginx(moves: list[Redirect], base: str, qr: bool,
           gs1: ResolverTable | None) -> dict[str, str]:
    """Entries of ``map $uri $ocop_moved`` (deploy/nginx.conf), with and without the trailing
    slash, and the GS1 resolver's maps. Both written even when empty: the shipped configuration
    includes them."""
    lines = []
    for m in moves:
        lines.append(f"{base}{m.source} {base}{m.target};")
        if m.source.endswith("/"):
            lines.append(f"{base}{m.source.rstrip('/')} {base}{m.target};")
    note = ["# Moved addresses, read by `map $uri $ocop_moved` in deploy/nginx.conf: reload nginx",
            "# after publishing (nginx -s reload). The patterns are in deploy/nginx.conf."]
    return {"nginx-redirects.map": "\n".join([*_header("nginx"), *note, *lines]) + "\n",
            "nginx-gs1.conf": _nginx_gs1(gs1)}


def _nginx_gs1(gs1: ResolverTable | None) -> str:
    """The GS1 resolver's tables as nginx maps, included by deploy/nginx.conf in its ``http``
    block: the site's address, the reader's language (the first of the site's languages that
    Accept-Language lists, in its order: browsers list them by preference) and each GTIN's
    product (``publishing/resolver_table.py``)."""
    site = gs1.site_url if gs1 else ""
    languages = gs1.languages if gs1 else ("vi",)
    products = gs1.products if gs1 else ()
    lines = [
        *_header("nginx"),
        "# The GS1 resolver's tables, read by deploy/nginx.conf: reload nginx after publishing.",
        "map $host $ocop_site {",
        f'    default "{site}";',
        "}",
        "# The reader's language: the prefix of its pages ('' for the first language).",
        "map $http_accept_language $ocop_lang {",
        '    default "";',
        *(f'    "~*{_language_pattern(languages, lang)}" "{lang}/";' for lang in languages[1:]),
        "}",
        "# The product of each GTIN, whose page is its gs1:pip link.",
        "map $ocop_gtin $ocop_product {",
        '    default "";',
        *(f"    {gtin} {product};" for gtin, product in products),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _language_pattern(languages: Sequence[str], lang: str) -> str:
    """A regular expression for an Accept-Language header whose first tag of one of the site's
    ``languages`` is ``lang`` (tags of other languages skipped, q-values not weighed)."""
    any_of = "|".join(languages)
    return (rf"^(?:\s*(?!(?:{any_of})(?:[-;,\s]|$))[^,\s][^,]*,)*\s*{lang}(?:[-;,\s]|$)")


# A value of a GTIN's qualifier (lot, serial, variant) in a GS1 Digital Link: 1 to 20 of the
# characters GS1 allows (its 82-character set, '/' excepted), as the server has decoded them.
_GS1_VALUE = r"[!\x22%-.0-?A-Z_a-z]{1,20}"
_GS1_QUALIFIERS = rf"(?:/22/{_GS1_VALUE})?(?:/10/{_GS1_VALUE})?(?:/21/{_GS1_VALUE})?"


def _apache(moves: list[Redirect], base: str, qr: bool,
            gs1: ResolverTable | None) -> dict[str, str]:
    """``.htaccess`` for the site's root folder (needs mod_rewrite and ``AllowOverride
    FileInfo Indexes``; without them Apache answers 500, which is better than GS1 addresses
    quietly answering 404). What each address gets is decided here, top to bottom."""
    lines = [
        *_header("apache"),
        "# Needs mod_rewrite, and for this folder `AllowOverride FileInfo Indexes` and",
        "# `Options FollowSymLinks` (or SymLinksIfOwnerMatch), which rewriting here requires.",
        "",
        "# Types Apache's own table may lack or get wrong.",
        "AddType image/webp .webp",
        "AddType image/svg+xml .svg",
        "AddType application/geo+json .geojson",
        "AddType application/atom+xml .atom",
        "AddType text/csv .csv",
        "AddType application/json .json .map",
        "AddType font/woff2 .woff2",
        "AddDefaultCharset utf-8",
        "AddCharset utf-8 .css .js .csv",
        f"ErrorDocument 404 {base}404.html",
        "",
        *_apache_cache_lives(),
        *(_apache_gs1_headers(base, gs1) if gs1 else []),
        "<IfModule mod_deflate.c>",
        "  AddOutputFilterByType DEFLATE text/html text/css text/csv text/javascript "
        "application/javascript application/json application/geo+json application/atom+xml "
        "application/xml image/svg+xml",
        "</IfModule>",
        "",
        "# /01/<GTIN> is also a folder when the product has batches: mod_dir would redirect it",
        "# to /01/<GTIN>/ before the rewrite to 01/<GTIN>.html below takes effect. Any other",
        "# folder asked without its slash is still sent to it, query kept.",
        "<If \"-f '%{REQUEST_FILENAME}.html'\">",
        "  DirectorySlash Off",
        "</If>",
        "RewriteEngine On",
        f"RewriteBase {base}",
        "",
        "# Never served: the build's own files (its manifest, its marker).",
        "RewriteRule ^\\.ocop- - [R=404,L]",
    ]
    if moves:
        lines += ["", "# Moved addresses (the query string is kept)."]
        lines += [f"RewriteRule ^{_regex(m.source.rstrip('/'))}/?$ {base}{m.target} [R=301,L]"
                  for m in moves]
    if qr:
        lines += ["", "# QR codes published as PNG before the site kept them as SVG.",
                  "RewriteCond %{REQUEST_FILENAME} !-f",
                  f"RewriteRule ^qr/([^/]+)\\.png$ {base}qr/$1.svg [R=301,L]"]
    if gs1:
        lines += _apache_gs1_rules(gs1)
    lines += [
        "",
        "# The path asked, as a file name: REQUEST_FILENAME stops at the first part of the path",
        "# that does not exist (01/<GTIN> of a product without batches), the rest is PATH_INFO.",
        "# A slash-less page (/01/<GTIN>, /01/<GTIN>/10/<lot>) asked with a slash: to the page.",
        "RewriteCond %{REQUEST_FILENAME}%{PATH_INFO} ^(.+)/$",
        "RewriteCond %1.html -f",
        f"RewriteRule ^(.+)/$ {base}$1 [R=301,L]",
        "# A slash-less page answered by x.html, with no redirect (the query string is kept),",
        "# also where x is a folder too (a product with batches).",
        "RewriteCond %{REQUEST_FILENAME}%{PATH_INFO} !-f",
        "RewriteCond %{REQUEST_FILENAME}%{PATH_INFO}.html -f",
        "RewriteRule ^(.+)$ $1.html [L]",
    ]
    return {".htaccess": "\n".join(lines) + "\n"}


def _apache_gs1_headers(base: str, gs1: ResolverTable) -> list[str]:
    """What every answer of the GS1 resolver carries (mod_headers): CORS on the GS1 addresses
    and on the files a resolver names, the Link to a known GTIN's linkset (OCOP_GS1, set by
    the rules below), the types of the linkset and of the description file."""
    gs1_files = f"expr=%{{REQUEST_URI}} =~ m#^{base}(?:01/[0-9]{{14}}|\\.well-known/gs1resolver$)#"
    linkset = (f'<{gs1.site_url}01/%{{OCOP_GS1}}e.linkset.json>; rel=\\"linkset\\"; '
               f'type=\\"{LINKSET_TYPE}\\"')
    context = (f'<{LINKSET_CONTEXT}>; rel=\\"http://www.w3.org/ns/json-ld#context\\"; '
               'type=\\"application/ld+json\\"')
    return [
        "# The GS1 resolver (manual/operators.md, \"GS1 resolver\"): CORS, the Link to the linkset.",
        '<FilesMatch "\\.linkset\\.json$">',
        f"  ForceType {LINKSET_TYPE}",
        "</FilesMatch>",
        '<Files "gs1resolver">',
        "  ForceType application/json",
        "</Files>",
        "<IfModule mod_headers.c>",
        f'  Header always set Access-Control-Allow-Origin "*" "{gs1_files}"',
        f'  Header always set Access-Control-Allow-Methods "GET, HEAD, OPTIONS" "{gs1_files}"',
        f'  Header always set Access-Control-Allow-Headers "Accept, Accept-Language" "{gs1_files}"',
        f'  Header always set Access-Control-Expose-Headers "Link, Location" "{gs1_files}"',
        f'  Header always set Vary "Accept, Accept-Language" "{gs1_files}"',
        f'  Header always set Link "{linkset}" env=OCOP_GS1',
        '  <FilesMatch "\\.linkset\\.json$">',
        f'    Header always set Link "{context}"',
        "  </FilesMatch>",
        "</IfModule>",
        "",
    ]


def _apache_gs1_rules(gs1: ResolverTable) -> list[str]:
    """The GS1 resolver as mod_rewrite rules: the same answers as deploy/nginx.conf's GS1
    location, top to bottom. Rules that answer run only on the request as asked (not after
    an internal rewrite: REDIRECT_STATUS is empty then)."""
    site = gs1.site_url
    gtin = "^01/([0-9]{14})"
    link_type = ("(?:^|&)linkType=(?:gs1(?::|%3[Aa])|https?(?::|%3[Aa])(?:/|%2[Ff]){2}"
                 "(?:ref\\.|www\\.)?gs1\\.org(?:/|%2[Ff])voc(?:/|%2[Ff]))([A-Za-z]+)(?:&|$)")
    asking = "RewriteCond %{QUERY_STRING} (?:^|&)linkType="
    lines = [
        "",
        "# GS1 Digital Link addresses, /01/<GTIN-14> and its qualifiers (/10/<lot>...): the GS1",
        "# resolver. What a request gets, top to bottom:",
        "#   not a GS1 Digital Link (/01/<GTIN>/foo, qualifiers out of order, a value over 20",
        "#   characters or outside GS1's character set)                -> 400",
        "#   OPTIONS                                                   -> 204, CORS",
        "#   ?linkType=linkset or all, Accept: application/linkset+json -> the product's linkset",
        "#   ?linkType=gs1:pip (any link type)   -> 307 to that link, in the reader's language, the",
        "#                                          lot's if it has its own, the query passed on",
        "#   anything else                       -> the page, no redirect (below; with a slash:",
        "#                                          301 to it); a lot (or serial) the site has no",
        "#                                          page for: 307 to its product's page",
        "# The site's folder, as a file path, is %1 of a condition on the file asked.",
        "RewriteCond %{REQUEST_FILENAME}%{PATH_INFO} ^(.*/)01/[0-9]{14}(?:/|\\.html$|$)",
        "RewriteCond %101/$1.html -f",
        f"RewriteRule {gtin}(?:/|\\.html$|$) - [E=OCOP_GS1:$1]",
        f'RewriteRule "{gtin}(?!{_GS1_QUALIFIERS}/?$)(?:/.*)?$" - [R=400,L]',
        "RewriteCond %{REQUEST_METHOD} =OPTIONS",
        f"RewriteRule {gtin}(?:/.*)?$ - [R=204,L]",
        "# The linkset.",
        "RewriteCond %{QUERY_STRING} (?:^|&)linkType=(?:linkset|all)(?:&|$)",
        f"RewriteRule {gtin}(?:/.*)?$ 01/$1.linkset.json [L]",
        "RewriteCond %{QUERY_STRING} !(?:^|&)linkType=",
        "RewriteCond %{HTTP:Accept} application/linkset\\+json [NC]",
        f"RewriteRule {gtin}(?:/.*)?$ 01/$1.linkset.json [L]",
        "# A link: its type (OCOP_TYPE), the query to pass on (OCOP_QUERY, all but linkType;",
        "# a redirect to 'x?' gets no query),",
        "# the reader's language (OCOP_LANG, the prefix of its pages, and OCOP_SLASH, what they",
        "# end in), the lot if the site has its page (OCOP_LOT), the product (OCOP_PRODUCT).",
        f"RewriteCond %{{QUERY_STRING}} {link_type}",
        f"RewriteRule {gtin}(?:/.*)?$ - [E=OCOP_TYPE:%1]",
        "RewriteCond %{QUERY_STRING} ^linkType=[^&]*&(.*)$",
        "RewriteRule ^01/ - [E=OCOP_QUERY:%1]",
        "RewriteCond %{QUERY_STRING} ^(.+?)&linkType=[^&]*(&.*)?$",
        "RewriteRule ^01/ - [E=OCOP_QUERY:%1%2]",
        "RewriteCond %{QUERY_STRING} !(?:^|&)linkType=",
        "RewriteCond %{QUERY_STRING} ^(.+)$",
        "RewriteRule ^01/ - [E=OCOP_QUERY:%1]",
        *(line for lang in gs1.languages[1:] for line in (
            f'RewriteCond %{{HTTP:Accept-Language}} "{_language_pattern(gs1.languages, lang)}" [NC]',
            f"RewriteRule ^01/ - [E=OCOP_LANG:{lang}/,E=OCOP_SLASH:/]")),
        "RewriteCond %{REQUEST_FILENAME}%{PATH_INFO} ^(.*/)01/",
        "RewriteCond %101/$1/10/$2.html -f",
        f"RewriteRule {gtin}(?:/22/[^/]+)?/10/([^/]+) - [E=OCOP_LOT:$2]",
        "RewriteCond %{ENV:OCOP_TYPE} !=pip",
        f"RewriteRule ^ - [S={len(gs1.products)}]",
        *(f"RewriteRule ^01/{code}(?:/|$) - [E=OCOP_PRODUCT:{product}]"
          for code, product in gs1.products),
        "# Nothing to link for a GTIN the site does not know.",
        asking,
        "RewriteCond %{ENV:OCOP_GS1} ^$",
        f"RewriteRule {gtin}(?:/.*)?$ - [R=404,L]",
        *_apache_link("defaultLink", f"{site}01/$1/10/%1", f"{site}01/$1"),
        *_apache_link("traceability",
                      f"{site}%{{ENV:OCOP_LANG}}01/$1/10/%1%{{ENV:OCOP_SLASH}}",
                      f"{site}%{{ENV:OCOP_LANG}}01/$1%{{ENV:OCOP_SLASH}}"),
        *_apache_link("certificationInfo", None,
                      f"{site}%{{ENV:OCOP_LANG}}01/$1%{{ENV:OCOP_SLASH}}"),
        *_apache_link("pip", None, f"{site}%{{ENV:OCOP_LANG}}san-pham/%{{ENV:OCOP_PRODUCT}}/"),
        *_apache_link("masterData", None, f"{site}01/$1.json"),
        "# A link type the linkset lacks.",
        asking,
        f"RewriteRule {gtin}(?:/.*)?$ - [R=404,L]",
        "# A lot (or serial) the site has no page for: the lot's page, else the product's.",
        "RewriteCond %{ENV:REDIRECT_STATUS} ^$",
        "RewriteCond %{REQUEST_FILENAME}%{PATH_INFO} ^(.*?)/?$",
        "RewriteCond %1.html !-f",
        "RewriteCond %{ENV:OCOP_LOT} ^(.+)$",
        f"RewriteRule {gtin}/ {site}01/$1/10/%1?%{{ENV:OCOP_QUERY}} [R=307,NE,L]",
        "RewriteCond %{ENV:REDIRECT_STATUS} ^$",
        "RewriteCond %{REQUEST_FILENAME}%{PATH_INFO} ^(.*?)/?$",
        "RewriteCond %1.html !-f",
        "RewriteCond %{ENV:OCOP_GS1} .",
        f"RewriteRule {gtin}/ {site}01/$1?%{{ENV:OCOP_QUERY}} [R=307,NE,L]",
    ]
    return lines


def _apache_link(name: str, lot: str | None, gtin: str) -> list[str]:
    """The redirect for ``?linkType=gs1:<name>``: to ``lot`` (its %1 the lot) where the site
    has the lot's page and the lot has a link of its own of this type, else to ``gtin``."""
    redirect = "[R=307,NE,L]"
    lines = [f"# gs1:{name}"]
    if lot:
        lines += [f"RewriteCond %{{ENV:OCOP_TYPE}} ={name}", "RewriteCond %{ENV:OCOP_LOT} ^(.+)$",
                  f"RewriteRule ^01/([0-9]{{14}}) {lot}?%{{ENV:OCOP_QUERY}} {redirect}"]
    return lines + [f"RewriteCond %{{ENV:OCOP_TYPE}} ={name}",
                    f"RewriteRule ^01/([0-9]{{14}}) {gtin}?%{{ENV:OCOP_QUERY}} {redirect}"]


def _apache_cache_lives() -> list[str]:
    """``publishing/cache_lives.py`` as mod_headers sees it: by the name of the file served,
    404 pages included (``always``)."""
    long_lived = "|".join(sorted(ext.lstrip(".") for ext in LONG_LIVED))
    return [
        "# Cache lives (site_builder/publishing/cache_lives.py).",
        "<IfModule mod_headers.c>",
        f'  Header always set Cache-Control "{SHORT}"',
        f'  <FilesMatch "\\.({long_lived})$">',
        f'    Header always set Cache-Control "{DAY}"',
        "  </FilesMatch>",
        f'  <FilesMatch "{HASHED.pattern}">',
        f'    Header always set Cache-Control "{YEAR}"',
        "  </FilesMatch>",
        "</IfModule>",
    ]


def _regex(path: str) -> str:
    return path.replace(".", "\\.")


# The writer of each syntax of rules file (hosts.py): the moved addresses, the site's base
# path, whether old PNG codes go to the SVG by a pattern, the GS1 resolver's table -> files.
WRITERS: dict[RulesSyntax, Callable[[list[Redirect], str, bool, ResolverTable | None],
                                    dict[str, str]]] = {
    NETLIFY_REDIRECTS: _netlify, CLOUDFLARE_FILES: _cloudflare, NGINX_MAPS: _nginx,
    APACHE_HTACCESS: _apache,
}
