"""Settings of one catalog, declared once and independent of the site generator.

The MkDocs adapter fills this from the ``ocop`` plugin block of ``mkdocs.yml``; tests build it
directly. Rules that ``../shared/domain.md`` marks as uncertain are settings here, with the
defaults explained in manual/offices.md, "Rules you can configure".
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from site_builder.hosts import DEFAULT_HOST, HOSTS, Host
from site_builder.problems import Message, catalogue

CONFIG_MESSAGES = Path(__file__).parent / "messages"

# Domains that are never a publisher's own: QR codes pointing at them would be useless or,
# worse, point consumers at somebody else's site. A host is a placeholder when it is one of
# these or a subdomain of one (ocop.example.org), never because the name merely contains one
# (myexample.com is somebody's real domain).
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "example.vn", "domain.tld",
                       "your-domain.com", "yourdomain.com", "your-domain.vn", "yourdomain.vn")
# Top-level names reserved for examples and local use (RFC 2606, RFC 6761): x.example, x.test...
PLACEHOLDER_TLDS = ("example", "test", "invalid", "localhost", "local")
# Template words left in place of the domain: https://your-domain/, https://ten-mien.vn/
PLACEHOLDER_LABELS = ("your-domain", "yourdomain", "ten-mien", "tenmien")


def is_placeholder_host(host: str) -> bool:
    """Whether ``host`` (as ``urlsplit`` gives it: lower case, no port) is not a real
    publisher's: a placeholder domain or its subdomain, a reserved top-level name, a template
    word, or a loopback or unspecified address (localhost, 127.0.0.1, 0.0.0.0, [::1])."""
    host = host.rstrip(".")
    labels = host.split(".")
    if any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS):
        return True
    if labels[-1] in PLACEHOLDER_TLDS or any(label in PLACEHOLDER_LABELS for label in labels):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


# Every page's address, and so every QR code, is site_url followed by a site path; the longest
# (a lot's GS1 address) adds about 40 characters. A QR code of 240 characters is already
# version 11 at level M, too dense for a small stamp.
MAX_SITE_URL = 200
# What a segment of site_url's path may hold: what a rules file, a QR code and a link take as
# it is (percent signs, which a server decodes, included among the refused).
_URL_PATH_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                 "._~-/")
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def site_url_form_problem(url: str) -> tuple[str, dict[str, object]] | None:
    """Why no address can be made from ``site_url`` (a message code and its values), or None.

    It must be a plain http(s) address: an ASCII host name or address (an internationalised
    domain in its 'xn--' form), an optional port, and a path of ASCII letters, digits and
    '._~-', without '.' or '..' segments; no user name, query or fragment, no space or control
    character, and at most MAX_SITE_URL characters. Checked for drafts too: a draft's QR codes
    must point somewhere."""
    shown = url if len(url) <= 80 else url[:60] + "…"
    shown = shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
    values: dict[str, object] = {"url": shown}
    if len(url) > MAX_SITE_URL:
        return "site_url_too_long", {**values, "length": len(url), "limit": MAX_SITE_URL}
    odd = next((c for c in url if not c.isprintable() or c.isspace()), None)
    if odd is not None:
        return "site_url_character", {**values, "char": odd.encode("unicode_escape").decode()}
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "site_url_not_full", values
    if "?" in url or "#" in url:
        return "site_url_query", values
    if "@" in parts.netloc:
        return "site_url_user", values
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if not port_ok or not _plain_host(host):
        return "site_url_host", {**values, "host": host}
    odd = next((c for c in parts.path if c not in _URL_PATH_CHARACTERS), None)
    if odd is not None:
        return "site_url_character", {**values, "char": odd}
    if any(segment in (".", "..") for segment in parts.path.split("/")) or "//" in parts.path:
        return "site_url_dots", values
    return None


def _plain_host(host: str) -> bool:
    """An ASCII host name, an IPv4 address or a bracketed IPv6 one."""
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
            return True
        except ValueError:
            return False
    labels = host.rstrip(".").split(".")
    return bool(host) and all(_HOST_LABEL.match(label) for label in labels)


@dataclass(frozen=True)
class RuleSettings:
    """Validity rules. Defaults follow Decisions 148 and 26 (manual/offices.md, "Rules")."""

    validity_months: int = 36
    # Civil Code 2015 Art. 147-148: a period counted in months from a day ends at the end of
    # the same-numbered day of the last month. Set to True to end it the day before instead.
    validity_ends_day_before: bool = False
    expiring_days: int = 90
    # Decision 26 Art. 12.3: a certificate whose renewal was filed stays valid until the
    # authority rules, for at most 180 days after expiry.
    grace_days: int = 180


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""
    zalo: str = ""


# What renders the navigation pages and the page shell in the theme's layout (mkdocs/shells.py):
# MkDocs, or ProperDocs, the maintained fork of MkDocs 1.x that runs the same plugins and theme.
SHELLS = ("mkdocs", "properdocs")

# The Git services the form editor (Decap CMS) can save to; "git-gateway" is Netlify's.
EDITOR_BACKENDS = ("github", "gitlab", "gitea", "git-gateway")
EDITOR_LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class EditorSettings:
    """The form editor at /admin/ (``ocop: {editor: {...}}`` in mkdocs.yml; manual/operators.md,
    "Setting up the editor"). Off unless ``enabled``: the site then has no /admin/ and no editor files."""

    enabled: bool = False
    backend: str = "github"
    repo: str = ""  # owner/name
    branch: str = "main"
    # The OAuth proxy that signs people in to GitHub (e.g. a Cloudflare Worker); empty: Netlify's.
    base_url: str = ""
    auth_endpoint: str = ""
    # Decap's local backend (decap-server on this computer, for `ocop serve`): True for its
    # usual address, False for none, or the address of its API.
    local_backend: bool | str = True
    language: str = "vi"  # of the editor's labels and interface


EDITOR_FIELDS = tuple(EditorSettings.__dataclass_fields__)


@dataclass(frozen=True)
class SiteConfig:
    products_dir: Path
    site_url: str = ""
    site_name: str = "Sản phẩm OCOP"
    draft: bool = False
    sample_data: bool = False
    as_of: date | None = None
    rules: RuleSettings = field(default_factory=RuleSettings)
    ocop_office: Contact = field(default_factory=Contact)
    cache_dir: Path | None = None
    # The site's languages, the first at the root of the site and the others under their code
    # ('en/'); each needs site_builder/render/locales/<code>.yml (manual/site.md, "Languages").
    languages: tuple[str, ...] = ("vi", "en")
    site_names: tuple[tuple[str, str], ...] = ()  # (language, site name) beyond the first
    # The licence stated in the open data files and on the data page.
    data_licence: str = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
    # A 1200×630 share picture per product (share_image.py). About 8.5 ms and 41 KB a product,
    # plus as much again in the cache; off, links show the square photo (vuong.jpg) instead.
    share_images: bool = True
    # Short stamp addresses '/T/<CODE>/' of this many characters beside every traceability
    # page, for stamps too small for the GS1 address (domain/stamp_codes.py); 0: none.
    short_addresses: int = 0
    # Where the site is published (hosts.py): which files answer a slash-less GS1
    # address, and whether moved addresses are redirect rules or forwarding pages.
    host: Host = DEFAULT_HOST
    editor: EditorSettings = field(default_factory=EditorSettings)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def site_name_in(self, lang: str) -> str:
        return dict(self.site_names).get(lang) or self.site_name

    def language_prefix(self, lang: str) -> str:
        """Where a language's pages live: '' for the first language, 'en/' for English."""
        return "" if lang == self.default_language else f"{lang}/"

    def today(self) -> date:
        return self.as_of or date.today()

    def site_url_problem(self) -> tuple[str, str] | None:
        """Why QR codes must not be made for ``site_url`` (vi, en), or None: no address can be
        made from it (``site_url_form_problem``), or it is missing or a placeholder."""
        values: dict[str, object] = {}
        if not self.site_url:
            code = "site_url_missing"
        elif (form := site_url_form_problem(self.site_url)) is not None:
            code, values = form
        elif is_placeholder_host(urlsplit(self.site_url).hostname or ""):
            code = "site_url_placeholder"
        else:
            return None
        text = catalogue(CONFIG_MESSAGES).message(code, **{"url": self.site_url, **values})
        return text.vi, text.en

    def absolute_url(self, path: str) -> str:
        """The absolute address of a site path such as 'p/nho-thach-ba/'."""
        base = self.site_url if self.site_url.endswith("/") else self.site_url + "/"
        return base + path.lstrip("/")


