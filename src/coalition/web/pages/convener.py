"""The convener's pages: the partnership at a glance, its members and their people, the
partnership's settings, and the audit log.

They are for partnership admins (and analysts, who read what their GraphQL lets them);
what anyone else sees, or is refused, the schema decides. Forms that only a partnership
admin may send are shown only to one; the schema refuses anyone else anyway.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from coalition.demand.quarters import add_quarters, format_quarter, quarter_of, today_in
from coalition.web.charts import Chart, Series
from coalition.web.forms import whole_number
from coalition.web.pages.convener_documents import (
    ADD_MEMBERSHIP,
    AUDIT,
    CREATE_ORGANIZATION,
    KIND_COUNTS,
    KIND_NAMES,
    KINDS,
    MEMBER,
    MEMBERS,
    MEMBERSHIP,
    METRICS,
    PARTNERSHIP,
    REMOVE_MEMBERSHIP,
    ROLES,
    SETTINGS,
    SETTINGS_FORM,
    TREND,
    UPDATE_SETTINGS,
)
from coalition.web.visit import FormError, NotFound, Visit, first, page, user_errors

HORIZON_QUARTERS = 8
ADMIN = "PARTNERSHIP_ADMIN"

DONE = {
    "created": "The organization was added.",
    "added": "The person was added.",
    "removed": "The membership was removed.",
    "saved": "The settings were saved.",
}


def _nodes(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (connection or {}).get("edges") or ()]


def _notice(visit: Visit) -> str:
    return DONE.get(visit.request.query_params.get("done", ""), "")


def _after(visit: Visit) -> str | None:
    return visit.request.query_params.get("after") or None


def horizon(time_zone: str) -> tuple[str, str]:
    """This quarter and the last of the horizon, in the partnership's time zone."""
    start = quarter_of(today_in(time_zone))
    return format_quarter(start), format_quarter(add_quarters(start, HORIZON_QUARTERS - 1))


def _occupation(cell: dict[str, Any]) -> tuple[str, str]:
    occupation = cell["key"].get("occupation") or {}
    return str(occupation.get("code", "")), str(occupation.get("title", ""))


