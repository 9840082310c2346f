"""Signing in and out.

People sign in with the partnership's OpenID Connect provider: the authorization code
flow with PKCE (S256), through authlib's Starlette client, as the client
``web_oidc_client_id``. The ID token's subject (or, the first time, its verified email)
finds the person in the partnership they chose, exactly as a person's bearer token
does over the API (``auth.authenticate.load_principal``). In development only, with no
provider configured or beside it, ``/signin`` also lists the people of each partnership
to sign in as (the demo logins); in production that list and its form do not exist.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.base_client.errors import OAuthError
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from coalition.api.inprocess import person_identity
from coalition.auth.authenticate import SLUG, Identity, load_principal
from coalition.auth.principal import PrincipalKind
from coalition.auth.scopes import USER_SCOPES
from coalition.config import Settings
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.errors import Unauthenticated
from coalition.tenancy.models import Membership, Organization, Tenant, User
from coalition.web.security import csrf_ok
from coalition.web.visit import render, sign_in, sign_out, signed_in

logger = logging.getLogger("coalition.web")

DEMO_PEOPLE_SHOWN = 40
DEMO_PARTNERSHIPS = 10


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/"
    return target


def _provider(settings: Settings) -> Any | None:
    """authlib's client for the partnership's OpenID provider, or None if not configured."""
    metadata = settings.oidc_metadata_url
    if not (metadata and settings.web_oidc_client_id):
        return None
    # Imported only when a provider is configured (it brings authlib's httpx client).
    from authlib.integrations.starlette_client import OAuth

    oauth = OAuth()
    secret = settings.web_oidc_client_secret
    return oauth.register(
        name="partnership",
        client_id=settings.web_oidc_client_id,
        client_secret=secret.get_secret_value() if secret is not None else None,
        server_metadata_url=metadata,
        client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
    )


def provider(request: Request) -> Any | None:
    state = request.app.state
    if not hasattr(state, "web_oidc"):
        state.web_oidc = _provider(state.settings)
    return state.web_oidc


async def _demo_people(request: Request, slug: str | None) -> list[dict[str, Any]]:
    """The people of the first ``DEMO_PARTNERSHIPS`` partnerships (or of the one named),
    with their organization and role (development only)."""
    sessions = request.app.state.sessions
    tenants_query = select(Tenant.id, Tenant.name, Tenant.slug).order_by(Tenant.name)
    if slug:
        tenants_query = tenants_query.where(Tenant.slug == slug)
    async with sessions() as session:
        tenants = (
            await session.execute(tenants_query.limit(DEMO_PARTNERSHIPS))  # scoping: system
        ).all()
    people: list[dict[str, Any]] = []
    for tenant in tenants:
        async with tenant_transaction(sessions, tenant.id) as session:
            rows = await session.execute(
                select(User.id, User.email, User.display_name, Membership.role, Organization.name)
                .join(Membership, Membership.user_id == User.id)
                .join(Organization, Organization.id == Membership.organization_id)
                .where(in_tenant(User, tenant.id))
                .order_by(Organization.name, User.email)
                .limit(DEMO_PEOPLE_SHOWN)
            )
            for row in rows:
                people.append(
                    {
                        "tenant_id": str(tenant.id),
                        "tenant": tenant.name,
                        "user_id": str(row.id),
                        "email": row.email,
                        "name": row.display_name,
                        "role": row.role.name if hasattr(row.role, "name") else str(row.role),
                        "organization": row.name,
                    }
                )
    return people


async def signin_page(request: Request) -> Response:
    """The sign-in page: the partnership's provider, and in development the demo people."""
    settings: Settings = request.app.state.settings
    named = request.query_params.get("partnership", "").strip().lower()
    slug = named if SLUG.match(named) else None
    people = [] if settings.is_production else await _demo_people(request, slug)
    return render(
        request,
        "signin.html",
        title="Sign in",
        provider=provider(request) is not None,
        people=people,
        next=safe_next(request.query_params.get("next")),
        error=request.query_params.get("error") == "1",
        signed_in=signed_in(request) is not None,
    )


