"""A business's fields are declared once (businesses/fields.py): the registration form, the API's
input schemas, the validator, the import's columns and the export's cells are held to the
declaration, so adding or renaming a field in one place and not the others fails here."""

import pytest
from django.utils import translation

from liangze.businesses.api import BusinessCreateIn, BusinessFieldsIn
from liangze.businesses.exports import EXPORT_FIELDS, export_cells, export_words
from liangze.businesses.fields import (
    BUSINESS_FIELDS,
    BY_KEY,
    api_fields,
    form_fields,
    import_columns,
)
from liangze.businesses.forms import BusinessForm
from liangze.businesses.validation import CLEANED_FIELDS, FIELD_PARSERS, INPUT_FIELDS
from liangze.imports.specs import import_spec
from liangze.regions.models import Division

# Inputs a registration takes besides the business's own fields (they have services of their own
# once the business exists).
REGISTRATION_ONLY = {"grade", "grade_reason", "division", "division_id", "status_since"}
# Where the export reads the columns that are not a model field of the same name.
EXPORT_SOURCE = {"platform_id": "pk", "division_code": "division__code", "grade_reason": None}


def test_the_keys_are_unique_and_every_column_has_a_chinese_header():
    keys = [field.key for field in BUSINESS_FIELDS]
    assert len(keys) == len(set(keys))
    assert all(field.header for field in BUSINESS_FIELDS if field.in_import)


def test_the_form_has_the_declared_fields_with_the_declared_labels():
    form = BusinessForm(creating=True, allow_pilot=True, divisions=Division.objects.none())
    assert set(form.fields) == form_fields()
    for language in ("en", "zh-hans"):
        with translation.override(language):
            labels = {name: str(field.label) for name, field in form.fields.items()}
            assert labels == {name: str(BY_KEY[name].label) for name in form.fields}
    fieldsets = {name for _title, names in BusinessForm.FIELDSETS for name in names}
    assert fieldsets == form_fields()


def test_the_api_schemas_take_the_declared_fields():
    assert set(BusinessCreateIn.model_fields) == api_fields()
    assert set(BusinessFieldsIn.model_fields) == api_fields() - REGISTRATION_ONLY


def test_the_validator_parses_each_declared_field_into_its_model_field():
    declared = {f.key: f.model_field for f in BUSINESS_FIELDS if f.model_field}
    for key, (output, _parse) in FIELD_PARSERS.items():
        assert declared[key] == output, key
    inputs = {f.key for f in BUSINESS_FIELDS if f.in_api} - REGISTRATION_ONLY
    assert set(INPUT_FIELDS) | {"grade"} == inputs | {"grade"}
    assert {f.model_field for f in BUSINESS_FIELDS if f.model_field} - {"status_since"} == set(
        CLEANED_FIELDS
    )


def test_the_import_spec_has_the_declared_columns_in_order():
    spec = import_spec("businesses")
    declared = [f for f in BUSINESS_FIELDS if f.in_import]
    assert spec.columns == import_columns()
    assert [(c.key, c.header, c.required) for c in spec.columns] == [
        (f.key, f.header, f.required) for f in declared
    ]


@pytest.mark.django_db
def test_the_export_writes_each_declared_column_from_its_field():
    columns = [f for f in BUSINESS_FIELDS if f.in_export]
    assert [f.key for f in columns] == [c.key for c in import_spec("businesses").columns]
    sources = [EXPORT_SOURCE.get(f.key, f.model_field) for f in columns]
    read = [source for source in sources if source is not None]
    assert list(EXPORT_FIELDS[: len(read)]) == read
    # One cell per column, then status and division name.
    row = [None] * len(EXPORT_FIELDS)
    row[EXPORT_FIELDS.index("name")] = "某店"
    for name in ("uscc", "registration_number", "license_number", "grade", "risk_level"):
        row[EXPORT_FIELDS.index(name)] = ""
    for name in ("business_type", "scale", "status", "division__code", "address"):
        row[EXPORT_FIELDS.index(name)] = ""
    row[EXPORT_FIELDS.index("contact_name")] = ""
    row[EXPORT_FIELDS.index("contact_phone")] = ""
    row[EXPORT_FIELDS.index("division__name")] = ""
    cells = export_cells(tuple(row), words=export_words("zh-hans"))
    assert len(cells) == len(columns) + 2
    assert cells[[f.key for f in columns].index("name")] == "某店"
