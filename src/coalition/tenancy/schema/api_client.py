"""A partner application's OAuth2 client: listing, creating and revoking them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from coalition.api.context import Info
from coalition.api.mutations import UserError, decode_id, run_mutation
from coalition.api.relay import After, Connection, First, Node, to_global_id
from coalition.auth.principal import Principal
from coalition.pagination import DEFAULT_PAGE_SIZE, PageRequest
from coalition.tenancy import api_clients, models, reads
from coalition.tenancy.permissions import may_manage_api_clients
from coalition.tenancy.schema.loaders import TenancyLoaders


@strawberry.type(name="ApiClient", description="A partner application's OAuth2 client.")
class ApiClientType(Node):
    name: str = strawberry.field(description="What the application is.")
    client_id: str = strawberry.field(description="The OAuth2 client_id.")
    scopes: list[str] = strawberry.field(description="What the client may do.")
    created_at: datetime = strawberry.field(description="When it was created.")
    revoked_at: datetime | None = strawberry.field(description="When it was revoked, if it was.")

    @classmethod
    def from_model(cls, client: models.ApiClient) -> ApiClientType:
        return cls(
            id=to_global_id("ApiClient", client.id),
            name=client.name,
            client_id=client.client_id,
            scopes=list(client.scopes),
            created_at=client.created_at,
            revoked_at=client.revoked_at,
        )

    @classmethod
    async def resolve_node(cls, info: Info, object_id: uuid.UUID) -> ApiClientType | None:
        # Anyone else gets null, as for an ID that does not exist.
        if not may_manage_api_clients(info.context.require_principal()):
            return None
        client = await info.context.loaders.of(TenancyLoaders).api_client.load(object_id)
        return cls.from_model(client) if client else None


@strawberry.input(description="A new partner application.")
class CreateApiClientInput:
    name: str = strawberry.field(description="What the application is.")
    scopes: list[str] = strawberry.field(description="Scopes, e.g. read, write.")


@strawberry.input(description="The client to revoke.")
class RevokeApiClientInput:
    id: strawberry.ID = strawberry.field(description="The client.")


@strawberry.type(description="Result of creating a client: the secret is shown only here.")
class CreateApiClientPayload:
    api_client: ApiClientType | None = strawberry.field(description="The new client.")
    client_secret: str | None = strawberry.field(
        description="The client secret. Store it now: it is not kept and cannot be shown again."
    )
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type(description="Result of revoking a client.")
class ApiClientPayload:
    api_client: ApiClientType | None = strawberry.field(description="The client.")
    user_errors: list[UserError] = strawberry.field(description="Problems with the input.")


@strawberry.type
class ApiClientQuery:
    @strawberry.field(description="Partner applications' clients (partnership admins only).")
    async def api_clients(
        self, info: Info, first: First = DEFAULT_PAGE_SIZE, after: After = None
    ) -> Connection[ApiClientType]:
        principal = info.context.require_principal()
        async with info.context.session() as session:
            page = await reads.list_api_clients(
                session, principal, page=PageRequest(first=first, after=after)
            )
        return Connection.of(page, ApiClientType.from_model)


@strawberry.type
class ApiClientMutation:
    @strawberry.mutation(description="Create a partner application's client.")
    async def create_api_client(
        self,
        info: Info,
        input: Annotated[CreateApiClientInput, strawberry.argument(description="The new client.")],
    ) -> CreateApiClientPayload:
        result, errors = await run_mutation(
            info,
            lambda s, p: api_clients.create_api_client(s, p, name=input.name, scopes=input.scopes),
        )
        client, secret = result if result else (None, None)
        return CreateApiClientPayload(
            api_client=ApiClientType.from_model(client) if client else None,
            client_secret=secret,
            user_errors=errors,
        )

    @strawberry.mutation(description="Revoke a client: its tokens stop working at once.")
    async def revoke_api_client(
        self,
        info: Info,
        input: Annotated[
            RevokeApiClientInput, strawberry.argument(description="The client to revoke.")
        ],
    ) -> ApiClientPayload:
        async def action(session: Any, principal: Principal) -> models.ApiClient:
            client_id = decode_id(input.id, "ApiClient", "id")
            return await api_clients.revoke_api_client(session, principal, client_id=client_id)

        client, errors = await run_mutation(info, action)
        return ApiClientPayload(
            api_client=ApiClientType.from_model(client) if client else None, user_errors=errors
        )