async def _is_member(request: Request, tenant_id: uuid.UUID, identity: Identity) -> uuid.UUID:
    async with tenant_transaction(request.app.state.sessions, tenant_id) as session:
        principal = await load_principal(session, identity)
    return principal.id


async def demo_signin(request: Request) -> Response:
    """Sign in as one of the listed people (development only: 404 in production)."""
    settings: Settings = request.app.state.settings
    if settings.is_production:
        return render(
            request, "error.html", status=404, title="Not found", message="There is nothing here."
        )
    async with request.form(max_files=0, max_fields=10) as form:
        token, tenant, person, target = (
            form.get("csrf"),
            form.get("tenant"),
            form.get("person"),
            form.get("next"),
        )
    if not csrf_ok(request, token):
        return render(
            request,
            "error.html",
            status=400,
            title="Form not accepted",
            message="The form has expired: open the page again and resend it.",
        )
    try:
        tenant_id, user_id = uuid.UUID(str(tenant)), uuid.UUID(str(person))
        await _is_member(request, tenant_id, person_identity(tenant_id, user_id))
    except (ValueError, Unauthenticated):
        return RedirectResponse("/signin?error=1", status_code=303)
    sign_in(request, tenant_id, user_id)
    return RedirectResponse(safe_next(str(target) if target else None), status_code=303)


async def oidc_start(request: Request) -> Response:
    """Off to the partnership's provider (authorization code with PKCE)."""
    client = provider(request)
    slug = request.query_params.get("partnership", "").strip().lower()
    if client is None or not SLUG.match(slug):
        return RedirectResponse("/signin?error=1", status_code=303)
    request.session["signin"] = {
        "partnership": slug,
        "next": safe_next(request.query_params.get("next")),
    }
    redirect_uri = str(request.url_for("signin-callback"))
    response: Response = await client.authorize_redirect(request, redirect_uri)
    return response


async def oidc_callback(request: Request) -> Response:
    """Back from the provider: the code for tokens, the ID token's subject for a person."""
    client = provider(request)
    pending = request.session.get("signin") or {}
    slug = pending.get("partnership") if isinstance(pending, dict) else None
    if client is None or not isinstance(slug, str):
        return RedirectResponse("/signin?error=1", status_code=303)
    try:
        token = await client.authorize_access_token(request)
    except OAuthError as error:
        logger.info("OpenID sign-in refused: %s", error.error)
        return RedirectResponse("/signin?error=1", status_code=303)
    claims = token.get("userinfo") or {}
    settings: Settings = request.app.state.settings
    slug = claims.get(settings.oidc_tenant_claim) or slug
    tenant_id = await request.app.state.authenticator.named_tenant(slug)
    subject = claims.get("sub")
    if tenant_id is None or not isinstance(subject, str):
        return RedirectResponse("/signin?error=1", status_code=303)
    email = claims.get("email")
    identity = Identity(
        tenant_id=tenant_id,
        kind=PrincipalKind.USER,
        subject=subject,
        scopes=USER_SCOPES,
        oidc_email=email.strip().lower()
        if isinstance(email, str) and claims.get("email_verified") is True
        else None,
        is_oidc=True,
    )
    try:
        user_id = await _is_member(request, tenant_id, identity)
    except Unauthenticated:
        return RedirectResponse("/signin?error=1", status_code=303)
    target = pending.get("next") if isinstance(pending, dict) else None
    sign_in(request, tenant_id, user_id)
    return RedirectResponse(safe_next(target), status_code=303)


async def signout(request: Request) -> Response:
    """Sign out (a POST with the CSRF token, so no page can sign a person out)."""
    async with request.form(max_files=0, max_fields=5) as form:
        token = form.get("csrf")
    if csrf_ok(request, token):
        sign_out(request)
    return RedirectResponse("/signin", status_code=303)


ROUTES = [
    Route("/signin", signin_page, methods=["GET"]),
    Route("/signin/demo", demo_signin, methods=["POST"]),
    Route("/signin/oidc", oidc_start, methods=["GET"]),
    Route("/signin/callback", oidc_callback, methods=["GET"], name="signin-callback"),
    Route("/signout", signout, methods=["POST"]),
]
