"""Synthetic patients: NHS numbers in the range reserved for testing (999 000 0000 -
999 999 9999), which pass the Modulus 11 check and can never belong to a real person."""

from __future__ import annotations

import random

from nhs_number import calculate_checksum


def synthetic_nhs_number(rng: random.Random) -> str:
    while True:
        stem = "999" + f"{rng.randrange(0, 1_000_000):06d}"
        check = calculate_checksum(stem)
        if 0 <= int(check) <= 9:
            return stem + str(check)


def older_age(rng: random.Random) -> int:
    """Ages of older inpatients: mostly 70-95, some younger adults."""
    if rng.random() < 0.12:
        return rng.randint(45, 64)
    return min(104, int(rng.triangular(65, 100, 83)))
