"""A partnership's public events, with no login, in standard formats:

- ``GET /public/<slug>/events.ics``: an iCalendar feed (``events.ics``) to subscribe to;
- ``GET /public/<slug>/events/<id>.ics``: one event, to add to a calendar;
- ``GET /public/<slug>/events``: schema.org ``Event`` JSON-LD (``events.jsonld``), paged;
- ``GET /public/<slug>/events/<id>``: one event's JSON-LD (the ``url`` of the others).

Which events: PUBLISHED, CANCELLED and COMPLETED PUBLIC ones of that partnership
(``permissions.public_event_condition``), never DRAFT or MEMBERS ones, never another
partnership's. As for the public programs: the partnership is found by its slug in the
directory of partnerships (the one system read); everything else is read in a
transaction bound to that tenant (``tenant_transaction``: row-level security applies)
and every statement names the tenant too. An unknown slug, a path no slug could be
(``tenancy.provisioning.SLUG``, checked before any read) and an event that is not public
(unknown, DRAFT, MEMBERS, another partnership's, or no UUID at all) all answer the same
404.

The feed holds the events that ended at most ``FEED_WINDOW`` (90 days) ago, at most
``FEED_LIMIT`` (2,000) of them, the earliest first (past that, the furthest ahead are
left out). It is cached: each request runs one cheap fingerprint statement over exactly
the feed's rows (their IDs, SEQUENCEs, ``updated_at`` and organizer names, hashed in the
database) and the ETag is a hash of it, so any change to a listed event (the service
bumps ``updated_at`` and ``sequence``), an event leaving or joining the feed, or a
renamed organizer changes the ETag. ``If-None-Match`` with it (strong or ``W/``, in a
list, or ``*``) answers 304 with no body; otherwise the rendered body comes from a
bounded in-process cache keyed by (tenant, ETag), rendered on a miss (each event's
``VEVENT`` is remembered too, so a change re-renders only the changed event).

URLs in the answers (``URL``, ``@id``) start from the configured public URL
(``COALITION_ISSUER``, the ``iss`` of the server's tokens; ``http://127.0.0.1:8000``
when unset), never from the request's Host header: cached bodies are the same for every
caller, and a forged Host can neither end up in them nor make the server render again.

The JSON list is ordered by start, then ID, ``PAGE_SIZE`` events a page. Its cursor is
``after=<start as 20270314T150000000000Z>_<event UUID>`` (the last event of the page:
the start and ID together, so a page boundary survives that event being withdrawn); the
``Link: <...>; rel="next"`` header is a relative reference. ``from`` and ``to``
(``YYYY-MM-DD``) keep the events that end on or after ``from`` and start on or before
``to``, both as dates in each event's own time zone. A bad value answers 400 with
``{"error": "invalid_request", "field": ..., "message": ...}``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, Date, Select, cast, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.events.ics import MEDIA_TYPE as ICS_MEDIA_TYPE
from coalition.events.ics import CalendarEntry, calendar_bytes, vevent_bytes
from coalition.events.jsonld import CONTEXT, event_jsonld
from coalition.events.models import Event
from coalition.events.permissions import public_event_condition
from coalition.tenancy.models import Organization, Tenant
from coalition.tenancy.provisioning import SLUG

FEED_WINDOW = timedelta(days=90)
FEED_LIMIT = 2000
PAGE_SIZE = 100
JSONLD_MEDIA_TYPE = "application/ld+json"
CACHE_CONTROL = "public, max-age=60"
# Part of every ETag: a change to how the feed is rendered must change its ETag.
FORMAT_VERSION = "events-ics-1"
# ASCII: ``\d`` alone takes any script's digits, which int() reads.
CURSOR = re.compile(
    r"(\d{8}T\d{12}Z)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", re.ASCII
)
CURSOR_TIME = "%Y%m%dT%H%M%S%fZ"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class BoundedCache:
    """A least-recently-used map of bytes, bounded by entries and by total size; safe to
    use from the renderer's worker threads."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self._items: OrderedDict[object, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_bytes = max_bytes

    def get(self, key: object) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: object, value: bytes) -> None:
        if len(value) > self.max_bytes:
            return
        with self._lock:
            previous = self._items.pop(key, None)
            if previous is not None:
                self._size -= len(previous)
            self._items[key] = value
            self._size += len(value)
            while len(self._items) > self.max_entries or self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


