"""The pages of training providers and colleges: their programs and cohorts (list, add,
edit, status, import from CSV); ``provider_figures`` has their gap and scorecard.

A person of several provider organizations picks one (``?organization=``); someone of
none is told the pages are not for them. Every read and change is the schema's: a
program page shows whatever ``trainingProgram`` returns to this person, and its forms
only when the person could change it (the mutation decides in the end)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from coalition.web.forms import input_errors
from coalition.web.nav import PROVIDERS
from coalition.web.pages.program_form import (
    CHOICES,
    COHORT_FIELDS,
    PROGRAM_FIELDS,
    cohort_input,
    cohort_values,
    program_input,
    program_values,
    typed_cohort,
    typed_program,
)
from coalition.web.visit import FormError, NotFound, Refused, Visit, first, page

# A programs file of a few thousand rows; a longer one goes through the command line.
IMPORT_MAX_BYTES = 1_000_000

PROGRAMS = """
query WebPrograms($organization: ID!, $after: String) {
  node(id: $organization) {
    ... on Organization {
      id
      name
      trainingPrograms(first: 20, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node {
          id name status cipCode modality hours weeks externalId updatedAt
          credential { kind name }
          cost { formatted }
        } }
      }
    }
  }
}
"""

PROGRAM = """
query WebProgram($id: ID!, $after: String) {
  trainingProgram(id: $id) {
    id name description cipCode status externalId hours weeks modality
    schedules workBasedLearning supports isEligibleTrainingProvider updatedAt
    credential { kind name ctid }
    cost { formatted }
    instructionalProgram { title }
    provider { id name }
    occupations { code title }
    skills { skill { id name } level }
    cohorts(first: 20, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        id startsOn endsOn seats enrolled expectedCompletionRate expectedCompleters status
      } }
    }
  }
}
"""

COHORT = """
query WebCohort($id: ID!) {
  node(id: $id) {
    ... on Cohort {
      id startsOn endsOn seats enrolled expectedCompletionRate expectedCompleters status
      program { id name provider { id name } }
    }
  }
}
"""

CREATE_PROGRAM = """
mutation WebCreateProgram($input: CreateTrainingProgramInput!) {
  createTrainingProgram(input: $input) {
    trainingProgram { id }
    userErrors { field message }
  }
}
"""

UPDATE_PROGRAM = """
mutation WebUpdateProgram($input: UpdateTrainingProgramInput!) {
  updateTrainingProgram(input: $input) {
    trainingProgram { id }
    userErrors { field message }
  }
}
"""

SET_STATUS = """
mutation WebProgramStatus($input: SetTrainingProgramStatusInput!) {
  setTrainingProgramStatus(input: $input) {
    trainingProgram { id status }
    userErrors { field message }
  }
}
"""

CREATE_COHORT = """
mutation WebCreateCohort($input: CreateCohortInput!) {
  createCohort(input: $input) {
    cohort { id }
    userErrors { field message }
  }
}
"""

UPDATE_COHORT = """
mutation WebUpdateCohort($input: UpdateCohortInput!) {
  updateCohort(input: $input) {
    cohort { id }
    userErrors { field message }
  }
}
"""

IMPORT_PROGRAMS = """
mutation WebImportPrograms($input: ImportTrainingProgramsInput!) {
  importTrainingPrograms(input: $input) {
    importedCount createdCount updatedCount unchangedCount
    rowErrors { line column message }
    userErrors { field message }
  }
}
"""

DONE = {
    "added": "The program was added.",
    "saved": "Your changes were saved.",
    "status": "The program's status was changed.",
    "cohort": "The cohort was added.",
    "cohort-saved": "The cohort was saved.",
}


def provider_of(visit: Visit) -> dict[str, Any]:
    """The provider organization the page is about: the one named, else the first."""
    mine = visit.organizations_of(*PROVIDERS)
    if not mine:
        raise Refused
    named = visit.request.query_params.get("organization")
    for organization in mine:
        if organization["id"] == named:
            return organization
    return mine[0]


def _can_change(visit: Visit, program: dict[str, Any]) -> bool:
    """Whether to offer the forms: the program's provider is one of the person's, or
    they are a partnership admin (the mutation still decides)."""
    provider = (program.get("provider") or {}).get("id")
    mine = {o["id"] for o in visit.organizations}
    return provider in mine or "PARTNERSHIP_ADMIN" in visit.roles


def _done(visit: Visit) -> str | None:
    return DONE.get(visit.request.query_params.get("done", ""))


def _with_org(path: str, visit: Visit, organization: dict[str, Any], done: str = "") -> str:
    """``path`` for this organization (named when the person has several), with a notice."""
    query = []
    if len(visit.organizations_of(*PROVIDERS)) > 1:
        query.append(f"organization={quote(organization['id'])}")
    if done:
        query.append(f"done={done}")
    return path + ("?" + "&".join(query) if query else "")


@page
async def programs(visit: Visit) -> Response:
    """The organization's programs, newest first."""
    organization = provider_of(visit)
    data = await visit.ask(
        PROGRAMS, organization=organization["id"], after=visit.request.query_params.get("after")
    )
    found = data.get("node") or {}
    return visit.render(
        "provider/programs.html",
        title="Programs",
        organization=organization,
        choices=visit.organizations_of(*PROVIDERS),
        programs=found.get("trainingPrograms") or {},
        base=_with_org("/programs", visit, organization),
        notice=_done(visit),
        labels=CHOICES,
    )


