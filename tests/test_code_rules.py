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


HAND_WRITTEN_TENANT_FILTER = re.compile(r"\btenant_id\s*==")
SYSTEM_ESCAPE = "# scoping: system"


def _hand_written_tenant_filters(lines: list[str]) -> list[int]:
    return [
        number
        for number, line in enumerate(lines, start=1)
        if HAND_WRITTEN_TENANT_FILTER.search(line) and SYSTEM_ESCAPE not in line
    ]


def test_tenant_queries_start_from_the_scoping_helper() -> None:
    # Every tenant query starts from coalition.db.scoping (scoped / in_tenant); a line
    # that crosses tenants on purpose says so with "# scoping: system".
    scoping = SOURCE / "db" / "scoping.py"
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in _python_sources()
        if path != scoping
        for number in _hand_written_tenant_filters(path.read_text().splitlines())
    ]

    assert offenders == []


def test_the_scoping_rule_catches_a_hand_written_filter() -> None:
    lines = [
        "select(Organization).where(Organization.tenant_id == principal.tenant_id)",
        "and_(Membership.tenant_id==tenant_id, Membership.id == membership_id)",
        "select(Tenant.id).where(Tenant.slug == slug)",
        "scoped(Organization, principal).where(Organization.id == organization_id)",
        "rows = select(Key).where(Key.tenant_id == tenant_id)  # scoping: system",
    ]

    assert _hand_written_tenant_filters(lines) == [1, 2]


TESTS = Path(__file__).resolve().parent
IMPORTS_A_TEST_MODULE = re.compile(
    r"^\s*(from\s+tests(\.\w+)*\.test_\w+\s+import|import\s+tests(\.\w+)*\.test_\w+)",
    re.MULTILINE,
)


def test_no_test_module_imports_another() -> None:
    # Shared helpers live in tests/support/ or a domain's support module, fixtures in
    # conftest.py: importing a test module runs its tests' collection twice and ties
    # one file's helpers to another's tests.
    offenders = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if IMPORTS_A_TEST_MODULE.search(path.read_text())
    ]

    assert offenders == []


def test_the_test_import_rule_catches_what_it_is_for() -> None:
    assert IMPORTS_A_TEST_MODULE.search("from tests.demand.test_import import rows\n")
    assert IMPORTS_A_TEST_MODULE.search("import tests.funds.test_validation\n")
    assert not IMPORTS_A_TEST_MODULE.search("from tests.support.world import World\n")
    assert not IMPORTS_A_TEST_MODULE.search("from tests.funds.support import record\n")
