"""Any content of any cell yields a report, never an exception; the memoised cleaning is the
validator's."""

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.businesses.import_check import NUMBER_COLUMNS, VALIDATED, check_business_rows
from liangze.businesses.imports import COLUMNS, KEYS
from liangze.businesses.testing import make_uscc
from liangze.businesses.types import BusinessType
from liangze.businesses.validation import ColumnCleaner, clean_business_fields
from liangze.core.tables import Table
from liangze.imports.checking import Action
from liangze.imports.workbooks import BadRow, write_bad_rows

INTERESTING = [
    "",
    " ",
    "0",
    "-1",
    "1e999999999",
    "Infinity",
    "NaN",
    "１２",
    "12.5",
    "1,000",
    "'=1+1",
    "=1+1",
    "632801100200",
    "632801100200 中村委会",
    "632802100200",
    "63",
    "11500236MB1822153X",
    make_uscc(1),
    "JY26328010000001",
    "restaurant",
    "Restaurant",
    "small",
    "A",
    "是",
    "no",
    "13800000000",
    "2000000000",
    "1",
    "\x00",
]
CELL = st.one_of(st.sampled_from(INTERESTING), st.text(max_size=40).map(str.strip))
ROW = st.fixed_dictionaries({key: CELL for key in KEYS})
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(rows=st.lists(ROW, min_size=1, max_size=8))
def test_any_rows_yield_a_report(county_staff, rows):
    table = Table(
        lines=list(range(2, len(rows) + 2)),
        columns={key: [row[key] for row in rows] for key in KEYS},
    )
    outcome = check_business_rows(actor=county_staff, table=table, report=lambda *args: None)
    assert [r.line for r in outcome.rows] == table.lines
    for checked in outcome.rows:
        assert checked.errors or checked.action in (Action.NEW, Action.CHANGED, Action.UNCHANGED)
        assert all(isinstance(message, str) and message for message in checked.errors.values())
        assert set(checked.errors) <= set(KEYS)
    counts = outcome.counts()
    assert counts["valid"] + counts["invalid"] == len(rows)
    bad = [BadRow(line=r.line, cells=r.cells, errors=r.errors) for r in outcome.rows if r.errors]
    write_bad_rows(io.BytesIO(), columns=COLUMNS, rows=bad, language="zh-hans")


# The importer screens counts holding a letter out before the validator sees them (the validator
# hangs on "1e999999999" and raises on "Infinity"): the two ways need agree only on the rest.
COUNT = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(str),
    CELL.filter(lambda text: not any(char.isalpha() for char in text)),
)
FIELDS = {key: COUNT if key in NUMBER_COLUMNS else CELL for key in VALIDATED}
# Values the validator accepts, often enough that a blank scale gets suggested.
FIELDS["business_type"] = st.one_of(st.sampled_from(BusinessType.values), CELL)
FIELDS["scale"] = st.one_of(st.sampled_from(["", "", "small", "Large", "huge"]), CELL)
FIELDS["uscc"] = st.one_of(
    CELL, st.sampled_from(["11500236MB1822153X", make_uscc(7), "91500236MB1822153N"])
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.fixed_dictionaries(FIELDS), min_size=1, max_size=6),
    pilots=st.sets(st.integers(min_value=0, max_value=5)),
)
def test_cleaning_by_column_equals_the_validator_row_by_row(rows, pilots):
    """Two slices through one cleaner (its memo is shared), each row as clean_business_fields
    sees it, an accepted pilot code (allow_pilot with the override) included; neither raises."""
    clean = ColumnCleaner()
    half = len(rows) // 2
    by_column = []
    for part, offset in ((rows[:half], 0), (rows[half:], half)):
        if part:
            columns = {key: [row[key] for row in part] for key in VALIDATED}
            pilot_rows = {
                index - offset for index in pilots if offset <= index < offset + len(part)
            }
            cleaned = clean.clean(columns, pilot_rows=pilot_rows)
            by_column.extend(cleaned.row(index) for index in range(len(part)))
    by_row = [
        clean_business_fields(
            {**row, "uscc_pilot_override": "1"} if index in pilots else row,
            allow_pilot=index in pilots,
        )
        for index, row in enumerate(rows)
    ]
    assert by_column == by_row