def _program_form(
    visit: Visit,
    organization: dict[str, Any],
    values: dict[str, Any],
    errors: list[FormError],
    status: int = 200,
) -> Response:
    return visit.render(
        "provider/program_new.html",
        status=status,
        title="Add a program",
        organization=organization,
        values=values,
        errors=errors,
        labels=CHOICES,
    )


@page
async def new_program(visit: Visit) -> Response:
    """Add a program: the form, and its answer."""
    organization = provider_of(visit)
    if visit.request.method == "GET":
        return _program_form(visit, organization, {"status": "ACTIVE", "modality": ""}, [])
    values = await visit.form()
    chosen = first(values, "organization")
    mine = {o["id"]: o for o in visit.organizations_of(*PROVIDERS)}
    organization = mine.get(chosen, organization)
    fields, errors = program_input(values, for_update=False)
    if not errors:
        answer = await visit.change(
            CREATE_PROGRAM, input={"organizationId": organization["id"], **fields}
        )
        errors = input_errors(answer, "createTrainingProgram", PROGRAM_FIELDS)
    if errors:
        return _program_form(visit, organization, typed_program(values), errors, 400)
    return RedirectResponse(_with_org("/programs", visit, organization, "added"), 303)


async def _program(visit: Visit, program_id: str) -> dict[str, Any]:
    data = await visit.ask(PROGRAM, id=program_id, after=visit.request.query_params.get("after"))
    program: dict[str, Any] | None = data.get("trainingProgram")
    if not program:
        raise NotFound
    return program


def _program_page(
    visit: Visit,
    program: dict[str, Any],
    *,
    status: int = 200,
    values: dict[str, Any] | None = None,
    errors: list[FormError] | None = None,
    cohort: dict[str, str] | None = None,
    cohort_errors: list[FormError] | None = None,
    status_errors: list[FormError] | None = None,
) -> Response:
    return visit.render(
        "provider/program.html",
        status=status,
        title=program["name"],
        program=program,
        can_change=_can_change(visit, program),
        values=values or program_values(program),
        errors=errors or [],
        cohort=cohort or {"status": "PLANNED"},
        cohort_errors=cohort_errors or [],
        status_errors=status_errors or [],
        notice=_done(visit),
        labels=CHOICES,
    )


@page
async def program(visit: Visit) -> Response:
    """One program: what it is, its cohorts, and (for its provider) the forms."""
    program_id = str(visit.request.path_params["program"])
    program = await _program(visit, program_id)
    if visit.request.method == "GET":
        return _program_page(visit, program)
    values = await visit.form()
    fields, errors = program_input(values, for_update=True)
    if not errors:
        answer = await visit.change(UPDATE_PROGRAM, input={"id": program["id"], **fields})
        errors = input_errors(answer, "updateTrainingProgram", PROGRAM_FIELDS)
    if errors:
        return _program_page(
            visit, program, status=400, values=typed_program(values), errors=errors
        )
    return RedirectResponse(f"/programs/{quote(program['id'])}?done=saved", 303)


