"""The program and cohort forms of the provider's pages: their choices in plain words,
and what a person typed as the GraphQL input of createTrainingProgram,
updateTrainingProgram, createCohort and updateCohort."""

from __future__ import annotations

import re
from typing import Any

from coalition.web.forms import decimal_number, dollars_to_minor, whole_number
from coalition.web.visit import FormError, first

CREDENTIAL_KINDS = {
    "CERTIFICATE": "Certificate of completion",
    "INDUSTRY_CERTIFICATION": "Industry certification (e.g. AWS Certified Welder)",
    "OCCUPATIONAL_LICENSE": "Occupational license (e.g. LPN)",
    "ASSOCIATE_DEGREE": "Associate degree",
    "APPRENTICESHIP_CERTIFICATE": "Apprenticeship completion certificate",
    "NONE": "No credential",
}
MODALITIES = {"IN_PERSON": "In person", "ONLINE": "Online", "HYBRID": "Hybrid"}
SCHEDULES = {
    "DAYTIME": "Weekday daytime",
    "EVENING": "Evenings",
    "WEEKEND": "Weekends",
    "SELF_PACED": "At the learner's own pace",
}
WORK_BASED_LEARNING = {
    "REGISTERED_APPRENTICESHIP": "Registered apprenticeship",
    "PRE_APPRENTICESHIP": "Pre-apprenticeship",
    "ON_THE_JOB_TRAINING": "On-the-job training",
    "INTERNSHIP": "Internship",
    "EARN_AND_LEARN": "Earn and learn",
    "NONE": "None",
}
SUPPORTS = {
    "CHILDCARE": "Childcare",
    "TRANSPORTATION": "Transportation",
    "LANGUAGE_ACCESS": "Help in other languages",
    "DISABILITY_ACCOMMODATION": "Disability accommodations",
    "STIPEND": "A stipend",
    "PAID_WHILE_TRAINING": "Paid while training",
}
PROGRAM_STATUSES = {"DRAFT": "Draft", "ACTIVE": "Active", "DISCONTINUED": "Discontinued"}
COHORT_STATUSES = {
    "PLANNED": "Planned",
    "ENROLLING": "Enrolling",
    "RUNNING": "Running",
    "COMPLETED": "Completed",
    "CANCELLED": "Cancelled",
}
CHOICES = {
    "credential_kinds": CREDENTIAL_KINDS,
    "modalities": MODALITIES,
    "schedules": SCHEDULES,
    "work_based_learning": WORK_BASED_LEARNING,
    "supports": SUPPORTS,
    "program_statuses": PROGRAM_STATUSES,
    "cohort_statuses": COHORT_STATUSES,
}

# Where each GraphQL input path's problems show on the program form.
PROGRAM_FIELDS = {
    "name": "name",
    "description": "description",
    "cipCode": "cipCode",
    "occupationCodes": "occupationCodes",
    "skills": "skills",
    "credential": "credentialKind",
    "credential.kind": "credentialKind",
    "credential.name": "credentialName",
    "credential.ctid": "credentialCtid",
    "hours": "hours",
    "weeks": "weeks",
    "cost": "cost",
    "modality": "modality",
    "schedules": "schedules",
    "workBasedLearning": "workBasedLearning",
    "supports": "supports",
    "isEligibleTrainingProvider": "isEligibleTrainingProvider",
    "externalId": "externalId",
    "status": "status",
}
COHORT_FIELDS = {
    name: name
    for name in ("startsOn", "endsOn", "seats", "enrolled", "expectedCompletionRate", "status")
}
_SPLIT = re.compile(r"[\s,;]+")
_SKILLS_SPLIT = re.compile(r"[;,\n]+")


def program_values(program: dict[str, Any]) -> dict[str, Any]:
    """A program read from GraphQL as the form's values (for editing it)."""
    credential = program.get("credential") or {}
    cost = program.get("cost")
    return {
        "name": program["name"],
        "description": program.get("description") or "",
        "cipCode": program["cipCode"],
        "occupationCodes": ", ".join(o["code"] for o in program.get("occupations") or ()),
        "skills": "; ".join(
            f"{s['skill']['id']}:{s['level']}" for s in program.get("skills") or ()
        ),
        "credentialKind": credential.get("kind", ""),
        "credentialName": credential.get("name") or "",
        "credentialCtid": credential.get("ctid") or "",
        "hours": "" if program.get("hours") is None else str(program["hours"]),
        "weeks": "" if program.get("weeks") is None else str(program["weeks"]),
        "cost": "" if cost is None else cost["formatted"].lstrip("$"),
        "modality": program["modality"],
        "schedules": list(program.get("schedules") or ()),
        "workBasedLearning": list(program.get("workBasedLearning") or ()),
        "supports": list(program.get("supports") or ()),
        "isEligibleTrainingProvider": bool(program.get("isEligibleTrainingProvider")),
        "externalId": program.get("externalId") or "",
        "status": program.get("status", "ACTIVE"),
    }


