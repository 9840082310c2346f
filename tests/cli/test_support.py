"""``coalition.cli.support``: what every command shares."""

from __future__ import annotations

import uuid

import pytest

from coalition.api.relay import from_global_id, to_global_id
from coalition.cli import domain_apps
from coalition.cli.support import flag_messages, global_id, object_id
from coalition.errors import UserError

ID = uuid.UUID("0b7f4e0c-3c1d-4a59-9d0e-5f1a2b3c4d5e")


@pytest.mark.parametrize("type_name", ["Organization", "FundPool", "ApiClient"])
def test_global_ids_are_the_apis(type_name: str) -> None:
    assert global_id(type_name, ID) == to_global_id(type_name, ID)
    assert from_global_id(global_id(type_name, ID)) == (type_name, ID)
    assert object_id(to_global_id(type_name, ID), type_name) == ID


@pytest.mark.parametrize("value", ["", "nope", str(ID)[:-1], to_global_id("FundPool", ID)])
def test_anything_else_is_no_organization_id(value: str) -> None:
    assert object_id(value, "Organization") is None


def test_a_uuid_is_an_id_of_any_type() -> None:
    assert object_id(f" {ID} ", "Organization") == ID


def test_messages_name_the_flag_not_the_field() -> None:
    errors = [
        UserError(("minEmployers",), "min_employers must be an integer of at least 2.", "X"),
        UserError(("timeZone",), "timeZone is not an IANA time zone.", "X"),
        UserError(("name",), "An organization with this name exists.", "TAKEN"),
        UserError(("other",), "Something else.", "X"),
    ]

    assert flag_messages(
        errors, {"minEmployers": "--min-employers", "timeZone": "--time-zone", "name": "--name"}
    ) == [
        "--min-employers must be an integer of at least 2.",
        "--time-zone is not an IANA time zone.",
        "--name: An organization with this name exists.",
        "Something else.",
    ]


def test_each_domain_with_a_cli_module_brings_its_group() -> None:
    assert [name for name, _ in domain_apps()] == ["reference", "import", "export"]
