"""Configuration from the environment (every variable starts with ``COALITION_``)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


MAX_ACCESS_TOKEN_SECONDS = 900
DEFAULT_ISSUER = "http://127.0.0.1:8000"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COALITION_", extra="ignore")

    env: Environment = Environment.DEVELOPMENT
    # The owner's connection (migrations, seed, admin commands). Unset: embedded PostgreSQL.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    # The API's login role. Unset: derived from database_url with app_role and the
    # password kept in data_dir (written by `coalition db upgrade`).
    app_database_url: str | None = None
    app_role: str = "coalition_app"
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("coalition")))

    # The server's public base URL and the ``iss`` of its tokens. Unset, tokens say
    # DEFAULT_ISSUER and the OAuth metadata takes its URLs from each request.
    issuer: str = DEFAULT_ISSUER
    audience: str = "coalition-api"
    access_token_seconds: int = 600

    oidc_issuer: str | None = None
    oidc_jwks_url: str | None = None
    oidc_audience: str | None = None
    oidc_tenant_claim: str = "coalition_tenant"
    oidc_leeway_seconds: int = 30

    max_page_size: int = 100
    max_query_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    # Sized so a convener's directory view fits (50 organizations with their people costs
    # 7,251) while 100 x 100 nested objects (40,301) do not.
    max_query_cost: int = 20_000
    max_body_bytes: int = 100_000
    # Fields and fragment spreads of a document once its fragments are expanded: bounds the
    # work of validation, which a fragment spread twice at each of 40 levels makes 2^40.
    max_selections: int = 10_000
    # Comparisons graphql-core's overlap rule may make (api/overlap.py): each costs up to
    # 16 us, so 2,000 are at most about 30 ms; a name selected 600 times is 180,000.
    max_field_comparisons: int = 2_000

    # Documents that passed validation, remembered by text so a repeated one is only priced
    # (api/known_documents.py); 0 validates every request in full.
    valid_documents: int = 256

    db_pool_size: int = 10
    # How often the server looks for partnerships due a demand release (0: never; then
    # releases come from the convener and `coalition demand release` alone).
    release_check_seconds: float = 300.0
    # How long a query may keep retrying on fresh connections while the database drops
    # them (backoff from 50 ms, doubling, jittered); then the answer is a 503.
    db_retry_seconds: float = 5.0

    # Anonymous event registration (``events/rate_limit.py``): at most this many attempts
    # from one client address for one event in the window, and this many for one event
    # from all addresses together in its window. Over either, the attempt is refused with
    # RATE_LIMITED and nothing is written.
    registration_attempts_per_address: int = 10
    registration_address_window_seconds: int = 600
    registration_attempts_per_event: int = 500
    registration_event_window_seconds: int = 60
    # The key of the HMAC-SHA256 that hides client addresses in the attempts table. Unset:
    # derived from the API's database URL, password included (so it differs per database
    # and is as secret as that password); set it to keep the hashes across a password change.
    registration_address_secret: SecretStr | None = None

    # The web app (``coalition.web``). People sign in with the partnership's OpenID
    # Connect provider (``oidc_issuer``; authorization code with PKCE) as this client;
    # unset, only the development sign-in page ("sign in as a demo person") exists, and
    # only outside production. The provider's metadata is read from
    # ``web_oidc_metadata_url``, by default ``<oidc_issuer>/.well-known/openid-configuration``.
    web_oidc_client_id: str | None = None
    web_oidc_client_secret: SecretStr | None = None
    web_oidc_metadata_url: str | None = None
    # The key that signs the session cookie. Unset: derived from the API's database URL
    # with its password, like ``registration_address_secret`` (the same for every server
    # of one database).
    session_secret: SecretStr | None = None
    # How long a web sign-in lasts.
    session_seconds: int = 8 * 3600

    # /metrics (telemetry/exposition.py): in production it is off unless this token is
    # set, and then asks for it as a bearer token. In development it is open.
    metrics_token: SecretStr | None = None
    # A `tenant` label (the partnership's slug) on the request and activity metrics, for
    # at most metrics_max_tenants partnerships (later ones are `other`); off, it is empty.
    metrics_tenant_labels: bool = False
    metrics_max_tenants: int = 100
    # Distinct GraphQL documents (by hash) labelled apart; later ones are `other`.
    metrics_max_operations: int = 500

    @field_validator("access_token_seconds")
    @classmethod
    def _short_lived(cls, value: int) -> int:
        if not 60 <= value <= MAX_ACCESS_TOKEN_SECONDS:
            raise ValueError(f"must be between 60 and {MAX_ACCESS_TOKEN_SECONDS} seconds")
        return value

    @field_validator("oidc_leeway_seconds")
    @classmethod
    def _bounded_leeway(cls, value: int) -> int:
        if not 0 <= value <= 60:
            raise ValueError("must be between 0 and 60 seconds")
        return value

    @property
    def public_url(self) -> str | None:
        """The configured public base URL (``COALITION_ISSUER``), or None when it was not
        configured and each request's own scheme, host and port must stand in."""
        return self.issuer.rstrip("/") if "issuer" in self.model_fields_set else None

    @property
    def oidc_metadata_url(self) -> str | None:
        """Where the web app reads the OpenID provider's metadata (None: no provider)."""
        if self.web_oidc_metadata_url:
            return self.web_oidc_metadata_url
        if self.oidc_issuer:
            return self.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
        return None

    @property
    def is_production(self) -> bool:
        return self.env == Environment.PRODUCTION


@lru_cache
def get_settings() -> Settings:
    return Settings()
