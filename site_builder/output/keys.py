"""What every unit of a site is keyed on, worked out cheaply: a build that finds nothing to do
needs it before anything else is loaded."""

from __future__ import annotations

import hashlib
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.records.fingerprint import code_fingerprint, files_under


def global_key(config: SiteConfig, templates_dir: Path) -> str:
    """Everything every unit depends on: the code and its data (every file of the package, its
    version, the place data's versions), the templates and settings. Not the day: a product's
    pages state its status as of the day it last changed (``rules.unchanged_since``), which is
    in its own key, so a daily rebuild renders only what the day changed."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for name, path in files_under(templates_dir):
        data = path.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode() + data)
    digest.update(repr((config.site_url, config.site_name, config.draft, config.sample_data,
                        config.rules, config.ocop_office, config.share_images,
                        config.site_names, config.languages, config.data_licence,
                        config.host, config.editor, config.short_addresses)).encode())
    return digest.hexdigest()
