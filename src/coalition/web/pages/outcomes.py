"""Reporting outcomes: a member's participant records imported from a CSV file (the
PIRL-aligned layout of docs/examples/participants.csv), all rows or none, with every bad
cell listed. For the organizations that serve people (unions, community organizations,
providers); the schema lets only the member's own organization admins import."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from coalition.web.forms import input_errors
from coalition.web.nav import ORGANIZERS, PROVIDERS
from coalition.web.visit import FormError, Refused, Visit, first, page

REPORTERS = (*ORGANIZERS, *PROVIDERS)
# A year of a college's records; a longer file goes through the command line.
IMPORT_MAX_BYTES = 1_000_000

IMPORT_RECORDS = """
mutation WebImportRecords($input: ImportParticipantRecordsInput!) {
  importParticipantRecords(input: $input) {
    importedCount createdCount updatedCount unchangedCount
    rowErrors { line column message }
    userErrors { field message }
  }
}
"""


@page
async def import_records(visit: Visit) -> Response:
    """Upload a participant file for one of the person's organizations."""
    mine = visit.organizations_of(*REPORTERS)
    if not mine:
        raise Refused
    organization = mine[0]
    context: dict[str, Any] = {}
    status = 200
    if visit.request.method == "POST":
        upload = await visit.upload("file", IMPORT_MAX_BYTES)
        named = first(upload.values, "organization")
        chosen = {o["id"]: o for o in mine}.get(named) if named or len(mine) > 1 else mine[0]
        errors: list[FormError] = []
        if chosen is None:
            errors = [FormError("organization", "Choose one of your organizations.")]
        else:
            organization = chosen
            if upload.text is None:
                errors = [FormError("file", upload.problem or "Choose the CSV file to import.")]
            else:
                answer = await visit.change(
                    IMPORT_RECORDS,
                    input={"organizationId": organization["id"], "csv": upload.text},
                )
                result = (answer.data or {}).get("importParticipantRecords") or {}
                errors = input_errors(answer, "importParticipantRecords", {"csv": "file"})
                context = {"result": result, "row_errors": result.get("rowErrors") or []}
        context |= {"errors": errors, "filename": upload.filename}
        status = 400 if errors else 200
    return visit.render(
        "outcomes/import.html",
        status=status,
        title="Report outcomes",
        organization=organization,
        choices=mine,
        max_kb=IMPORT_MAX_BYTES // 1000,
        **context,
    )


ROUTES = [Route("/outcomes/import", import_records, methods=["GET", "POST"])]
