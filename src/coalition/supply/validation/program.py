"""Field rules of a training program (see the package docstring for the decisions)."""

from __future__ import annotations

import enum
import re
from typing import Any, TypeVar

from coalition.demand.models import WorkBasedLearning
from coalition.errors import UserError
from coalition.money import MAX_AMOUNT_MINOR
from coalition.supply.errors import SupplyErrorCode as Code
from coalition.supply.models import CredentialKind, Modality, ProgramStatus, Schedule, Support
from coalition.supply.validation.shared import Fields, Vocabulary, status_of, with_required
from coalition.validation import MAX_TEXT, Checker

E = TypeVar("E", bound=enum.StrEnum)

MAX_NAME = 200
MAX_CREDENTIAL_NAME = 200
MAX_EXTERNAL_ID = 100
MAX_OCCUPATIONS = 20
MAX_SKILLS = 30
MIN_LEVEL, MAX_LEVEL = 1, 4
MAX_HOURS = 10_000
MAX_WEEKS = 520
DEFAULT_CURRENCY = "USD"
CIP_PROGRAM = re.compile(r"^\d{2}\.\d{4}$")
CTID = re.compile(r"^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DIGITS = re.compile(r"^[+-]?\d{1,20}$")

PROGRAM_TRANSITIONS: dict[ProgramStatus, frozenset[ProgramStatus]] = {
    ProgramStatus.DRAFT: frozenset(
        {ProgramStatus.DRAFT, ProgramStatus.ACTIVE, ProgramStatus.DISCONTINUED}
    ),
    ProgramStatus.ACTIVE: frozenset({ProgramStatus.ACTIVE, ProgramStatus.DISCONTINUED}),
    ProgramStatus.DISCONTINUED: frozenset({ProgramStatus.DISCONTINUED, ProgramStatus.ACTIVE}),
}
INITIAL_PROGRAM_STATUSES = frozenset({ProgramStatus.DRAFT, ProgramStatus.ACTIVE})
PROGRAM_REQUIRED = ("name", "cip_code", "credential", "modality")


def program_defaults() -> dict[str, Any]:
    """The values a new program takes for the fields it was not given."""
    return {
        "description": "",
        "occupation_codes": [],
        "skills": [],
        "credential_name": None,
        "credential_ctid": None,
        "hours": None,
        "weeks": None,
        "cost_minor": None,
        "currency": DEFAULT_CURRENCY,
        "schedules": [],
        "work_based_learning": [],
        "supports": [],
        "is_etpl": False,
        "external_id": None,
        "status": ProgramStatus.ACTIVE,
    }


def _cip(check: Checker, value: Any, vocabulary: Vocabulary) -> str | None:
    code = str(value).strip() if value is not None else ""
    if not code:
        check.add(("cipCode",), "cipCode is required.", Code.REQUIRED)
        return None
    if not CIP_PROGRAM.match(code):
        check.add(
            ("cipCode",), "cipCode must be a 6-digit CIP 2020 code, e.g. 48.0501.", Code.INVALID
        )
        return None
    if code not in vocabulary.cip_codes:
        check.add(("cipCode",), f"No CIP 2020 program with code {code!r}.", Code.NOT_FOUND)
        return None
    return code


def _occupations(check: Checker, value: Any, vocabulary: Vocabulary) -> list[str] | None:
    items = list(value or [])
    if len(items) > MAX_OCCUPATIONS:
        check.add(
            ("occupationCodes",),
            f"A program lists at most {MAX_OCCUPATIONS} occupations.",
            Code.TOO_MANY,
        )
        return None
    cleaned: list[str] = []
    before = len(check.errors)
    for index, item in enumerate(items):
        path = ("occupationCodes", str(index))
        code = str(item if item is not None else "").strip()
        if code in cleaned:
            check.add(path, f"Occupation {code!r} is listed twice.", Code.DUPLICATE)
        elif code not in vocabulary.occupation_codes:
            check.add(path, f"No occupation with SOC code {code!r}.", Code.NOT_FOUND)
        cleaned.append(code)
    return cleaned if len(check.errors) == before else None


def _skills(check: Checker, value: Any, vocabulary: Vocabulary) -> list[tuple[str, int]] | None:
    items = list(value or [])
    if len(items) > MAX_SKILLS:
        check.add(("skills",), f"A program teaches at most {MAX_SKILLS} skills.", Code.TOO_MANY)
        return None
    before = len(check.errors)
    cleaned: list[tuple[str, int]] = []
    seen: set[str] = set()
    for index, (raw_id, raw_level) in enumerate(items):
        position = ("skills", str(index))
        skill_id = str(raw_id if raw_id is not None else "").strip()
        if skill_id in seen:
            check.add(
                (*position, "skillId"), f"Skill {skill_id!r} is listed twice.", Code.DUPLICATE
            )
        elif skill_id not in vocabulary.skill_ids:
            check.add((*position, "skillId"), f"No skill with ID {skill_id!r}.", Code.NOT_FOUND)
        seen.add(skill_id)
        level = check.integer((*position, "level"), raw_level, name="level")
        if level is not None and not MIN_LEVEL <= level <= MAX_LEVEL:
            check.add(
                (*position, "level"),
                f"level must be between {MIN_LEVEL} and {MAX_LEVEL}.",
                Code.OUT_OF_RANGE,
            )
        if level is not None:
            cleaned.append((skill_id, level))
    return cleaned if len(check.errors) == before else None


def _ctid(check: Checker, value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    if not CTID.match(text):
        message = "ctid must be a Credential Engine CTID: ce- and a lowercase UUID."
        check.add(("credential", "ctid"), message, Code.INVALID)
        return None
    return text


def _credential(check: Checker, value: Any) -> dict[str, Any] | None:
    """{kind, name, ctid} as the three credential columns."""
    if value is None:
        check.add(("credential",), "credential is required.", Code.REQUIRED)
        return None
    kind = check.choice_by_name(
        ("credential", "kind"), value.get("kind"), CredentialKind, name="kind"
    )
    name = check.name(
        ("credential", "name"), value.get("name"), required=False, limit=MAX_CREDENTIAL_NAME
    )
    ctid = _ctid(check, value.get("ctid"))
    if kind is CredentialKind.NONE and (name is not None or ctid is not None):
        check.add(
            ("credential", "name" if name is not None else "ctid"),
            "A program that earns no credential (NONE) has no credential name or CTID.",
            Code.INVALID,
        )
    return {"credential_kind": kind, "credential_name": name, "credential_ctid": ctid}


def _positive(check: Checker, field: str, value: Any, high: int) -> int | None:
    if value is None:
        return None
    number = check.integer((field,), value, name=field)
    if number is not None and not 1 <= number <= high:
        check.add((field,), f"{field} must be between 1 and {high}.", Code.OUT_OF_RANGE)
        return None
    return number


def _cost(check: Checker, value: Any) -> tuple[int | None, str]:
    """(minor units, currency) of a cost given as (amount, currency); no cost is
    (None, USD)."""
    if value is None:
        return None, DEFAULT_CURRENCY
    amount, raw_currency = value
    currency = check.currency(
        ("cost", "currency"), None if raw_currency is None else str(raw_currency)
    )
    text = str(amount if amount is not None else "").strip()
    cents: int | None = None
    if isinstance(amount, bool) or not DIGITS.match(text):
        check.add(
            ("cost", "amountMinor"),
            "Give the cost in the currency's smallest unit (cents for USD) as digits, "
            "e.g. 250000 for $2,500.00.",
            Code.INVALID,
        )
    elif int(text) < 0:
        check.add(("cost", "amountMinor"), "The cost cannot be negative.", Code.OUT_OF_RANGE)
    elif int(text) > MAX_AMOUNT_MINOR:
        check.add(
            ("cost", "amountMinor"),
            f"The cost may be at most {MAX_AMOUNT_MINOR} in the currency's smallest unit.",
            Code.OUT_OF_RANGE,
        )
    else:
        cents = int(text)
    return cents, currency or DEFAULT_CURRENCY


def _kinds(check: Checker, field: str, value: Any, kind: type[E]) -> list[str]:
    chosen: list[str] = []
    for index, item in enumerate(value or []):
        member = check.choice_by_name((field, str(index)), item, kind, name=field)
        if member is not None and member.value not in chosen:
            chosen.append(member.value)
    return chosen


def _work_based_learning(check: Checker, value: Any) -> list[str]:
    kinds = _kinds(check, "workBasedLearning", value, WorkBasedLearning)
    if WorkBasedLearning.NONE.value in kinds and len(kinds) > 1:
        check.add(("workBasedLearning",), "NONE cannot be combined with other kinds.", Code.INVALID)
    return kinds


def _boolean(check: Checker, field: str, value: Any) -> bool | None:
    if not isinstance(value, bool):
        check.add((field,), f"{field} must be true or false.", Code.INVALID)
        return None
    return value


def program_fields(
    values: dict[str, Any], *, current: dict[str, Any] | None, vocabulary: Vocabulary
) -> tuple[dict[str, Any], list[UserError]]:
    """Check the given fields of a program; with ``current`` None a new one (every
    required field: name, cip_code, credential, modality).

    ``values`` holds any of: name, description, cip_code, occupation_codes [SOC],
    skills [(skill_id, level)], credential {kind, name, ctid}, hours, weeks, cost
    ((amount in minor units, currency) or None), modality, schedules,
    work_based_learning, supports, is_etpl, external_id, status. The result holds
    column values (``credential_kind``, ``cost_minor``, ``currency``...) for the given
    fields only, plus ``occupation_codes`` and ``skills`` when given, and every problem
    found, all at once."""
    if current is None:
        values = with_required(values, PROGRAM_REQUIRED)
    fields = Fields(values)
    fields.take("name", lambda c, v: c.name(("name",), v, required=True, limit=MAX_NAME))
    fields.take(
        "description",
        lambda c, v: c.text(("description",), v, required=False, limit=MAX_TEXT) or "",
    )
    fields.take("cip_code", lambda c, v: _cip(c, v, vocabulary))
    fields.take("occupation_codes", lambda c, v: _occupations(c, v, vocabulary))
    fields.take("skills", lambda c, v: _skills(c, v, vocabulary))
    fields.take("credential", _credential)
    fields.take("hours", lambda c, v: _positive(c, "hours", v, MAX_HOURS))
    fields.take("weeks", lambda c, v: _positive(c, "weeks", v, MAX_WEEKS))
    fields.take("cost", _cost)
    fields.take(
        "modality", lambda c, v: c.choice_by_name(("modality",), v, Modality, name="modality")
    )
    fields.take("schedules", lambda c, v: _kinds(c, "schedules", v, Schedule))
    fields.take("work_based_learning", _work_based_learning)
    fields.take("supports", lambda c, v: _kinds(c, "supports", v, Support))
    fields.take("is_etpl", lambda c, v: _boolean(c, "isEligibleTrainingProvider", v))
    fields.take(
        "external_id",
        lambda c, v: c.text(("externalId",), v, required=False, limit=MAX_EXTERNAL_ID),
    )
    fields.take(
        "status",
        lambda c, v: status_of(
            c,
            v,
            current=None if current is None else current["status"],
            kind=ProgramStatus,
            transitions=PROGRAM_TRANSITIONS,
            initial=INITIAL_PROGRAM_STATUSES,
            noun="program",
        ),
    )
    cleaned = fields.valid()
    credential = cleaned.pop("credential", None)
    if credential is not None:
        cleaned.update(credential)
    if "cost" in cleaned:
        cleaned["cost_minor"], cleaned["currency"] = cleaned.pop("cost")
    return cleaned, fields.errors


__all__ = [
    "DEFAULT_CURRENCY",
    "INITIAL_PROGRAM_STATUSES",
    "MAX_EXTERNAL_ID",
    "MAX_OCCUPATIONS",
    "MAX_SKILLS",
    "PROGRAM_TRANSITIONS",
    "program_defaults",
    "program_fields",
]
