"""Reading the publishers' CSV and tab-separated files row by row, with line numbers."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO


class ReferenceDataError(ValueError):
    """A reference file that cannot be loaded; says where the problem is."""

    def __init__(
        self, path: Path, message: str, *, line: int | None = None, column: str = ""
    ) -> None:
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.column = column


class Rows:
    """Rows of a CSV or tab-separated file as dicts, with their line numbers."""

    def __init__(self, path: Path, required: Sequence[str], *, tabs: bool = False) -> None:
        self.path = path
        self.required = required
        self.tabs = tabs

    def fail(self, message: str, line: int | None = None, column: str = "") -> ReferenceDataError:
        return ReferenceDataError(self.path, message, line=line, column=column)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            with self.path.open(encoding="utf-8", newline="") as handle:
                records = self._records(handle)
                header = next(records, None)
                if header is None:
                    raise self.fail("the file is empty", 1)
                names = [name.strip().lstrip("\ufeff") for name in header[1]]
                missing = [name for name in self.required if name not in names]
                if missing:
                    raise self.fail(f"the header lacks the column(s) {', '.join(missing)}", 1)
                for line, values in records:
                    if not any(value.strip() for value in values):
                        continue
                    if len(values) != len(names):
                        raise self.fail(f"expected {len(names)} fields, found {len(values)}", line)
                    yield (
                        line,
                        {name: value.strip() for name, value in zip(names, values, strict=True)},
                    )
        except UnicodeDecodeError as error:
            raise self.fail(f"not UTF-8 text ({error.reason})") from error
        except csv.Error as error:
            raise self.fail(f"malformed CSV: {error}") from error
        except FileNotFoundError as error:
            raise self.fail("no such file") from error

    def _records(self, handle: TextIO) -> Iterator[tuple[int, list[str]]]:
        if self.tabs:
            for number, text in enumerate(handle, start=1):
                yield number, text.rstrip("\r\n").split("\t")
        else:
            reader = csv.reader(handle, strict=True)
            for values in reader:
                yield reader.line_num, values


def text_field(rows: Rows, row: dict[str, str], line: int, column: str, *, limit: int) -> str:
    value = row[column]
    if not value:
        raise rows.fail("must not be empty", line, column)
    if len(value) > limit:
        raise rows.fail(f"longer than {limit} characters", line, column)
    return value


def code_field(
    rows: Rows, row: dict[str, str], line: int, column: str, pattern: re.Pattern[str]
) -> str:
    value = row[column]
    if not pattern.match(value):
        raise rows.fail(f"{value!r} is not a valid code", line, column)
    return value
