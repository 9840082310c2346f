"""Fixtures of the events tests: the starter vocabulary (occupations events target)."""

from __future__ import annotations

from tests.supply.conftest import starter_vocabulary

__all__ = ["starter_vocabulary"]
