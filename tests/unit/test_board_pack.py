"""The board pack's content (SPEC 9): a chart per measure with its segments, rebases and notes,
the signal beside the mean it was judged against, suppression and no free text when
published, and no patient reference in any free text."""

from __future__ import annotations

from datetime import date

import pytest

from casereview.io.board_html import board_html, chart_id
from casereview.io.board_pack import build_board_pack
from casereview.io.disclosure import REDACTED, redact_patient_refs
from casereview.metrics.definitions import MEASURES
from casereview.metrics.display import format_value, line_title
from casereview.metrics.periods import parse_month
from casereview.metrics.scorecard import build_scorecard
from casereview.storage import spc

OCTOBER = parse_month("2026-10")
TODAY = date(2026, 11, 23)
CHARTED = [m.name for m in MEASURES.values() if "all" in m.scopes]


def _charted(card) -> list[tuple[str, str]]:
    """Every line of the all-sites scorecard: each measure, and each rating of open actions."""
    return [(line.measure.name, line.scope) for line in card.lines("all")]


def _pack(db, publish=False):
    return build_board_pack(db, build_scorecard(db, OCTOBER, today=TODAY), publish=publish)


def test_a_chart_per_measure_and_the_mean_each_signal_was_judged_against(demo_db):
    pack = _pack(demo_db)
    card = build_scorecard(demo_db, OCTOBER, today=TODAY)
    assert sorted((c.measure.name, c.scope) for c in pack.charts) == sorted(_charted(card))
    assert set(CHARTED) <= {c.measure.name for c in pack.charts}
    lines = {line.title: line for section in pack.sections for line in section.lines}
    for name, scope in _charted(card):
        line, shown = card.line(name, scope), lines[line_title(name, scope)]
        if line.variation is not None:
            assert shown.judged_mean == format_value(name, line.judged_mean, as_mean=True)
    assert pack.changes and pack.learning  # the demo's reviews record learning


def test_segments_rebases_and_notes_are_drawn(demo_copy):
    spc.rebase(demo_copy, "ooh_nc_moves", "all", "2026-W30", "Escalation process", "lead")
    spc.add_note(demo_copy, "ooh_nc_moves", "all", "2026-W33", "Ward B2 closed", "lead")
    chart = next(c for c in _pack(demo_copy).charts if c.measure.name == "ooh_nc_moves")
    line = build_scorecard(demo_copy, OCTOBER, today=TODAY).line("ooh_nc_moves")
    spec = chart.spec
    assert len(spec.segments) == 2 == len(line.chart.segments)
    for drawn, segment in zip(spec.segments, line.chart.segments):
        assert (drawn.mean, drawn.lcl, drawn.ucl) == (segment.mean, segment.lcl, segment.ucl)
    week30 = [p.week for p in line.chart.points].index("2026-W30")
    assert spec.rebases == [week30] == [spec.segments[1].start]
    assert spec.notes == [([p.week for p in line.chart.points].index("2026-W33"), "1")]
    assert chart.notes == [("", "From the week of 20 Jul 2026",
                            "limits recalculated: Escalation process"),
                           ("1", "Week of 10 Aug 2026", "Ward B2 closed")]
    published = next(c for c in _pack(demo_copy, publish=True).charts
                     if c.measure.name == "ooh_nc_moves")
    assert published.spec.notes == []  # free text: left out of a published paper
    assert published.notes == [("", "From the week of 20 Jul 2026", "limits recalculated")]


def test_published_pack_suppresses_small_numbers_and_leaves_out_learning(demo_db):
    pack = _pack(demo_db, publish=True)
    assert pack.learning == []
    reviews = next(c for c in pack.charts if c.measure.name == "reviews_completed")
    card = build_scorecard(demo_db, OCTOBER, today=TODAY)
    weekly = [p.value for p in card.line("reviews_completed").chart.points]
    for value, hidden, drawn in zip(weekly, reviews.spec.hidden, reviews.spec.values):
        assert hidden == (value is not None and 1 <= value <= 7)
        assert drawn is None if hidden else drawn == value
    html = board_html(pack)
    assert "Learning is free text and is left out" in html


def test_patient_references_in_free_text_are_removed():
    known = {"H123456"}
    text = "Patient 999 000 0018 and 9990000026 (H123456, h123456) moved; see ward A1."
    out = redact_patient_refs(text, lambda words: words & known)
    assert out == (f"Patient {REDACTED} and {REDACTED} ({REDACTED}, {REDACTED}) moved; "
                   "see ward A1.")


def test_learning_naming_a_patient_is_printed_without_the_reference(demo_copy):
    review_id, ref = demo_copy.conn.execute(
        "SELECT id, patient_ref FROM review WHERE status IN ('complete', 'signed_off') "
        "AND review_date LIKE '2026-10-%' AND deleted_at IS NULL LIMIT 1").fetchone()
    demo_copy.conn.execute("UPDATE review SET learning = ? WHERE id = ?",
                           (f"Discussed {ref} with the family.", review_id))
    learning = [text for _, text in _pack(demo_copy).learning]
    assert f"Discussed {REDACTED} with the family." in learning
    assert not any(ref in text for text in learning)


@pytest.mark.parametrize("publish", [False, True])
def test_the_html_holds_every_chart_as_svg(demo_db, publish):
    pack = _pack(demo_db, publish=publish)
    html = board_html(pack)
    for chart in pack.charts:
        start = html.index(f'id="chart-{chart_id(chart)}"')
        assert "<svg" in html[start:html.index("</svg>", start)]


def test_the_command_refuses_what_it_cannot_write(demo_db_path, tmp_path, capsys):
    from casereview.cli import main

    out = tmp_path / "pack.docx"
    assert main(["board-pack", "--db", str(demo_db_path), "--month", "2026-10",
                 "--out", str(out)]) == 2
    assert "a board pack is written as .pdf or .html" in capsys.readouterr().err
    assert main(["board-pack", "--db", str(demo_db_path), "--month", "2099-01",
                 "--out", str(tmp_path / "pack.pdf")]) == 2
    assert "has not begun" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_the_action_plan_overdue_first_and_the_programme_targets(demo_db):
    pack = _pack(demo_db)
    card = build_scorecard(demo_db, OCTOBER, today=TODAY)
    assert [(word, this) for word, this, _ in pack.ratings] == [
        (word, format_value("actions_rag", card.summary.get("actions_rag", f"rag:{code}").value))
        for code, word in (("RED", "Red"), ("AMBER", "Amber"), ("GREEN", "Green"))]
    overdue = [a.overdue for a in pack.open_actions]
    assert overdue == sorted(overdue, reverse=True) and any(overdue)  # overdue first
    assert len(pack.open_actions) == card.summary.get("actions_open").value
    assert pack.targets and all(" of " in words and ("behind" in words or "on track" in words)
                                for _, words in pack.targets)
    published = _pack(demo_db, publish=True)
    assert published.open_actions == [] and published.ratings == pack.ratings
