"""GS1 numbers: trade items (GTIN) and locations (GLN), check digits, the 14-digit GTIN form."""

from __future__ import annotations

VALID_LENGTHS = (8, 12, 13, 14)


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits before it."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not a GTIN, in Vietnamese and English, or None when it is one."""
    if not value.isdigit() or not value.isascii():
        return ("GTIN chỉ gồm chữ số", "a GTIN has digits only")
    if len(value) not in VALID_LENGTHS:
        return (
            f"GTIN phải có 8, 12, 13 hoặc 14 chữ số (đang có {len(value)})",
            f"a GTIN has 8, 12, 13 or 14 digits (this one has {len(value)})",
        )
    expected = check_digit(value[:-1])
    if int(value[-1]) != expected:
        return (
            f"số kiểm tra của GTIN sai: chữ số cuối phải là {expected}, không phải {value[-1]}",
            f"wrong GTIN check digit: the last digit should be {expected}, not {value[-1]}",
        )
    return None


def gtin14(value: str) -> str:
    """Left-pad a valid GTIN to 14 digits, as GS1 Digital Link and AI (01) require."""
    return value.zfill(14)


def gln_problem(value: str) -> tuple[str, str] | None:
    """Why ``value`` is not a GS1 Global Location Number (13 digits), or None."""
    if not value.isdigit() or not value.isascii() or len(value) != 13:
        return (f"GLN '{value}' phải gồm đúng 13 chữ số", f"GLN '{value}' must be 13 digits")
    expected = check_digit(value[:-1])
    if int(value[-1]) != expected:
        return (f"số kiểm tra của GLN sai: chữ số cuối phải là {expected}",
                f"wrong GLN check digit: the last digit should be {expected}")
    return None
