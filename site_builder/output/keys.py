"""What every unit of a site is keyed on, worked out cheaply: a build that finds nothing to do
needs it before anything else is loaded."""

from __future__ import annotations

import hashlib
from dataclasses import fields
from datetime import date
from pathlib import Path

from site_builder.config import UNKEYED_FIELDS, SiteConfig
from site_builder.records.fingerprint import code_fingerprint, files_under


def global_key(config: SiteConfig, templates_dir: Path) -> str:
    """Everything every unit depends on: the code and its data (every file of the package, its
    version, the place data's versions), the templates and settings (``settings_key``). Not
    the day: a product's pages state its status as of the day it last changed
    (``rules.unchanged_since``), which is in its own key, so a daily rebuild renders only what
    the day changed."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for name, path in files_under(templates_dir):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    digest.update(settings_key(config).encode())
    return digest.hexdigest()


def settings_key(config: SiteConfig) -> str:
    """Every field of the settings but those that change no unit (``config.UNKEYED_FIELDS``),
    by name: a field added to ``SiteConfig`` is in every unit's key without being listed here."""
    return repr([(f.name, getattr(config, f.name)) for f in fields(config)
                 if f.name not in UNKEYED_FIELDS])


def digest(*parts: object) -> str:
    """A unit's key: the digest of ``parts`` as Python writes them (``repr``), in order."""
    found = hashlib.sha256()
    for part in parts:
        found.update(repr(part).encode("utf-8"))
        found.update(b"\0")
    return found.hexdigest()


def listed_key(base_key: str, summary: str, since: date) -> str:
    """A product as pages listing many products show it (``records.cache.summary_digest``),
    with the day its status is stated from."""
    return digest(base_key, summary, since)
