"""Two API servers on loopback, each its own process (``coalition serve``) with its own
engine and LISTEN connection, on the suite's database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from coalition.config import Settings
from tests.support.servers import served


@pytest.fixture(scope="session")
async def servers(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[str, str]]:
    """The base URLs of the two servers."""
    logs = tmp_path_factory.mktemp("live-servers")
    async with AsyncExitStack() as stack:
        _, first = await stack.enter_async_context(served(settings, logs / "first.log"))
        _, second = await stack.enter_async_context(served(settings, logs / "second.log"))
        yield first, second
