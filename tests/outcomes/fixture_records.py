"""The outcome definitions' fixture: about 60 participant records of the world's college,
as tables a person can check by hand (``test_definitions`` states every metric's value
on them, with the arithmetic). Each record is one line; the comment above it says which
rule it exercises (records without one are ordinary members of their cohort). The
records are made through the records service (as the member's own admin), so each one
is a record a member could really keep.

Columns (``.``: none, not recorded):

- ``id``: the member's participant identifier.
- ``entry``: program entry, PIRL 900 (``.``: 2025-09-01). ``exit``: PIRL 901 (``.``:
  still enrolled).
- ``why``: other reason for exit, PIRL 923 (``-``: none of these, ``.``: not recorded,
  ``DEAD`` deceased, ``INST`` institutionalized, ``HLTH`` health or medical).
- ``train``: type of training service, PIRL 1303 (``OCC`` occupational skills, ``OJT``
  on-the-job, ``CUST`` customized, ``UPGR`` skill upgrading, ``ADLT`` adult education
  combined with training, ``PREQ`` prerequisite, ``APPR`` registered apprenticeship).
- ``done``: training completed (``Y``/``N``).
- ``credentials``: PIRL 1800-1805, ``TYPE:date`` joined by ``+`` (``DIPL`` secondary
  diploma or equivalency, ``ASSC`` associate degree, ``BACH`` bachelor's, ``LICN``
  occupational licensure, ``CERT`` occupational certificate, ``CTFN`` occupational
  certification, ``OTHR`` other recognized).
- ``Q1-4``: employed in quarters 1-4 after the exit quarter, PIRL 1600-1606 (``E``
  employed, ``N`` not employed, ``U`` unknown: not found in wage records, ``-`` not
  recorded).
- ``employer``: ``MEMBER`` (the world's employer), ``MEMBER2`` (its other employer),
  ``OTHER`` (not a member).
- ``same``: retention with the same employer in Q2 and Q4, PIRL 1618 (``Y``/``N``).
- ``wage``: hourly wage at placement, cents. ``earn_q2``: earnings in Q2 after exit,
  PIRL 1704, cents.
- ``gain``: date of a measurable skill gain (training milestone, PIRL 1809).

In ``COST_RECORDS`` dates are written ``YYYY-..`` (the year the test runs in, which is
when the funds ledger dates the disbursements it posts) and ``PPPP-..`` (the year
before).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from coalition.auth.principal import Principal
from coalition.db.engine import SessionFactory
from coalition.db.session import tenant_transaction
from coalition.outcomes import service
from coalition.outcomes.models import (
    CredentialType,
    EmploymentStatus,
    ExitReason,
    SkillGainType,
    TrainingServiceType,
)
from tests.support.world import World

RECORDS = """
#id entry      exit       why  train done credentials     Q1-4 employer same wage earn_q2 gain
# === exits in 2026Q1: 20 in the cohorts, 2 for other reasons =================================
# first day of Q1; certificate during participation; retained by a member (TPM); gain in PY2025
A01 .          2026-01-01 -    OCC  Y    CERT:2025-12-20 EEEE MEMBER  Y    2000 900000  2025-11-10
# associate degree exactly one year after exit: counts
A02 .          2026-01-15 -    OCC  Y    ASSC:2027-01-15 EEEE MEMBER  Y    2100 950000  2026-01-05
# certificate 13 months after exit: does not count
A03 .          2026-01-20 -    OCC  Y    CERT:2027-02-20 EEEE MEMBER2 Y    2200 1000000 .
# secondary diploma with employment (Q1): counts; another employer in Q4: not retained
A04 .          2026-02-01 -    OCC  Y    DIPL:2026-01-10 EENN OTHER   N    1800 700000  2026-01-15
# secondary diploma, never employed: does not count
A05 .          2026-02-10 -    OCC  Y    DIPL:2026-02-01 NNNN .       .    .    .       .
# secondary diploma, employed only in Q3: counts; UNKNOWN quarters count as not employed
A06 .          2026-02-15 -    OCC  N    DIPL:2026-02-10 UUEU .       .    .    .       .
# OJT: out of the credential rate's denominator (its certification still a CREDENTIAL);
# OJT is in the skill gains' cohort
A07 .          2026-02-20 -    OJT  Y    CTFN:2026-02-20 EEEE MEMBER  Y    1900 800001  2026-01-30
# customized training: out of the credential denominator; another employer in Q4
A08 .          2026-02-25 -    CUST Y    .               EEEE MEMBER2 N    2500 1200000 .
# a diploma without employment does not count, the licensure beside it does
A09 .          2026-03-01 -    OCC  Y    DIPL:2026-02-01+LICN:2026-06-01 NNNN . . . . .
# "same employer" recorded but Q4 UNKNOWN: not retained (not found is not employed)
A10 .          2026-03-05 -    OCC  .    .               EEEU OTHER   Y    2049 750000  .
# no training service: out of the credential rate and the skill gains; employed Q2 not Q4
A11 .          2026-03-10 -    .    .    .               EENE MEMBER  .    1500 600000  .
# employed in Q2 but no employer and not in Q1: not placed; earnings still in the median
A12 .          2026-03-15 -    .    .    .               NENE .       .    .    500000  .
# earnings unknown: out of the median; wage unknown: placed but out of the median wage
A13 .          2026-03-20 -    OCC  Y    .               EE-E OTHER   Y    .    .       .
# other recognized credential on the exit day: counts
A14 .          2026-03-25 -    OCC  N    OTHR:2026-03-25 NNNN .       .    .    .       .
# last day of Q1; nothing recorded after exit: not employed, not placed
A15 .          2026-03-31 -    OCC  Y    .               ---- .       .    .    .       .
# registered apprenticeship is in the credential denominator
A16 .          2026-01-25 -    APPR Y    CERT:2026-01-25 EEEE MEMBER  Y    2600 1300000 2025-10-01
# bachelor's degree within the year, with no employment needed
A17 .          2026-02-05 -    OCC  Y    BACH:2026-12-31 UUUU .       .    .    .       .
# exit reason not recorded: stays in every cohort; retained by a non-member: no TPM
A18 .          2026-02-28 .    OCC  Y    .               EEEE OTHER   Y    1700 650000  .
# placed by its employer being recorded (not employed in Q1); gain before PY2025
A19 2025-03-01 2026-03-12 -    ADLT N    .               NEEN OTHER   N    1650 720000  2025-06-20
# certificate during participation, retained by a member
A20 .          2026-03-18 -    OCC  Y    CERT:2026-03-18 EEEE MEMBER  Y    2400 1100000 2026-03-01
# deceased: out of every rate and of the skill gains, still a completion, credential, placement
X1  .          2026-02-12 DEAD OCC  Y    CERT:2026-02-01 EEEE MEMBER  Y    2000 900000  2026-01-20
# institutionalized: as X1
X2  .          2026-03-03 INST OCC  Y    .               EEEE MEMBER2 Y    3000 1500000 .
# === exits in 2026Q2: 16 in the cohorts, 1 for another reason ================================
# first day of Q2; certificate just before exit
B01 .          2026-04-01 -    OCC  Y    CERT:2026-03-30 EEEE MEMBER  Y    2000 1000000 2026-02-01
# secondary diploma, employed only in Q4: counts; not placed
B02 .          2026-04-10 -    OCC  Y    DIPL:2026-04-05 NNNE .       .    .    .       .
# secondary diploma, employment all UNKNOWN: does not count
B03 .          2026-04-20 -    OCC  Y    DIPL:2026-04-10 UUUU .       .    .    .       .
# certificate 13 months after exit: does not count; another employer in Q4
B04 .          2026-05-01 -    OCC  Y    CERT:2027-06-01 EEEE MEMBER  N    2300 1100000 .
# OJT, retained by a member (TPM)
B05 .          2026-05-10 -    OJT  Y    .               EEEE MEMBER  Y    1800 850000  .
# Q2 UNKNOWN: not employed
B06 .          2026-05-15 -    OCC  N    .               NUNN .       .    .    .       .
# retained by a non-member employer: retention yes, TPM no
B07 .          2026-05-20 -    OCC  Y    ASSC:2026-05-20 EEEE OTHER   Y    2700 1250000 .
# skill upgrading, retained by the other member employer; earnings unknown
B08 .          2026-05-25 -    UPGR Y    .               EEEE MEMBER2 Y    2900 .       .
# placed (Q1), not employed in Q2
B09 .          2026-06-01 -    OCC  .    .               ENNN OTHER   .    1600 .       .
# Q3 UNKNOWN does not matter: employed and retained in Q2 and Q4
B10 .          2026-06-05 -    OCC  Y    CTFN:2026-06-05 EEUE MEMBER  Y    2100 1000001 .
# no training service, nothing after exit
B11 .          2026-06-10 -    .    .    .               ---- .       .    .    .       .
# "same employer" with Q4 UNKNOWN at a member: neither retention nor TPM
B12 .          2026-06-15 -    OCC  Y    .               EEEU MEMBER  Y    2200 1000002 .
# prerequisite training, not employed
B13 .          2026-06-20 -    PREQ N    .               NNNN .       .    .    .       .
# last day of Q2, certificate on it; gain on the last day of PY2025
B14 .          2026-06-30 -    OCC  Y    CERT:2026-06-30 EEEE MEMBER  Y    2500 1150000 2026-06-30
# customized training: its certificate a CREDENTIAL, out of the credential rate
B15 .          2026-04-15 -    CUST Y    CERT:2026-04-15 EE-- MEMBER2 .    1950 880000  .
# exit reason not recorded; Q2 UNKNOWN: not in retention's denominator
B16 .          2026-05-05 .    OCC  Y    .               EUEE OTHER   .    2050 .       .
# health or medical: out of every rate and of PY2025's skill gains
X3  .          2026-05-12 HLTH OCC  Y    CERT:2026-05-01 EEEE MEMBER  Y    2000 900000  2026-04-01
# === the others ===============================================================================
# exit in 2025Q4: in no 2026 period; participated in PY2025 with a gain in it
Z01 .          2025-12-15 -    OCC  Y    CERT:2025-12-01 EEEE MEMBER  Y    2000 900000  2025-10-15
# exit in 2025Q4, no gain: in PY2025's skill gains denominator
Z02 .          2025-11-20 -    OCC  N    .               NNNN .       .    .    .       .
# enrolled 2026Q1, still in training, gain inside PY2025
Z03 2026-01-12 .          .    OCC  .    .               ---- .       .    .    .       2026-04-15
# enrolled 2026Q1, gain after PY2025 (in PY2026)
Z04 2026-02-02 .          .    OCC  .    .               ---- .       .    .    .       2026-07-20
# enrolled on the last day of 2026Q1; no training service: in no skill gains cohort
Z05 2026-03-31 .          .    .    .    .               ---- .       .    .    .       .
# enrolled on the first day of 2026Q2, no gain
Z06 2026-04-01 .          .    OCC  .    .               ---- .       .    .    .       .
# enrolled after PY2025 (2026Q3): only in PY2026
Z07 2026-07-06 .          .    OCC  .    .               ---- .       .    .    .       2026-08-01
# exited before PY2025: not in its cohort, whatever its gain
Z08 2025-01-06 2025-05-30 -    OCC  Y    .               NNNN .       .    .    .       2025-04-01
# enrolled in 2025Q4 in OJT, still in training: in PY2025's skill gains with a gain
Z09 2025-12-31 .          .    OJT  .    .               ---- .       .    .    .       2026-01-31
# exit in 2026Q3: in 2026, not in 2026Q1 or 2026Q2
Z10 2026-01-05 2026-08-14 -    OCC  Y    CERT:2026-08-01 EEEE MEMBER  Y    1750 990000  2026-05-01
# deceased after PY2025: in PY2025's skill gains (with its gain), out of PY2026's
Z11 .          2026-07-20 DEAD OCC  .    .               ---- .       .    .    .       2026-03-01
"""

UNION_RECORDS = """
# another member's records in 2026Q1: never in the college's own figures
U01 .          2026-02-15 -    OCC  Y    CERT:2026-02-15 EEEE MEMBER  Y    3100 1600000 2026-01-10
U02 .          2026-02-16 -    OCC  Y    CERT:2026-02-16 EEEE MEMBER  Y    3200 1700000 2026-01-10
U03 2026-01-20 2026-03-16 -    OCC  Y    .               EEEE MEMBER  Y    3300 1800000 .
"""

COST_RECORDS = """
# === records of the initiative (the costs per outcome) =======================================
# a credential and a placement (employed in Q1)
C01 PPPP-09-01 YYYY-01-15 -    OCC  Y    CERT:YYYY-01-10 E--- MEMBER  .    .    .       .
# a credential, not placed
C02 PPPP-09-01 YYYY-01-20 -    OCC  Y    ASSC:YYYY-01-20 N--- .       .    .    .       .
# placed (employed in Q1), no credential
C03 PPPP-09-01 YYYY-02-10 -    OCC  Y    .               E--- .       .    .    .       .
# placed (employer recorded), no credential
C04 PPPP-09-01 YYYY-02-15 -    OCC  Y    .               N--- OTHER   .    .    .       .
# a secondary diploma without employment: no credential; not placed
C05 PPPP-09-01 YYYY-03-01 -    OCC  Y    DIPL:YYYY-02-01 NNNN .       .    .    .       .
# deceased: CREDENTIALS and PLACEMENTS have no exclusions, so it counts in both
C06 PPPP-09-01 YYYY-03-10 DEAD OCC  Y    CERT:YYYY-03-01 E--- MEMBER  .    .    .       .
# exit the year before: in no figure of this year
C07 PPPP-01-10 PPPP-06-01 -    OCC  Y    CERT:PPPP-05-01 E--- MEMBER  .    .    .       .
"""

COST_RECORDS_OUTSIDE = """
# no initiative: a credential and a placement in none of the initiative's figures
C08 PPPP-09-01 YYYY-03-05 -    OCC  Y    CERT:YYYY-03-05 E--- MEMBER  .    .    .       .
"""

DEFAULT_ENTRY = date(2025, 9, 1)
REASONS = {
    "-": ExitReason.NONE_OF_THESE,
    ".": None,
    "DEAD": ExitReason.DECEASED,
    "INST": ExitReason.INSTITUTIONALIZED,
    "HLTH": ExitReason.HEALTH_MEDICAL,
}
TRAINING = {
    ".": None,
    "OCC": TrainingServiceType.OCCUPATIONAL_SKILLS,
    "OJT": TrainingServiceType.ON_THE_JOB,
    "CUST": TrainingServiceType.CUSTOMIZED,
    "UPGR": TrainingServiceType.SKILL_UPGRADING,
    "ADLT": TrainingServiceType.ADULT_EDUCATION_COMBINED,
    "PREQ": TrainingServiceType.PREREQUISITE,
    "APPR": TrainingServiceType.REGISTERED_APPRENTICESHIP,
}
CREDENTIALS = {
    "DIPL": CredentialType.SECONDARY_DIPLOMA,
    "ASSC": CredentialType.ASSOCIATE_DEGREE,
    "BACH": CredentialType.BACHELORS_DEGREE,
    "LICN": CredentialType.OCCUPATIONAL_LICENSURE,
    "CERT": CredentialType.OCCUPATIONAL_CERTIFICATE,
    "CTFN": CredentialType.OCCUPATIONAL_CERTIFICATION,
    "OTHR": CredentialType.OTHER_RECOGNIZED,
}
EMPLOYMENT = {
    "E": EmploymentStatus.EMPLOYED,
    "N": EmploymentStatus.NOT_EMPLOYED,
    "U": EmploymentStatus.UNKNOWN,
    "-": None,
}
YES_NO = {"Y": True, "N": False, ".": None}
EMPLOYERS = {"MEMBER": "employer", "MEMBER2": "other_employer"}


@dataclass(frozen=True)
class FixtureRecord:
    """One line of a table: the identifier, the employer's code (``MEMBER``, ``MEMBER2``,
    ``OTHER`` or None) and the service's fields (all but the employer)."""

    identifier: str
    employer: str | None
    fields: dict[str, Any]

    def service_fields(self, world: World) -> dict[str, Any]:
        employer: dict[str, Any] = {}
        if self.employer == "OTHER":
            employer = {"employer_is_other": True}
        elif self.employer is not None:
            employer = {"employer_organization_id": world.organizations[EMPLOYERS[self.employer]]}
        return {"participant_identifier": self.identifier} | self.fields | employer


