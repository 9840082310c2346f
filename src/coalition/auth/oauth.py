"""``POST /oauth/token``: the OAuth2 client-credentials grant (RFC 6749 §4.4).

Built on authlib's ``AuthorizationServer`` and ``ClientCredentialsGrant``,
adapted thinly to Starlette. authlib's server is synchronous, so the
endpoint first loads the one client the request names (asynchronously,
inside that client's tenant) and hands authlib a server that knows only it.
Errors follow RFC 6749 §5.2 (``invalid_client``, ``invalid_scope``, ...).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from joserfc.jwk import ECKey
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from coalition.auth.scopes import SCOPES
from coalition.auth.secrets import client_secret_matches
from coalition.auth.tokens import issue_access_token
from coalition.config import Settings
from coalition.db.lost import is_connection_lost
from coalition.db.scoping import in_tenant
from coalition.db.session import tenant_transaction
from coalition.tenancy.models import ApiClient, parse_client_id

AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
MAX_FORM_BYTES = 8_192


class _Client(ClientMixin):  # type: ignore[misc]
    def __init__(self, client: ApiClient) -> None:
        self.model = client

    def get_client_id(self) -> str:
        return self.model.client_id

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = set(self.model.scopes)
        if not scope:
            return " ".join(sorted(allowed))
        return " ".join(sorted(s for s in scope.split() if s in allowed))

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret_matches(client_secret, self.model.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, uri: str, headers: Mapping[str, str], form: dict[str, str]) -> None:
        super().__init__(method="POST", uri=uri, headers=headers)
        self.payload = BasicOAuth2Payload(form)
        self._form = form

    @property
    def args(self) -> dict[str, str]:
        return {}

    @property
    def form(self) -> dict[str, str]:
        return self._form


class _Grant(ClientCredentialsGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def validate_requested_scope(self) -> None:
        requested = set((self.request.payload.scope or "").split())
        client: _Client = self.request.client
        if not requested <= set(client.model.scopes):
            raise InvalidScopeError(
                "The client may not ask for: "
                + " ".join(sorted(requested - set(client.model.scopes)))
            )


class _Server(AuthorizationServer):  # type: ignore[misc]
    """A server for one request: it knows only the client that request named."""

    def __init__(self, client: ApiClient | None, key: ECKey, settings: Settings) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self._client = client
        self._key = key
        self._settings = settings
        self.register_grant(_Grant)
        self.register_token_generator("client_credentials", self._generate)

    def query_client(self, client_id: str) -> _Client | None:
        client = self._client
        if client is None or client.client_id != client_id or client.is_revoked:
            return None
        return _Client(client)

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request  # already adapted by ``token_endpoint``

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Access tokens are self-contained JWTs; nothing to store."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal system here."""

    def _generate(
        self,
        *,
        grant_type: str,
        client: _Client,
        user: Any = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        scopes = set(client.get_allowed_scope(scope).split())
        token = issue_access_token(
            self._key,
            self._settings,
            tenant_id=client.model.tenant_id,
            subject=client.model.client_id,
            client_id=client.model.client_id,
            scopes=scopes,
        )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": self._settings.access_token_seconds,
            "scope": " ".join(sorted(scopes)),
        }

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        response = JSONResponse(body, status_code=status)
        for name, value in headers:
            response.headers[name] = value
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response


def _named_client_id(request: Request, form: Mapping[str, str]) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return unquote(decoded.partition(":")[0])
    return form.get("client_id")


def _invalid_request(description: str) -> Response:
    return JSONResponse(
        {"error": "invalid_request", "error_description": description},
        status_code=400,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _unavailable() -> Response:
    """The database connection was lost or could not be had: ask again (never a 500)."""
    return JSONResponse(
        {
            "error": "temporarily_unavailable",
            "error_description": "The database is unavailable; ask again shortly.",
        },
        status_code=503,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache", "Retry-After": "1"},
    )


async def token_endpoint(request: Request) -> Response:
    state = request.app.state
    settings: Settings = state.settings
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return _invalid_request("Send the form as application/x-www-form-urlencoded.")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return _invalid_request("The request body is too large.")
    try:
        pairs = parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=bool(body))
    except (UnicodeDecodeError, ValueError):
        return _invalid_request("The form is not valid.")
    form = dict(pairs)
    if len(form) != len(pairs):
        return _invalid_request("Each parameter may appear only once (RFC 6749 section 3.2).")
    if not form.get("grant_type"):
        return _invalid_request("Missing 'grant_type'.")
    if request.headers.get("authorization") and "client_secret" in form:
        return _invalid_request("Use one client authentication method (RFC 6749 section 2.3).")
    client: ApiClient | None = None
    client_id = _named_client_id(request, form)
    parsed = parse_client_id(client_id) if client_id else None
    try:
        if parsed is not None:
            tenant_id, client_uuid = parsed
            async with tenant_transaction(state.sessions, tenant_id) as session:
                client = await session.scalar(
                    select(ApiClient).where(
                        in_tenant(ApiClient, tenant_id), ApiClient.id == client_uuid
                    )
                )
        key = await state.keys.signer()
    except Exception as error:
        if not is_connection_lost(error):
            raise
        return _unavailable()
    server = _Server(client, key, settings)
    oauth_request = _Request(str(request.url), request.headers, form)
    response: Response = server.create_token_response(oauth_request)
    return response