# --- the ocop block of mkdocs.yml, declared once ------------------------------------------


class SettingProblem(NamedTuple):
    """A problem with one option of the ``ocop`` block: ``code`` names it in the catalogue of
    ``messages``; ``message`` holds its texts."""

    option: str
    code: str
    message: Message


def _problem(option: str, code: str, **values: object) -> SettingProblem:
    return SettingProblem(option, code, catalogue(CONFIG_MESSAGES).message(code, **values))


@dataclass
class Reading:
    """What an option's parser may need beside its value: the folder of mkdocs.yml, the
    languages with interface strings, and where to report a problem."""

    root: Path
    languages_known: tuple[str, ...]
    problems: list[SettingProblem]

    def add_problem(self, option: str, code: str, **values: object) -> None:
        self.problems.append(_problem(option, code, **values))


# An option's parser: its value as written (of its kind, already checked) -> its field's value.
Parser = Callable[[Any, Reading], Any]


def _as_written(value: object, reading: Reading) -> object:
    return value


@dataclass(frozen=True)
class Option:
    """One setting of the ``ocop`` block of mkdocs.yml, declared once: its name there, the kind
    of value it takes, its default, what it is for (vi / en), and the ``SiteConfig`` field its
    parsed value fills. Whether it changes what a build writes is its field's: every field is
    in the units' key but those of ``UNKEYED_FIELDS``. The MkDocs plugin's options are these
    (``mkdocs/plugin.py``, ``OcopPluginConfig``)."""

    name: str
    kind: type
    default: object
    help_vi: str
    help_en: str
    # The field it fills: 'draft', or 'rules.grace_days' for a field of a field. None: an
    # option the MkDocs edge reads itself (templates_dir, shell), with no field here.
    field: str | None
    parse: Parser = _as_written
    low: int | None = None  # the smallest number allowed
    high: int | None = None  # the largest
    choices: tuple[str, ...] = ()  # the values allowed, when only a few are
    not_a_choice: str = ""  # the code of the problem of a value not among them
    also: tuple[type, ...] = ()  # other kinds taken and left to ``parse`` (as_of: a YAML date)


