"""The checked-in SDL, money types and descriptions, read from the live schema."""

from __future__ import annotations

from pathlib import Path

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from coalition.api.schema import build_schema
from coalition.cli.schema import schema_sdl
from coalition.config import Environment, Settings

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "graphql" / "schema.graphql"
BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}
MONEY_WORDS = ("amount", "cents", "price", "cost", "balance")


def public_types(schema: GraphQLSchema) -> dict[str, object]:
    return {
        name: graphql_type
        for name, graphql_type in schema.type_map.items()
        if not name.startswith("__") and name not in BUILT_IN_SCALARS
    }


def money_typed_as_numbers(schema: GraphQLSchema) -> list[str]:
    """Fields and arguments that look like money but are typed Int or Float."""
    found: list[str] = []
    for name, graphql_type in public_types(schema).items():
        if not isinstance(
            graphql_type, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)
        ):
            continue
        for field_name, field in graphql_type.fields.items():
            places = [(field_name, field.type)]
            places += [
                (f"{field_name}({arg_name})", argument.type)
                for arg_name, argument in getattr(field, "args", {}).items()
            ]
            for place, place_type in places:
                looks_like_money = any(word in place.lower() for word in MONEY_WORDS)
                if looks_like_money and get_named_type(place_type).name in ("Int", "Float"):
                    found.append(f"{name}.{place}")
    return found


def missing_descriptions(schema: GraphQLSchema) -> list[str]:
    missing: list[str] = []
    for name, graphql_type in public_types(schema).items():
        if not getattr(graphql_type, "description", None):
            missing.append(name)
        if isinstance(
            graphql_type, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)
        ):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(graphql_type, GraphQLEnumType):
            missing += [
                f"{name}.{value_name}"
                for value_name, value in graphql_type.values.items()
                if not value.description
            ]
    return missing


def test_the_checked_in_sdl_matches_the_code() -> None:
    live = schema_sdl(build_schema(Settings()))

    assert SCHEMA_FILE.read_text() == live, (
        "graphql/schema.graphql is stale: run `coalition schema export`"
    )


def test_production_and_development_publish_the_same_schema() -> None:
    development = build_schema(Settings(env=Environment.DEVELOPMENT))
    production = build_schema(Settings(env=Environment.PRODUCTION))

    assert schema_sdl(production) == schema_sdl(development)


def test_no_money_field_is_an_int_or_a_float() -> None:
    schema = build_schema(Settings())._schema

    assert money_typed_as_numbers(schema) == []


@strawberry.type(name="Product")
class PricedProduct:
    name: str
    unit_price: float
    total_cents: int


@strawberry.type(name="Query")
class PricedQuery:
    @strawberry.field
    def product(self, max_cost: int) -> PricedProduct:
        raise NotImplementedError


def test_the_money_check_catches_a_numeric_price() -> None:
    # The check above passes trivially until money arrives; show it can fail.
    schema = strawberry.Schema(query=PricedQuery)._schema

    assert sorted(money_typed_as_numbers(schema)) == [
        "Product.totalCents",
        "Product.unitPrice",
        "Query.product(maxCost)",
    ]


def test_every_public_type_field_argument_and_value_is_described() -> None:
    schema = build_schema(Settings())._schema

    assert missing_descriptions(schema) == []
