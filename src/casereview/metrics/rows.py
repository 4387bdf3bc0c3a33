"""One measure for one scope in one period: the row of SPEC 7.2, and the builders that fill
it the same way for every programme."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from statistics import median

from casereview.domain.reference import Reference
from casereview.metrics.definitions import MEASURES

Number = int | float | None


@dataclass(frozen=True, slots=True)  # slots: a scorecard holds some 350,000 of these
class Row:
    measure: str
    scope: str
    value: Number
    numerator: Number
    denominator: Number

    def as_dict(self) -> dict:
        return asdict(self)


def count(measure: str, scope: str, n: int) -> Row:
    return Row(measure, scope, n, n, None)


def pct(measure: str, scope: str, numerator: int, denominator: int) -> Row:
    value = numerator / denominator * 100 if denominator else None
    return Row(measure, scope, value, numerator, denominator)


def mean(measure: str, scope: str, total: float, n: int) -> Row:
    value = total / n if n else None
    if isinstance(total, float) and total.is_integer():
        total = int(total)
    return Row(measure, scope, value, total, n)


def median_of(measure: str, scope: str, values: list[float]) -> Row:
    """Median has no numerator; the denominator is how many values it was taken over."""
    return Row(measure, scope, median(values) if values else None, None, len(values))


@dataclass(frozen=True)
class ScopedReference(Reference):
    """The reference data, for a report that needs only some kinds of scope: the dashboard
    shows all sites and each site, and its 104-week charts would otherwise build every
    ward's rows too (most of its time and memory on a large system). Denominators still
    come from all the reference data."""

    scope_kinds: frozenset[str] = frozenset()


def only_scopes(reference: Reference, *kinds: str) -> ScopedReference:
    values = {f.name: getattr(reference, f.name) for f in fields(Reference)}
    return ScopedReference(**values, scope_kinds=frozenset(kinds))


def reports_scope(reference: Reference, kind: str) -> bool:
    """Whether rows of this scope kind (all, site, ward, theme, rag) are wanted."""
    return not isinstance(reference, ScopedReference) or kind in reference.scope_kinds


def scopes_for(measure: str, reference: Reference) -> list[tuple[str, str | None]]:
    """(scope label, key) pairs in report order: all, then every site, then every ward (only
    the kinds a ScopedReference names)."""
    out: list[tuple[str, str | None]] = []
    kinds = MEASURES[measure].scopes
    kinds = [k for k in kinds if reports_scope(reference, k)]
    if "all" in kinds:
        out.append(("all", None))
    if "site" in kinds:
        out += [(f"site:{code}", code) for code in reference.sites]
    if "ward" in kinds:
        out += [(f"ward:{code}", code) for code in reference.wards]
    if "theme" in kinds:
        out += [(f"theme:{code}", code) for code in reference.review_themes]
    if "rag" in kinds:
        from casereview.domain.action import RAGS

        out += [(f"rag:{code}", code) for code in RAGS]
    return out