@page
async def program_status(visit: Visit) -> Response:
    """Change a program's status (draft, active, discontinued)."""
    program = await _program(visit, str(visit.request.path_params["program"]))
    values = await visit.form()
    answer = await visit.change(
        SET_STATUS, input={"id": program["id"], "status": first(values, "status")}
    )
    errors = input_errors(answer, "setTrainingProgramStatus", {"status": "newStatus"})
    if errors:
        return _program_page(visit, program, status=400, status_errors=errors)
    return RedirectResponse(f"/programs/{quote(program['id'])}?done=status", 303)


@page
async def add_cohort(visit: Visit) -> Response:
    """Add a cohort (a run) to a program."""
    program = await _program(visit, str(visit.request.path_params["program"]))
    values = await visit.form()
    fields, errors = cohort_input(values)
    if not errors:
        answer = await visit.change(CREATE_COHORT, input={"programId": program["id"], **fields})
        errors = input_errors(answer, "createCohort", COHORT_FIELDS)
    if errors:
        return _program_page(
            visit, program, status=400, cohort=typed_cohort(values), cohort_errors=errors
        )
    return RedirectResponse(f"/programs/{quote(program['id'])}?done=cohort", 303)


@page
async def cohort(visit: Visit) -> Response:
    """Edit one cohort of a program."""
    data = await visit.ask(COHORT, id=str(visit.request.path_params["cohort"]))
    found = data.get("node") or {}
    program = found.get("program") or {}
    if not found.get("id") or program.get("id") != visit.request.path_params["program"]:
        raise NotFound
    values: dict[str, str] = cohort_values(found)
    errors: list[FormError] = []
    if visit.request.method == "POST":
        posted = await visit.form()
        fields, errors = cohort_input(posted)
        if not errors:
            answer = await visit.change(UPDATE_COHORT, input={"id": found["id"], **fields})
            errors = input_errors(answer, "updateCohort", COHORT_FIELDS)
        if not errors:
            return RedirectResponse(f"/programs/{quote(program['id'])}?done=cohort-saved", 303)
        values = typed_cohort(posted)
    return visit.render(
        "provider/cohort.html",
        status=400 if errors else 200,
        title=f"Cohort of {program.get('name', 'a program')}",
        cohort=found,
        program=program,
        can_change=_can_change(visit, program),
        values=values,
        errors=errors,
        labels=CHOICES,
    )


@page
async def import_programs(visit: Visit) -> Response:
    """Import programs from a CSV file: all rows, or none and every bad row's problem."""
    organization = provider_of(visit)
    context: dict[str, Any] = {}
    status = 200
    if visit.request.method == "POST":
        upload = await visit.upload("file", IMPORT_MAX_BYTES)
        mine = {o["id"]: o for o in visit.organizations_of(*PROVIDERS)}
        organization = mine.get(first(upload.values, "organization"), organization)
        errors: list[FormError] = []
        if upload.text is None:
            errors = [FormError("file", upload.problem or "Choose the CSV file to import.")]
        else:
            answer = await visit.change(
                IMPORT_PROGRAMS,
                input={"organizationId": organization["id"], "csv": upload.text},
            )
            result = (answer.data or {}).get("importTrainingPrograms") or {}
            errors = input_errors(answer, "importTrainingPrograms", {"csv": "file"})
            context = {"result": result, "row_errors": result.get("rowErrors") or []}
        context |= {"errors": errors, "filename": upload.filename}
        status = 400 if errors else 200
    return visit.render(
        "provider/import.html",
        status=status,
        title="Import programs",
        organization=organization,
        choices=visit.organizations_of(*PROVIDERS),
        max_kb=IMPORT_MAX_BYTES // 1000,
        **context,
    )


ROUTES = [
    Route("/programs", programs, methods=["GET"]),
    Route("/programs/new", new_program, methods=["GET", "POST"]),
    Route("/programs/import", import_programs, methods=["GET", "POST"]),
    Route("/programs/{program}", program, methods=["GET", "POST"]),
    Route("/programs/{program}/status", program_status, methods=["POST"]),
    Route("/programs/{program}/cohorts", add_cohort, methods=["POST"]),
    Route("/programs/{program}/cohorts/{cohort}", cohort, methods=["GET", "POST"]),
]
