"""What people type, as GraphQL input: dollars to cents exactly, whole numbers, and a
mutation's problems put on the inputs that caused them."""

from __future__ import annotations

import pytest

from coalition.api.inprocess import Answer
from coalition.web.forms import decimal_number, dollars_to_minor, input_errors, whole_number
from coalition.web.visit import FormError


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12.50", "1250"),
        ("$2,750", "275000"),
        ("2,750.05", "275005"),
        ("0", "0"),
        (".5", "50"),
        ("19.99", "1999"),
        ("  7 ", "700"),
    ],
)
def test_dollars_become_exact_cents(typed: str, cents: str) -> None:
    assert dollars_to_minor(typed) == cents


@pytest.mark.parametrize(
    "typed", ["", "$", ".", "12.345", "-5", "1e3", "12,50", "twelve", "1,2345", "NaN", "Infinity"]
)
def test_what_is_not_an_amount_in_dollars_is_none(typed: str) -> None:
    assert dollars_to_minor(typed) is None


def test_numbers_as_typed() -> None:
    assert [whole_number(t) for t in ("12", "1,200", " 3 ", "-2")] == [12, 1200, 3, -2]
    assert [whole_number(t) for t in ("", "1.5", "x", "9" * 12)] == [None] * 4
    assert [decimal_number(t) for t in ("85", "85.5", "85.5%", "x", "")] == [
        85.0,
        85.5,
        85.5,
        None,
        None,
    ]


def test_each_problem_goes_to_the_input_of_its_longest_known_path() -> None:
    answer = Answer(
        data={
            "createThing": {
                "userErrors": [
                    {"field": ["credential", "name"], "message": "a"},
                    {"field": ["credential", "kind"], "message": "b"},
                    {"field": ["occupationCodes", "2"], "message": "c"},
                    {"field": ["skills", "0", "skillId"], "message": "d"},
                    {"field": ["organizationId"], "message": "e"},
                ]
            }
        },
        errors=[{"message": "f", "extensions": {"code": "BAD_USER_INPUT"}}],
    )
    fields = {
        "credential": "credentialKind",
        "credential.name": "credentialName",
        "occupationCodes": "occupationCodes",
        "skills": "skills",
    }

    assert input_errors(answer, "createThing", fields) == [
        FormError("", "f"),
        FormError("credentialName", "a"),
        FormError("credentialKind", "b"),
        FormError("occupationCodes", "c"),
        FormError("skills", "d"),
        FormError("", "e"),
    ]
