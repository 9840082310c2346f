"""Fixtures of the vocabulary tests: the reference data, loaded once per test run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coalition.db.engine import SessionFactory
from coalition.skills.loader import load_reference
from coalition.skills.starter import load_starter, shared_data_dir

_loaded: dict[str, int] = {}


@pytest.fixture(scope="session")
def data_files() -> Path:
    """The publishers' files in ../shared/data or COALITION_REFERENCE_DIR.

    CI always has them, so there a missing folder fails the run; a newcomer's
    clone may not, and then the tests that need the full files are skipped
    with the reason (everything else runs on the starter set).
    """
    directory = shared_data_dir()
    if directory is None:
        message = "no ../shared/data: set COALITION_REFERENCE_DIR to the publishers' files"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return directory


@pytest.fixture(scope="session")
async def reference_data(owner_sessions: SessionFactory, data_files: Path) -> dict[str, int]:
    """The starter set, then the full files, loaded once as the owner; the full load's
    counts per table."""
    if not _loaded:
        async with owner_sessions() as session, session.begin():
            await load_starter(session)
            _loaded.update(await load_reference(session, data_files))
    return _loaded
