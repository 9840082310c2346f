"""Errors the service layer raises; the API layer turns each into its GraphQL shape."""

from __future__ import annotations

from dataclasses import dataclass


class Unauthenticated(Exception):
    """No credentials, or credentials that could not be verified."""

    def __init__(self, message: str = "Authentication required.") -> None:
        super().__init__(message)


class Forbidden(Exception):
    """The caller is known but may not do this."""

    def __init__(self, message: str = "You do not have permission to do this.") -> None:
        super().__init__(message)


class NotFound(Exception):
    """No such object in the caller's tenant (another tenant's objects included)."""


@dataclass(frozen=True)
class UserError:
    """A problem with the input that the caller can fix."""

    field: tuple[str, ...]
    message: str
    code: str


class InvalidInput(Exception):
    """Raised by a service before it writes anything; carries every problem found."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors
