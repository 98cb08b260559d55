"""A business's fields, declared once: the label (an English msgid, so both languages), the
spreadsheet's Chinese header, the format (the parser of validation.FIELD_PARSERS that every entry
point uses), and where each field appears: the registration form, the API's input, the import
and the export. The import's columns are built from here; the form, the API schemas and the
export are held to it by tests (businesses/tests/test_fields.py), which fail when one drifts.
See docs/architecture.md, "The import engine".
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from liangze.imports.specs import Column


@dataclass(frozen=True)
class BusinessField:
    key: str  # the input's name: form field, API field, the import's English header
    label: object  # lazy text: the form's label
    header: str  # the Chinese header of the spreadsheet (data, not a message)
    kind: str = "text"  # text, code, bool, choice, int, degrees, id, division
    model_field: str = ""  # the cleaned field it sets; "" when none (or not a plain one)
    required: bool = False  # for a new business
    width: int = 14  # the spreadsheet column's width
    in_form: bool = True
    in_api: bool = True
    in_import: bool = True
    in_export: bool = True

    @property
    def text(self) -> bool:
        """An identifier: the template formats its column as text."""
        return self.kind == "code"


F = BusinessField
# In the order of the spreadsheet's columns.
BUSINESS_FIELDS = (
    F("platform_id", _("Platform id"), "平台编号", "id", width=10, in_form=False, in_api=False),
    F("name", _("Name"), "名称", model_field="name", required=True, width=28),
    F("uscc", _("Unified social credit code"), "统一社会信用代码", "code", "uscc", width=22),
    F(
        "uscc_pilot_override",
        _("Accept an early pilot code (office override)"),
        "",
        "bool",
        "uscc_pilot_override",
        in_import=False,
        in_export=False,
    ),
    F(
        "registration_number",
        _("Local registration number"),
        "登记/备案号",
        "code",
        "registration_number",
        width=18,
    ),
    F("license_number", _("Food licence number"), "许可证号", "code", "license_number", width=20),
    F(
        "business_type",
        _("Business type"),
        "业态",
        "choice",
        "business_type",
        required=True,
        width=18,
    ),
    F("chain_hq", _("Chain headquarters"), "连锁总部", "bool", "chain_hq", width=8),
    F("key", _("Key business"), "重点主体", "bool", "key", width=8),
    F("scale", _("Scale"), "规模", "choice", "scale", width=8),
    F("staff_count", _("Staff"), "从业人数", "int", "staff_count", width=9),
    F(
        "annual_revenue_yuan",
        _("Annual revenue (yuan)"),
        "年营业额（元）",
        "int",
        "annual_revenue_fen",
    ),
    F("grade", _("Covering grade"), "包保等级", "choice", "grade", required=True, width=8),
    F("grade_reason", _("Why this grade"), "定级理由", required=True, width=20),
    F("risk_level", _("Regulator's risk level"), "风险等级", "choice", "risk_level", width=8),
    F(
        "division_code",
        _("Township or village"),
        "区划代码",
        "division",
        required=True,
        width=24,
        in_form=False,
        in_api=False,
    ),
    F("address", _("Address"), "地址", model_field="address", width=30),
    F("latitude", _("Latitude"), "纬度", "degrees", "lat_e6", width=11),
    F("longitude", _("Longitude"), "经度", "degrees", "lng_e6", width=11),
    F("contact_name", _("Contact person"), "联系人", model_field="contact_name", width=10),
    F("contact_phone", _("Contact phone"), "联系电话", "code", "contact_phone", width=15),
    F("open_kitchen", _("Open-kitchen cameras"), "明厨亮灶", "bool", "open_kitchen", width=8),
    # The division as the form and the API take it (the import and export give its code).
    F(
        "division",
        _("Township or village"),
        "",
        "division",
        required=True,
        in_import=False,
        in_export=False,
    ),
    F(
        "status_since",
        _("Operating since"),
        "",
        "date",
        "status_since",
        in_import=False,
        in_export=False,
    ),
)
BY_KEY = {field.key: field for field in BUSINESS_FIELDS}
# Field → the column its error belongs to, where they differ (the validator names model fields).
FIELD_COLUMN = {
    **{
        field.model_field: field.key
        for field in BUSINESS_FIELDS
        if field.in_import and field.model_field and field.model_field != field.key
    },
    "uscc_pilot_override": "uscc",
}
# The API names the division by its id.
API_NAMES = {"division": "division_id"}


def import_columns() -> tuple[Column, ...]:
    """The import's (and the export's) columns, from the declaration."""
    return tuple(
        Column(key=f.key, header=f.header, width=f.width, text=f.text, required=f.required)
        for f in BUSINESS_FIELDS
        if f.in_import
    )


def form_fields() -> set[str]:
    return {f.key for f in BUSINESS_FIELDS if f.in_form}


def api_fields() -> set[str]:
    return {API_NAMES.get(f.key, f.key) for f in BUSINESS_FIELDS if f.in_api}
