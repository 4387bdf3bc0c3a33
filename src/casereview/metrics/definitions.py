"""The measures of SPEC section 6: names, scopes, kinds, improvement directions, wording.

Every screen and export reads the definitions from here; the values come from the programme
modules (moves, reviews, toc, experience) through ``metrics.engine``.
"""

from __future__ import annotations

from dataclasses import dataclass

UP = "up"      # higher is better
DOWN = "down"  # lower is better


@dataclass(frozen=True)
class Measure:
    name: str
    programme: str
    scopes: tuple[str, ...]  # 'all', 'site', 'ward', 'theme'
    kind: str                # count, pct, mean, median
    direction: str | None
    title: str
    definition: str
    # Read at the period's end (a stock, like the open actions) rather than summed over the
    # period: a quarter's value is its last month's, not the sum of its months'.
    at_period_end: bool = False

    @property
    def is_count(self) -> bool:
        return self.kind == "count"


MOVES, REVIEWS, TOC, EXPERIENCE, ACTIONS = "moves", "reviews", "toc", "experience", "actions"
PROGRAMME_TITLES = {
    MOVES: "Out-of-hours ward moves",
    REVIEWS: "Multi-agency case-note reviews",
    TOC: "Transfer of Care letters and escalation",
    EXPERIENCE: "Patient experience",
    ACTIONS: "Action plan",
}

ASW = ("all", "site", "ward")
AS = ("all", "site")
A = ("all",)

