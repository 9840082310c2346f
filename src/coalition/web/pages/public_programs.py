"""The partnership's public program list, ``/p/<slug>/programs``: no login.

Anonymous GraphQL reads no programs, so the page reads the supply domain's public
listing (``coalition.supply.public``), the one behind ``programs.jsonld``: ACTIVE programs
only, and a 404 when the partnership switched the listing off (``publicPrograms``)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from starlette.responses import Response
from starlette.routing import Route

from coalition.supply.public import public_listing
from coalition.tenancy.provisioning import SLUG
from coalition.web.templating import LOCALE
from coalition.web.visit import NotFound, Visit, public_page

PAGE_SIZE = 20
LANGUAGE = "en-US"


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get(LANGUAGE) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def shown(node: dict[str, Any]) -> dict[str, Any]:
    """A CTDL ``ceterms:LearningProgram`` node as the page shows it."""
    credentials = [
        credential
        for condition in node.get("ceterms:isPreparationFor") or ()
        for credential in condition.get("ceterms:targetCredential") or ()
    ]
    costs = node.get("ceterms:estimatedCost") or []
    cost = ""
    if costs:
        price, currency = costs[0].get("ceterms:price"), costs[0].get("ceterms:currency", "USD")
        cost = format_currency(Decimal(str(price)), currency, locale=LOCALE)
        if Decimal(str(price)) == 0:
            cost = "Free"
    cip = (node.get("ceterms:instructionalProgramType") or [{}])[0]
    return {
        "name": _text(node.get("ceterms:name")),
        "description": _text(node.get("ceterms:description")),
        "provider": ", ".join(
            _text(o.get("ceterms:name")) for o in node.get("ceterms:offeredBy") or ()
        ),
        "cip": cip.get("ceterms:codedNotation", ""),
        "cip_title": _text(cip.get("ceterms:targetNodeName")),
        "occupations": [
            _text(o.get("ceterms:targetNodeName")) or o.get("ceterms:codedNotation", "")
            for o in node.get("ceterms:occupationType") or ()
        ],
        "credentials": [_text(c.get("ceterms:name")) or "A credential" for c in credentials],
        "durations": [
            _text(d.get("ceterms:description")) for d in node.get("ceterms:estimatedDuration") or ()
        ],
        "delivery": ", ".join(
            _text(d.get("ceterms:targetNodeName")) for d in node.get("ceterms:deliveryType") or ()
        ),
        "cost": cost,
    }


@public_page
async def public_programs(visit: Visit) -> Response:
    """The partnership's ACTIVE programs, for anyone."""
    slug = visit.slug or ""
    after_text = visit.request.query_params.get("after")
    try:
        after = uuid.UUID(after_text) if after_text else None
    except ValueError:
        raise NotFound from None
    if not SLUG.match(slug):
        raise NotFound
    listing = await public_listing(
        visit.request.app.state.sessions, slug, after=after, page_size=PAGE_SIZE
    )
    if listing is None:
        raise NotFound
    partnership = listing.partnership
    next_url = None
    if listing.next_after is not None:
        next_url = f"/p/{slug}/programs?after={listing.next_after}"
    return visit.render(
        "public/programs.html",
        title=f"Training programs of {partnership.name}",
        partnership=partnership,
        programs=[shown(node) for node in listing.nodes],
        next_url=next_url,
        time_zone=partnership.time_zone,
        feed=f"/public/{slug}/programs.jsonld",
    )


ROUTES = [Route("/p/{slug}/programs", public_programs, methods=["GET"])]
