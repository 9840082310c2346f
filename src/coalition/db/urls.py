"""Which database URL each part of the system connects with.

The owner's URL (``DATABASE_URL``, or the embedded server's) runs migrations,
the demo seed and admin commands. The API connects as a separate login role
that owns nothing and cannot bypass row-level security: its URL is
``COALITION_APP_DATABASE_URL`` when set, otherwise the owner's URL with the
user and password swapped for ``COALITION_APP_ROLE`` and the password that
``coalition db upgrade`` keeps in ``<data dir>/app-role-password``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from coalition.config import Settings
from coalition.db.embedded import embedded_server_uri

PASSWORD_FILE = "app-role-password"  # noqa: S105 - a file name


def to_asyncpg(url: str | URL) -> URL:
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername != "postgresql+asyncpg":
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: use postgresql://"
        )
    return parsed


def owner_url(settings: Settings, *, create: bool = True) -> URL:
    """``DATABASE_URL``, or the embedded server's (started or joined here). With
    ``create=False`` a data folder without a database raises ``NoEmbeddedDatabase``
    rather than initializing a new, empty server."""
    if settings.database_url:
        return to_asyncpg(settings.database_url)
    return to_asyncpg(embedded_server_uri(settings.data_dir, create=create))


def app_role_password(settings: Settings, *, create: bool = False) -> str:
    """The derived app role's password, created on first use by ``db upgrade``."""
    path = Path(settings.data_dir) / PASSWORD_FILE
    if path.exists():
        return path.read_text().strip()
    if not create:
        raise RuntimeError(
            f"no app role password at {path}: run `coalition db upgrade` first "
            "or set COALITION_APP_DATABASE_URL"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(password)
    return password


def app_url(settings: Settings) -> URL:
    if settings.app_database_url:
        return to_asyncpg(settings.app_database_url)
    return owner_url(settings).set(username=settings.app_role, password=app_role_password(settings))