# Rendered feeds by (tenant, ETag): a 2,000-event feed is about 1.3 MB.
FEEDS = BoundedCache(max_entries=128, max_bytes=64 * 1024 * 1024)
# Rendered VEVENTs by everything they show that can change (about 600 bytes each).
VEVENTS = BoundedCache(max_entries=50_000, max_bytes=64 * 1024 * 1024)


@dataclass(frozen=True)
class PublicTenant:
    id: uuid.UUID
    slug: str
    name: str


class BadParameter(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


async def system_tenant_of_slug(session: AsyncSession, slug: str) -> PublicTenant | None:
    """The partnership with this slug, or None."""
    row = (
        await session.execute(
            select(Tenant.id, Tenant.name).where(Tenant.slug == slug)  # scoping: system
        )
    ).first()
    return None if row is None else PublicTenant(row.id, slug, row.name)


def public_events(tenant_id: uuid.UUID) -> Select[Event, str]:
    """The tenant's public events with their organizers' names."""
    return (
        select(Event, Organization.name)
        .join(
            Organization,
            in_tenant(Organization, tenant_id) & (Organization.id == Event.organization_id),
        )
        .where(in_tenant(Event, tenant_id), public_event_condition())
    )


def _feed_rows(tenant_id: uuid.UUID, now: datetime) -> Select[Event, str]:
    return (
        public_events(tenant_id)
        .where(Event.ends_at >= now - FEED_WINDOW)
        .order_by(Event.starts_at, Event.id)
        .limit(FEED_LIMIT)
    )


async def feed_fingerprint(session: AsyncSession, tenant_id: uuid.UUID, now: datetime) -> str:
    """A digest of exactly what the feed shows that can change: one statement, no row
    sent back."""
    rows = (
        select(Event.id, Event.sequence, Event.updated_at, Organization.name.label("organizer"))
        .join(
            Organization,
            in_tenant(Organization, tenant_id) & (Organization.id == Event.organization_id),
        )
        .where(
            in_tenant(Event, tenant_id),
            public_event_condition(),
            Event.ends_at >= now - FEED_WINDOW,
        )
        .order_by(Event.starts_at, Event.id)
        .limit(FEED_LIMIT)
        .subquery()
    )
    line = func.concat_ws(
        "|", rows.c.id, rows.c.sequence, func.extract("epoch", rows.c.updated_at), rows.c.organizer
    )
    found = (
        await session.execute(
            select(
                func.count(),
                func.md5(func.string_agg(line, aggregate_order_by(literal("\n"), rows.c.id))),
            )
        )
    ).one()
    return f"{found[0]}:{found[1]}"


def _etag(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f'"{digest[:32]}"'


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (RFC 9110's weak comparison:
    ``W/`` is ignored on both sides; ``*`` matches any)."""
    if not header:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == opaque:
            return True
    return False


def _base_url(request: Request) -> str:
    return str(request.app.state.settings.issuer).rstrip("/")


def event_url(base: str, slug: str, event_id: uuid.UUID) -> str:
    """The event's public page (its JSON-LD)."""
    return f"{base}/public/{slug}/events/{event_id}"


def _remembered_vevent(tenant_id: uuid.UUID) -> Callable[[CalendarEntry, str], bytes]:
    def render(entry: CalendarEntry, slug: str) -> bytes:
        event = entry.event
        key = (
            tenant_id,
            event.id,
            event.sequence,
            event.updated_at,
            entry.organizer_name,
            entry.url,
            slug,
            FORMAT_VERSION,
        )
        found = VEVENTS.get(key)
        if found is None:
            found = vevent_bytes(entry, slug)
            VEVENTS.put(key, found)
        return found

    return render


def _entries(base: str, slug: str, rows: Sequence[tuple[Event, str]]) -> list[CalendarEntry]:
    return [CalendarEntry(event, name, event_url(base, slug, event.id)) for event, name in rows]


def _not_found() -> Response:
    return JSONResponse({"error": "not_found"}, status_code=404)


def _bad(error: BadParameter) -> Response:
    return JSONResponse(
        {"error": "invalid_request", "field": error.field, "message": error.message},
        status_code=400,
    )


async def _tenant(request: Request) -> PublicTenant | None:
    slug = str(request.path_params["slug"])
    if not SLUG.fullmatch(slug):
        return None  # no partnership has it (and a NUL would reach the database)
    async with request.app.state.sessions() as session:
        return await system_tenant_of_slug(session, slug)


def _event_id(request: Request) -> uuid.UUID | None:
    text = str(request.path_params["event_id"])
    if len(text) != 36:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})


