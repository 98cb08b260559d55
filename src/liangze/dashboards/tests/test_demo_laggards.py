"""The laggards a quarterly notice names (docs/domain.md §2, "Laggards in a notice"), for the demo:
equal to a plain count over the raw tasks and problems, shown in the page, the Word document and
the Excel workbook, scoped to the notice's region, capped with "and N more", read in a fixed
number of queries, and frozen once generated."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from docx import Document
from python_calamine import CalamineWorkbook

from liangze.accounts.models import User
from liangze.businesses.models import Business
from liangze.dashboards import rendering, services
from liangze.figures.periods import Period, today
from liangze.officials.models import Official
from liangze.rectification.models import Problem
from liangze.regions.models import Division
from liangze.visits.models import VisitTask

pytestmark = pytest.mark.django_db

LAST_QUARTER = Period.quarter_of(today()).previous()
PROVINCE, COUNTY, TOWNSHIP = "630000000000", "632801000000", "632801100000"
OFFICES = {PROVINCE: "qinghai_office", COUNTY: "golmud_office", TOWNSHIP: "guolemude_office"}


def office_and_region(code: str) -> tuple[User, Division]:
    return User.objects.get(username=OFFICES[code]), Division.objects.get(code=code)


def generate(code: str, *, by: str | None = None):
    actor, region = office_and_region(code)
    if by is not None:  # an office above generating a sub-region's notice
        actor = User.objects.get(username=OFFICES[by])
    return services.notice_generate(actor=actor, region=region, period=LAST_QUARTER)


def raw_officials(path: str) -> list[tuple[str, int, int]]:
    """(name, missed, due) of each official posted in the subtree with a missed task in the
    quarter, counted one task at a time; most missed first, then by post and name."""
    counts: dict[int, list[int]] = {}
    for official_id, status in VisitTask.objects.filter(
        official__grant__division__path__startswith=path,
        period__gte=LAST_QUARTER.start,
        period__lte=LAST_QUARTER.end,
    ).values_list("official_id", "status"):
        missed_due = counts.setdefault(official_id, [0, 0])
        missed_due[0] += status == "missed"
        missed_due[1] += status in ("done", "due", "missed")
    officials = Official.objects.in_bulk([pk for pk, (missed, _d) in counts.items() if missed])
    rows = [
        (o.grant.division.path, o.user.display_name, o.pk, *counts[o.pk])
        for o in officials.values()
    ]
    rows.sort(key=lambda r: (-r[3], r[0], r[1], r[2]))
    return [(name, missed, due) for _p, name, _pk, missed, due in rows]


def raw_overdue(path: str) -> list[tuple[str, str, int]]:
    """(business, deadline, days overdue) of the problems accepted or with a case filed whose
    deadline has passed, of businesses in the subtree; most overdue first."""
    day = today()
    problems = Problem.objects.filter(
        status__in=["accepted", "escalated"],
        deadline__lt=day,
        business__division__path__startswith=path,
    ).order_by("deadline", "found_at", "pk")
    return [(p.business.name, p.deadline.isoformat(), (day - p.deadline).days) for p in problems]


def frozen_officials(notice) -> list[tuple[str, int, int]]:
    return [(r["name"], r["missed"], r["due"]) for r in notice.laggards["officials"]["rows"]]


def frozen_problems(notice) -> list[tuple[str, str, int]]:
    return [
        (r["business"], r["deadline"], r["days_overdue"])
        for r in notice.laggards["problems"]["rows"]
    ]


@pytest.mark.parametrize("code", [PROVINCE, COUNTY, TOWNSHIP])
def test_the_laggards_equal_a_plain_count_of_tasks_and_problems(demo_loaded, code):
    notice = generate(code)
    path = notice.region.path
    officials, problems = raw_officials(path), raw_overdue(path)
    assert officials and problems  # the demo has both at every level asked
    assert frozen_officials(notice) == officials[:50]
    assert notice.laggards["officials"]["total"] == len(officials)
    assert frozen_problems(notice) == problems[:50]
    assert notice.laggards["problems"]["total"] == len(problems)
    assert notice.laggards["as_of"] == today().isoformat()


def miss_one_task(username: str) -> str:
    """Mark one of the official's tasks of the quarter missed; their name."""
    official = Official.objects.select_related("user").get(user__username=username)
    task = VisitTask.objects.filter(
        official=official, period__gte=LAST_QUARTER.start, period__lte=LAST_QUARTER.end
    ).first()
    VisitTask.objects.filter(pk=task.pk).update(status="missed")
    return official.user.display_name


def credit_codes(rows) -> set[str]:
    return {r["credit_code"] for r in rows}


