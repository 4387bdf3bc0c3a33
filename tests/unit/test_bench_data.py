"""The benchmark's synthetic files are valid for the models in this code: every row of each
record type it measures imports without a problem (a tiny system, through the real KINDs)."""

import sys
from datetime import datetime
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from casebench import generate  # noqa: E402
from casebench.build import import_section  # noqa: E402
from casebench.sections import available_sections  # noqa: E402
from casebench.system import System, seed_reference, the_system  # noqa: E402
from casereview.domain.values import LONDON  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)


@pytest.mark.parametrize("section", available_sections(), ids=lambda s: s.name)
def test_generated_rows_import_cleanly(section, tmp_path):
    system: System = the_system(0.004, now=NOW)  # 29 days
    db = tmp_path / "bench.db"
    seed_reference(db, system)
    path = tmp_path / f"{section.name}.csv"
    rows = generate.write_csv(path, section.columns, section.generate(system, 0.004, 1))
    assert rows > 0
    written, _ = import_section(db, section, path, system)
    assert written == rows


def test_generated_patient_refs_are_synthetic():
    import random

    pool = generate.nhs_pool(random.Random(1), 500)
    assert all(ref.replace(" ", "").startswith("999") for ref in pool)
