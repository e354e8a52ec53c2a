"""GS1 numbers: trade items (GTIN) and locations (GLN), check digits, the 14-digit GTIN form."""

from __future__ import annotations

VALID_LENGTHS = (8, 12, 13, 14)
# Why a number is not one: a code of the records' message catalogue and the values of its text.
Reason = tuple[str, dict[str, object]]


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits before it."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def gtin_problem(value: str) -> Reason | None:
    """Why ``value`` is not a GTIN, or None when it is one."""
    if not value.isdigit() or not value.isascii():
        return ("gtin_not_digits", {})
    if len(value) not in VALID_LENGTHS:
        return ("gtin_length", {"length": len(value)})
    expected = check_digit(value[:-1])
    if int(value[-1]) != expected:
        return ("gtin_check_digit", {"expected": expected, "last": value[-1]})
    return None


def gtin14(value: str) -> str:
    """Left-pad a valid GTIN to 14 digits, as GS1 Digital Link and AI (01) require."""
    return value.zfill(14)


def gln_problem(value: str) -> Reason | None:
    """Why ``value`` is not a GS1 Global Location Number (13 digits), or None."""
    if not value.isdigit() or not value.isascii() or len(value) != 13:
        return ("gln_form", {"value": value})
    expected = check_digit(value[:-1])
    if int(value[-1]) != expected:
        return ("gln_check_digit", {"expected": expected})
    return None