def _folder(value: str, reading: Reading) -> Path:
    return (reading.root / value).resolve()


def _cache_folder(value: str, reading: Reading) -> Path | None:
    return (reading.root / value).resolve() if value else None


def _as_of(value: object, reading: Reading) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        reading.add_problem("as_of", "as_of_format", value=value)
        return None


def _short_length(value: int, reading: Reading) -> int:
    """0 (none) or 4 to 8 characters: with fewer than 4 (at most 46,656 codes) two pages of
    even a small catalog share a code (domain/stamp_codes.py)."""
    if 0 < value < 4:
        reading.add_problem("short_addresses", "short_addresses_length", value=value)
    return value


def _office(value: dict, reading: Reading) -> Contact:
    for key in sorted(set(map(str, value)) - set(OFFICE_FIELDS)):
        reading.add_problem(f"ocop_office.{key}", "office_field_unknown", key=key,
                        fields=", ".join(OFFICE_FIELDS))
    return Contact(*(str(value.get(f, "")) for f in OFFICE_FIELDS))


def _languages(value: list, reading: Reading) -> tuple[str, ...]:
    languages = tuple(str(code) for code in value)
    wrong = [code for code in languages if code not in reading.languages_known]
    if not languages or languages[0] != "vi" or wrong:
        reading.add_problem("languages", "languages_invalid", languages=list(languages),
                        known=", ".join(reading.languages_known))
    return languages


def _site_names(value: dict, reading: Reading) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in value.items()))


OFFICE_FIELDS = tuple(Contact.__dataclass_fields__)