def _day(text: str) -> date | None:
    return None if text == "." else date.fromisoformat(text)


def _cents(text: str) -> int | None:
    return None if text == "." else int(text)


def _credentials(text: str) -> list[tuple[CredentialType, date]]:
    if text == ".":
        return []
    found = []
    for item in text.split("+"):
        kind, day = item.split(":")
        found.append((CREDENTIALS[kind], date.fromisoformat(day)))
    return found


def parse(table: str, *, year: int | None = None) -> list[FixtureRecord]:
    """The records of a table, one a line (``year``: what ``YYYY`` stands for, ``PPPP``
    the year before)."""
    if year is not None:
        table = table.replace("YYYY", f"{year:04d}").replace("PPPP", f"{year - 1:04d}")
    records = []
    for line in table.splitlines():
        cells = line.split()
        if not cells or cells[0].startswith("#"):
            continue
        assert len(cells) == 13, line
        identifier, entry, exit_on, why, train, done, credentials, quarters = cells[:8]
        employer, same, wage, earnings, gain = cells[8:]
        assert len(quarters) == 4, identifier
        employment = {
            f"employed_q{n}": EMPLOYMENT[status] for n, status in enumerate(quarters, start=1)
        }
        exit_date = _day(exit_on)
        fields: dict[str, Any] = {
            "entry_date": _day(entry) or DEFAULT_ENTRY,
            "exit_date": exit_date,
            "exit_reason": REASONS[why] if exit_date is not None else None,
            "training_service_type": TRAINING[train],
            "training_completed": YES_NO[done],
            "credentials": _credentials(credentials),
            **employment,
            "same_employer_q2_q4": YES_NO[same],
            "hourly_wage_cents": _cents(wage),
            "earnings_q2_cents": _cents(earnings),
            "skill_gains": (
                [] if gain == "." else [(SkillGainType.TRAINING_MILESTONE, _day(gain))]
            ),
        }
        records.append(FixtureRecord(identifier, None if employer == "." else employer, fields))
    return records


async def add_fixture(
    sessions: SessionFactory,
    world: World,
    principal: Principal,
    organization_id: uuid.UUID,
    records: list[FixtureRecord],
    **fields: Any,
) -> None:
    """Make the records through the records service as ``principal`` (an admin of
    ``organization_id``); ``fields`` (an initiative) are set on each."""
    async with tenant_transaction(sessions, world.id) as session:
        for record in records:
            await service.create_participant_record(
                session,
                principal,
                organization_id=organization_id,
                fields=record.service_fields(world) | fields,
            )


__all__ = [
    "COST_RECORDS",
    "COST_RECORDS_OUTSIDE",
    "RECORDS",
    "UNION_RECORDS",
    "FixtureRecord",
    "add_fixture",
    "parse",
]
