"""Any content of any cell yields a report, never an exception; the memoised cleaning is the
validator's."""

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liangze.businesses.testing import make_uscc
from liangze.businesses.types import BusinessType
from liangze.businesses.validation import clean_business_fields
from liangze.core.tables import TableRow
from liangze.imports.checking import (
    NUMBER_COLUMNS,
    PER_ROW,
    REPEATING,
    Action,
    _Cleaner,
    check_business_rows,
)
from liangze.imports.columns import KEYS
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
    table = [TableRow(line=index + 2, values=values) for index, values in enumerate(rows)]
    outcome = check_business_rows(actor=county_staff, rows=table, report=lambda *args: None)
    assert [r.line for r in outcome.rows] == [t.line for t in table]
    for checked in outcome.rows:
        assert checked.errors or checked.action in (Action.NEW, Action.CHANGED, Action.UNCHANGED)
        assert all(isinstance(message, str) and message for message in checked.errors.values())
        assert set(checked.errors) <= set(KEYS)
    counts = outcome.counts()
    assert counts["valid"] + counts["invalid"] == len(rows)
    bad = [BadRow(line=r.line, cells=r.cells, errors=r.errors) for r in outcome.rows if r.errors]
    write_bad_rows(io.BytesIO(), rows=bad, language="zh-hans")


# The importer screens counts holding a letter out before the validator sees them (the validator
# hangs on "1e999999999" and raises on "Infinity"): the two ways need agree only on the rest.
COUNT = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(str),
    CELL.filter(lambda text: not any(char.isalpha() for char in text)),
)
FIELDS = {key: COUNT if key in NUMBER_COLUMNS else CELL for key in (*PER_ROW, *REPEATING)}
# Values the validator accepts, often enough that a blank scale gets suggested.
FIELDS["business_type"] = st.one_of(st.sampled_from(BusinessType.values), CELL)
FIELDS["scale"] = st.one_of(st.sampled_from(["", "", "small", "Large", "huge"]), CELL)


def _outcome(call):
    """The result, or the type of what was raised."""
    try:
        return call()
    except Exception as exc:
        return type(exc)


@settings(max_examples=300, deadline=None)
@given(raw=st.fixed_dictionaries(FIELDS))
def test_the_memoised_cleaning_equals_one_full_call(raw):
    clean = _Cleaner()
    full = _outcome(lambda: clean_business_fields(raw))
    assert _outcome(lambda: clean(raw, allow_pilot=False)) == full
    assert _outcome(lambda: clean(raw, allow_pilot=False)) == full  # from the memo
