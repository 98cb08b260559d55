"""The import's audit events built by column equal the prepared encoder's text of each dict."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liangze.businesses.services import registration_changes
from liangze.imports.bulk import json_text
from liangze.imports.events import json_object_texts

KEYS = ("name", "grade", "chain_hq", "staff_count", "division")
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.sampled_from(["", "A", "营业中", '引号"\\反斜杠', "\x00\n\u2028"]),
)
ROWS = st.lists(st.tuples(*(SCALARS for _key in KEYS)), max_size=30)


@given(rows=ROWS)
def test_objects_match_the_encoder_byte_for_byte(rows):
    texts = json_object_texts(KEYS, rows)
    assert texts == [json_text(dict(zip(KEYS, row, strict=True))) for row in rows]


@given(rows=ROWS)
def test_registrations_match_registration_changes_byte_for_byte(rows):
    texts = json_object_texts(KEYS, rows, registration=True)
    expected = [json_text(registration_changes(zip(KEYS, row, strict=True))) for row in rows]
    assert texts == expected


def test_equal_values_of_other_types_keep_their_own_json():
    # 1 == 1.0 == True and 0 == False: one column holding them all must not mix them up.
    rows = [("a", 1, 1.0, True, 0), ("b", True, 1, 1.0, False), ("c", 1.0, True, 1, 0.0)]
    keys = ("n", "x", "y", "z", "w")
    assert json_object_texts(keys, rows)[0] == '{"n":"a","x":1,"y":1.0,"z":true,"w":0}'
    assert [json.loads(text) for text in json_object_texts(keys, rows)] == [
        dict(zip(keys, row, strict=True)) for row in rows
    ]
    assert json_object_texts(keys, rows, registration=True)[1] == (
        '{"n":[null,"b"],"x":[null,true],"y":[null,1],"z":[null,1.0]}'
    )


def test_negative_zero_keeps_its_sign():
    rows = [(0.0,), (-0.0,), (0,)]
    assert json_object_texts(("x",), rows) == ['{"x":0.0}', '{"x":-0.0}', '{"x":0}']


def test_rows_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError):
        json_object_texts(KEYS, [("only", "three", "values")])