def demand_grid(cells: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """Occupation-by-quarter rows: each row's ``figures`` per quarter are openings, None
    for a hidden cell, or absent (no figure: no signals, or left out by the rule)."""
    quarters = sorted({str(cell["key"]["quarter"]) for cell in cells})
    rows: dict[str, dict[str, Any]] = {}
    for cell in cells:
        code, title = _occupation(cell)
        row = rows.setdefault(code, {"code": code, "title": title, "figures": {}})
        row["figures"][cell["key"]["quarter"]] = None if cell["suppressed"] else cell["openings"]
    return quarters, sorted(rows.values(), key=lambda row: row["code"])


@page
async def partnership(visit: Visit) -> Response:
    """The partnership at a glance."""
    start, end = horizon(visit.time_zone)
    now = datetime.now(UTC).isoformat()
    data = await visit.ask(PARTNERSHIP, **{"from": start, "to": end, "now": now})
    counts = await _counts_by_kind(visit, data["everyone"])
    cells = data["byOccupation"]["cells"]
    demand_chart = Chart(
        "Openings expected by occupation",
        [f"{title} ({code})" for code, title in map(_occupation, cells)],
        [Series("Openings", tuple(None if c["suppressed"] else c["openings"] for c in cells))],
        "openings",
    )
    gap_rows = data["skillsGap"]["rows"]
    gap_chart = Chart(
        "Skills gap: openings against expected completers",
        [f"{row['title']} ({row['code']})" for row in gap_rows],
        [
            Series("Openings", tuple(None if r["hidden"] else r["demand"] for r in gap_rows)),
            Series("Expected completers", tuple(r["expectedCompleters"] for r in gap_rows)),
        ],
        "people",
    )
    quarters, grid = demand_grid(data["byQuarter"]["cells"])
    trend = None
    code = visit.request.query_params.get("occupation", "").strip()
    if code:
        trend = await _trend(visit, code, start)
    return visit.render(
        "convener/partnership.html",
        title="The partnership",
        counts=counts,
        start=start,
        end=end,
        summary=data["byOccupation"],
        demand_chart=demand_chart,
        occupations=[_occupation(cell) for cell in cells],
        quarters=quarters,
        grid=grid,
        gap_chart=gap_chart,
        gap_rows=gap_rows,
        initiatives=_nodes(data["initiatives"]),
        metrics=METRICS,
        pools=_nodes(data["fundPools"]),
        events=_nodes(data["events"]),
        trend=trend,
        occupation=code,
    )


async def _counts_by_kind(visit: Visit, everyone: dict[str, Any]) -> list[tuple[str, str, int]]:
    if everyone["pageInfo"]["hasNextPage"]:
        data = await visit.ask(KIND_COUNTS)
        found = {kind: int(data[kind.lower()]["totalCount"]) for kind in KINDS}
    else:
        found = Counter(str(organization["kind"]) for organization in _nodes(everyone))
    return [(kind, label, found.get(kind, 0)) for kind, label in KINDS.items()]


async def _trend(visit: Visit, code: str, start: str) -> Chart | None:
    try:
        data = await visit.ask(TREND, code=code[:20], **{"from": start})
    except NotFound:
        return None
    trend = data["demandTrend"]
    points = trend["points"]
    return Chart(
        f"Openings per quarter: {trend['occupation']['title']} ({trend['occupation']['code']})",
        [str(point["key"]["quarter"]) for point in points],
        [Series("Openings", tuple(None if p["suppressed"] else p["openings"] for p in points))],
        "openings",
    )


def _chosen_kind(visit: Visit) -> str | None:
    kind = visit.request.query_params.get("kind", "")
    return kind if kind in KINDS else None


@page
async def members(visit: Visit) -> Response:
    """Member organizations, by kind, and the form to add one."""
    if visit.request.method == "POST":
        return await _create_organization(visit)
    return await _members_page(visit, values={}, errors=[])


async def _members_page(
    visit: Visit, *, values: dict[str, str], errors: list[FormError], status: int = 200
) -> Response:
    kind = _chosen_kind(visit)
    data = await visit.ask(MEMBERS, kinds=[kind] if kind else None, after=_after(visit))
    organizations = data["organizations"]
    return visit.render(
        "convener/members.html",
        status=status,
        title="Members",
        kinds=KINDS,
        kind_names=KIND_NAMES,
        kind=kind,
        organizations=_nodes(organizations),
        total=organizations["totalCount"],
        page_info=organizations["pageInfo"],
        base=f"/members?kind={kind}" if kind else "/members",
        is_admin=ADMIN in visit.roles,
        values=values,
        errors=errors,
        notice=_notice(visit),
    )


ORGANIZATION_FIELDS = ("name", "kind", "employeeCount", "naicsCode", "city", "region", "website")


async def _create_organization(visit: Visit) -> Response:
    form = await visit.form()
    values = {name: first(form, name) for name in ORGANIZATION_FIELDS}
    errors: list[FormError] = []
    employees = whole_number(values["employeeCount"]) if values["employeeCount"] else None
    if values["employeeCount"] and employees is None:
        errors.append(FormError("employeeCount", "Write the number of employees as digits."))
    if values["kind"] not in KINDS:
        errors.append(FormError("kind", "Choose what kind of organization it is."))
    if not errors:
        answer = await visit.change(
            CREATE_ORGANIZATION,
            input={
                "name": values["name"],
                "kind": values["kind"],
                "employeeCount": employees,
                **{
                    name: values[name] or None
                    for name in ("naicsCode", "city", "region", "website")
                },
            },
        )
        errors = user_errors(answer, "createOrganization")
        if not errors:
            return RedirectResponse("/members?done=created", status_code=303)
    return await _members_page(visit, values=values, errors=errors, status=400)


@page
async def member(visit: Visit) -> Response:
    """One organization, its people and their roles, and the form to add a person."""
    if visit.request.method == "POST":
        return await _add_membership(visit)
    return await _member_page(visit, values={}, errors=[])


async def _member_page(
    visit: Visit, *, values: dict[str, str], errors: list[FormError], status: int = 200
) -> Response:
    organization_id = str(visit.request.path_params["id"])
    data = await visit.ask(MEMBER, id=organization_id, after=_after(visit))
    organization = data["organization"]
    if organization is None:
        raise NotFound
    memberships = organization["memberships"]
    return visit.render(
        "convener/member.html",
        status=status,
        title=organization["name"],
        organization=organization,
        kind_label=KIND_NAMES.get(organization["kind"], organization["kind"]),
        memberships=_nodes(memberships),
        total=memberships["totalCount"],
        page_info=memberships["pageInfo"],
        roles=ROLES,
        is_admin=ADMIN in visit.roles,
        values=values,
        errors=errors,
        notice=_notice(visit),
    )


async def _add_membership(visit: Visit) -> Response:
    form = await visit.form()
    organization_id = str(visit.request.path_params["id"])
    values = {name: first(form, name) for name in ("email", "displayName", "role")}
    answer = await visit.change(
        ADD_MEMBERSHIP,
        input={
            "organizationId": organization_id,
            "email": values["email"],
            "role": values["role"] if values["role"] in ROLES else "MEMBER",
            "displayName": values["displayName"] or None,
        },
    )
    errors = user_errors(answer, "addMembership")
    if not errors:
        return RedirectResponse(f"/members/{organization_id}?done=added", status_code=303)
    return await _member_page(visit, values=values, errors=errors, status=400)


@page
async def remove_membership(visit: Visit) -> Response:
    """Ask to confirm, then end one membership."""
    organization_id = str(visit.request.path_params["id"])
    membership_id = str(visit.request.path_params["membership"])
    data = await visit.ask(MEMBERSHIP, id=membership_id)
    membership = data.get("node") or {}
    if (membership.get("organization") or {}).get("id") != organization_id:
        raise NotFound
    errors: list[FormError] = []
    if visit.request.method == "POST":
        await visit.form()
        answer = await visit.change(REMOVE_MEMBERSHIP, input={"id": membership_id})
        errors = user_errors(answer, "removeMembership")
        if not errors:
            return RedirectResponse(f"/members/{organization_id}?done=removed", status_code=303)
    return visit.render(
        "convener/remove.html",
        status=400 if errors else 200,
        title="Remove a membership",
        membership=membership,
        role_label=ROLES.get(membership["role"], membership["role"]).split(":")[0],
        errors=errors,
    )


@page
async def settings(visit: Visit) -> Response:
    """The partnership's disclosure, release and outcome settings."""
    current = (await visit.ask(SETTINGS))["tenant"]["settings"]
    values = {name: str(current[setting]) for name, setting, _, _ in SETTINGS_FORM}
    values["publicPrograms"] = "on" if current["publicPrograms"] else ""
    errors: list[FormError] = []
    if visit.request.method == "POST":
        form = await visit.form()
        values = {name: first(form, name) for name, _, _, _ in SETTINGS_FORM}
        values["publicPrograms"] = "on" if first(form, "publicPrograms") else ""
        changes: dict[str, Any] = {"publicPrograms": bool(values["publicPrograms"])}
        for name, _, label, _ in SETTINGS_FORM:
            number = whole_number(values[name])
            if number is None:
                errors.append(FormError(name, f"{label}: write a whole number."))
            changes[name] = number
        if not errors:
            answer = await visit.change(UPDATE_SETTINGS, input=changes)
            errors = user_errors(answer, "updateTenantSettings")
            if not errors:
                return RedirectResponse("/settings?done=saved", status_code=303)
    return visit.render(
        "convener/settings.html",
        status=400 if errors else 200,
        title="Settings",
        fields=SETTINGS_FORM,
        current=current,
        values=values,
        errors=errors,
        is_admin=ADMIN in visit.roles,
        notice=_notice(visit),
    )


@page
async def audit(visit: Visit) -> Response:
    """The audit log, newest first."""
    data = await visit.ask(AUDIT, after=_after(visit))
    return visit.render(
        "convener/audit.html",
        title="Audit log",
        events=_nodes(data["auditEvents"]),
        page_info=data["auditEvents"]["pageInfo"],
    )


ROUTES = [
    Route("/partnership", partnership, methods=["GET"]),
    Route("/members", members, methods=["GET", "POST"]),
    Route("/members/{id}", member, methods=["GET", "POST"]),
    Route("/members/{id}/remove/{membership}", remove_membership, methods=["GET", "POST"]),
    Route("/settings", settings, methods=["GET", "POST"]),
    Route("/audit", audit, methods=["GET"]),
]
