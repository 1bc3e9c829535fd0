"""Numbers as the ledger pages and messages show them: thousands separators, no needless decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def number(value, places: int = 0) -> str:
    """`1234567.5` → "1,234,568" (places=0) or "1,234,567.5" (places=1); trailing zeros dropped."""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    text = f"{rounded:,.{places}f}"
    return text.rstrip("0").rstrip(".")
