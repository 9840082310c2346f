"""Field rules for organizations, people, API clients and the partnership's settings.

Each function records every problem it finds on the caller's ``Checker`` (paths are
API input paths) and returns the cleaned values; the caller adds the checks that need
the database and then calls ``check.done()``, so all problems are reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from coalition.auth.scopes import SCOPES, unknown_scopes
from coalition.disclosure.rule import DisclosureRule, InvalidDisclosureSettings
from coalition.errors import InvalidInput, UserError
from coalition.tenancy.models import OrganizationKind, Role
from coalition.validation import MAX_NAME, Checker

MAX_PLACE = 120
MAX_EMPLOYEES = 10_000_000
NAICS = re.compile(r"^\d{2,6}$")


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone known to this installation. Checked against
    the list, never by opening a file named after caller input."""
    return name in _time_zones()


def not_found(field: str, what: str) -> InvalidInput:
    """An ID of another tenant fails exactly like one that does not exist."""
    return InvalidInput([UserError((field,), f"No {what} with this ID.", "NOT_FOUND")])


def organization_fields(
    check: Checker, values: Mapping[str, Any], *, creating: bool
) -> dict[str, Any]:
    """The given fields, cleaned (all of them on create, the present ones on update).
    Names are trimmed and their inner whitespace collapsed to one space."""
    cleaned: dict[str, Any] = {}
    if creating or "name" in values:
        name = values.get("name")
        if name is None:
            check.add(("name",), "A name is required.", "REQUIRED")
        cleaned["name"] = None if name is None else check.name(("name",), name, required=True)
    if creating or "kind" in values:
        kind = values.get("kind")
        if not isinstance(kind, OrganizationKind):
            check.add(("kind",), "A kind is required.", "REQUIRED")
        cleaned["kind"] = kind
    if "employee_count" in values:
        cleaned["employee_count"] = check.bounded(
            ("employeeCount",), values["employee_count"], low=0, high=MAX_EMPLOYEES
        )
    if "naics_code" in values:
        code = values["naics_code"]
        code = code.strip() if isinstance(code, str) else code
        if code and not NAICS.match(code):
            check.add(("naicsCode",), "Give a NAICS code of 2 to 6 digits.", "INVALID")
        cleaned["naics_code"] = code or None
    for field, column in (("city", "city"), ("region", "region")):
        if column in values:
            cleaned[column] = check.text((field,), values[column], required=False, limit=MAX_PLACE)
    if "website" in values:
        cleaned["website"] = check.url(("website",), values["website"], required=False)
    if values.get("recognition_opt_out") is not None:
        # Whether the organization appears in the public investment-recognition ranking.
        cleaned["recognition_opt_out"] = bool(values["recognition_opt_out"])
    return cleaned


def membership_fields(
    check: Checker, *, email: Any, display_name: Any, role: Any
) -> tuple[str | None, str | None, Role | None]:
    """The person's email (lowercased), display name and role."""
    clean_email = check.email(("email",), email, required=True)
    clean_name = check.name(("displayName",), display_name, required=False)
    clean_role = role if isinstance(role, Role) else None
    if clean_role is None:
        check.add(("role",), "A role is required.", "REQUIRED")
    return clean_email, clean_name, clean_role


def api_client_fields(
    check: Checker, *, name: Any, scopes: Sequence[str]
) -> tuple[str | None, list[str]]:
    """The client's name and its scopes, sorted, each known."""
    clean_name = check.text(("name",), name, required=True, limit=MAX_NAME)
    requested = sorted({scope.strip() for scope in scopes})
    if not requested:
        check.add(("scopes",), "Give the client at least one scope.", "REQUIRED")
    unknown = unknown_scopes(requested)
    if unknown:
        check.add(
            ("scopes",),
            f"Unknown scopes: {', '.join(unknown)}. Use any of {', '.join(sorted(SCOPES))}.",
            "INVALID",
        )
    return clean_name, requested


def tenant_settings(
    check: Checker,
    current: Mapping[str, Any],
    *,
    min_employers: int | None,
    max_share_percent: int | None,
    time_zone: str | None,
) -> dict[str, Any]:
    """The partnership's settings with the given changes (omitted ones stay). Each
    change is checked on its own, so both disclosure numbers are judged at once."""
    settings = dict(current)
    rule = DisclosureRule.from_settings(current)
    if min_employers is not None and (problem := _disclosure_problem(min_employers=min_employers)):
        check.add(("minEmployers",), problem, "OUT_OF_RANGE")
    if max_share_percent is not None and (
        problem := _disclosure_problem(max_share_percent=max_share_percent)
    ):
        check.add(("maxSharePercent",), problem, "OUT_OF_RANGE")
    if not check.has_error(("minEmployers",)) and not check.has_error(("maxSharePercent",)):
        rule = DisclosureRule(
            min_employers=rule.min_employers if min_employers is None else min_employers,
            max_share_percent=(
                rule.max_share_percent if max_share_percent is None else max_share_percent
            ),
        )
    settings["disclosure"] = {
        "min_employers": rule.min_employers,
        "max_share_percent": rule.max_share_percent,
    }
    if time_zone is not None:
        if is_time_zone(time_zone):
            settings["time_zone"] = time_zone
        else:
            check.add(
                ("timeZone",),
                f"timeZone {time_zone[:80]!r} is not an IANA time zone, such as America/Chicago.",
                "INVALID",
            )
    return settings


def _disclosure_problem(**change: int) -> str | None:
    """What is wrong with one disclosure setting alone (the rule owns the bounds)."""
    try:
        DisclosureRule(**change)
    except InvalidDisclosureSettings as error:
        return str(error)
    return None
