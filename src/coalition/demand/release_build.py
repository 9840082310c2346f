"""Building a release's fine cells: one INSERT ... SELECT over the tenant's shared signals.

Each ACTIVE signal shared POOLED or NAMED counts in every quarter of its horizon,
its openings spread evenly over them (a year's 12 openings are 3 a quarter; a
cell's figure is then "openings expected in this quarter"). Its cells are the
product of those quarters with its one occupation, degree rule, work-based
learning set and skill set, grouped per employer and sharing level.

A POOLED signal's openings and hourly wage are multiplied by permanent factors
(``coalition.disclosure.noise``), keyed by the employer, the signal's own
permanent key (the posting ID the employer gave, so a re-imported file keeps its
factors, or else the signal's ID) and the value itself (its openings; its wage
range and unit). One factor per value of a signal, not per cell: the same
openings fall in several cells (each quarter, each skill), and different factors
on one value could be intersected to narrow it. Not one per signal for all its
values: an edit from 300 to 400 openings would then differ by (400 - 300) x f,
and once the signal turns NAMED (400 public, entering exactly) the releases
before and after give f, and with it the 300 it had while POOLED; a single
factor would also give the ratio of any two values it took. NAMED signals are
public and enter as they are.

An employer's wage in a cell averages its signals' noised wages weighed by their
*noised* openings: weighed by the true ones, a cell mixing a POOLED signal with a
NAMED one (public openings and wage) would give the POOLED openings exactly, as
30 x (named wage - mix) / (mix - pooled wage), from two medians
(tests/demand/test_release_attacks.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from coalition.demand.summary_rows import HOURS_PER_YEAR
from coalition.disclosure.rule import DisclosureRule


def _unit(key_sql: str) -> str:
    """SQL twin of ``noise.unit``: the first four bytes of SHA-256(secret || key) / 2^32
    (one digest: its first 8 hex digits read as a 32-bit number)."""
    digest = f"encode(sha256(:secret || convert_to({key_sql}, 'UTF8')), 'hex')"
    return f"(('x' || left({digest}, 8))::bit(32)::bigint::float8 / 4294967296.0)"


def _factor_of(u: str) -> str:
    """SQL twin of ``noise.factor`` for a unit value ``u``, ``:low``/``:high`` fractions."""
    # Typed: the driver would infer ``1 - $1`` as integer arithmetic.
    low, high = "CAST(:low AS float8)", "CAST(:high AS float8)"
    return (
        f"(CASE WHEN {u} < 0.5 THEN 1 - {high} + ({high} - {low}) * (2 * {u}) "
        f"ELSE 1 + {low} + ({high} - {low}) * (2 * {u} - 1) END)"
    )


def _factor(key_sql: str) -> str:
    """SQL twin of ``noise.factor`` for a key."""
    return _factor_of(_unit(key_sql))


_KEY = "s.organization_id::text || ':' || coalesce('posting:' || s.external_id, s.id::text)"
# The value noised is part of the key: each value a signal takes has its own factor.
_OPENINGS = "s.openings::text"
_WAGE = (
    "coalesce(s.wage_min_minor::text, '') || '-' || coalesce(s.wage_max_minor::text, '')"
    " || '/' || coalesce(s.wage_unit::text, '')"
)

# Built from constants only (no input): the values are bound parameters.
BUILD = f"""
WITH signals AS MATERIALIZED (
    SELECT s.organization_id, s.sharing_level = 'NAMED' AS named, s.occupation_code,
           s.start_quarter, s.end_quarter, s.is_degree_required, s.currency,
           coalesce((SELECT array_agg(DISTINCT kind ORDER BY kind)
                       FROM unnest(s.work_based_learning) kind WHERE kind <> 'NONE'),
                    ARRAY['NONE']) AS work_based_learning,
           coalesce((SELECT array_agg(k.skill_id ORDER BY k.skill_id)
                       FROM demand_signal_skills k
                      WHERE k.tenant_id = s.tenant_id AND k.signal_id = s.id),
                    ARRAY[]::text[]) AS skill_ids,
           s.openings::float8 / (
               ((extract(year FROM s.end_quarter)::int * 12
                 + extract(month FROM s.end_quarter)::int)
              - (extract(year FROM s.start_quarter)::int * 12
                 + extract(month FROM s.start_quarter)::int)) / 3 + 1) AS share,
           (coalesce(s.wage_min_minor, s.wage_max_minor)
              + coalesce(s.wage_max_minor, s.wage_min_minor))::float8 / 2
             / (CASE WHEN s.wage_unit = 'YEAR' THEN {HOURS_PER_YEAR} ELSE 1 END) AS hourly,
           CASE WHEN s.sharing_level = 'NAMED' THEN NULL
                ELSE {_unit("'openings:' || " + _KEY + " || ':' || " + _OPENINGS)} END AS unit,
           CASE WHEN s.sharing_level = 'NAMED' THEN NULL
                ELSE {_unit("'wage:' || " + _KEY + " || ':' || " + _WAGE)} END AS wage_unit
      FROM demand_signals s
     WHERE s.tenant_id = :tenant AND s.status = 'ACTIVE'
       AND s.sharing_level IN ('POOLED', 'NAMED')
),
noised AS MATERIALIZED (
    SELECT signals.*,
           coalesce({_factor_of("unit")}, 1.0) AS factor,
           coalesce({_factor_of("wage_unit")}, 1.0) AS wage_factor
      FROM signals
)
INSERT INTO demand_release_cells (tenant_id, id, release_id, organization_id, named,
    occupation_code, quarter, is_degree_required, work_based_learning, skill_ids, currency,
    openings, noised_openings, wage_openings, noised_wage_sum)
SELECT :tenant, gen_random_uuid(), :release, organization_id, named, occupation_code,
       quarter::date, is_degree_required, work_based_learning, skill_ids, currency,
       sum(share), sum(share * factor),
       coalesce(sum(share * factor) FILTER (WHERE hourly IS NOT NULL), 0),
       coalesce(sum(share * factor * hourly * wage_factor) FILTER (WHERE hourly IS NOT NULL), 0)
  FROM noised
 CROSS JOIN LATERAL generate_series(start_quarter, end_quarter, interval '3 months') quarter
 GROUP BY organization_id, named, occupation_code, quarter, is_degree_required,
          work_based_learning, skill_ids, currency
"""  # noqa: S608


async def build_cells(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    release_id: uuid.UUID,
    secret: bytes,
    rule: DisclosureRule,
) -> int:
    """Insert the release's fine cells (the caller's transaction, tenant already set);
    the number of cells written."""
    params: dict[str, Any] = {
        "tenant": tenant_id,
        "release": release_id,
        "secret": secret,
        "low": rule.noise_min_percent / 100,
        "high": rule.noise_max_percent / 100,
    }
    result = await session.execute(text(BUILD), params)
    return int(result.rowcount)  # type: ignore[attr-defined]


__all__ = ["BUILD", "build_cells"]
