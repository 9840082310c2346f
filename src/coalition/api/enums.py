"""Expose a domain enum in GraphQL, with a description on every value.

The domain's enums stay plain Python enums (services never see GraphQL);
this registers one with strawberry and documents each value.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=enum.Enum)


def expose_enum(cls: type[E], *, name: str, description: str, values: Mapping[E, str]) -> None:
    missing = [member.name for member in cls if member not in values]
    if missing:
        raise ValueError(f"describe every value of {name}: {', '.join(missing)}")
    strawberry.enum(cls, name=name, description=description)
    for value in cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = values[cls[value.name]]
