"""The outcome report as files a funder opens: CSV (one table, a section per row group)
and an Excel workbook (sheets Report, Breakdowns and Definitions).

Both show exactly the report's figures: a suppressed cell is written ``(S)``, a rate
shown only as a bound ``>95%`` or ``<5%``, with a note at the end saying why; money in
the currency's major unit (dollars), rates as percentages. Text that members or the
convener typed (the partnership's, initiative's and pools' names) goes through
``csv_files.text_cell``, so no cell starts a spreadsheet formula; the workbook also
stores every text cell as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from coalition.csv_files import text_cell
from coalition.money import to_major
from coalition.outcomes.definitions import DEFINITIONS, Definition
from coalition.outcomes.figures import Bound, MetricCell
from coalition.outcomes.metric_names import MetricKind, MetricName
from coalition.outcomes.report import OutcomeReport
from coalition.outcomes.report_rows import (
    EXITED_CODE,
    PARTICIPANTS_EXITED,
    PARTICIPANTS_SERVED,
    SERVED_CODE,
)

SUPPRESSED = "(S)"
BOUNDS = {Bound.ABOVE_95_PERCENT: ">95%", Bound.BELOW_5_PERCENT: "<5%"}
PEOPLE, PERCENT = "people", "percent"
COLUMNS = (
    "section",
    "code",
    "title",
    "breakdown",
    "group",
    "unit",
    "target",
    "actual",
    "people",
    "numerator",
    "basis",
    "note",
)
DEFINITION_COLUMNS = (
    "code",
    "title",
    "kind",
    "version",
    "cohort",
    "denominator",
    "numerator",
    "exclusions",
)
BREAKDOWNS, DEFINITIONS_SECTION, NOTES = "Breakdowns", "Definitions", "Notes"


@dataclass(frozen=True)
class Figure:
    """A number as the files show it: ``number`` (people, a fraction for a percent, or
    an amount in the currency's major unit) or ``text`` ((S), >95%, <5%)."""

    number: int | Decimal | None = None
    text: str | None = None


Cell = str | int | Figure | None
Line = tuple[Cell, ...]


def report_csv(report: OutcomeReport) -> str:
    """The report as one CSV table: a header row, then every line (``COLUMNS``)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for line in _lines(report):
        writer.writerow([_csv_text(cell, line) for cell in line])
    return buffer.getvalue()


def report_xlsx(report: OutcomeReport) -> bytes:
    """The report as an Excel workbook: sheet Report (every line but the breakdowns and
    definitions), Breakdowns, and Definitions; bold headers, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Report"
    lines = list(_lines(report))
    main = [line for line in lines if line[0] not in (BREAKDOWNS, DEFINITIONS_SECTION)]
    _fill(sheet, COLUMNS, main)
    _fill(book.create_sheet(BREAKDOWNS), COLUMNS, [line for line in lines if line[0] == BREAKDOWNS])
    _fill(book.create_sheet("Definitions"), DEFINITION_COLUMNS, list(_definition_rows()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the lines -----------------------------------------------------------------------


def _lines(report: OutcomeReport) -> Iterator[Line]:
    header = report.header
    period = header.period
    about = (
        ("Partnership", header.partnership),
        ("Initiative", header.initiative),
        ("Period", f"{period.label} ({period.starts_on} to {period.ends_on})"),
        ("Generated at", header.generated_at.isoformat(timespec="seconds")),
        ("Minimum people per cell", str(header.min_people)),
        ("Definitions", "; ".join(header.definitions)),
    )
    for title, value in about:
        yield _line("Report", title=title, note=value)
    for count in (report.served, report.exited):
        yield _line(
            "Participants",
            code=count.code,
            title=count.title,
            unit=PEOPLE,
            **_actual(MetricKind.COUNT, count.figure, None),
        )
    for row in report.indicators:
        definition = row.definition
        kind = definition.kind
        currency = _currency(report, definition) if kind == MetricKind.MONEY else None
        fields = (
            _actual(kind, row.actual, currency)
            if row.actual is not None
            else {"note": row.note or ""}
        )
        yield _line(
            "Indicators",
            code=definition.code,
            title=definition.title,
            unit=_unit(kind, currency),
            target=_target(kind, row.target, currency),
            **fields,
        )
    for cost in report.costs:
        yield _line(
            "Costs",
            code=cost.per,
            title=cost.title,
            unit=cost.currency or "",
            actual=Figure(text=SUPPRESSED)
            if cost.suppressed
            else _money(cost.amount, cost.currency),
            people=cost.people,
            note=cost.note or "",
        )
    for expended in report.funds_expended:
        yield _line(
            "Funds expended",
            title="Disbursed in the period (approved or paid, less reversals)",
            unit=expended.currency,
            actual=_money(expended.amount, expended.currency),
        )
    for pool in report.funding:
        for title, amount in (
            ("Contributed to date", pool.contributed),
            ("Matched to date", pool.matched),
            ("Disbursed to date", pool.disbursed),
            ("Paid to date", pool.paid),
        ):
            yield _line(
                "Funding by pool",
                code=pool.pool,
                title=title,
                unit=pool.currency,
                actual=_money(amount, pool.currency),
            )
    for broken in report.breakdowns:
        currency = "USD" if broken.kind == MetricKind.MONEY else None
        yield _line(
            BREAKDOWNS,
            code=broken.code,
            title=broken.title,
            breakdown=str(broken.breakdown_by),
            group=str(broken.value),
            unit=_unit(broken.kind, currency),
            **_actual(broken.kind, broken.cell, currency),
        )
    for values in _definition_rows():
        code, title, *text = values
        yield _line(DEFINITIONS_SECTION, code=code, title=title, note=" ".join(map(str, text)))
    for note in _notes(header.min_people):
        yield _line(NOTES, note=note)


def _line(section: str, **cells: Cell) -> Line:
    unknown = set(cells) - set(COLUMNS)
    assert not unknown, unknown
    return tuple(section if name == "section" else cells.get(name) for name in COLUMNS)


def _actual(kind: MetricKind, cell: MetricCell | None, currency: str | None) -> dict[str, Cell]:
    """The actual, people, numerator and basis columns of a cell."""
    if cell is None:
        return {}
    if cell.suppressed:
        # A hidden rate's people still show when they pass on their own (``MetricCell``).
        people: Cell = Figure(text=SUPPRESSED) if cell.people is None else cell.people
        return {"actual": Figure(text=SUPPRESSED), "people": people}
    fields: dict[str, Cell] = {"people": cell.people, "basis": cell.basis}
    if cell.bound is not None:
        fields["actual"] = Figure(text=BOUNDS[cell.bound])
    elif cell.value is None:
        fields["actual"] = None
    elif kind == MetricKind.RATE:
        fields["actual"] = Figure(number=Decimal(cell.value))
        fields["numerator"] = cell.count
    elif kind == MetricKind.MONEY:
        fields["actual"] = _money(int(cell.value), currency)
    else:
        fields["actual"] = Figure(number=int(cell.value))
    return fields


def _target(kind: MetricKind, target: int | Decimal | None, currency: str | None) -> Cell:
    if target is None:
        return None
    if kind == MetricKind.RATE:
        return Figure(number=Decimal(target))
    if kind == MetricKind.MONEY:
        return _money(int(target), currency)
    return Figure(number=int(target))


def _money(amount: int | None, currency: str | None) -> Figure | None:
    if amount is None:
        return None
    return Figure(number=to_major(amount, currency or "USD"))


def _currency(report: OutcomeReport, definition: Definition) -> str:
    """Wages and earnings are kept in US cents; costs are in the funds' one currency."""
    if definition.cost_of is not None and len(report.funds_expended) == 1:
        return report.funds_expended[0].currency
    return "USD"


def _unit(kind: MetricKind, currency: str | None) -> str:
    if kind == MetricKind.RATE:
        return PERCENT
    if kind == MetricKind.MONEY:
        return currency or "USD"
    return PEOPLE


def _definition_rows() -> Iterator[tuple[str, ...]]:
    codes: list[tuple[str, Definition]] = [
        (SERVED_CODE, PARTICIPANTS_SERVED),
        (EXITED_CODE, PARTICIPANTS_EXITED),
    ]
    codes += [(DEFINITIONS[name].code, DEFINITIONS[name]) for name in MetricName]
    for code, definition in codes:
        yield (
            code,
            definition.title,
            str(definition.kind),
            str(definition.version),
            definition.cohort,
            definition.denominator,
            definition.numerator,
            definition.exclusions,
        )


def _notes(min_people: int) -> tuple[str, ...]:
    return (
        f"{SUPPRESSED}: suppressed. The figure stands for fewer than {min_people} people, "
        "or would let a suppressed cell be worked out from the totals, another breakdown "
        "or another period (complementary suppression); a rate is also suppressed when "
        "its count could be worked out.",
        ">95% / <5%: a rate above 95% or below 5%, shown only as that bound (with no count) "
        "so that nobody can tell which people did or did not reach the outcome.",
        "Money is in the currency's major unit (dollars); rates are percentages of the "
        "people in the metric's denominator; basis: participant records, members' "
        "aggregate counts, or both.",
    )


# --- writing -------------------------------------------------------------------------


def _csv_text(cell: Cell, line: Line) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Figure):
        if cell.text is not None:
            return cell.text
        if line[COLUMNS.index("unit")] == PERCENT and isinstance(cell.number, Decimal):
            return f"{cell.number * 100:.2f}%"
        if isinstance(cell.number, Decimal):
            return f"{cell.number:.2f}"
        return str(cell.number)
    if isinstance(cell, int):
        return str(cell)
    return text_cell(cell)


BOLD = Font(bold=True)
PERCENT_FORMAT = "0.00%"
MONEY_FORMAT = "#,##0.00"
MAX_WIDTH = 60


def _fill(sheet: Worksheet, columns: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    sheet.append(list(columns))
    for heading in sheet[1]:
        heading.font = BOLD
    unit_at = columns.index("unit") if "unit" in columns else None
    widths = [len(name) for name in columns]
    for values in rows:
        unit = values[unit_at] if unit_at is not None else None
        row_number = sheet.max_row + 1
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column)
            shown = _xlsx_value(value)
            if isinstance(shown, str):
                cell.value = text_cell(shown)
                cell.data_type = "s"
            else:
                cell.value = shown
            if isinstance(value, Figure) and value.number is not None:
                if unit == PERCENT:
                    cell.number_format = PERCENT_FORMAT
                elif unit not in (PEOPLE, None, ""):
                    cell.number_format = MONEY_FORMAT
            widths[column - 1] = max(widths[column - 1], min(len(str(shown or "")), MAX_WIDTH))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    sheet.freeze_panes = "A2"


def _xlsx_value(value: Cell) -> str | int | Decimal | None:
    if isinstance(value, Figure):
        return value.text if value.text is not None else value.number
    return value


__all__ = ["BOUNDS", "COLUMNS", "SUPPRESSED", "report_csv", "report_xlsx"]
