"""The officials' and the assignments' table imports, clients of the import engine
(liangze.imports): their columns, templates, checks, plans and writers. See docs/architecture.md,
"The import engine".

Both check every row with the writers' own rules (services.official_import_check,
assignment_import_check), writing nothing; the write gives the valid rows to the writers
(official_import_rows, assignment_import_rows), which check them again in the write's
transaction and refuse the whole write when the file no longer holds.

Identity for re-import: an official's mobile number (a known number updates that official); an
assignment's pair of the official's mobile number and the business's code (the pair already in
force is unchanged). New officials get no password in the write: the clerk who imported them
opens the one-time password sheet once (services.official_passwords_issue).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liangze.accounts.access import is_office_or_admin
from liangze.audit.models import AuditAction
from liangze.businesses.import_selectors import file_division
from liangze.core.errors import Conflict
from liangze.core.tables import Table, TableRow
from liangze.imports.checking import Action, CheckOutcome, add_error
from liangze.imports.specs import Column, Dropdown, ImportSpec, TemplateParts, import_spec_register
from liangze.imports.views import job_page_context as engine_job_page_context
from liangze.jobs.models import Job
from liangze.officials import selectors, services
from liangze.officials.services import ASSIGNMENT_COLUMNS, OFFICIAL_COLUMNS

# The job kinds of the two imports, registered in apps.py.
OFFICIAL_IMPORT_CHECK = "official_import_check"
OFFICIAL_IMPORT_WRITE = "official_import_write"
ASSIGNMENT_IMPORT_CHECK = "assignment_import_check"
ASSIGNMENT_IMPORT_WRITE = "assignment_import_write"
POST_LIST_CAP = 5_000

# The URL namespace of each spec's pages (urls.py mounts them).
NAMESPACES = {
    "officials": "officials:official_imports",
    "assignments": "officials:assignment_imports",
}

_WIDTHS = {"display_name": 12, "phone": 16, "division_code": 24, "position": 18}
_REQUIRED = {"display_name", "phone", "division_code", "official_phone", "business_code"}
_TEXT = {"phone", "division_code", "official_phone", "business_code"}


def _columns(spellings: dict[str, tuple[str, ...]]) -> tuple[Column, ...]:
    """The services' columns (key → Chinese header, other spellings) as the engine's."""
    return tuple(
        Column(
            key,
            names[0],
            aliases=tuple(n for n in names[1:] if n != key),
            width=_WIDTHS.get(key, 22 if key == "business_code" else 14),
            text=key in _TEXT,
            required=key in _REQUIRED,
        )
        for key, names in spellings.items()
    )


OFFICIAL_IMPORT_COLUMNS = _columns(OFFICIAL_COLUMNS)
ASSIGNMENT_IMPORT_COLUMNS = _columns(ASSIGNMENT_COLUMNS)


@dataclass(slots=True)
class CheckedRow:
    line: int
    cells: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    action: str = ""


def _outcome(table: Table, checked: services.RowsChecked, keys) -> CheckOutcome:
    """The engine's outcome of a writer's check: errors by line and column, the valid rows'
    values (in `keys` order) kept for the plan."""
    by_line: dict[int, dict[str, str]] = {}
    for error in checked.errors:
        add_error(by_line.setdefault(error.line, {}), error.column, error.message)
    rows, plan = [], []
    for row in table.rows():
        errors = by_line.get(row.line, {})
        action = checked.actions.get(row.line, Action.UNCHANGED)
        rows.append(
            CheckedRow(
                line=row.line,
                cells=dict(row.values) if errors else {},
                errors=errors,
                action=action,
            )
        )
        if not errors and action != Action.UNCHANGED:
            plan.append([row.line, *(row.values.get(key, "") for key in keys)])
    return CheckOutcome(rows=rows, context={"rows": plan})


def _plan(outcome: CheckOutcome) -> dict:
    return {"rows": outcome.context["rows"]}


def _plan_rows(plan: dict, keys) -> list[TableRow]:
    return [
        TableRow(line=row[0], values=dict(zip(keys, row[1:], strict=True))) for row in plan["rows"]
    ]


def _changed_since_check(exc: services.ImportRejected) -> Conflict:
    first = exc.errors[0]
    return Conflict(
        code="import_rows_changed",
        message=_(
            "Line %(line)d no longer holds: %(reason)s Nothing was imported: upload the file "
            "again to check it anew."
        )
        % {"line": first.line, "reason": first.message},
    )


# --- Officials ----------------------------------------------------------------------------------


def official_check(*, actor, table: Table, report, params=None) -> CheckOutcome:
    rows = table.rows()
    report(0, len(rows), _("Checking the rows"))
    checked = services.official_import_check(actor=actor, rows=rows)
    return _outcome(table, checked, OFFICIAL_COLUMNS)


def official_write(*, actor, plan: dict, link: dict, progress) -> dict:
    """New and changed officials through services.official_import_rows; the new ones get their
    passwords from the sheet (the result names them, never a password)."""
    rows = _plan_rows(plan, OFFICIAL_COLUMNS)
    progress(0, len(rows))
    try:
        result = services.official_import_rows(
            actor=actor, rows=rows, issue_passwords=False, link=link
        )
    except services.ImportRejected as exc:
        raise _changed_since_check(exc) from None
    progress(len(rows), len(rows))
    return {
        "created": len(result.created),
        "updated": result.updated,
        "officials": [issued.official.pk for issued in result.created],
    }


def official_template(viewer, language: str) -> TemplateParts:
    posts = selectors.office_post_divisions(viewer=viewer).order_by("path")
    entries = list(posts.values_list("code", "name")[: POST_LIST_CAP + 1])
    capped = len(entries) > POST_LIST_CAP
    guide = [
        (_("How to fill in"), ""),
        ("", _("One official per row, from the second row on. Keep the first row as it is.")),
        (
            "",
            _(
                "A row is matched to an official by the mobile number: a known number updates "
                "that official, any other adds an official whose login is the mobile number."
            ),
        ),
        (
            "",
            _(
                "The post is a city, county, township or village your office keeps, or a "
                "municipality itself (the drop-down). Start date as YYYY-MM-DD; blank is today."
            ),
        ),
        (
            "",
            _(
                "After the import, open the sheet of one-time passwords once and give each new "
                "official theirs."
            ),
        ),
    ]
    if capped:
        guide.append(("", _("The drop-down lists the first posts only; any other is accepted.")))
    return TemplateParts(
        sheet_title=_("Officials"),
        dropdowns={
            "division_code": Dropdown(
                [f"{code} {name}" for code, name in entries[:POST_LIST_CAP]], warning=True
            )
        },
        guide=guide,
        allowed={
            "phone": _("An 11-digit mobile number."),
            "division_code": _("9 or 12 digits."),
            "active_from": _("YYYY-MM-DD; blank is today."),
        },
    )


OFFICIAL_IMPORT = ImportSpec(
    name="officials",
    columns=OFFICIAL_IMPORT_COLUMNS,
    check_kind=OFFICIAL_IMPORT_CHECK,
    write_kind=OFFICIAL_IMPORT_WRITE,
    label=gettext_lazy("Officials table"),
    can_import=is_office_or_admin,
    refused_code="official_import_forbidden",
    refused_message=gettext_lazy("Only food safety office staff import officials."),
    check=official_check,
    plan=_plan,
    plan_fields=("line", *OFFICIAL_COLUMNS),
    write=official_write,
    template=official_template,
    file_division=file_division,
    imported_action=AuditAction.OFFICIALS_IMPORTED,
    identity_taken_message=gettext_lazy(
        "An official with a mobile number of the file was added after the check. Nothing was "
        "imported: upload the file again to check it anew."
    ),
    template_file_name="official-import-template.xlsx",
    start_template="officials/import_start.html",
    result_template="officials/import_job_result.html",
    error_prefix="official_import",
    start_context=lambda viewer: {"import_ns": NAMESPACES["officials"]},
)


# --- Assignments --------------------------------------------------------------------------------


def assignment_check(*, actor, table: Table, report, params=None) -> CheckOutcome:
    rows = table.rows()
    report(0, len(rows), _("Checking the rows"))
    checked = services.assignment_import_check(actor=actor, rows=rows)
    return _outcome(table, checked, ASSIGNMENT_COLUMNS)


def assignment_write(*, actor, plan: dict, link: dict, progress) -> dict:
    rows = _plan_rows(plan, ASSIGNMENT_COLUMNS)
    progress(0, len(rows))
    try:
        result = services.assignment_import_rows(actor=actor, rows=rows, link=link)
    except services.ImportRejected as exc:
        raise _changed_since_check(exc) from None
    progress(len(rows), len(rows))
    return {"created": result.created}


def assignment_template(viewer, language: str) -> TemplateParts:
    return TemplateParts(
        sheet_title=_("Assignments"),
        dropdowns={},
        guide=[
            (_("How to fill in"), ""),
            (
                "",
                _(
                    "One business per row: the covering official's mobile number and the "
                    "business's credit code (or registration number when it has none)."
                ),
            ),
            (
                "",
                _(
                    "The official must be of the level the business's grade requires, with a "
                    "post containing it. A business covered by another official is handed to "
                    "the one named; one already covered by them is left as it is."
                ),
            ),
        ],
        allowed={
            "official_phone": _("An 11-digit mobile number."),
            "starts_on": _("YYYY-MM-DD; blank is today."),
        },
    )


ASSIGNMENT_IMPORT = ImportSpec(
    name="assignments",
    columns=ASSIGNMENT_IMPORT_COLUMNS,
    check_kind=ASSIGNMENT_IMPORT_CHECK,
    write_kind=ASSIGNMENT_IMPORT_WRITE,
    label=gettext_lazy("Assignments table"),
    can_import=is_office_or_admin,
    refused_code="assignment_import_forbidden",
    refused_message=gettext_lazy("Only food safety office staff import assignments."),
    check=assignment_check,
    plan=_plan,
    plan_fields=("line", *ASSIGNMENT_COLUMNS),
    write=assignment_write,
    template=assignment_template,
    file_division=file_division,
    imported_action=AuditAction.ASSIGNMENTS_IMPORTED,
    identity_taken_message=gettext_lazy(
        "A business of the file was assigned after the check. Nothing was imported: upload the "
        "file again to check it anew."
    ),
    template_file_name="assignment-import-template.xlsx",
    start_template="officials/import_start.html",
    result_template="officials/import_job_result.html",
    error_prefix="assignment_import",
    start_context=lambda viewer: {"import_ns": NAMESPACES["assignments"]},
)


def job_page_context(request, job: Job) -> dict:
    """The engine's job page context, with the spec's URL namespace and, for a finished
    officials import, how many new officials still await their one-time password."""
    context = engine_job_page_context(request, job)
    spec = context.get("spec")
    if spec is None:
        return context
    context["import_ns"] = NAMESPACES[spec.name]
    if job.kind == OFFICIAL_IMPORT_WRITE and job.status == Job.Status.SUCCEEDED:
        officials = selectors.imported_officials(
            viewer=request.user, ids=job.result.get("officials", [])
        )
        context["passwords_pending"] = sum(
            1 for o in officials.select_related("user") if not o.user.has_usable_password()
        )
    return context


def register() -> None:
    import_spec_register(OFFICIAL_IMPORT)
    import_spec_register(ASSIGNMENT_IMPORT)
