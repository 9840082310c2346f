"""Rules about the code itself that a reviewer could miss (SECURITY.md items 5 and 21)."""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "coalition"


def _python_sources() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def test_the_tenant_is_only_ever_set_transaction_locally() -> None:
    plain_set = re.compile(r"\bSET\s+(?!LOCAL\b)(SESSION\s+)?app\.tenant_id", re.IGNORECASE)
    session_wide = re.compile(r"set_config\([^)]*,\s*false\s*\)", re.IGNORECASE)

    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in _python_sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if plain_set.search(line) or session_wide.search(line)
    ]

    assert offenders == []


def test_no_money_is_typed_float() -> None:
    money_float = re.compile(r"(amount|cents|balance|price|cost)\w*\s*:\s*float", re.IGNORECASE)

    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in _python_sources()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if money_float.search(line)
    ]

    assert offenders == []


def test_the_rules_catch_what_they_are_for() -> None:
    plain_set = re.compile(r"\bSET\s+(?!LOCAL\b)(SESSION\s+)?app\.tenant_id", re.IGNORECASE)

    assert plain_set.search("SET app.tenant_id = 'x'")
    assert plain_set.search("set session app.tenant_id = 'x'")
    assert not plain_set.search("SET LOCAL app.tenant_id = 'x'")
