"""Counting the SQL statements the API runs (the no-N+1 rule)."""

from __future__ import annotations


class StatementCounter:
    """A ``before_cursor_execute`` listener that records every statement."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: object, cursor: object, statement: str, *args: object) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)
