"""Counting the SQL statements the API runs (the no-N+1 rule), and finding those that touch
a tenant table without naming ``tenant_id`` (SECURITY.md item 13)."""

from __future__ import annotations

import re

from coalition.models import Base

_KEY_RELOAD = re.compile(r"\bFROM signing_keys\b")


class StatementCounter:
    """A ``before_cursor_execute`` listener. ``statements``: those of a request's work,
    not the key store's reload of the signing keys, which comes once a minute whatever
    the request (counts compared across two requests differed by one when a reload fell
    between them); ``every_statement``: all of them."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.every_statement: list[str] = []

    def __call__(self, conn: object, cursor: object, statement: str, *args: object) -> None:
        self.every_statement.append(statement)
        if not _KEY_RELOAD.search(statement):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


def _tenant_table_mentions() -> dict[str, re.Pattern[str]]:
    names = sorted(t.name for t in Base.metadata.tables.values() if "tenant_id" in t.c)
    return {name: re.compile(rf"\b{name}\b") for name in names}


def without_tenant_filter(statements: list[str]) -> list[str]:
    """The statements that touch a tenant table without naming ``tenant_id``."""
    mentions = _tenant_table_mentions()
    return [
        statement
        for statement in statements
        if any(pattern.search(statement) for pattern in mentions.values())
        and "tenant_id" not in statement
    ]
