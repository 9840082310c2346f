"""``coalition reference download DIR``: fetch the publishers' files and convert them.

The publishers ship Excel workbooks (BLS, Census, NCES) and a zip of
tab-separated text (O*NET). This writes them out in the layouts the parsers
read (``shared/data/README.md`` describes them), then runs those parsers
over the result, so a changed upstream layout fails here, loudly, and not
half-way through a load. It needs the internet; ``load`` does not.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import httpx

from coalition.skills import parsers
from coalition.skills.loader import ReferenceFiles

ONET_VERSION = "29_3"
NAICS_LEVELS = {2: "Sector", 3: "Subsector", 4: "Industry Group", 5: "NAICS Industry"}


@dataclass(frozen=True)
class Sources:
    soc_definitions: str = "https://www.bls.gov/soc/2018/soc_2018_definitions.xlsx"
    soc_titles: str = "https://www.bls.gov/soc/2018/soc_2018_direct_match_title_file.xlsx"
    onet_text: str = f"https://www.onetcenter.org/dl_files/database/db_{ONET_VERSION}_text.zip"
    naics: str = "https://www.census.gov/naics/2022NAICS/2-6%20digit_2022_Codes.xlsx"
    cip_codes: str = "https://nces.ed.gov/ipeds/cipcode/Files/CIPCode2020.csv"
    cip_crosswalk: str = "https://nces.ed.gov/ipeds/cipcode/Files/CIP2020_SOC2018_Crosswalk.xlsx"


class DownloadError(RuntimeError):
    """A file could not be fetched, or is not in the layout expected."""


# --- a minimal xlsx reader (the workbooks are plain tables; no dependency needed) ----------

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def _column_index(reference: str) -> int:
    letters = re.match(r"[A-Z]+", reference)
    index = 0
    for letter in letters.group(0) if letters else "A":
        index = index * 26 + ord(letter) - 64
    return index - 1


def _xml(data: bytes) -> ElementTree.Element:
    # The publishers' own workbooks, over HTTPS. ElementTree resolves no external
    # entities, and the expat of Python 3.11 refuses entity-expansion bombs.
    return ElementTree.fromstring(data)  # noqa: S314


def xlsx_rows(data: bytes, sheet: str | None = None) -> Iterator[list[str]]:
    """The rows of one worksheet (the first, or the one named) as lists of text."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DownloadError("the file is not an xlsx workbook (an error page?)") from None
    with book:
        workbook = _xml(book.read("xl/workbook.xml"))
        sheets = workbook.findall("m:sheets/m:sheet", _NS)
        chosen = next((s for s in sheets if sheet is None or s.get("name") == sheet), None)
        if chosen is None:
            raise DownloadError(f"the workbook has no sheet named {sheet!r}")
        relation = chosen.get(f"{{{_NS['r']}}}id")
        links = _xml(book.read("xl/_rels/workbook.xml.rels"))
        target = next(
            link.get("Target", "")
            for link in links.findall("p:Relationship", _NS)
            if link.get("Id") == relation
        )
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        strings: list[str] = []
        if "xl/sharedStrings.xml" in book.namelist():
            shared = _xml(book.read("xl/sharedStrings.xml"))
            strings = [
                "".join(node.text or "" for node in item.iter(f"{{{_NS['m']}}}t"))
                for item in shared.findall("m:si", _NS)
            ]
        for row in _xml(book.read(path)).iter(f"{{{_NS['m']}}}row"):
            values: list[str] = []
            for cell in row.findall("m:c", _NS):
                index = _column_index(cell.get("r", ""))
                values += [""] * (index - len(values) + 1)
                kind = cell.get("t")
                if kind == "inlineStr":
                    text = "".join(node.text or "" for node in cell.iter(f"{{{_NS['m']}}}t"))
                else:
                    raw = cell.findtext("m:v", default="", namespaces=_NS)
                    text = strings[int(raw)] if kind == "s" and raw else raw
                    if kind is None and re.fullmatch(r"\d+\.0", text):
                        text = text[:-2]
                values[index] = text.strip()
            yield values


def _table(rows: Iterator[list[str]], first_column: str) -> Iterator[dict[str, str]]:
    """Skip the title rows above the header (the row whose first cell is ``first_column``)."""
    for row in rows:
        if row and row[0] == first_column:
            # Census pads some header names with runs of spaces ("2022 NAICS US   Code").
            header = [" ".join(name.split()) for name in row]
            break
    else:
        raise DownloadError(f"no header row starting with {first_column!r}")
    for row in rows:
        if any(row):
            yield dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))