async def events_feed(request: Request) -> Response:
    """The handler of ``/public/{slug}/events.ics``."""
    tenant = await _tenant(request)
    if tenant is None:
        return _not_found()
    base = _base_url(request)
    now = datetime.now(UTC)
    sessions = request.app.state.sessions
    async with tenant_transaction(sessions, tenant.id) as session:
        fingerprint = await feed_fingerprint(session, tenant.id, now)
        etag = _etag(FORMAT_VERSION, base, tenant.slug, tenant.name, fingerprint)
        if etag_matches(request.headers.get("if-none-match"), etag):
            return _not_modified(etag)
        body = FEEDS.get((tenant.id, etag))
        if body is None:
            result = await session.execute(_feed_rows(tenant.id, now))
            rows = [(row[0], row[1]) for row in result]
    if body is None:
        entries = _entries(base, tenant.slug, rows)
        # Rendering a large feed takes a while: off the event loop, which keeps serving.
        body = await asyncio.to_thread(
            calendar_bytes,
            entries,
            slug=tenant.slug,
            name=tenant.name,
            vevent=_remembered_vevent(tenant.id),
        )
        FEEDS.put((tenant.id, etag), body)
    return Response(
        body,
        media_type=ICS_MEDIA_TYPE,
        headers={"ETag": etag, "Cache-Control": CACHE_CONTROL},
    )


async def _one_event(request: Request, tenant: PublicTenant) -> tuple[Event, str] | None:
    event_id = _event_id(request)
    if event_id is None:
        return None
    async with tenant_transaction(request.app.state.sessions, tenant.id) as session:
        row = (await session.execute(public_events(tenant.id).where(Event.id == event_id))).first()
    return None if row is None else (row[0], row[1])


async def event_calendar(request: Request) -> Response:
    """The handler of ``/public/{slug}/events/{event_id}.ics``."""
    tenant = await _tenant(request)
    found = None if tenant is None else await _one_event(request, tenant)
    if tenant is None or found is None:
        return _not_found()
    event, organizer = found
    base = _base_url(request)
    etag = _etag(
        FORMAT_VERSION, base, tenant.slug, event.id, event.sequence, event.updated_at, organizer
    )
    if etag_matches(request.headers.get("if-none-match"), etag):
        return _not_modified(etag)
    body = calendar_bytes(
        _entries(base, tenant.slug, [(event, organizer)]), slug=tenant.slug, name=tenant.name
    )
    return Response(
        body, media_type=ICS_MEDIA_TYPE, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL}
    )


def _json(document: object, headers: dict[str, str]) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return Response(body, media_type=JSONLD_MEDIA_TYPE, headers=headers)


async def event_document(request: Request) -> Response:
    """The handler of ``/public/{slug}/events/{event_id}``."""
    tenant = await _tenant(request)
    found = None if tenant is None else await _one_event(request, tenant)
    if tenant is None or found is None:
        return _not_found()
    event, organizer = found
    url = event_url(_base_url(request), tenant.slug, event.id)
    node = event_jsonld(event, organizer_name=organizer, url=url, with_context=True)
    return _json(node, {"Cache-Control": CACHE_CONTROL})


