"""One person's visit to a page: who is signed in, their GraphQL, and the page's answer.

``page`` wraps a handler for the signed-in pages, ``public_page`` one for the pages of a
partnership anyone may open (``/p/<slug>/...``). A handler asks the schema with
``visit.ask`` (a query: its data, or the page answers 403/404 when the schema refused)
and ``visit.change`` (a mutation: the answer, whose ``userErrors`` the form shows).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Message

from coalition.api.inprocess import Answer, Interrupted, Unavailable, execute
from coalition.errors import Unauthenticated
from coalition.web.security import CSRF_FIELD, csrf_ok, csrf_token
from coalition.web.templating import CURRENT_CSRF, ENVIRONMENT, local_time

logger = logging.getLogger("coalition.web")

VIEWER = """
query WebViewer {
  viewer {
    label
    roles
    user { id displayName email }
    memberships { role organization { id name kind isSme } }
    tenant { id name slug region settings { timeZone } }
  }
}
"""

# Form fields: at most this many, each at most this long (a page's form has a few dozen).
MAX_FIELDS = 200
MAX_FIELD_CHARS = 20_000
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# An upload form's own fields and the multipart framing, beyond the file's bytes.
UPLOAD_OVERHEAD_BYTES = 64_000


class Refused(Exception):
    """The schema refused the page's question (FORBIDDEN): the person may not see it."""


class NotFound(Exception):
    """What the page is about does not exist, or is not visible to this person."""


class BadForm(Exception):
    """A form the page cannot take (no CSRF token, too many or too long fields)."""


class TooLarge(BadForm):
    """An uploaded file (or the request carrying it) over the page's limit: 413."""


@dataclass(frozen=True)
class Upload:
    """A posted upload form: its other fields, and the file's text (None when no file was
    chosen, or when it could not be read: then ``problem`` says why, for the form)."""

    values: dict[str, list[str]]
    text: str | None
    filename: str = ""
    problem: str = ""


@dataclass
class Visit:
    request: Request
    tenant_id: uuid.UUID
    user_id: uuid.UUID | None
    viewer: dict[str, Any] = field(default_factory=dict)
    slug: str | None = None

    @property
    def time_zone(self) -> str:
        tenant = self.viewer.get("tenant") or {}
        return str((tenant.get("settings") or {}).get("timeZone") or "UTC")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.viewer.get("roles") or ())

    @property
    def organizations(self) -> list[dict[str, Any]]:
        """The person's organizations (once each), with their role in each."""
        seen: dict[str, dict[str, Any]] = {}
        for membership in self.viewer.get("memberships") or ():
            organization = membership.get("organization")
            if organization and organization["id"] not in seen:
                seen[organization["id"]] = {**organization, "role": membership["role"]}
        return list(seen.values())

    def kinds(self) -> frozenset[str]:
        return frozenset(organization["kind"] for organization in self.organizations)

    def organizations_of(self, *kinds: str) -> list[dict[str, Any]]:
        return [o for o in self.organizations if o["kind"] in kinds]

    async def run(self, document: str, **variables: Any) -> Answer:
        state = self.request.app.state
        return await execute(
            state,
            tenant_id=self.tenant_id,
            user_id=self.user_id,
            query=document,
            variables=variables or None,
            client_address=self.request.client.host if self.request.client else None,
        )

    async def ask(self, document: str, **variables: Any) -> dict[str, Any]:
        """A query's data; Refused when the schema refused any of it, NotFound when a
        global id does not decode."""
        answer = await self.run(document, **variables)
        if "FORBIDDEN" in answer.codes or "UNAUTHENTICATED" in answer.codes:
            raise Refused
        if answer.errors:
            if answer.codes & {"BAD_USER_INPUT", "NOT_FOUND", "GRAPHQL_VALIDATION_FAILED"}:
                raise NotFound
            logger.error("a page's query failed: %s", answer.codes)
            raise RuntimeError("the page's query failed")
        return answer.data or {}

    async def change(self, document: str, **variables: Any) -> Answer:
        """A mutation's answer (its payload's userErrors are the form's to show)."""
        answer = await self.run(document, **variables)
        if "FORBIDDEN" in answer.codes:
            raise Refused
        return answer

    async def form(self) -> dict[str, list[str]]:
        """The posted form, each name with its values, after the CSRF check."""
        async with self.request.form(max_files=0, max_fields=MAX_FIELDS) as form:
            values = _fields(form.multi_items(), files=())
        self._check_csrf(values)
        return values

    async def upload(self, name: str, max_bytes: int) -> Upload:
        """A posted ``multipart/form-data`` form with one file, ``name``, of at most
        ``max_bytes`` (UTF-8 text), after the CSRF check. Raises ``TooLarge`` (413) as soon
        as the request is longer than the file's limit and the form's few fields allow:
        by its declared length before reading, and while reading it whatever it declared,
        so neither memory nor the disk holds more than that."""
        limit = max_bytes + UPLOAD_OVERHEAD_BYTES
        declared = self.request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared[:19]) > limit:
            raise TooLarge(_too_large(max_bytes))
        if not self.request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise BadForm("The form was not sent as a file upload.")
        received = 0
        receive = self.request.receive

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(_too_large(max_bytes))
            return message

        request = Request(self.request.scope, limited)
        async with request.form(max_files=1, max_fields=MAX_FIELDS) as form:
            values = _fields(form.multi_items(), files=(name,))
            self._check_csrf(values)
            file = form.get(name)
            if not isinstance(file, UploadFile) or not file.filename:
                return Upload(values, None)
            data = await file.read(max_bytes + 1)
            filename = _clean(file.filename)[:200]
        if len(data) > max_bytes:
            raise TooLarge(_too_large(max_bytes))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Upload(
                values,
                None,
                filename,
                "The file is not UTF-8 text: in your spreadsheet, save it as "
                '"CSV UTF-8 (comma delimited)" and choose it again.',
            )
        if not text.strip():
            return Upload(values, None, filename, "The file is empty.")
        return Upload(values, text, filename)

    def _check_csrf(self, values: dict[str, list[str]]) -> None:
        if not csrf_ok(self.request, first(values, CSRF_FIELD)):
            raise BadForm("The form has expired: open the page again and resend it.")

    def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        return render(self.request, template, status=status, visit=self, **context)


