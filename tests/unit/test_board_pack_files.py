"""The board pack and the workbook as a person gets them, looked at with real programs: the PDF
rendered to PNG pages by pdftoppm, the workbook converted by LibreOffice; and neither (nor the
HTML) holds a patient reference. One conversion of each: they are slow."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from casereview.cli import main
from casereview.metrics.definitions import MEASURES
from tests.system_tools import require_tool

# Every line of the all-sites scorecard has a chart: each measure, each rating of open actions.
TITLES = [m.title for m in MEASURES.values() if "all" in m.scopes] + [
    f"Open actions rated {rating}" for rating in ("red", "amber", "green")]
NHS_SHAPED = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _patient_refs(db_path: Path) -> set[str]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    refs = {row[0].upper() for table in ("move", "review", "toc", "experience")
            for row in conn.execute(f"SELECT patient_ref FROM {table} WHERE patient_ref <> ''")}
    conn.close()
    return refs


def _assert_no_patient_reference(text: str, refs: set[str], what: str) -> None:
    words = {w.upper() for w in re.findall(r"[A-Za-z0-9]+", text)}
    assert not words & refs, f"{what} holds patient references {sorted(words & refs)[:3]}"
    assert not NHS_SHAPED.search(text), f"{what} holds an NHS number"


@pytest.fixture(scope="module")
def files(demo_db_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("board")
    db = str(demo_db_path)
    out = {"pdf": folder / "pack.pdf", "html": folder / "pack.html",
           "xlsx": folder / "summary.xlsx"}
    for kind in ("pdf", "html"):
        assert main(["board-pack", "--db", db, "--month", "2026-10", "--out",
                     str(out[kind])]) == 0
    assert main(["summary", "--db", db, "--month", "2026-10", "--format", "xlsx", "--out",
                 str(out["xlsx"])]) == 0
    return out


def test_the_pdf_pages_and_every_chart(files, tmp_path):
    require_tool("pdftoppm")
    pdf = files["pdf"]
    info = _run("pdfinfo", str(pdf))
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert "841.89 x 595.28 pts (A4)" in info  # landscape
    _run("pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page"))
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages
    from PIL import Image

    for png in pngs:  # every page has something on it
        assert Image.open(png).convert("L").getextrema()[0] < 100, png.name
    images = [line.split() for line in _run("pdfimages", "-list", str(pdf)).splitlines()[2:]]
    assert len(images) == len(TITLES)  # a chart per measure
    # Four to a page, each programme from a new page (actions: 3 measures and 3 ratings).
    on_pages = sorted({int(image[0]) for image in images})
    assert len(on_pages) == 2 + 3 + 2 + 2 + 2
    text = _run("pdftotext", "-layout", str(pdf), "-").split("\f")
    assert "What changed since the last month" in text[0]
    assert "Scorecard" in text[1] and "Review themes and learning" in "".join(text[-2:])
    assert pages > on_pages[-1]  # the action plan and the learning after the charts
    for title in TITLES:
        assert any(title in text[n - 1] for n in on_pages), title


def test_the_workbook_opens_in_libreoffice_with_its_charts(files, tmp_path):
    soffice = require_tool("soffice")
    require_tool("pdftotext")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(files["xlsx"])],
                   check=True, capture_output=True, timeout=300)
    text = _run("pdftotext", "-layout", str(tmp_path / "summary.pdf"), "-")
    pages = text.split("\f")
    first = pages[0]
    # The scorecard's first page: the reader's columns at 100%, the programme not cut.
    for heading in ("Programme", "Measure", "This month", "Previous", "SPC signal"):
        assert heading in first
    assert "Out-of-hours ward moves" in first
    charts = "\n".join(p for p in pages if re.search(r"Charts\s+Page \d+ of", p))
    for title in TITLES:  # each native chart drawn, with its title
        assert title in charts, title
    assert len(pages) < 80


def test_no_patient_reference_in_any_file(files, demo_db_path):
    require_tool("pdftotext")
    refs = _patient_refs(demo_db_path)
    assert refs
    _assert_no_patient_reference(_run("pdftotext", str(files["pdf"]), "-"), refs, "the PDF")
    # The text of the HTML (the charts' glyphs are SVG paths: their numbers are drawing).
    _assert_no_patient_reference(re.sub(r"<[^>]+>", " ", files["html"].read_text()), refs,
                                 "the HTML")
    with zipfile.ZipFile(files["xlsx"]) as book:
        xml = " ".join(book.read(n).decode("utf-8") for n in book.namelist()
                       if n.endswith(".xml"))
    _assert_no_patient_reference(re.sub(r"<[^>]+>", " ", xml), refs, "the workbook")
