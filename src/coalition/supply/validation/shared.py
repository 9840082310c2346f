"""What program and cohort checks share: the vocabulary, running each field's check,
and status transitions."""

from __future__ import annotations

import enum
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any, TypeVar

from coalition.errors import UserError
from coalition.supply.errors import SupplyErrorCode as Code
from coalition.validation import Checker

E = TypeVar("E", bound=enum.StrEnum)


class _Invalid:
    """The value of a field that failed its own check: rules spanning it are skipped."""


INVALID = _Invalid()


@dataclass(frozen=True)
class Vocabulary:
    """The CIP codes, SOC codes and skill IDs that exist (or at least those asked about)."""

    cip_codes: Container[str]
    occupation_codes: Container[str]
    skill_ids: Container[str]


class Fields:
    """Runs each given field's check, keeping its value, or INVALID when it failed."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.check = Checker()
        self.cleaned: dict[str, Any] = {}

    def take(self, name: str, read: Callable[[Checker, Any], Any]) -> None:
        if name not in self.values:
            return
        before = len(self.check.errors)
        value = read(self.check, self.values[name])
        self.cleaned[name] = value if len(self.check.errors) == before else INVALID

    def valid(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned.items() if v is not INVALID}

    @property
    def errors(self) -> list[UserError]:
        return self.check.errors


def with_required(values: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    """``values`` with each required field it lacks given as None (reported missing)."""
    return {name: None for name in required} | values


def status_of(
    check: Checker,
    value: Any,
    *,
    current: E | None,
    kind: type[E],
    transitions: dict[E, frozenset[E]],
    initial: frozenset[E],
    noun: str,
) -> E | None:
    """The status asked for, if a new record may start in it (``initial``) or the
    current one may move to it (``transitions``)."""
    status = check.choice_by_name(("status",), value, kind, name="status")
    if status is None:
        return None
    allowed = initial if current is None else transitions[current]
    if status not in allowed:
        origin = f"a new {noun}" if current is None else f"a {current.value} {noun}"
        check.add(("status",), f"{origin} cannot become {status.value}.", Code.INVALID_TRANSITION)
        return None
    return status


__all__ = ["INVALID", "Fields", "Vocabulary", "status_of", "with_required"]
