"""The words an SPC chart's reading is named by (metrics/spc.py): the variation of its latest
point and its assurance against a target. Apart from spc.py so that the home screen can name
them before the engine is loaded (the scorecard is computed after the first paint)."""

COMMON, IMPROVEMENT, CONCERN, NEITHER = "common", "improvement", "concern", "neither"
PASS, FAIL, HIT_AND_MISS = "pass", "fail", "hit_and_miss"
