"""``coalition reference ...`` run in-process against the test database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coalition.config import Settings, get_settings
from coalition.skills.cli import app as reference_app


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    assert settings.database_url is not None
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("COALITION_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("COALITION_APP_ROLE", settings.app_role)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_help_names_every_command() -> None:
    result = CliRunner().invoke(reference_app, ["--help"], prog_name="coalition reference")

    assert result.exit_code == 0
    assert {"load", "download", "starter"} <= set(result.output.split())


def test_load_prints_rows_per_table(cli_env: Settings, data_files: Path, tmp_path: Path) -> None:
    shutil.copy(data_files / "naics" / "naics_2022_codes.csv", tmp_path)

    result = CliRunner().invoke(reference_app, ["load", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["industries    2,125", "skills           12"]


def test_a_bad_file_fails_with_its_line(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "naics_2022_codes.csv").write_text(
        "naics_code,naics_title,digits,level\n11,Agriculture,2,Sector\n1x,Bad,2,Sector\n"
    )

    result = CliRunner().invoke(reference_app, ["load", str(tmp_path)])

    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {tmp_path / 'naics_2022_codes.csv'}, line 3, column "
        "'naics_code': '1x' is not a valid code\n"
    )


def test_download_explains_itself() -> None:
    result = CliRunner().invoke(reference_app, ["download", "--help"], terminal_width=200)

    assert result.exit_code == 0
    assert "Fetch the files from BLS, O*NET, the Census Bureau and NCES" in result.output
    assert "Needs the internet." in result.output
