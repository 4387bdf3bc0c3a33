"""Demo action plan and programme targets.

Actions come from where the findings are: the themes that recur in the signed-off case-note
reviews (each raised from one of those reviews, its learning the description), the night-moves
chart (raised from the measure at a site), the Transfer of Care audits and the experience
samples. Their owners rate them as the months pass (green drifting to amber, some to red), a
few are done or dropped, and some have slipped past their due date. Targets: 80 case-note
reviews this financial year, and each site's Transfer of Care audits this month.
"""

from __future__ import annotations

from datetime import date, timedelta

from casereview.demo import DEMO_USER, DemoPlan
from casereview.domain.action import Action, ProgressNote
from casereview.domain.programme_target import ProgrammeTarget
from casereview.domain.validation import validate
from casereview.storage.actions import insert_action_in
from casereview.storage.context import load_context
from casereview.storage.db import now_utc, transaction
from casereview.storage.records import insert_in

# (title, owner, agency, the review theme it answers, what progress notes say with the rating
# each gives: most start green, a slipping one turns amber and sometimes red)
THEME_ACTIONS = [
    ("Shared care record access for social workers on the wards", "N. Adeyemi", "ASC",
     "INFO_SHARING", [("Access agreed in principle with the IG lead", "GREEN"),
                      ("Smartcards issued to 6 of 14 social workers", "GREEN"),
                      ("Remaining cards delayed by the supplier", "AMBER")]),
    ("Home first: every discharge plan considers home with support first", "S. Rahman",
     "COMMUNITY", "HOME_FIRST",
     [("Home-first prompt added to the board round template", "GREEN"),
      ("Audit of 20 plans: 14 considered home first", "AMBER"),
      ("Reablement capacity is the bottleneck", "RED")]),
    ("Weekly multi-agency complex discharge huddle", "C. Lyons", "ACUTE", "COMMUNICATION",
     [("Huddle running on Tuesdays at NGH", "GREEN"),
      ("Social care and community attend most weeks", "AMBER"),
      ("WCH huddle started", "GREEN")]),
    ("Trusted assessor for care home returns", "J. Whitfield", "CAREHOME", "ASSESSMENT_DELAY",
     [("Two care homes signed the trusted assessor agreement", "GREEN"),
      ("Assessments within 24 h in 8 of 10 cases", "GREEN"),
      ("Third home still to sign", "AMBER")]),
    ("Family involvement recorded at the first board round", "P. Nair", "ACUTE", "FAMILY",
     [("Field added to the admission checklist", "GREEN"),
      ("Spot check: recorded in 60% of notes", "AMBER")]),
    ("Brokerage capacity for packages of care", "E. Thornton", "ASC", "CARE_AVAILABILITY",
     [("Two extra brokers recruited", "GREEN"),
      ("Median wait for a package down from 9 to 6 days", "GREEN"),
      ("Winter demand has pushed the wait back up", "RED")]),
    ("Positive risk-taking training for discharge teams", "Dr H. Osei", "ACUTE", "RISK_AVERSE",
     [("Training session booked", "GREEN"), ("First cohort of 12 trained", "GREEN")]),
    ("Equipment delivered before discharge day", "G. Fraser", "COMMUNITY", "EQUIPMENT",
     [("Same-day equipment pathway agreed with the store", "GREEN")]),
]

NIGHT_ACTIONS = [
    ("Site manager authorises every non-clinical move after 22:00", "Site management team",
     "ACUTE", [("Authorisation field made mandatory on the night log", "GREEN"),
               ("Unauthorised moves still seen on weekend nights", "AMBER")]),
    ("No moves of people with dementia after 22:00 except for clinical need", "F. Doyle", "MH",
     [("Escalation card for night site managers drafted", "GREEN"),
      ("Card in use; two exceptions reviewed at the weekly meeting", "GREEN")]),
    ("Escalation area not used for people 75+ overnight", "Site management team", "ACUTE",
     [("Bed meeting at 20:00 to plan admissions before night", "AMBER"),
      ("Escalation area opened 4 nights last month", "RED")]),
]

OTHER_ACTIONS = [
    ("toc", "Choice letter 2 issued within 2 days of medically fit", "F. Rahman", "ACUTE",
     [("Letter template on the ward computers", "GREEN"),
      ("Audit shows letters still late at WCH", "AMBER")]),
    ("experience", "Quiet-at-night routine on older people's wards", "P. Nair", "ACUTE",
     [("Lights-down at 23:00 agreed", "GREEN"),
      ("Patients still report noise from the night handover", "AMBER")]),
]


def _reviews_with_theme(conn, theme: str) -> list[tuple[int, str, str]]:
    return [(r[0], r[1], r[2] or "") for r in conn.execute(
        "SELECT r.id, r.review_date, r.learning FROM review r JOIN review_theme_link t "
        "ON t.review_id = r.id WHERE t.theme_code = ? AND r.status = 'signed_off' "
        "AND r.deleted_at IS NULL ORDER BY r.review_date, r.id", (theme,))]


def _first(conn, table: str, column: str, since: date) -> int | None:
    row = conn.execute(f"SELECT id FROM {table} WHERE deleted_at IS NULL AND {column} >= ? "
                       f"ORDER BY {column}, id LIMIT 1", (since.isoformat(),)).fetchone()
    return row[0] if row else None


