"""Field rules for organizations, people and API clients."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from coalition.disclosure.rule import DisclosureRule, InvalidDisclosureSettings
from coalition.errors import UserError
from coalition.tenancy.models import OrganizationKind, Role

MAX_NAME = 200
MAX_PLACE = 120
MAX_URL = 2048
MAX_EMAIL = 320
MAX_EMPLOYEES = 10_000_000
NAICS = re.compile(r"^\d{2,6}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone known to this installation. Checked against
    the list, never by opening a file named after caller input."""
    return name in _time_zones()


def text_field(
    errors: list[UserError], field: str, value: Any, *, limit: int, required: bool
) -> str | None:
    """Strip and check one text value; record a UserError and return None when invalid."""
    if value is None:
        if required:
            errors.append(UserError((field,), f"{field} is required.", "REQUIRED"))
        return None
    cleaned = str(value).strip()
    if not cleaned:
        if required:
            errors.append(UserError((field,), f"{field} must not be blank.", "BLANK"))
        return None
    if len(cleaned) > limit:
        errors.append(
            UserError((field,), f"{field} must be at most {limit} characters.", "TOO_LONG")
        )
        return None
    return cleaned


def organization_fields(
    values: dict[str, Any], *, creating: bool
) -> tuple[dict[str, Any], list[UserError]]:
    """Validate the given fields (all of them on create, the present ones on update)."""
    errors: list[UserError] = []
    cleaned: dict[str, Any] = {}
    if creating or "name" in values:
        cleaned["name"] = text_field(
            errors, "name", values.get("name"), limit=MAX_NAME, required=True
        )
    if creating or "kind" in values:
        kind = values.get("kind")
        if not isinstance(kind, OrganizationKind):
            errors.append(UserError(("kind",), "kind is required.", "REQUIRED"))
        cleaned["kind"] = kind
    if "employee_count" in values:
        count = values["employee_count"]
        if count is not None and not 0 <= count <= MAX_EMPLOYEES:
            errors.append(
                UserError(
                    ("employeeCount",),
                    f"employeeCount must be between 0 and {MAX_EMPLOYEES}.",
                    "OUT_OF_RANGE",
                )
            )
        cleaned["employee_count"] = count
    if "naics_code" in values:
        code = values["naics_code"]
        code = code.strip() if isinstance(code, str) else code
        if code is not None and code != "" and not NAICS.match(code):
            errors.append(
                UserError(
                    ("naicsCode",), "naicsCode must be a NAICS code of 2 to 6 digits.", "INVALID"
                )
            )
        cleaned["naics_code"] = code or None
    for field, column in (("city", "city"), ("region", "region")):
        if column in values:
            cleaned[column] = text_field(
                errors, field, values[column], limit=MAX_PLACE, required=False
            )
    if "website" in values:
        cleaned["website"] = _website(errors, values["website"])
    return cleaned, errors


def _website(errors: list[UserError], value: Any) -> str | None:
    url = text_field(errors, "website", value, limit=MAX_URL, required=False)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors.append(
            UserError(("website",), "website must be an http:// or https:// address.", "INVALID")
        )
        return None
    return url


def email_field(errors: list[UserError], value: Any) -> str | None:
    email = text_field(errors, "email", value, limit=MAX_EMAIL, required=True)
    if email is None:
        return None
    if not EMAIL.match(email):
        errors.append(UserError(("email",), "email is not a valid address.", "INVALID"))
        return None
    return email.lower()


def role_field(errors: list[UserError], value: Any) -> Role | None:
    if not isinstance(value, Role):
        errors.append(UserError(("role",), "role is required.", "REQUIRED"))
        return None
    return value


def tenant_settings(
    current: dict[str, Any],
    *,
    min_employers: int | None,
    max_share_percent: int | None,
    time_zone: str | None,
) -> tuple[dict[str, Any], list[UserError]]:
    """The partnership's settings with the given changes, or the problems with them."""
    errors: list[UserError] = []
    settings = dict(current)
    rule = DisclosureRule.from_settings(current)
    try:
        rule = DisclosureRule(
            min_employers=rule.min_employers if min_employers is None else min_employers,
            max_share_percent=(
                rule.max_share_percent if max_share_percent is None else max_share_percent
            ),
        )
    except InvalidDisclosureSettings as error:
        field = "minEmployers" if "min_employers" in str(error) else "maxSharePercent"
        errors.append(UserError((field,), str(error), "OUT_OF_RANGE"))
    settings["disclosure"] = {
        "min_employers": rule.min_employers,
        "max_share_percent": rule.max_share_percent,
    }
    if time_zone is not None and not is_time_zone(time_zone):
        errors.append(UserError(("timeZone",), "timeZone is not an IANA time zone.", "INVALID"))
        settings["time_zone"] = time_zone
    return settings, errors
