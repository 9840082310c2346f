"""``reference download``: the converters write what the parsers read; failures are clear.

The publishers' sites are out of reach here, so the converters run on small workbooks and
archives made in the test, in the publishers' layouts.
"""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from coalition.skills import download, parsers
from coalition.skills.models import SkillKind

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column(index: int) -> str:
    return chr(ord("A") + index)


def workbook(rows: list[list[str]], sheet: str = "Sheet1") -> bytes:
    """A minimal .xlsx: shared strings for text, like Excel writes them."""
    strings: list[str] = []
    cells = []
    for row_number, row in enumerate(rows, start=1):
        row_cells = []
        for index, value in enumerate(row):
            if value == "":
                continue
            reference = f"{_column(index)}{row_number}"
            if value.isdigit():
                row_cells.append(f'<c r="{reference}"><v>{value}</v></c>')
            else:
                strings.append(value)
                row_cells.append(f'<c r="{reference}" t="s"><v>{len(strings) - 1}</v></c>')
        cells.append(f'<row r="{row_number}">{"".join(row_cells)}</row>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}">'
            f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        book.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{MAIN}">'
            + "".join(f"<si><t>{escape(value)}</t></si>" for value in strings)
            + "</sst>",
        )
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(cells)}</sheetData></worksheet>',
        )
    return buffer.getvalue()


def test_the_bls_definitions_workbook_becomes_the_parsed_layout(tmp_path: Path) -> None:
    data = workbook(
        [
            ["U.S. Bureau of Labor Statistics"],
            ["November 2017"],
            [],
            ["SOC Group", "SOC Code", "SOC Title", "SOC Definition"],
            ["Major", "51-0000", "Production Occupations"],
            ["Minor", "51-4000", "Metal Workers and Plastic Workers"],
            ["Broad", "51-4040", "Machinists"],
            ["Detailed", "51-4041", "Machinists", "Set up and operate machine tools & “gauges”."],
        ],
        sheet="2018 SOC",
    )

    download.convert_soc_definitions(data, tmp_path)
    groups, occupations = parsers.parse_soc_definitions(
        tmp_path / "soc" / "soc_2018_definitions.csv"
    )

    assert [group.code for group in groups] == ["51-0000", "51-4000", "51-4040"]
    assert occupations == [
        parsers.SocOccupation(
            "51-4041",
            "Machinists",
            "Set up and operate machine tools & “gauges”.",
            "51-0000",
            "51-4000",
            "51-4040",
        )
    ]


def test_census_codes_get_their_levels_and_spaced_headers_are_read(tmp_path: Path) -> None:
    data = workbook(
        [
            ["Seq. No.", "2022 NAICS US   Code", "2022 NAICS US Title"],
            ["1", "31-33", "Manufacturing"],
            ["2", "332", "Fabricated Metal Product Manufacturing"],
            ["3", "332710", "Machine Shops"],
        ]
    )

    download.convert_naics(data, tmp_path)
    codes = parsers.parse_naics_codes(tmp_path / "naics" / "naics_2022_codes.csv")

    assert codes == [
        parsers.NaicsCode("31-33", "Manufacturing", "Sector"),
        parsers.NaicsCode("332", "Fabricated Metal Product Manufacturing", "Subsector"),
        parsers.NaicsCode("332710", "Machine Shops", "National Industry"),
    ]


def test_the_onet_archive_keeps_its_layout_and_yields_the_elements(tmp_path: Path) -> None:
    ratings_header = (
        "O*NET-SOC Code\tElement ID\tElement Name\tScale ID\tData Value\tN\t"
        "Standard Error\tLower CI Bound\tUpper CI Bound\tRecommend Suppress\t"
        "Not Relevant\tDate\tDomain Source\r\n"
    )
    files = {
        "Occupation Data.txt": "O*NET-SOC Code\tTitle\tDescription\r\n"
        "51-4041.00\tMachinists\tSet up machines.\r\n",
        "Skills.txt": ratings_header
        + "51-4041.00\t2.B.3.h\tOperation and Control\tIM\t3.25\t8\t0.1\t3\t3.5\tN\tn/a\t"
        "08/2020\tAnalyst\r\n",
        "Knowledge.txt": ratings_header
        + "51-4041.00\t2.C.10\tTransportation\tIM\t1.50\t8\t0.1\t1\t2\tN\tn/a\t08/2020\t"
        "Analyst\r\n",
        "Content Model Reference.txt": "Element ID\tElement Name\tDescription\r\n"
        "2\tWorker Requirements\tWR\r\n2.B\tCross-Functional Skills\tCF\r\n"
        "2.B.3\tTechnical Skills\tTS\r\n2.B.3.h\tOperation and Control\tControlling.\r\n"
        "2.C\tKnowledge\tK\r\n2.C.10\tTransportation\tMoving people.\r\n",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"db_29_3_text/{name}", text)

    download.convert_onet(buffer.getvalue(), tmp_path)
    elements = parsers.parse_onet_elements(
        tmp_path / "onet" / "onet_29_3_skills_knowledge_elements.txt"
    )

    assert elements == [
        parsers.OnetElement(
            "2.B.3.h",
            SkillKind.TECHNICAL,
            "Operation and Control",
            "Controlling.",
            "Technical Skills",
        ),
        parsers.OnetElement(
            "2.C.10", SkillKind.KNOWLEDGE, "Transportation", "Moving people.", "Knowledge"
        ),
    ]
    assert download.check_files(tmp_path) == {
        "onet_occupations": 1,
        "onet_elements": 2,
        "onet_skills": 1,
        "onet_knowledge": 1,
    }


def test_an_unreachable_publisher_gives_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/soc_2018_definitions.xlsx"

    with pytest.raises(download.DownloadError) as error:
        download.download_reference(
            tmp_path, sources=download.Sources(soc_definitions=url), timeout=1.0
        )

    assert str(error.value).startswith(f"could not download {url}: ")
    assert list(tmp_path.iterdir()) == []


def test_a_page_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(download.DownloadError) as error:
        download.xlsx_rows(b"<html>Access Denied</html>").__next__()

    assert "not an xlsx workbook" in str(error.value)
