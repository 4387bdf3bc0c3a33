"""An experience file speaks the form's language (SPEC 7.1): the one-key codes of the entry
form, and theme names or unambiguous prefixes as well as theme codes. One table of keys
serves the form and the importer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from casereview.cli import main
from casereview.domain.experience import ANSWER_KEYS, QUESTIONS

HEADER = ("sample_date,site_code,ward_code,collected_by,fft,dignity,involved,moved_at_night,"
          "discharge_info,themes")


@pytest.fixture
def db(ref_db, db_path):
    ref_db.conn.close()
    return db_path


def imported(db: Path, tmp_path: Path, capsys, *lines: str) -> tuple[int, str]:
    path = tmp_path / "experience.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    code = main(["import", "experience", str(path), "--db", str(db), "--user", "t",
                 "--allow-duplicates"])
    return code, capsys.readouterr().err


def answers(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT fft, dignity, involved, moved_at_night, discharge_info, "
                            "themes FROM experience ORDER BY id").fetchall()
    finally:
        conn.close()


def test_every_one_key_code_is_read_as_the_form_reads_it(db, tmp_path, capsys):
    lines = []
    expected = []
    for question, keys in ANSWER_KEYS.items():
        for key, code in keys.items():
            values = {"fft": "1", "dignity": "", "involved": "", "moved_at_night": "",
                      "discharge_info": ""}
            values[question] = key.upper() if question == "dignity" else key  # any case
            lines.append(f"2026-11-16,NGH,A1,P. Green,{values['fft']},{values['dignity']},"
                         f"{values['involved']},{values['moved_at_night']},"
                         f"{values['discharge_info']},")
            row = {q: None for q in ANSWER_KEYS}
            row["fft"] = "VERY_GOOD"
            row[question] = code
            expected.append((*row.values(), ""))
    code, err = imported(db, tmp_path, capsys, *lines)
    assert code == 0, err
    assert answers(db) == expected


def test_the_keys_are_the_spec_s(db):
    assert {q: "".join(k) for q, k in ANSWER_KEYS.items()} == {
        "fft": "123450", "dignity": "asn", "involved": "dsnx", "moved_at_night": "ynd",
        "discharge_info": "yntx"}
    for question, keys in ANSWER_KEYS.items():
        assert list(keys.values()) == list(QUESTIONS[question][0])


async def test_the_form_offers_the_same_keys():
    from casereview.tui.screens.experience_entry import ANSWER_CHOICES

    for question, choices in ANSWER_CHOICES.items():
        assert {c.key: c.code for c in choices} == ANSWER_KEYS[question]


def test_themes_by_name_prefix_or_code(db, tmp_path, capsys):
    code, err = imported(db, tmp_path, capsys,
                         "2026-11-16,NGH,A1,P. Green,2,a,d,n,y,noise;Food;staff attitude",
                         "2026-11-16,NGH,A1,P. Green,2,a,d,n,y,WAITING; night ;discharge")
    assert code == 0, err
    assert [r[-1] for r in answers(db)] == ["NOISE_AT_NIGHT;FOOD;STAFF_ATTITUDE",
                                            "WAITING;NOISE_AT_NIGHT;DISCHARGE"]


def test_a_wrong_key_or_an_ambiguous_theme_is_named(db, tmp_path, capsys):
    path = tmp_path / "experience.csv"
    code, err = imported(db, tmp_path, capsys,
                         "2026-11-16,NGH,A1,P. Green,7,a,,,,",
                         "2026-11-16,NGH,A1,P. Green,1,a,,,,wa",
                         "2026-11-16,NGH,A1,P. Green,1,a,,,,parking")
    assert code == 1
    assert (f"{path}, line 2, field fft: '7' is not one of VERY_GOOD, GOOD, NEITHER, POOR, "
            "VERY_POOR, DONT_KNOW (or the form's keys: 1 = VERY_GOOD, 2 = GOOD, 3 = NEITHER, "
            "4 = POOR, 5 = VERY_POOR, 0 = DONT_KNOW)") in err
    assert (f"{path}, line 3, field themes: 'wa' could be WAITING or WARD_MOVES: write more "
            "of it, or the theme's code") in err
    assert f"{path}, line 4, field themes: 'PARKING' is not a known theme" in err
    assert answers(db) == []
