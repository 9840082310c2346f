"""The web app's session key, CSRF tokens and response headers.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax, Secure in production),
holding the partnership and person signed in, the CSRF token, and during an OpenID
Connect sign-in authlib's state and PKCE verifier. Every form carries the session's
CSRF token and every POST is refused without it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from coalition.config import Settings
from coalition.db.urls import app_url

SESSION_COOKIE = "coalition_session"
CSRF_FIELD = "csrf"

# No inline script or style, nothing from elsewhere: every asset is served by the package.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS: Mapping[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def session_key(settings: Settings) -> str:
    """The configured session secret, or one derived from the API's database URL with
    its password (the same for every server of one database, different per database)."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value()
    url = app_url(settings).render_as_string(hide_password=False)
    return hashlib.sha256(b"coalition web sessions\0" + url.encode()).hexdigest()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def csrf_ok(request: Request, submitted: object) -> bool:
    """Whether a form's token is the session's (compared in constant time)."""
    expected = request.session.get("csrf")
    return (
        isinstance(expected, str)
        and isinstance(submitted, str)
        and hmac.compare_digest(expected.encode(), submitted.encode())
    )


class SecurityHeaders:
    """Adds the web app's security headers to every response of the pages it wraps."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