MEASURES: dict[str, Measure] = {m.name: m for m in [
    Measure("ooh_nc_moves", MOVES, ASW, "count", DOWN, "Non-clinical moves out of hours",
            "Moves between 22:00 and 07:00 for a non-clinical reason (ward scope: the ward "
            "moved from)."),
    Measure("ooh_nc_moves_per_night", MOVES, AS, "mean", DOWN, "Non-clinical night moves per "
            "audited night", "ooh_nc_moves / night audit returns in the period."),
    Measure("night_audit_completeness_pct", MOVES, AS, "pct", UP, "Nights audited (%)",
            "Night audit returns / (sites x nights of the period that have ended) x 100; a "
            "night ends at 07:00 the next morning, so a period in progress counts its past "
            "nights only."),
    Measure("ooh_nc_moves_older_or_dementia", MOVES, ASW, "count", DOWN,
            "Night moves of people 65+ or with dementia",
            "ooh_nc_moves where age >= 65 or dementia = yes."),
    Measure("ooh_nc_moves_unauthorised", MOVES, ASW, "count", DOWN,
            "Night moves with no authoriser recorded", "ooh_nc_moves with authorised_by blank."),
    Measure("ooh_nc_moves_repeat", MOVES, ASW, "count", DOWN, "Repeat night moves",
            "ooh_nc_moves with move_number >= 2."),
    Measure("reviews_completed", REVIEWS, A, "count", None, "Reviews completed",
            "Reviews with status complete or signed off, by review date."),
    Measure("non_ideal_outcome_pct", REVIEWS, A, "pct", DOWN, "Non-ideal outcome (%)",
            "Reviews whose actual outcome differs from the ideal / reviews x 100."),
    Measure("more_care_than_needed_pct", REVIEWS, A, "pct", DOWN, "More care than needed (%)",
            "Non-ideal reviews where the actual outcome's care intensity exceeds the ideal's / "
            "non-ideal reviews with both intensities known x 100."),
    Measure("admission_avoidable_pct", REVIEWS, A, "pct", DOWN, "Avoidable admissions (%)",
            "Reviews judging the admission avoidable / reviews answering yes or no x 100."),
    Measure("overall_care_score_mean", REVIEWS, A, "mean", UP, "Overall care score (mean, 1-5)",
            "Mean of score_overall."),
    Measure("poor_care_pct", REVIEWS, A, "pct", DOWN, "Poor overall care (%)",
            "Reviews with overall score 1 or 2 / reviews x 100."),
    Measure("second_stage_reviews", REVIEWS, A, "count", DOWN, "Second-stage reviews needed",
            "Reviews with overall score <= 2 or any phase score of 1."),
    Measure("avoidable_delay_days_mean", REVIEWS, A, "mean", DOWN,
            "Avoidable delay (mean days)",
            "Mean avoidable_delay_days over reviews that record it."),
    Measure("agencies_per_review_mean", REVIEWS, A, "mean", UP, "Agencies per review (mean)",
            "Mean number of agencies taking part in a review."),
    Measure("review_theme", REVIEWS, ("theme",), "count", None, "Reviews by theme",
            "Reviews carrying the theme (denominator: reviews in the period)."),
    Measure("toc_audits", TOC, ASW, "count", None, "Transfer of Care audits",
            "Transfer of Care case-file audits, by audit date."),
    Measure("toc_letter2_issued_pct", TOC, ASW, "pct", UP, "Choice letter issued (%)",
            "Required letter2 steps with a date / required letter2 steps x 100."),
    Measure("toc_letter2_on_time_pct", TOC, ASW, "pct", UP, "Choice letter on time (%)",
            "Required letter2 steps on time / required letter2 steps x 100."),
    Measure("toc_escalation_on_time_pct", TOC, ASW, "pct", UP, "Escalation on time (%)",
            "Required escalation and letter3 steps on time / those steps required x 100."),
    Measure("toc_full_adherence_pct", TOC, ASW, "pct", UP, "Full policy adherence (%)",
            "Audits whose every required step is on time / audits with a required step x 100."),
    Measure("toc_fit_to_discharge_days_median", TOC, ASW, "median", DOWN,
            "Medically fit to discharge (median days)",
            "Median of discharge_date - medically_fit_date over audits with a discharge date."),
    Measure("experience_samples", EXPERIENCE, ASW, "count", UP, "Experience samples",
            "Patient-experience samples, by sample date."),
    Measure("experience_target_met_pct", EXPERIENCE, AS, "pct", UP, "Wards meeting the "
            "weekly sample target (%)", "(older-adult ward, week) pairs with at least the "
            "target number of samples / older-adult wards x ISO weeks starting in the period."),
    Measure("fft_positive_pct", EXPERIENCE, ASW, "pct", UP, "FFT positive (%)",
            "VERY_GOOD + GOOD / all samples (DONT_KNOW included) x 100."),
    Measure("fft_negative_pct", EXPERIENCE, ASW, "pct", DOWN, "FFT negative (%)",
            "POOR + VERY_POOR / all samples x 100."),
    Measure("dignity_always_pct", EXPERIENCE, ASW, "pct", UP, "Always treated with dignity (%)",
            "ALWAYS / samples answering the dignity question x 100."),
    Measure("involved_definitely_pct", EXPERIENCE, ASW, "pct", UP,
            "Definitely involved in decisions (%)",
            "DEFINITELY / (DEFINITELY + SOME_EXTENT + NO) x 100."),
    Measure("moved_at_night_reported_pct", EXPERIENCE, ASW, "pct", DOWN,
            "Patients reporting a night move (%)", "YES / (YES + NO) x 100."),
    Measure("actions_open", ACTIONS, A, "count", None, "Open actions",
            "Actions open at the period's end: raised on or before it and not closed on or "
            "before it (a period in progress is read at the day of asking).",
            at_period_end=True),
    Measure("actions_overdue", ACTIONS, A, "count", DOWN, "Overdue actions",
            "Actions open at the period's end whose due date is before it.",
            at_period_end=True),
    Measure("actions_closed", ACTIONS, A, "count", UP, "Actions done",
            "Actions done (status DONE) with their closing date in the period."),
    Measure("actions_rag", ACTIONS, ("rag",), "count", None, "Open actions by rating",
            "Open actions at the period's end with the rating (their latest rating on or "
            "before it) / open actions at the period's end.",
            at_period_end=True),
]}
