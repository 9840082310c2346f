"""Permanent noise factors: bounded away from 1, fixed per (secret, key), and the same in SQL."""

from __future__ import annotations

import random
import uuid

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from coalition.demand import release_build
from coalition.disclosure import noise

EXAMPLES = settings(max_examples=300, deadline=None, database=None, derandomize=True)
secrets_strategy = st.binary(min_size=noise.SECRET_BYTES, max_size=noise.SECRET_BYTES)
# The bounds a partnership may set: min from 5 to 40, max at least min + 5 and at most 50.
bounds_strategy = st.integers(5, 40).flatmap(
    lambda low: st.tuples(st.just(low), st.integers(low + 5, 50))
)


def keys(seed: int, count: int) -> list[str]:
    """Keys as the release builder makes them (an employer and a posting ID or a signal ID),
    some with posting IDs outside ASCII."""
    chosen = random.Random(seed)
    found = []
    for n in range(count):
        employer = uuid.UUID(int=chosen.getrandbits(128))
        if n % 3:
            posting = "".join(chosen.choice("AZ09-_ é東ß") for _ in range(chosen.randint(1, 12)))
            signal = f"posting:{posting}"
        else:
            signal = str(uuid.UUID(int=chosen.getrandbits(128)))
        found.append(f"{chosen.choice(('openings', 'wage'))}:{employer}:{signal}")
    return found


def secret(seed: int) -> bytes:
    return random.Random(seed).randbytes(noise.SECRET_BYTES)


@EXAMPLES
@given(secrets_strategy, st.text(), bounds_strategy)
def test_a_factor_is_at_least_min_and_at_most_max_percent_away_from_1(
    secret: bytes, key: str, bounds: tuple[int, int]
) -> None:
    low, high = bounds

    found = noise.factor(secret, key, low, high)

    below = 1 - high / 100 <= found <= 1 - low / 100
    above = 1 + low / 100 <= found <= 1 + high / 100
    assert below or above
    assert 0 <= noise.unit(secret, key) < 1


@EXAMPLES
@given(secrets_strategy, st.text(), bounds_strategy)
def test_a_factor_is_the_same_every_time_and_its_side_does_not_depend_on_the_bounds(
    secret: bytes, key: str, bounds: tuple[int, int]
) -> None:
    found = noise.factor(secret, key, *bounds)

    assert noise.factor(bytes(secret), str(key), *bounds) == found
    assert (found < 1) is (noise.factor(secret, key, 10, 25) < 1)


def test_the_function_is_permanent() -> None:
    """Published releases keep their factors only if the function never changes: a new
    function would give an attacker a second, independent factor on the same value.
    The numbers are the first four bytes of SHA-256(32 zero bytes || key), as hex."""
    zero = bytes(noise.SECRET_BYTES)
    above, below = 0x80ED8D0E / 2**32, 0x4B2A730A / 2**32

    assert noise.unit(zero, "openings:key") == above
    assert noise.factor(zero, "openings:key", 10, 25) == 1 + 0.1 + (0.25 - 0.1) * (2 * above - 1)
    assert noise.unit(zero, "wage:b") == below
    assert noise.factor(zero, "wage:b", 10, 25) == 1 - 0.25 + (0.25 - 0.1) * (2 * below)


def test_factors_differ_across_keys_and_across_secrets() -> None:
    many = keys(seed=1, count=2000)
    first, second = secret(2), secret(3)

    under_first = [noise.factor(first, key, 10, 25) for key in many]
    under_second = [noise.factor(second, key, 10, 25) for key in many]

    assert len(set(under_first)) == 2000
    assert sum(a == b for a, b in zip(under_first, under_second, strict=True)) == 0
    # Another secret's side of 1 is a fresh coin: it agrees for about half the keys.
    same_side = sum((a < 1) is (b < 1) for a, b in zip(under_first, under_second, strict=True))
    assert 900 <= same_side <= 1100


def test_about_half_the_factors_are_below_1_and_they_spread_over_both_ranges() -> None:
    many = keys(seed=4, count=5000)
    found = [noise.factor(secret(5), key, 10, 25) for key in many]

    below = [f for f in found if f < 1]
    # 5000 fair coins: 2500 +- 35 (one standard deviation); 200 is more than 5.
    assert 2300 <= len(below) <= 2700
    # Five equal slices of each range ([0.75, 0.90], [1.10, 1.25]) hold a tenth each
    # (500 +- 21).
    slices = [0] * 10
    for f in found:
        start, first = (0.75, 0) if f < 1 else (1.10, 5)
        slices[first + min(int((f - start) / 0.03), 4)] += 1
    assert all(400 <= count <= 600 for count in slices), slices


def test_new_secrets_are_32_random_bytes() -> None:
    made = {noise.new_secret() for _ in range(100)}

    assert len(made) == 100
    assert {len(secret) for secret in made} == {noise.SECRET_BYTES}


async def test_the_release_builders_sql_computes_the_same_factors(app_engine: AsyncEngine) -> None:
    query = text(
        "SELECT k.key, " + release_build._factor("k.key") + " AS factor"
        " FROM unnest(CAST(:keys AS text[])) AS k(key)"
    )
    bounds = [(10, 25), (5, 10), (40, 50), (20, 45), (7, 31)]
    compared = 0
    async with app_engine.connect() as connection:
        for seed in range(20):
            low, high = bounds[seed % len(bounds)]
            tenant_secret, many = secret(100 + seed), keys(seed=200 + seed, count=250)
            # Bound as the release builder binds them: the secret as bytes, the bounds
            # as fractions.
            params = {"keys": many, "secret": tenant_secret, "low": low / 100, "high": high / 100}

            rows = (await connection.execute(query, params)).all()

            assert [key for key, _ in rows] == many
            for key, in_sql in rows:
                assert abs(in_sql - noise.factor(tenant_secret, key, low, high)) < 1e-12, key
                compared += 1
    assert compared == 20 * 250
