"""The demo's register of the market regulator (docs/domain.md §2, "The register"): Golmud's
licence/filing register, made from the demo's businesses as the regulator would list them, and
loaded through the register's one write path (businesses/register.py `register_import`), so
that the data collection rate shows a realistic figure.

Of the businesses operating or suspended, about 97% are listed (the rest the regulator has not
recorded yet); most rows carry the credit code, some only the licence or the registration
number, so every matching rule is used. About 1.5% more rows name businesses nobody has put on
the platform: the list of rows missing from the platform.
"""

import random
from datetime import date

from liangze.businesses.codes import uscc_check_digit
from liangze.businesses.models import Business, BusinessStatus
from liangze.businesses.register import RegisterImported, RegisterRow, register_import
from liangze.demo.words import KINDS, ROADS, WORDS
from liangze.regions.models import Division

SEED = 20260401
LISTED_SHARE = 0.97
MISSING_SHARE = 0.015
LICENCE_ONLY_SHARE = 0.1


def _missing_rows(rng: random.Random, count: int, places: list[Division], county: Division):
    kinds = [name for names in KINDS.values() for name in names]
    for serial in range(1, count + 1):
        place = rng.choice(places)
        body = f"92632801MA{900000 + serial:07d}"  # 9 2: an individual business
        yield RegisterRow(
            division_id=place.pk,
            county_id=county.pk,
            division_path=place.path,
            name=f"{rng.choice(WORDS)}{rng.choice(kinds)}",
            address=f"格尔木市{rng.choice(ROADS)}{rng.randint(1, 300)}号",
            uscc=body + uscc_check_digit(body),
            license_number=f"JY2632801{900000 + serial:06d}{serial % 10}",
        )


def demo_register_load(*, county: Division, valid_from: date) -> RegisterImported:
    """Golmud's register in force from `valid_from` (the first day of the demo's figures)."""
    rng = random.Random(SEED)  # noqa: S311 demo data, not a secret
    businesses = list(
        Business.objects.filter(
            division__path__startswith=county.path,
            status__in=[BusinessStatus.OPERATING, BusinessStatus.SUSPENDED],
        )
        .order_by("pk")
        .values_list(
            "division_id",
            "division__path",
            "name",
            "address",
            "uscc",
            "license_number",
            "registration_number",
        )
    )
    rows = []
    for division_id, path, name, address, uscc, license_number, registration in businesses:
        if rng.random() > LISTED_SHARE:
            continue
        by_licence = license_number and rng.random() < LICENCE_ONLY_SHARE
        rows.append(
            RegisterRow(
                division_id=division_id,
                county_id=county.pk,
                division_path=path,
                name=name,
                address=address,
                uscc="" if by_licence else uscc,
                license_number=license_number,
                registration_number="" if uscc else registration,
            )
        )
    places = list(Division.objects.filter(pk__in={b[0] for b in businesses}))
    places.sort(key=lambda d: d.path)
    rows.extend(_missing_rows(rng, round(len(businesses) * MISSING_SHARE), places, county))
    return register_import(actor=None, rows=rows, valid_from=valid_from)