def _plan(plan: DemoPlan, index: int, raised: date, owner: str,
          notes_text: list[tuple[str, str]]) -> tuple[dict, list[dict]]:
    """Status, dates and dated notes for one action raised on ``raised``."""
    rng, last = plan.rng, plan.last_day
    raised = min(raised, last)  # a short demo (one week) ends before the usual raise day
    age = (last - raised).days
    due = raised + timedelta(days=rng.choice([56, 90, 120, 150, 180]))
    notes: list[dict] = []
    step = max(7, age // (len(notes_text) + 1))
    for n, (text, rag) in enumerate(notes_text):
        day = raised + timedelta(days=step * (n + 1))
        if day > last:
            break
        notes.append({"noted_on": day, "author": owner, "text": text, "rag": rag})
    values = {"raised_on": raised, "due_date": due, "status": "IN_PROGRESS" if notes else "OPEN",
              "rag": "GREEN"}
    # About one in four older actions is done (after its last note), one in twelve dropped.
    if notes and age > 60 and index % 4 == 3:
        closed = min(notes[-1]["noted_on"] + timedelta(days=rng.randint(3, 20)), last)
        values.update(status="DONE", closed_on=closed)
    elif notes and age > 90 and index % 12 == 5:
        values.update(status="DROPPED", closed_on=min(notes[-1]["noted_on"]
                                                      + timedelta(days=5), last))
    return values, notes


def generate(plan: DemoPlan) -> None:
    context = load_context(plan.db, plan.now)
    conn = plan.db.conn
    rng, first, last = plan.rng, plan.first_day, plan.last_day
    drafts: list[tuple[dict, list[dict]]] = []
    index = 0
    for title, owner, agency, theme, notes in THEME_ACTIONS:
        found = _reviews_with_theme(conn, theme)
        if not found:
            continue
        review_id, review_date, learning = found[min(len(found) - 1, rng.randint(0, 3))]
        raised = date.fromisoformat(review_date) + timedelta(days=rng.randint(1, 10))
        raised = min(raised, last)
        values, dated = _plan(plan, index, raised, owner, notes)
        values.update(title=title, owner=owner, agency_code=agency,
                      description=learning or None, source=f"review:{review_id}")
        drafts.append((values, dated))
        index += 1
    for n, (title, owner, agency, notes) in enumerate(NIGHT_ACTIONS):
        raised = first + timedelta(days=int(plan.days * (0.35 + 0.2 * n)))
        values, dated = _plan(plan, index, raised, owner, notes)
        values.update(title=title, owner=owner, agency_code=agency,
                      description="Raised from the night-moves chart: non-clinical moves out "
                                  "of hours above the usual range.",
                      source=f"measure:ooh_nc_moves@site:{'NGH' if n != 1 else 'WCH'}")
        drafts.append((values, dated))
        index += 1
    for kind, title, owner, agency, notes in OTHER_ACTIONS:
        since = first + timedelta(days=plan.days // 3)
        record = _first(conn, kind, "audit_date" if kind == "toc" else "sample_date", since)
        if record is None:
            continue
        raised = since + timedelta(days=rng.randint(0, 14))
        values, dated = _plan(plan, index, raised, owner, notes)
        values.update(title=title, owner=owner, agency_code=agency, source=f"{kind}:{record}")
        drafts.append((values, dated))
        index += 1
    # Two actions from ward spot checks with no notes yet: one of them already overdue.
    for n, ward in enumerate(("NGH-ELD1", "WCH-ASH")):
        if ward not in context.reference.wards:
            continue
        raised = max(first, last - timedelta(days=70 - 50 * n))
        drafts.append(({"title": f"Night-time falls huddle on {ward}", "owner": "Ward manager",
                        "agency_code": "ACUTE", "raised_on": raised,
                        "due_date": raised + timedelta(days=28), "status": "OPEN",
                        "rag": "AMBER", "source": f"ward:{ward}"}, []))

    actions = []
    for values, dated in drafts:
        action = validate(Action, values, context)
        notes = [validate(ProgressNote, n, context) for n in dated]
        actions.append((action, notes))
    with transaction(plan.db) as conn:
        at = now_utc()
        for action, notes in actions:
            insert_action_in(conn, action, DEMO_USER, at, notes)
        for target in _targets(plan, context):
            insert_in(conn, "programme_target", target.to_row(), DEMO_USER, at)


def _targets(plan: DemoPlan, context) -> list[ProgrammeTarget]:
    today = plan.now.date()
    year = today.year if today.month >= 4 else today.year - 1
    month_start = today.replace(day=1)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    raw = [{"programme": "reviews", "scope": "all", "start_date": date(year, 4, 1),
            "end_date": date(year + 1, 3, 31), "target_count": 80,
            "note": "Rolling programme agreed by the system quality board"}]
    for site in context.reference.sites:
        raw.append({"programme": "toc", "scope": f"site:{site}", "start_date": month_start,
                    "end_date": next_month - timedelta(days=1),
                    "target_count": 14 if site == "NGH" else 6,
                    "note": "Monthly case-file sample"})
    return [validate(ProgrammeTarget, r, context) for r in raw]
