"""The schema root, built from the list of domains: their queries, mutations and Node types.

Each domain's ``schema`` package exports ``Query`` and ``Mutation`` (or None), optionally
``Subscription`` (its live updates, served over WebSocket: ``api/websocket.py``),
``NODE_TYPES`` (each resolving its own IDs with ``resolve_node``), ``TYPES``
(other types to register) and optionally ``FIELDS``: pairs of (another domain's type,
a strawberry type whose fields are added to it), so a domain can give
``Organization`` or ``Occupation`` a field of its own without the owner knowing.
``node``/``nodes`` and the audit log's global IDs come from the registered Node types,
so a new domain needs no change here.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import ModuleType
from typing import Annotated, Any, cast

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.extensions.base_extension import SchemaExtension
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.types.base import get_object_definition

from coalition.api.context import Info
from coalition.api.errors import ValidationCodes
from coalition.api.known_documents import KnownDocuments, ValidDocuments
from coalition.api.limits import OperationLimits
from coalition.api.relay import Node, NodeId, from_global_id
from coalition.config import Settings
from coalition.domains import DOMAINS


class ParsedDocument(SchemaExtension):
    """Gives strawberry the document the endpoint parsed (with the same token limit), so
    a request's text is parsed once; without one, strawberry parses the text itself."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        document = getattr(context.context, "document", None)
        if context.graphql_document is None and document is not None:
            context.graphql_document = document
        yield


class CoalitionSchema(strawberry.Schema):
    """The strawberry schema, knowing which Node type owns each global ID's type name."""

    node_types: Mapping[str, type[Node]] = {}


def node_types_of(info: Info) -> Mapping[str, type[Node]]:
    """The schema's Node types by GraphQL type name (what a global ID starts with)."""
    return cast(CoalitionSchema, info.schema).node_types


async def resolve_global_id(info: Info, global_id: str) -> Node | None:
    info.context.require_principal()
    decoded = from_global_id(global_id)
    if decoded is None:
        return None
    type_name, object_id = decoded
    node_type = node_types_of(info).get(type_name)
    if node_type is None:
        return None
    return await node_type.resolve_node(info, object_id)


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null if not found.")
    async def node(self, info: Info, id: NodeId) -> Node | None:
        return await resolve_global_id(info, id)

    @strawberry.field(description="Objects by global ID, in order; null for each not found.")
    async def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description="Global IDs, at most 100."),
        ],
    ) -> list[Node | None]:
        # gather, so the DataLoaders see every ID at once and batch them.
        return list(
            await asyncio.gather(*(resolve_global_id(info, global_id) for global_id in ids))
        )


def load_domains(names: Iterable[str] = DOMAINS) -> list[ModuleType]:
    """Each domain's ``schema`` package, in the order given."""
    return [importlib.import_module(f"{name}.schema") for name in names]


def _node_types(domains: Sequence[ModuleType]) -> dict[str, type[Node]]:
    found: dict[str, type[Node]] = {}
    for domain in domains:
        for node_type in domain.NODE_TYPES:
            name = get_object_definition(node_type, strict=True).name
            if name in found:
                raise ValueError(f"two domains register the Node type {name}")
            found[name] = node_type
    return found


def _add_fields(domains: Sequence[ModuleType]) -> None:
    """Adds each domain's ``FIELDS`` to the types they extend (once: a later build finds
    them there). A field's resolver receives the host object as ``self``."""
    for domain in domains:
        for host, extra in getattr(domain, "FIELDS", ()):
            definition = get_object_definition(host, strict=True)
            present = {field.python_name for field in definition.fields}
            for field in get_object_definition(extra, strict=True).fields:
                if field.python_name in present:
                    if field not in definition.fields:
                        raise ValueError(f"two domains add the field {field.python_name}")
                    continue
                definition.fields.append(field)


def _merge(name: str, description: str, parts: Sequence[type[Any]]) -> type[Any]:
    root = type(name, tuple(parts), {})
    return strawberry.type(root, name=name, description=description)


def build_schema(settings: Settings, domains: Iterable[str] = DOMAINS) -> CoalitionSchema:
    """The whole schema, from ``domains`` (package names; the default is every domain)."""
    modules = load_domains(domains)
    node_types = _node_types(modules)
    _add_fields(modules)
    queries = [NodeQuery, *(m.Query for m in modules if m.Query is not None)]
    mutations = [m.Mutation for m in modules if m.Mutation is not None]
    subscriptions = [s for m in modules if (s := getattr(m, "Subscription", None)) is not None]
    # Factories, not instances: each request gets fresh extensions (they hold its state).
    documents = ValidDocuments(settings.valid_documents)
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        ParsedDocument,
        ValidationCodes,
        lambda: KnownDocuments(documents),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
        lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        lambda: OperationLimits(
            max_page_size=settings.max_page_size,
            max_cost=settings.max_query_cost,
            max_selections=settings.max_selections,
            max_field_comparisons=settings.max_field_comparisons,
        ),
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection)
    schema = CoalitionSchema(
        query=_merge("Query", "Everything a caller can read.", queries),
        mutation=_merge("Mutation", "Everything a caller can change.", mutations)
        if mutations
        else None,
        subscription=_merge(
            "Subscription",
            "Live updates, over WebSocket (graphql-transport-ws) at /graphql.",
            subscriptions,
        )
        if subscriptions
        else None,
        types=[*node_types.values(), *(t for m in modules for t in getattr(m, "TYPES", ()))],
        extensions=extensions,
    )
    schema.node_types = node_types
    return schema