OPTIONS: tuple[Option, ...] = (
    Option("products_dir", str, "products", "thư mục hồ sơ sản phẩm", "the records' folder",
           "products_dir", _folder),
    Option("templates_dir", str, "theme/ocop", "thư mục mẫu trang", "the page templates' folder",
           None),
    Option("cache_dir", str, ".cache/ocop", "thư mục bộ nhớ đệm", "the cache folder",
           "cache_dir", _cache_folder),
    Option("draft", bool, False, "bản nháp: cho phép tên miền mẫu", "a draft: placeholder domains",
           "draft"),
    Option("sample_data", bool, False, "dữ liệu mẫu: nói rõ trên mọi trang",
           "sample data: said on every page", "sample_data"),
    Option("as_of", str, None, "ngày tính tình trạng (YYYY-MM-DD)", "the day statuses are for",
           "as_of", _as_of, also=(date,)),
    Option("validity_months", int, RuleSettings.validity_months, "số tháng hiệu lực",
           "months of validity", "rules.validity_months", low=1, high=120),
    Option("validity_ends_day_before", bool, RuleSettings.validity_ends_day_before,
           "hết hiệu lực vào ngày trước ngày cùng số", "validity ends the day before",
           "rules.validity_ends_day_before"),
    Option("expiring_days", int, RuleSettings.expiring_days, "số ngày báo sắp hết hiệu lực",
           "days of 'expiring soon'", "rules.expiring_days", low=0, high=365),
    Option("grace_days", int, RuleSettings.grace_days, "số ngày gia hạn khi đã nộp hồ sơ",
           "days of grace once a renewal is filed", "rules.grace_days", low=0, high=365),
    Option("ocop_office", dict, {}, "văn phòng OCOP: name, email, phone, zalo",
           "the OCOP office: name, email, phone, zalo", "ocop_office", _office),
    Option("languages", list, ["vi", "en"], "ngôn ngữ, tiếng Việt trước", "languages, vi first",
           "languages", _languages),
    Option("site_names", dict, {}, "tên trang theo ngôn ngữ", "the site's name per language",
           "site_names", _site_names),
    Option("data_licence", str, SiteConfig.data_licence, "giấy phép dữ liệu mở",
           "the open data's licence", "data_licence"),
    Option("share_images", bool, SiteConfig.share_images, "ảnh chia sẻ 1200×630",
           "1200×630 share pictures", "share_images"),
    Option("short_addresses", int, SiteConfig.short_addresses,
           "độ dài mã địa chỉ ngắn /T/<MÃ>/ cho tem nhỏ (0: không có)",
           "characters of the short stamp address /T/<CODE>/ for small stamps (0: none)",
           "short_addresses", _short_length, low=0, high=8),
    Option("host", str, DEFAULT_HOST.name, "nơi đăng trang (github-pages, nginx, object-storage...)",
           "where the site is published (github-pages, nginx, object-storage...)", "host",
           lambda name, reading: HOSTS[name], choices=tuple(HOSTS), not_a_choice="host_unknown"),
    Option("shell", str, SHELLS[0], "chương trình dựng khung trang (mkdocs, properdocs)",
           "what renders the page shell (mkdocs, properdocs)", None, choices=SHELLS,
           not_a_choice="shell_unknown"),
    Option("editor", dict, {}, "trình sửa bằng biểu mẫu tại /admin/: enabled, backend, repo, "
           "branch...", "the form editor at /admin/: enabled, backend, repo, branch...",
           "editor", lambda value, reading: _editor(value, reading.problems)),
)
OPTION_NAMES = tuple(option.name for option in OPTIONS)

# The fields of SiteConfig that do not change what any unit of the site holds, and so are left
# out of its key (output/keys.py, ``global_key``). Every other field is in the key, a field
# added later included (tests/output/test_keys.py changes each one and checks).
UNKEYED_FIELDS = {
    # Where the records are read from: what they hold is in each product's own key.
    "products_dir": "records' folder",
    # Where rendered pictures and the last build's state are kept.
    "cache_dir": "cache folder",
    # The day statuses are for: a product's pages state its status as of the day it last
    # changed (rules.unchanged_since), which is in its own key, so that a daily rebuild
    # renders only what the day changed.
    "as_of": "status day",
}


def settings_from(options: dict[str, object], *, root: Path, source: Path, site_url: str,
                  site_name: str, languages_known: tuple[str, ...], draft: bool = False
                  ) -> tuple[SiteConfig | None, list[SettingProblem]]:
    """The catalog's settings from the ``ocop`` block of ``source`` (mkdocs.yml), with every
    problem found at once; None when any problem stops the build. ``draft``: a draft whatever
    the block says (``mkdocs serve``)."""
    reading = Reading(root, languages_known, [])
    parsed: dict[str, Any] = {}
    for option in OPTIONS:
        value = options.get(option.name, option.default)
        if _kind_right(option, value, reading) and option.field is not None:
            parsed[option.field] = option.parse(value, reading)
    for name in sorted(set(options) - set(OPTION_NAMES)):
        reading.add_problem(name, "option_unknown", name=name, known=", ".join(OPTION_NAMES))
    if site_url and (form := site_url_form_problem(site_url)) is not None:
        reading.add_problem("site_url", form[0], **form[1])
    if reading.problems:
        return None, reading.problems
    parsed["draft"] = parsed["draft"] or draft
    return SiteConfig(site_url=site_url, site_name=site_name, **_nested(parsed)), []