def test_a_notice_names_only_the_officials_and_problems_of_its_region(demo_loaded):
    above = miss_one_task("haixi_official")  # posted at the prefecture, above the county
    inside = miss_one_task("golmud_official")  # posted at the county itself
    township_path = Division.objects.get(code=TOWNSHIP).path
    # A problem of the county outside the township, overdue.
    outside = Problem.objects.exclude(business__division__path__startswith=township_path).first()
    Problem.objects.filter(pk=outside.pk).update(
        status="accepted", deadline=today() - timedelta(days=3)
    )
    with override_settings(LIANGZE_NOTICE_LAGGARDS_MAX=10_000):  # every one named
        # Generated by the offices above, whose jurisdictions are wider than the notice's region.
        township, county = generate(TOWNSHIP, by=COUNTY), generate(COUNTY, by=PROVINCE)
        province = generate(PROVINCE)
    county_names = {name for name, _m, _d in frozen_officials(county)}
    assert inside in county_names and above not in county_names
    assert {inside, above} <= {name for name, _m, _d in frozen_officials(province)}
    assert inside not in {name for name, _m, _d in frozen_officials(township)}
    in_township = {
        uscc or number
        for uscc, number in Business.objects.filter(
            division__path__startswith=township_path
        ).values_list("uscc", "registration_number")
    }
    codes = credit_codes(township.laggards["problems"]["rows"])
    assert codes and codes <= in_township
    code = outside.business.uscc or outside.business.registration_number
    assert code not in codes
    assert code in credit_codes(county.laggards["problems"]["rows"])


def test_the_lists_are_capped_with_the_count_of_the_rest(demo_loaded):
    with override_settings(LIANGZE_NOTICE_LAGGARDS_MAX=2):
        notice = generate(PROVINCE)
    officials = notice.laggards["officials"]
    assert len(officials["rows"]) == 2 and officials["total"] == len(
        raw_officials(notice.region.path)
    )
    assert frozen_problems(notice) == raw_overdue(notice.region.path)[:2]
    lists = rendering.notice_laggards(notice)
    assert [lst.more for lst in lists] == [
        officials["total"] - 2,
        notice.laggards["problems"]["total"] - 2,
    ]
    assert lists[0].more > 0 and str(lists[0].more) in lists[0].more_text
    text = "\n".join(p.text for p in Document(io.BytesIO(rendering.notice_docx(notice))).paragraphs)
    assert lists[0].more_text in text and lists[1].more_text in text


def test_the_laggards_read_in_a_fixed_number_of_queries(demo_loaded):
    counts = []
    for code in (TOWNSHIP, COUNTY, PROVINCE):
        actor, region = office_and_region(code)
        actor.jurisdiction()  # the viewer's grants, read once per request anyway
        with CaptureQueriesContext(connection) as queries:
            laggards = services.notice_laggards(
                actor=actor, region=region, period=LAST_QUARTER, day=today()
            )
        assert laggards["officials"]["rows"] and laggards["problems"]["rows"]
        counts.append(len(queries))
    assert counts == [5, 5, 5]


def cell_value(value):
    """A number Excel hands back as a float, as the integer written."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def docx_table(document, columns: list[str]) -> list[list[str]]:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows[0] == columns:
            return rows[1:]
    raise AssertionError(f"no table headed {columns}")


def test_word_excel_and_page_show_the_laggards(demo_loaded, client_for):
    notice = generate(COUNTY)
    lists = rendering.notice_laggards(notice)
    assert [lst.key for lst in lists] == ["officials", "problems"]
    officials, problems = lists
    assert officials.rows and problems.rows
    first = notice.laggards["officials"]["rows"][0]
    assert officials.rows[0][0] == first["name"] and officials.rows[0][4:] == [
        first["missed"],
        first["due"],
    ]
    client = client_for(notice.generated_by)
    document = Document(
        io.BytesIO(client.get(f"/dashboards/notices/{notice.pk}/notice.docx").content)
    )
    headings = [p.text for p in document.paragraphs]
    for lst in lists:
        assert lst.heading in headings
        assert docx_table(document, lst.columns) == [[str(v) for v in row] for row in lst.rows]
    book = CalamineWorkbook.from_filelike(
        io.BytesIO(client.get(f"/dashboards/notices/{notice.pk}/notice.xlsx").content)
    )
    for lst in lists:
        sheet = book.get_sheet_by_name(lst.sheet).to_python()
        assert sheet[0] == lst.columns
        named = sheet[1 : len(lst.rows) + 1]
        assert [[cell_value(v) for v in row] for row in named] == lst.rows
        assert [row[0] for row in sheet[len(lst.rows) + 1 :]] == (
            [lst.more_text] if lst.more else []
        )
    page = client.get(f"/dashboards/notices/{notice.pk}/").content.decode()
    assert 'data-testid="laggards-officials"' in page and first["name"] in page
    assert notice.laggards["problems"]["rows"][0]["business"] in page


def test_the_laggards_stay_as_generated_when_the_data_changes(demo_loaded):
    notice = generate(COUNTY)
    before = notice.laggards
    word = rendering.notice_docx(notice)
    region = notice.region.path
    VisitTask.objects.filter(official__grant__division__path__startswith=region).update(
        status="done"
    )
    Problem.objects.filter(business__division__path__startswith=region).update(
        status="closed", closed_at=timezone.now()
    )
    Business.objects.filter(division__path__startswith=region).update(name="改名后的企业")
    assert raw_officials(region) == [] and raw_overdue(region) == []
    notice.refresh_from_db()
    assert notice.laggards == before
    assert frozen_officials(notice) and frozen_problems(notice)
    again = Document(io.BytesIO(rendering.notice_docx(notice)))
    assert [t.rows[1].cells[0].text for t in again.tables[-2:]] == [
        t.rows[1].cells[0].text for t in Document(io.BytesIO(word)).tables[-2:]
    ]
    assert "改名后的企业" not in "".join(
        c.text for t in again.tables for r in t.rows for c in r.cells
    )
