"""Field types the record models share: one definition of each common rule of SPEC 3.

Each type is ``Annotated[<stored type> | None, BeforeValidator(parser)]`` (with ``REQUIRED``
when an import file must have the column, domain/record.py): the parser takes the
raw value (a string from a form or a file, or a Python value from the demo generator) and
returns the stored form or raises ``ValueError`` with the message a person reads. A model
declares ``age: Age = None`` instead of repeating a validator.

A type checks its own field, with one exception: ``WardOnSite`` also compares the ward with
the record's ``site_code`` (declared before it, so already in ``info.data``), because every
record with a site and a ward has that rule and checking it in the same call keeps an import
of a million moves as fast as it was. Any other rule that needs another field (to_ward must
differ from from_ward, a date must not be after the audit date) stays in the model, as an
after-validator of the field it reports against.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo

from casereview.domain.record import REQUIRED
from casereview.domain.validation import ctx_of, optional, required
from casereview.domain.values import (
    normalise_code,
    parse_age,
    parse_bool,
    parse_date,
    parse_patient_ref,
)


def _patient_ref(value: Any) -> str:
    return parse_patient_ref(required(value))


def _optional_patient_ref(value: Any) -> str | None:
    value = optional(value)
    return None if value is None else parse_patient_ref(value)


def _age(value: Any) -> int | None:
    value = optional(value)
    return None if value is None else parse_age(value)


def _yes_no(value: Any) -> bool | None:
    return parse_bool(optional(value))


def _site_code(value: Any, info: ValidationInfo) -> str:
    code = normalise_code(required(value))
    if code not in ctx_of(info).reference.sites:
        raise ValueError(f"'{code}' is not a known site")
    return code


def _ward_on_site(value: Any, info: ValidationInfo) -> str:
    code = normalise_code(required(value))
    ward = ctx_of(info).reference.wards.get(code)
    if ward is None:
        raise ValueError(f"'{code}' is not a known ward")
    # A site that failed its own check is absent from the data: the ward is then not
    # compared with it (the site's own problem is reported).
    site = info.data.get("site_code")
    if site and ward.site_code != site:
        raise ValueError(f"ward {code} is on site {ward.site_code}, not on {site}")
    return code


def _required_date(value: Any, info: ValidationInfo) -> date:
    return parse_date(required(value), today=ctx_of(info).today)


def _optional_date(value: Any, info: ValidationInfo) -> date | None:
    value = optional(value)
    return None if value is None else parse_date(value, today=ctx_of(info).today)


# A patient reference (SPEC 3): NHS number stored as 10 digits, or a local hospital number.
PatientRef = Annotated[str | None, BeforeValidator(_patient_ref), REQUIRED]
OptionalPatientRef = Annotated[str | None, BeforeValidator(_optional_patient_ref)]
# Whole years 0-120; blank = not recorded.
Age = Annotated[int | None, BeforeValidator(_age)]
# yes/no, y/n, true/false, 1/0 in any case; blank = unknown.
YesNo = Annotated[bool | None, BeforeValidator(_yes_no)]
# Free text, stripped; blank = None.
Text = Annotated[str | None, BeforeValidator(optional)]
RequiredText = Annotated[str | None, BeforeValidator(required), REQUIRED]
# A site in the reference data of the validation context, stored upper case.
SiteCode = Annotated[str | None, BeforeValidator(_site_code), REQUIRED]
# A ward in the reference data, stored upper case, on the record's site_code (which the model
# must declare before the ward field).
WardOnSite = Annotated[str | None, BeforeValidator(_ward_on_site), REQUIRED]
# A date (YYYY-MM-DD or DD/MM/YYYY), not before 2000 and not after the context's today.
RequiredDate = Annotated[date | None, BeforeValidator(_required_date), REQUIRED]
OptionalDate = Annotated[date | None, BeforeValidator(_optional_date)]
