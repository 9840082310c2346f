"""Permanent noise factors: each contribution multiplied by a secret factor bounded away from 1.

As the U.S. Census Bureau does for the Quarterly Workforce Indicators, a
contribution (one employer's openings, one employer's wage) is published only
as part of sums of *noised* contributions: the true value times a factor drawn
once from [1 - max, 1 - min] or [1 + min, 1 + max] (10% and 25% by default).

The factor is not random per query: it is a keyed hash of the partnership's
secret and the contribution's permanent key, so every query and every release
sees the same distortion, and asking again (or waiting for the next release)
averages nothing away. Anyone who isolates one contribution's noised value
learns the true value only to within the factor's range.

``factor`` is the reference; the release builder computes the same function in
SQL (``coalition.demand.release_build``), and a test holds the two together.
"""

from __future__ import annotations

import hashlib
import secrets

SECRET_BYTES = 32
_SCALE = float(1 << 32)


def new_secret() -> bytes:
    """A partnership's noise secret: 32 random bytes, never shown to anyone."""
    return secrets.token_bytes(SECRET_BYTES)


def unit(secret: bytes, key: str) -> float:
    """A number in [0, 1) from the first four bytes of SHA-256(secret || key)."""
    digest = hashlib.sha256(secret + key.encode()).digest()
    return int.from_bytes(digest[:4], "big") / _SCALE


def factor(secret: bytes, key: str, min_percent: int, max_percent: int) -> float:
    """The permanent factor of ``key``: below 1 for the lower half of ``unit``, above 1
    for the upper half, at least ``min_percent`` and at most ``max_percent`` away from 1."""
    low, high = min_percent / 100, max_percent / 100
    u = unit(secret, key)
    if u < 0.5:
        return 1 - high + (high - low) * (2 * u)
    return 1 + low + (high - low) * (2 * u - 1)


__all__ = ["SECRET_BYTES", "factor", "new_secret", "unit"]