def render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    visit: Visit | None = None,
    **context: Any,
) -> HTMLResponse:
    time_zone = visit.time_zone if visit is not None else context.get("time_zone")
    CURRENT_CSRF.set(csrf_token(request))
    body = ENVIRONMENT.get_template(template).render(
        request=request,
        visit=visit,
        csrf=csrf_token(request),
        csrf_field=CSRF_FIELD,
        when=lambda value: local_time(value, time_zone),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(body, status_code=status)


@dataclass(frozen=True)
class FormError:
    """One problem to show on a form: ``field`` names its input ("" for the whole form)."""

    field: str
    message: str


def user_errors(answer: Answer, root: str) -> list[FormError]:
    """The problems a mutation reported, for the form: its payload's ``userErrors``
    (by the last name of each field's path: a form names its inputs after the GraphQL
    input's fields), and any error of the operation itself (a value the schema refused)."""
    found = [
        FormError("", str(error.get("message", "That did not work."))) for error in answer.errors
    ]
    payload = (answer.data or {}).get(root) or {}
    for error in payload.get("userErrors") or ():
        path = error.get("field") or []
        found.append(FormError(str(path[-1]) if path else "", str(error["message"])))
    return found


def _clean(value: str) -> str:
    return _LONE_SURROGATE.sub("\ufffd", value.replace("\x00", ""))


def _fields(items: Any, *, files: tuple[str, ...]) -> dict[str, list[str]]:
    """A form's text fields (cleaned of NULs and lone surrogates); a file anywhere but
    under one of ``files``, or an over-long field, is a form the page cannot take."""
    values: dict[str, list[str]] = {}
    for name, value in items:
        if name in files and not isinstance(value, str):
            continue
        if not isinstance(value, str) or len(value) > MAX_FIELD_CHARS:
            raise BadForm("A field of the form is too long.")
        values.setdefault(name, []).append(_clean(value))
    return values


def _too_large(max_bytes: int) -> str:
    return (
        f"The file is larger than this page takes ({max_bytes // 1000:,} KB). "
        "Split it into smaller files, or import it with the command line."
    )


def first(values: dict[str, list[str]], name: str, default: str = "") -> str:
    return (values.get(name) or [default])[0].strip()


def signed_in(request: Request) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The partnership and person of the session, or None."""
    tenant, person = request.session.get("tenant"), request.session.get("person")
    try:
        return uuid.UUID(str(tenant)), uuid.UUID(str(person))
    except ValueError:
        return None


def sign_in(request: Request, tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Start a signed-in session (a new CSRF token: the one before sign-in is dropped)."""
    forget_viewer(tenant_id, user_id)
    request.session.clear()
    request.session.update({"tenant": str(tenant_id), "person": str(user_id)})
    csrf_token(request)


def sign_out(request: Request) -> None:
    ids = signed_in(request)
    if ids is not None:
        forget_viewer(*ids)
    request.session.clear()


Handler = Callable[[Visit], Awaitable[Response]]


# What a page says for each failure, the first match by class (TooLarge before BadForm);
# a message of None shows the exception's own words.
FAILURES: tuple[tuple[type[Exception], int, str, str | None], ...] = (
    (Refused, 403, "Not for you", "Your role in the partnership does not let you see this page."),
    (NotFound, 404, "Not found", "There is nothing here, or it is not yours to see."),
    (TooLarge, 413, "File too large", None),
    (BadForm, 400, "Form not accepted", None),
    (
        Interrupted,
        503,
        "Try again",
        "The database stopped answering while your change was saved. "
        "Check whether it was made before sending it again.",
    ),
    (
        Exception,
        503,
        "Try again",
        "The service is not reachable just now. Try again in a minute.",
    ),
)


def _failure(request: Request, error: Exception, visit: Visit | None) -> Response:
    status, title, message = next(
        (status, title, message)
        for kind, status, title, message in FAILURES
        if isinstance(error, kind)
    )
    return render(
        request,
        "error.html",
        status=status,
        visit=visit,
        title=title,
        message=str(error) if message is None else message,
    )


PAGE_ERRORS = (Refused, NotFound, BadForm, Interrupted, Unavailable)


# The signed-in person's name, roles, organizations and partnership, for the menu and the
# page header, remembered per person for VIEWER_SECONDS. Only what links to show comes
# from it: every page's own GraphQL loads the person again and decides what they see,
# so a removed membership takes effect at once on every page (its menu may lag).
VIEWER_SECONDS = 30.0
VIEWERS_KEPT = 1024
_viewers: dict[tuple[uuid.UUID, uuid.UUID], tuple[float, dict[str, Any]]] = {}


async def _viewer(visit: Visit) -> dict[str, Any]:
    assert visit.user_id is not None
    key, now = (visit.tenant_id, visit.user_id), time.monotonic()
    kept = _viewers.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    answer = await visit.run(VIEWER)
    viewer = (answer.data or {}).get("viewer") or {}
    if not viewer:
        _viewers.pop(key, None)
        raise Unauthenticated
    if len(_viewers) >= VIEWERS_KEPT:
        _viewers.clear()
    _viewers[key] = (now + VIEWER_SECONDS, viewer)
    return viewer


def forget_viewer(tenant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Drop the remembered menu of a person (at sign-in and sign-out)."""
    _viewers.pop((tenant_id, user_id), None)


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A page for the signed-in: anyone else is sent to sign in, and back afterwards."""

    async def endpoint(request: Request) -> Response:
        ids = signed_in(request)
        if ids is None:
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"/signin?next={target}", status_code=303)
        visit = Visit(request, tenant_id=ids[0], user_id=ids[1])
        try:
            visit.viewer = await _viewer(visit)
            return await handler(visit)
        except Unauthenticated:
            sign_out(request)
            return RedirectResponse("/signin", status_code=303)
        except PAGE_ERRORS as error:
            return _failure(request, error, visit if visit.viewer else None)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def public_page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A page of one partnership (``/p/<slug>/...``) that needs no sign-in: its GraphQL
    runs as an anonymous visitor of that partnership; an unknown slug is a 404."""

    async def endpoint(request: Request) -> Response:
        slug = str(request.path_params.get("slug", ""))
        tenant_id = await request.app.state.authenticator.named_tenant(slug)
        if tenant_id is None:
            return render(
                request,
                "error.html",
                status=404,
                title="Not found",
                message="There is no partnership at this address.",
            )
        visit = Visit(request, tenant_id=tenant_id, user_id=None, slug=slug)
        try:
            return await handler(visit)
        except PAGE_ERRORS as error:
            return _failure(request, error, None)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint
