"""Every unit's key holds every setting that can change what it writes (output/keys.py): a
setting added to SiteConfig is keyed without anyone listing it, unless it is listed, with its
reason, among the settings that change nothing (config.UNKEYED_FIELDS)."""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from site_builder.config import UNKEYED_FIELDS, Contact, SiteConfig
from site_builder.output.keys import settings_key

BASE = SiteConfig(products_dir=Path("/srv/ocop/products"), site_url="https://ocop.vn/",
                  as_of=date(2026, 12, 6), ocop_office=Contact("Văn phòng OCOP"))


def _other(value: object) -> object:
    """A value of the same kind as ``value`` and different from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "-khac"
    if isinstance(value, Path):
        return value / "khac"
    if isinstance(value, date):
        return date(2027, 1, 1)
    if isinstance(value, tuple):
        return (*value, ("ja", "khác"))
    if value is None:
        return date(2027, 1, 1)
    if is_dataclass(value) and not isinstance(value, type):
        first = fields(value)[0].name
        return replace(value, **{first: _other(getattr(value, first))})
    raise AssertionError(f"no other value known for {value!r}: teach _other")


@pytest.mark.parametrize("name", [f.name for f in fields(SiteConfig)])
def test_each_setting_changes_the_key_unless_it_is_listed_as_changing_no_page(name):
    changed = replace(BASE, **{name: _other(getattr(BASE, name))})
    assert changed != BASE
    if name in UNKEYED_FIELDS:
        assert settings_key(changed) == settings_key(BASE), name
    else:
        assert settings_key(changed) != settings_key(BASE), name


@pytest.mark.parametrize("name", [f.name for f in fields(SiteConfig)
                                  if is_dataclass(getattr(BASE, f.name))])
def test_each_part_of_a_grouped_setting_changes_the_key(name):
    group = getattr(BASE, name)
    for part in fields(group):
        changed = replace(BASE, **{name: replace(group, **{part.name: _other(
            getattr(group, part.name))})})
        assert settings_key(changed) != settings_key(BASE), f"{name}.{part.name}"


def test_a_setting_added_later_is_keyed_without_being_listed():
    @dataclass(frozen=True)
    class Wider(SiteConfig):
        listing_page_size: int = 60

    wide = Wider(products_dir=BASE.products_dir)
    assert settings_key(replace(wide, listing_page_size=30)) != settings_key(wide)


def test_the_settings_that_change_no_page_are_real_fields():
    assert set(UNKEYED_FIELDS) <= {f.name for f in fields(SiteConfig)}