def _write_csv(path: Path, header: Sequence[str], rows: Iterator[Sequence[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


# --- converters: publisher file in, parser layout out --------------------------------------


def convert_soc_definitions(data: bytes, directory: Path) -> None:
    rows = _table(xlsx_rows(data), "SOC Group")
    _write_csv(
        directory / "soc" / "soc_2018_definitions.csv",
        ("soc_group", "soc_code", "soc_title", "soc_definition"),
        (
            (r["SOC Group"], r["SOC Code"], r["SOC Title"], r.get("SOC Definition", ""))
            for r in rows
        ),
    )


def convert_soc_titles(data: bytes, directory: Path) -> None:
    rows = _table(xlsx_rows(data), "2018 SOC Code")
    _write_csv(
        directory / "soc" / "soc_2018_direct_match_titles.csv",
        ("soc_code", "soc_title", "direct_match_title", "illustrative_example"),
        (
            (
                r["2018 SOC Code"],
                r["2018 SOC Title"],
                r["2018 SOC Direct Match Title"],
                "Y" if r.get("Illustrative Example", "").lower() == "x" else "",
            )
            for r in rows
        ),
    )


def convert_naics(data: bytes, directory: Path) -> None:
    def level(code: str) -> tuple[str, str]:
        digits = 2 if "-" in code else len(code)
        return str(digits), NAICS_LEVELS.get(digits, "National Industry")

    rows = _table(xlsx_rows(data), "Seq. No.")
    _write_csv(
        directory / "naics" / "naics_2022_codes.csv",
        ("naics_code", "naics_title", "digits", "level"),
        (
            (code, r["2022 NAICS US Title"], *level(code))
            for r in rows
            if (code := r["2022 NAICS US Code"])
        ),
    )


def convert_cip_codes(data: bytes, directory: Path) -> None:
    def bare(value: str) -> str:
        return value.removeprefix('="').removesuffix('"')

    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    _write_csv(
        directory / "cip" / "cip2020_codes.csv",
        ("cip_family", "cip_code", "cip_title", "cip_definition", "action_vs_cip2010"),
        (
            (
                bare(r["CIPFamily"]),
                bare(r["CIPCode"]),
                r["CIPTitle"],
                r["CIPDefinition"],
                r["Action"],
            )
            for r in reader
        ),
    )


def convert_cip_crosswalk(data: bytes, directory: Path) -> None:
    rows = _table(xlsx_rows(data, "CIP-SOC"), "CIP2020Code")
    _write_csv(
        directory / "cip" / "cip2020_soc2018_crosswalk.csv",
        ("cip2020_code", "cip2020_title", "soc2018_code", "soc2018_title"),
        ((r["CIP2020Code"], r["CIP2020Title"], r["SOC2018Code"], r["SOC2018Title"]) for r in rows),
    )


def convert_onet(data: bytes, directory: Path) -> None:
    """The text zip's files keep their layout; the elements file is derived from them."""
    folder = directory / "onet"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:

        def read(name: str) -> str:
            match = next((n for n in archive.namelist() if n.endswith(f"/{name}")), None)
            if match is None:
                raise DownloadError(f"the O*NET archive has no {name!r}")
            return archive.read(match).decode("utf-8").replace("\r\n", "\n")

        files = {
            "occupation_data": read("Occupation Data.txt"),
            "skills": read("Skills.txt"),
            "knowledge": read("Knowledge.txt"),
            "content_model_reference": read("Content Model Reference.txt"),
        }
    for name, text in files.items():
        (folder / f"onet_{ONET_VERSION}_{name}.txt").write_text(text, encoding="utf-8")
    names = {
        line.split("\t")[0]: line.split("\t")[1:3]
        for line in files["content_model_reference"].splitlines()[1:]
    }
    lines = [
        "Domain\tElement ID\tElement Name\tDescription\tCategory ID\tCategory Name"
        "\tGroup ID\tGroup Name"
    ]
    for domain in ("Skills", "Knowledge"):
        seen = dict.fromkeys(line.split("\t")[1] for line in files[domain.lower()].splitlines()[1:])
        for element in seen:
            category = element.rsplit(".", 1)[0]
            group = category.rsplit(".", 1)[0]
            lines.append(
                "\t".join(
                    (
                        domain,
                        element,
                        *names[element],
                        category,
                        names[category][0],
                        group,
                        names[group][0],
                    )
                )
            )
    (folder / f"onet_{ONET_VERSION}_skills_knowledge_elements.txt").write_text(
        "\n".join(lines) + "\n", encoding="utf-8"
    )


def _fetch(client: httpx.Client, url: str) -> bytes:
    try:
        response = client.get(url)
        response.raise_for_status()
    except httpx.HTTPError as error:
        raise DownloadError(f"could not download {url}: {error}") from error
    return response.content


def download_reference(
    directory: Path, *, sources: Sources | None = None, timeout: float = 60.0
) -> dict[str, int]:
    """Fetch every file, write the parser layouts under ``directory`` and check them with
    the parsers; returns the rows found per file. Raises ``DownloadError``."""
    chosen = sources or Sources()
    steps = (
        (chosen.soc_definitions, convert_soc_definitions),
        (chosen.soc_titles, convert_soc_titles),
        (chosen.onet_text, convert_onet),
        (chosen.naics, convert_naics),
        (chosen.cip_codes, convert_cip_codes),
        (chosen.cip_crosswalk, convert_cip_crosswalk),
    )
    headers = {"User-Agent": "coalition-reference-download"}
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
        for url, convert in steps:
            try:
                convert(_fetch(client, url), directory)
            except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as error:
                raise DownloadError(f"{url} is not in the expected layout: {error!r}") from error
    return check_files(directory)


def _soc_definitions(path: Path) -> Sequence[object]:
    return parsers.parse_soc_definitions(path)[1]


def _soc_detailed(path: Path) -> Sequence[object]:
    return parsers.parse_soc_detailed(path)[1]


CHECKS: dict[str, Callable[[Path], Sequence[object]]] = {
    "soc_definitions": _soc_definitions,
    "soc_detailed": _soc_detailed,
    "soc_titles": parsers.parse_soc_direct_match_titles,
    "onet_occupations": parsers.parse_onet_occupations,
    "onet_elements": parsers.parse_onet_elements,
    "onet_skills": parsers.parse_onet_ratings,
    "onet_knowledge": parsers.parse_onet_ratings,
    "naics": parsers.parse_naics_codes,
    "cip_codes": parsers.parse_cip_codes,
    "cip_crosswalk": parsers.parse_cip_soc_crosswalk,
}


def check_files(directory: Path) -> dict[str, int]:
    """Parse every converted file (the same parsers ``load`` uses): rows per file."""
    files = ReferenceFiles.find(directory)
    return {name: len(CHECKS[name](path)) for name, path in vars(files).items() if path is not None}