def typed_program(values: dict[str, list[str]]) -> dict[str, Any]:
    """What the person typed, to show the form again."""
    shown: dict[str, Any] = {
        name: first(values, name)
        for name in PROGRAM_FIELDS.values()
        if name not in ("schedules", "workBasedLearning", "supports")
    }
    for name in ("schedules", "workBasedLearning", "supports"):
        shown[name] = values.get(name, [])
    shown["isEligibleTrainingProvider"] = first(values, "isEligibleTrainingProvider") == "yes"
    return shown


def _optional_whole(
    values: dict[str, list[str]], name: str, what: str, errors: list[FormError]
) -> int | None:
    text = first(values, name)
    if not text:
        return None
    number = whole_number(text)
    if number is None:
        errors.append(FormError(name, f"Give {what} as a whole number, like 12."))
    return number


def _chosen(values: dict[str, list[str]], name: str) -> list[str]:
    # An unknown value is passed on as it is: the schema refuses it and the form says so.
    return list(dict.fromkeys(v for v in values.get(name, []) if v))


def program_input(
    values: dict[str, list[str]], *, for_update: bool
) -> tuple[dict[str, Any], list[FormError]]:
    """The form as createTrainingProgram's (or, ``for_update``, updateTrainingProgram's)
    input, and the values that are not the kind GraphQL takes (a number, an amount)."""
    errors: list[FormError] = []
    hours = _optional_whole(values, "hours", "the hours", errors)
    weeks = _optional_whole(values, "weeks", "the weeks", errors)
    cost_text = first(values, "cost")
    cost = None
    if cost_text:
        minor = dollars_to_minor(cost_text)
        if minor is None:
            errors.append(FormError("cost", "Give the cost in dollars, like 2750 or 2,750.00."))
        else:
            cost = {"amountMinor": minor, "currency": "USD"}
    skills = []
    for part in _SKILLS_SPLIT.split(first(values, "skills")):
        if not part.strip():
            continue
        skill_id, _, level_text = part.strip().rpartition(":")
        level = whole_number(level_text)
        if not skill_id.strip() or level is None:
            errors.append(
                FormError("skills", "Write each skill as its ID, a colon and a level: 2.B.3.h:3.")
            )
            break
        skills.append({"skillId": skill_id.strip(), "level": level})
    kind = first(values, "credentialKind")
    credential: dict[str, Any] = {"kind": kind or "CERTIFICATE"}
    if kind != "NONE":
        credential["name"] = first(values, "credentialName") or None
        credential["ctid"] = first(values, "credentialCtid") or None
    fields: dict[str, Any] = {
        "name": first(values, "name"),
        "description": first(values, "description"),
        "cipCode": first(values, "cipCode"),
        "occupationCodes": [c for c in _SPLIT.split(first(values, "occupationCodes")) if c],
        "skills": skills,
        "credential": credential,
        "hours": hours,
        "weeks": weeks,
        "cost": cost,
        "modality": first(values, "modality") or "IN_PERSON",
        "schedules": _chosen(values, "schedules"),
        "workBasedLearning": _chosen(values, "workBasedLearning"),
        "supports": _chosen(values, "supports"),
        "isEligibleTrainingProvider": first(values, "isEligibleTrainingProvider") == "yes",
        "externalId": first(values, "externalId") or None,
    }
    if not for_update:
        fields["status"] = first(values, "status") or "ACTIVE"
    return fields, errors


def cohort_values(cohort: dict[str, Any]) -> dict[str, str]:
    return {
        "startsOn": cohort["startsOn"],
        "endsOn": cohort["endsOn"],
        "seats": str(cohort["seats"]),
        "enrolled": "" if cohort.get("enrolled") is None else str(cohort["enrolled"]),
        "expectedCompletionRate": f"{cohort['expectedCompletionRate']:g}",
        "status": cohort["status"],
    }


def typed_cohort(values: dict[str, list[str]]) -> dict[str, str]:
    return {name: first(values, name) for name in COHORT_FIELDS}


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def cohort_input(values: dict[str, list[str]]) -> tuple[dict[str, Any], list[FormError]]:
    """The cohort form as createCohort's input (updateCohort takes the same fields)."""
    errors: list[FormError] = []
    fields: dict[str, Any] = {}
    for name, what in (("startsOn", "first day"), ("endsOn", "last day")):
        text = first(values, name)
        if not _DATE.match(text):
            errors.append(FormError(name, f"Give the {what} as a date, like 2027-01-11."))
        fields[name] = text
    seats = whole_number(first(values, "seats"))
    if seats is None:
        errors.append(FormError("seats", "Give the seats as a whole number, like 16."))
    fields["seats"] = seats
    fields["enrolled"] = _optional_whole(values, "enrolled", "the people enrolled", errors)
    rate = decimal_number(first(values, "expectedCompletionRate"))
    if rate is None:
        errors.append(
            FormError("expectedCompletionRate", "Give the completion rate in percent, like 85.")
        )
    fields["expectedCompletionRate"] = rate
    fields["status"] = first(values, "status") or "PLANNED"
    return fields, errors


__all__ = [
    "CHOICES",
    "COHORT_FIELDS",
    "PROGRAM_FIELDS",
    "cohort_input",
    "cohort_values",
    "program_input",
    "program_values",
    "typed_cohort",
    "typed_program",
]