def _kind_right(option: Option, value: object, reading: Reading) -> bool:
    """Whether ``value`` is of the option's kind, in its range and among its choices; a
    problem reported when it is not."""
    if value is None and option.default is None:
        return True
    if isinstance(value, option.also):
        return True
    if not isinstance(value, option.kind) or (option.kind is int and isinstance(value, bool)):
        kind = catalogue(CONFIG_MESSAGES).message(f"kind_{option.kind.__name__}")
        reading.add_problem(option.name, "option_kind", name=option.name, kind=kind,
                        help=Message(option.help_vi, option.help_en), value=value)
        return False
    if option.kind is int and ((option.low is not None and value < option.low)  # type: ignore[operator]
                               or (option.high is not None and value > option.high)):  # type: ignore[operator]
        reading.add_problem(option.name, "option_range", name=option.name, low=option.low,
                        high=option.high, value=value)
        return False
    if option.choices and value not in option.choices:
        reading.add_problem(option.name, option.not_a_choice, value=value,
                            choices=", ".join(option.choices))
        return False
    return True


def _nested(parsed: dict[str, Any]) -> dict[str, Any]:
    """{'rules.grace_days': 90, 'draft': True} -> {'rules': RuleSettings(grace_days=90...),
    'draft': True}: a field of a field set on the field's default."""
    fields = {name: value for name, value in parsed.items() if "." not in name}
    inner: dict[str, dict[str, Any]] = {}
    for name, value in parsed.items():
        if "." in name:
            outer, _, rest = name.partition(".")
            inner.setdefault(outer, {})[rest] = value
    for outer, values in inner.items():
        default = SiteConfig.__dataclass_fields__[outer].default_factory
        fields[outer] = replace(default(), **values)  # type: ignore[operator]
    return fields


def _editor(value: object, problems: list[SettingProblem]) -> EditorSettings:
    """The ``editor`` block, every problem of it reported (its kind is checked with the others)."""
    if not isinstance(value, dict):
        return EditorSettings()
    found = len(problems)
    for key in sorted(set(map(str, value)) - set(EDITOR_FIELDS)):
        problems.append(_problem(f"editor.{key}", "editor_field_unknown", key=key,
                                 fields=", ".join(EDITOR_FIELDS)))
    settings = EditorSettings(**{k: v for k, v in value.items() if k in EDITOR_FIELDS})
    kinds = len(problems)
    texts = ("backend", "repo", "branch", "base_url", "auth_endpoint", "language")
    for name in texts:
        if not isinstance(getattr(settings, name), str):
            problems.append(_problem(f"editor.{name}", "editor_text", name=name,
                                     value=getattr(settings, name)))
    if not isinstance(settings.enabled, bool):
        problems.append(_problem("editor.enabled", "editor_enabled", value=settings.enabled))
    if len(problems) > kinds:  # the checks below need text and true/false
        return EditorSettings()
    if settings.backend not in EDITOR_BACKENDS:
        problems.append(_problem("editor.backend", "editor_backend", value=settings.backend,
                                 backends=", ".join(EDITOR_BACKENDS)))
    if settings.language not in EDITOR_LANGUAGES:
        problems.append(_problem("editor.language", "editor_language", value=settings.language))
    if settings.enabled and settings.backend != "git-gateway" and not re.fullmatch(
            r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+", settings.repo):
        problems.append(_problem("editor.repo", "editor_repo", value=settings.repo))
    if not settings.branch.strip() or any(c in settings.branch for c in " ~^:?*[\\"):
        problems.append(_problem("editor.branch", "editor_branch", value=settings.branch))
    for name in ("base_url", "auth_endpoint"):
        text = getattr(settings, name)
        if text and not (name == "auth_endpoint" or re.fullmatch(r"https://[^\s<>\"']+", text)):
            problems.append(_problem(f"editor.{name}", "editor_url", name=name, value=text))
    local = settings.local_backend
    if not isinstance(local, bool) and not (isinstance(local, str) and re.fullmatch(
            r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(/[^\s<>\"']*)?", local)):
        problems.append(_problem("editor.local_backend", "editor_local_backend", value=local))
    return settings if len(problems) == found else EditorSettings()
