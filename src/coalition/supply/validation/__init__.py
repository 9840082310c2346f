"""Field rules of training programs and cohorts, shared by the API and (later) the CSV
import.

``program_fields`` and ``cohort_fields`` check the fields they are given, against the
vocabulary they are handed (the CIP codes, SOC codes and skill IDs asked about that
exist, so a file of many rows is checked in memory) and against the record's current
state for rules that span fields. Every problem is reported in one round, each with
the API input path of its field (``cipCode``, ``skills.2.level``,
``credential.ctid``, ``cost.amountMinor``).

Text PostgreSQL cannot store (U+0000, a lone surrogate) never reaches here from the
API: the HTTP edge refuses it in every text input (``coalition.api.payload``).

Decisions:

- A program's CIP code is a 6-digit CIP 2020 program code (``51.3902``) of the loaded
  table: a 2-digit family or 4-digit series names no program.
- Hours (up to ``MAX_HOURS``) and weeks (up to ``MAX_WEEKS``) are whole numbers above
  zero; the cost to the learner is zero or more minor units of an ISO 4217 currency.
- A program that earns no credential (kind NONE) has no credential name nor CTID.
- A cohort's ``enrolled`` may not exceed its ``seats``: more people than places is a
  typing mistake far more often than a fact (raise the seats first).
- The completion rate is a percentage from 0 to 100 with at most two decimals.
- Program status: a new program is DRAFT or ACTIVE; DRAFT may become ACTIVE or
  DISCONTINUED, ACTIVE may become DISCONTINUED, and a DISCONTINUED program may be
  offered again (ACTIVE). A published program never goes back to DRAFT: members and
  partner apps have seen it, and hiding it again would make it vanish from under them.
- Cohort status: a cohort may be recorded in any status (a provider enters past runs
  as COMPLETED); afterwards PLANNED may become ENROLLING, RUNNING or CANCELLED,
  ENROLLING may become RUNNING, CANCELLED or back to PLANNED, RUNNING may become
  COMPLETED or CANCELLED; COMPLETED and CANCELLED are final.
"""

from __future__ import annotations

from coalition.supply.validation.cohort import (
    COHORT_TRANSITIONS,
    FINAL_COHORT_STATUSES,
    MAX_SEATS,
    cohort_fields,
)
from coalition.supply.validation.program import (
    DEFAULT_CURRENCY,
    INITIAL_PROGRAM_STATUSES,
    MAX_EXTERNAL_ID,
    MAX_OCCUPATIONS,
    MAX_SKILLS,
    PROGRAM_TRANSITIONS,
    program_defaults,
    program_fields,
)
from coalition.supply.validation.shared import Vocabulary

__all__ = [
    "COHORT_TRANSITIONS",
    "DEFAULT_CURRENCY",
    "FINAL_COHORT_STATUSES",
    "INITIAL_PROGRAM_STATUSES",
    "MAX_EXTERNAL_ID",
    "MAX_OCCUPATIONS",
    "MAX_SEATS",
    "MAX_SKILLS",
    "PROGRAM_TRANSITIONS",
    "Vocabulary",
    "cohort_fields",
    "program_defaults",
    "program_fields",
]