def format_cursor(event: Event) -> str:
    return f"{event.starts_at.astimezone(UTC):{CURSOR_TIME}}_{event.id}"


def parse_cursor(text: str) -> tuple[datetime, uuid.UUID]:
    match = CURSOR.fullmatch(text)
    if match is None:
        raise BadParameter("after", "after must be the cursor of a page's next link.")
    try:
        starts = datetime.strptime(match.group(1), CURSOR_TIME).replace(tzinfo=UTC)
    except ValueError:
        raise BadParameter("after", "after must be the cursor of a page's next link.") from None
    return starts, uuid.UUID(match.group(2))


def parse_date(field: str, text: str) -> date:
    if not DATE.fullmatch(text):
        raise BadParameter(field, f"{field} must be a date as YYYY-MM-DD.")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadParameter(field, f"{field} must be a date as YYYY-MM-DD.") from None


@dataclass(frozen=True)
class ListFilters:
    after: tuple[datetime, uuid.UUID] | None
    starts_from: date | None
    until: date | None


def list_filters(request: Request) -> ListFilters:
    """The JSON list's query parameters, or BadParameter naming the first bad one."""
    query = request.query_params
    after = parse_cursor(query["after"]) if "after" in query else None
    starts_from = parse_date("from", query["from"]) if "from" in query else None
    until = parse_date("to", query["to"]) if "to" in query else None
    if starts_from is not None and until is not None and until < starts_from:
        raise BadParameter("to", "to must not be before from.")
    return ListFilters(after, starts_from, until)


def _local_date(instant: InstrumentedAttribute[datetime]) -> ColumnElement[date]:
    return cast(func.timezone(Event.time_zone, instant), Date)


def _listed(tenant_id: uuid.UUID, filters: ListFilters) -> Select[Event, str]:
    statement = public_events(tenant_id)
    if filters.after is not None:
        starts, event_id = filters.after
        statement = statement.where(
            tuple_(Event.starts_at, Event.id)
            > tuple_(literal(starts, Event.starts_at.type), literal(event_id, Event.id.type))
        )
    if filters.starts_from is not None:
        statement = statement.where(_local_date(Event.ends_at) >= filters.starts_from)
    if filters.until is not None:
        statement = statement.where(_local_date(Event.starts_at) <= filters.until)
    return statement.order_by(Event.starts_at, Event.id).limit(PAGE_SIZE + 1)


async def events_list(request: Request) -> Response:
    """The handler of ``/public/{slug}/events``."""
    try:
        filters = list_filters(request)
    except BadParameter as error:
        return _bad(error)
    tenant = await _tenant(request)
    if tenant is None:
        return _not_found()
    async with tenant_transaction(request.app.state.sessions, tenant.id) as session:
        found = [(row[0], row[1]) for row in await session.execute(_listed(tenant.id, filters))]
    page = found[:PAGE_SIZE]
    base = _base_url(request)
    nodes = [
        event_jsonld(
            event,
            organizer_name=organizer,
            url=event_url(base, tenant.slug, event.id),
            with_context=False,
        )
        for event, organizer in page
    ]
    headers = {"Cache-Control": CACHE_CONTROL}
    if len(found) > PAGE_SIZE:
        # A relative reference (RFC 8288), as the programs listing gives.
        next_url = request.url.include_query_params(after=format_cursor(page[-1][0]))
        headers["Link"] = f'<{next_url.path}?{next_url.query}>; rel="next"'
    return _json({"@context": CONTEXT, "@graph": nodes}, headers)


__all__ = [
    "FEEDS",
    "FEED_LIMIT",
    "FEED_WINDOW",
    "PAGE_SIZE",
    "VEVENTS",
    "BoundedCache",
    "etag_matches",
    "event_calendar",
    "event_document",
    "event_url",
    "events_feed",
    "events_list",
    "feed_fingerprint",
    "system_tenant_of_slug",
]
