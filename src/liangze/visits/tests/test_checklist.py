"""A province's visit checklist as its office edits it (docs/domain.md §1.5, §1.12): the
services, the page and the API, who may read and change it, and that the visit form and a newly
generated task list follow the edited items while a past visit keeps its wording."""

import io
import uuid
from datetime import date

import docx
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone, translation

from liangze.accounts.models import Role
from liangze.audit.models import AuditAction, AuditEvent
from liangze.businesses.types import BusinessType
from liangze.core.errors import Forbidden, Invalid, NotFound
from liangze.core.tables import TableRow
from liangze.core.testing.fixtures import make_user
from liangze.officials.documents.models import DutyDocument, DutyDocumentKind
from liangze.officials.documents.services import duty_documents_generate
from liangze.regions.models import Division
from liangze.regions.services import division_table_import
from liangze.visits import services
from liangze.visits.checklist import DEFAULT_ITEMS, checklist_for, province_checklist
from liangze.visits.models import ChecklistItem, VisitItem
from liangze.visits.services import ItemAnswer, visit_submit
from liangze.visits.tests.conftest import clean_input, form_data

PAGE = "/visits/checklist/"
JSON = "application/json"


def api(province) -> str:
    return f"/api/v1/checklist-items/{getattr(province, 'pk', province)}"


@pytest.fixture
def province_leader(regions):
    return make_user("province_leader", Role.LEADER, regions.province)


@pytest.fixture
def other_province_staff(regions):
    row = TableRow(line=2, values={"code": "620000000000", "name": "甘肃省", "parent_code": ""})
    division_table_import(actor=None, rows=[row], vintage=2023)
    other = Division.objects.get(code="620000000000")
    return make_user("other_province_staff", Role.OFFICE_STAFF, other)


def labels(province, business_type="") -> list[str]:
    return [i.label for i in province_checklist(province.pk, business_type)]


def denials(user) -> int:
    return AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).count()


def chinese(text) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


class TestServices:
    def test_it_copies_the_defaults_in_chinese_on_the_first_change_and_adds_last(
        self, province_staff, regions
    ):
        province = regions.province
        with translation.override("en"):
            item = services.checklist_item_create(
                actor=province_staff, province=province, label="  冷链  温度 "
            )
        rows = list(ChecklistItem.objects.filter(province=province).order_by("order"))
        assert [r.key for r in rows] == [*(i.key for i in DEFAULT_ITEMS), item.key]
        with translation.override("en"):
            english = str(DEFAULT_ITEMS[0].label)
        assert rows[0].label == chinese(DEFAULT_ITEMS[0].label) != english
        assert (item.label, item.business_type, item.order) == ("冷链 温度", "", 140)
        assert labels(province)[-1] == "冷链 温度"
        event = AuditEvent.objects.get(action=AuditAction.CHECKLIST_ITEM_ADDED)
        assert (event.actor, event.division_path) == (province_staff, province.path)
        assert event.data["copied"] == len(DEFAULT_ITEMS)

    def test_it_renames_moves_and_takes_out_of_use_without_deleting(self, province_staff, regions):
        province = regions.province
        edit = {"actor": province_staff, "province": province}
        services.checklist_item_update(**edit, key="storage", label="贮存条件")
        services.checklist_item_update(**edit, key="training", active=False)
        services.checklist_item_move(**edit, key="emergency", up=True)
        keys = [i.key for i in province_checklist(province.pk)]
        assert keys[-2:] == ["emergency", "complaints"]
        assert "training" not in keys
        assert "贮存条件" in labels(province)
        assert ChecklistItem.objects.filter(province=province).count() == len(DEFAULT_ITEMS)
        training = ChecklistItem.objects.get(province=province, key="training")
        assert training.active is False
        changed = AuditEvent.objects.filter(action=AuditAction.CHECKLIST_ITEM_CHANGED)
        assert changed.count() == 3
        assert changed.order_by("pk").first().changes["label"][1] == "贮存条件"

    def test_a_change_that_changes_nothing_records_nothing(self, province_staff, regions):
        edit = {"actor": province_staff, "province": regions.province, "key": "storage"}
        services.checklist_item_update(**edit, label="贮存条件")
        services.checklist_item_update(**edit, label="贮存条件", active=True)
        assert AuditEvent.objects.filter(action=AuditAction.CHECKLIST_ITEM_CHANGED).count() == 1

    def test_a_first_item_moved_up_stays(self, province_staff, regions):
        move = {"actor": province_staff, "province": regions.province, "key": "officers"}
        services.checklist_item_move(**move, up=True)  # copies the defaults: recorded
        assert [i.key for i in DEFAULT_ITEMS] == [
            i.key for i in province_checklist(regions.province.pk)
        ]
        recorded = AuditEvent.objects.count()
        services.checklist_item_move(**move, up=True)  # changes nothing: records nothing
        assert AuditEvent.objects.count() == recorded

    def test_a_types_items_come_after_and_replace_the_every_type_item_of_their_key(
        self, province_staff, regions
    ):
        province = regions.province
        add = {"actor": province_staff, "province": province, "business_type": "restaurant"}
        services.checklist_item_create(**add, label="后厨分区")
        services.checklist_item_create(**add, label="餐馆贮存", key="storage")
        restaurant = labels(province, "restaurant")
        assert restaurant[-1] == "后厨分区"
        assert restaurant[6] == "餐馆贮存" and chinese(DEFAULT_ITEMS[6].label) not in restaurant
        assert "后厨分区" not in labels(province, "supermarket")
        assert len(restaurant) == len(DEFAULT_ITEMS) + 1

    def test_the_set_for_every_type_keeps_one_item_in_use(self, province_staff, regions):
        province = regions.province
        for item in DEFAULT_ITEMS[1:]:
            services.checklist_item_update(
                actor=province_staff, province=province, key=item.key, active=False
            )
        with pytest.raises(Invalid) as refused:
            services.checklist_item_update(
                actor=province_staff, province=province, key="officers", active=False
            )
        assert refused.value.code == "checklist_empty"
        assert [i.key for i in province_checklist(province.pk)] == ["officers"]

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"label": "  "}, "checklist_label_invalid"),
            ({"label": "x" * 201}, "checklist_label_invalid"),
            ({"label": "新项", "business_type": "spaceship"}, "checklist_type_invalid"),
            ({"label": "新项", "key": "不是键"}, "checklist_key_invalid"),
            ({"label": "新项", "key": "storage"}, "checklist_key_taken"),
        ],
    )
    def test_invalid_input_writes_nothing(self, fields, code, province_staff, regions):
        with pytest.raises(Invalid) as refused:
            services.checklist_item_create(
                actor=province_staff, province=regions.province, **fields
            )
        assert refused.value.code == code
        assert not ChecklistItem.objects.exists()
        assert not AuditEvent.objects.filter(action=AuditAction.CHECKLIST_ITEM_ADDED).exists()

    def test_an_unknown_item_is_not_found_and_nothing_copied(self, province_staff, regions):
        with pytest.raises(NotFound):
            services.checklist_item_update(
                actor=province_staff, province=regions.province, key="nothing", label="x"
            )
        assert not ChecklistItem.objects.exists()

    @pytest.mark.parametrize("persona", ["county_staff", "province_leader", "village_official"])
    def test_only_the_province_office_changes_it(self, persona, request, regions):
        user = request.getfixturevalue(persona)
        with pytest.raises(Forbidden):
            services.checklist_item_create(actor=user, province=regions.province, label="新项")
        with pytest.raises(Forbidden):
            services.checklist_item_update(
                actor=user, province=regions.province, key="storage", active=False
            )
        assert not ChecklistItem.objects.exists()


class TestVisits:
    def test_a_past_visit_keeps_its_wording_and_the_next_form_shows_the_edit(
        self, province_staff, covered, client_for, regions
    ):
        shop, official = covered
        answers = {i.key: ItemAnswer() for i in checklist_for(shop)}
        answers["storage"] = ItemAnswer(result="na", note="无冷库")
        visit = visit_submit(
            actor=official.user, data=clean_input(shop, timezone.now(), answers=answers)
        )
        recorded = VisitItem.objects.get(visit=visit, key="storage").label
        province = regions.province
        edit = {"actor": province_staff, "province": province}
        services.checklist_item_update(**edit, key="storage", label="冷藏冷冻温度")
        services.checklist_item_update(**edit, key="training", active=False)
        services.checklist_item_create(
            **edit, business_type=shop.business_type, label="餐具消毒记录"
        )
        assert VisitItem.objects.get(visit=visit, key="storage").label == recorded != "冷藏冷冻温度"
        form = client_for(official.user).get(reverse("visits:new", args=[shop.pk]))
        page = form.content.decode()
        assert "冷藏冷冻温度" in page and "餐具消毒记录" in page
        assert 'data-testid="item-training-pass"' not in page
        assert 'data-testid="item-storage-pass"' in page

    def test_a_form_opened_before_a_change_is_told_to_open_the_form_again(
        self, province_staff, covered, regions
    ):
        shop, official = covered
        # The answers of a form (or an offline draft) opened before the change.
        answers = {i.key: ItemAnswer() for i in checklist_for(shop)}
        edit = {"actor": province_staff, "province": regions.province}
        services.checklist_item_update(**edit, key="training", active=False)
        with translation.override("zh-hans"), pytest.raises(Invalid) as refused:
            visit_submit(
                actor=official.user, data=clean_input(shop, timezone.now(), answers=answers)
            )
        assert refused.value.code == "checklist_changed"
        assert "检查项已调整" in refused.value.message
        # An item added since is missing from the old answers: every item must be answered.
        answers.pop("training")
        services.checklist_item_create(**edit, label="新增检查项")
        with pytest.raises(Invalid) as refused:
            visit_submit(
                actor=official.user, data=clean_input(shop, timezone.now(), answers=answers)
            )
        assert refused.value.code == "visit_items"
        assert not official.visits.exists()

    def test_the_form_and_the_outbox_get_the_message_for_a_form_opened_before_a_change(
        self, province_staff, covered, client_for, regions
    ):
        shop, official = covered
        opened = form_data(shop)  # the answers of the form as it was opened
        edit = {"actor": province_staff, "province": regions.province}
        services.checklist_item_update(**edit, key="training", active=False)
        client = client_for(official.user)
        url = reverse("visits:new", args=[shop.pk])
        with translation.override("zh-hans"):
            page = client.post(url, opened, HTTP_ACCEPT_LANGUAGE="zh-hans")
            sent = client.post(
                url,
                {**opened, "idempotency_key": str(uuid.uuid4())},
                HTTP_X_VISIT_OUTBOX="1",
                HTTP_ACCEPT_LANGUAGE="zh-hans",
            )
        assert "检查项已调整" in page.content.decode()
        assert sent.status_code == 422 and sent.json()["code"] == "checklist_changed"
        assert not official.visits.exists()


class TestTaskList:
    def test_a_new_task_list_prints_the_edited_checklist(
        self, province_staff, county_staff, covered, regions
    ):
        shop, official = covered
        province = regions.province
        edit = {"actor": province_staff, "province": province}
        services.checklist_item_update(**edit, key="storage", label="冷藏冷冻温度达标")
        services.checklist_item_update(**edit, key="training", active=False)
        services.checklist_item_create(**edit, label="省定检查项")
        duty_documents_generate(
            actor=county_staff,
            region=official.grant.division,
            kinds=[DutyDocumentKind.TASK_LIST],
            year=date.today().year,
        )
        document = DutyDocument.objects.get(kind=DutyDocumentKind.TASK_LIST, official=official)
        with default_storage.open(document.document.storage_name, "rb") as handle:
            word = docx.Document(io.BytesIO(handle.read()))
        cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
        assert "冷藏冷冻温度达标" in cells and "省定检查项" in cells
        assert chinese(DEFAULT_ITEMS[0].label) in cells
        assert chinese(DEFAULT_ITEMS[6].label) not in cells
        assert chinese(DEFAULT_ITEMS[12].label) not in cells

    def test_a_type_with_items_of_its_own_is_printed_whole_for_its_businesses(
        self, province_staff, county_staff, covered, regions
    ):
        shop, official = covered
        edit = {"actor": province_staff, "province": regions.province}
        services.checklist_item_create(**edit, business_type=shop.business_type, label="本类专查项")
        other = next(t for t in BusinessType if t != shop.business_type)
        services.checklist_item_create(**edit, business_type=other, label="他类专查项")
        duty_documents_generate(
            actor=county_staff,
            region=official.grant.division,
            kinds=[DutyDocumentKind.TASK_LIST],
            year=date.today().year,
        )
        document = DutyDocument.objects.get(kind=DutyDocumentKind.TASK_LIST, official=official)
        with default_storage.open(document.document.storage_name, "rb") as handle:
            word = docx.Document(io.BytesIO(handle.read()))
        text = "\n".join(p.text for p in word.paragraphs)
        cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
        with translation.override("zh-hans"):
            kind, other_kind = str(shop.get_business_type_display()), str(other.label)
        # The table lists the items for every type; the shop's type adds a line with its whole
        # list; a type the official covers no business of is not printed.
        assert "本类专查项" not in cells
        line = next(line for line in text.splitlines() if line.startswith(kind))
        assert "本类专查项" in line and chinese(DEFAULT_ITEMS[0].label) in line
        assert "他类专查项" not in text and not text.count(f"\n{other_kind}的")


class TestPage:
    def test_province_staff_see_the_defaults_marked_with_forms(self, province_staff, client_for):
        response = client_for(province_staff).get(PAGE)
        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-testid="is-default"' in page and 'data-testid="checklist-add"' in page
        assert 'data-testid="change-storage"' in page
        assert reverse("visits:checklist") in page  # the menu links here

    def test_province_staff_add_rename_move_and_take_out_of_use(
        self, province_staff, client_for, regions
    ):
        client = client_for(province_staff)
        prefix = "i-all-storage"
        change = {
            "action": "change",
            "key": "storage",
            f"{prefix}-label": "冷藏冷冻温度",
            f"{prefix}-order": "65",
        }
        response = client.post(PAGE, change)
        assert response.status_code == 302
        assert response["Location"].endswith(f"?province={regions.province.pk}#{prefix}")
        storage = ChecklistItem.objects.get(key="storage")
        assert (storage.label, storage.order, storage.active) == ("冷藏冷冻温度", 65, False)
        add = {"action": "add", "business_type": "restaurant", "label": "后厨分区"}
        assert client.post(PAGE, add).status_code == 302
        assert labels(regions.province, "restaurant")[-1] == "后厨分区"
        move = {"action": "down", "key": "officers"}
        assert client.post(PAGE, move).status_code == 302
        assert [i.key for i in province_checklist(regions.province.pk)][:2] == [
            "risk_list",
            "officers",
        ]
        page = client.get(PAGE).content.decode()
        assert 'data-testid="is-default"' not in page
        assert 'data-testid="checklist-set-restaurant"' in page
        assert 'data-testid="out-of-use"' in page

    def test_the_defaults_are_offered_in_the_platforms_language_whoever_reads(
        self, province_staff, client_for
    ):
        client = client_for(province_staff)
        page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
        assert "Add an item" in page.content.decode()  # the page itself speaks English
        storage = next(i for i in page.context["sets"][0][2] if i.key == "storage")
        assert storage.form.initial["label"] == chinese(DEFAULT_ITEMS[6].label)
        with translation.override("en"):
            assert chinese(DEFAULT_ITEMS[6].label) != str(DEFAULT_ITEMS[6].label)

    def test_an_empty_label_is_shown_inline_and_nothing_saved(self, province_staff, client_for):
        response = client_for(province_staff).post(PAGE, {"action": "add", "label": " "})
        assert response.status_code == 200
        assert response.context["add_form"].errors["label"]
        change = {"action": "change", "key": "storage", "i-all-storage-label": ""}
        response = client_for(province_staff).post(PAGE, change)
        assert response.status_code == 200
        assert 'class="checklist-change" open' in response.content.decode()
        assert not ChecklistItem.objects.exists()

    def test_the_provinces_leader_reads_without_forms(self, province_leader, client_for):
        client = client_for(province_leader)
        page = client.get(PAGE).content.decode()
        assert 'data-testid="read-only"' in page and 'data-testid="item-storage"' in page
        assert "checklist-add" not in page and "change-storage" not in page
        assert client.post(PAGE, {"action": "add", "label": "新项"}).status_code == 403
        assert denials(province_leader) == 1
        assert not ChecklistItem.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "read", "write"),
        [
            ("province_staff", 200, 302),
            ("admin_user", 200, 302),
            ("province_leader", 200, 403),
            ("county_staff", 403, 403),
            ("leader", 403, 403),
            ("village_official", 403, 403),
            ("business_director", 403, 403),
            ("other_province_staff", 403, 403),
        ],
    )
    def test_who_reads_and_who_changes(self, persona, read, write, request, client_for, regions):
        user = request.getfixturevalue(persona)
        client = client_for(user)
        ours = {"province": regions.province.pk}
        assert client.get(PAGE, ours).status_code == read
        response = client.post(PAGE, {**ours, "action": "add", "label": "新项"})
        assert response.status_code == write
        assert ChecklistItem.objects.exists() == (write == 302)
        assert denials(user) == (read == 403) + (write == 403)
        linked = read == 200 or persona == "other_province_staff"  # who reads their own
        assert (reverse("visits:checklist") in client.get("/").content.decode()) == linked

    def test_the_public_is_sent_to_log_in(self, client_for, public):
        response = client_for(public).get(PAGE)
        assert response.status_code == 302 and "login" in response["Location"]

    def test_an_id_that_names_no_province(self, county_staff, admin_user, client_for, regions):
        assert client_for(county_staff).get(PAGE, {"province": 2000000000}).status_code == 403
        assert client_for(county_staff).get(PAGE, {"province": "x"}).status_code == 403
        assert client_for(admin_user).get(PAGE, {"province": 2000000000}).status_code == 404
        assert client_for(admin_user).get(PAGE, {"province": regions.county.pk}).status_code == 404


class TestApi:
    def test_it_reads_the_defaults_then_the_provinces_own(
        self, province_staff, client_for, regions
    ):
        client = client_for(province_staff)
        body = client.get(api(regions.province)).json()
        assert body["is_default"] is True and body["province_id"] == regions.province.pk
        assert [i["key"] for i in body["items"]] == [i.key for i in DEFAULT_ITEMS]
        assert body["items"][0]["id"] is None
        created = client.post(api(regions.province), {"label": "省定检查项"}, content_type=JSON)
        assert created.status_code == 201, created.content
        assert created.json()["label"] == "省定检查项" and created.json()["id"]
        body = client.get(api(regions.province)).json()
        assert body["is_default"] is False and body["items"][-1]["label"] == "省定检查项"

    def test_patch_changes_what_it_names_and_keeps_the_rest(
        self, province_staff, client_for, regions
    ):
        client = client_for(province_staff)
        url = f"{api(regions.province)}/storage"
        response = client.patch(url, {"active": False, "order": 5}, content_type=JSON)
        assert response.status_code == 200, response.content
        item = response.json()
        assert (item["active"], item["order"], item["label"]) == (
            False,
            5,
            chinese(DEFAULT_ITEMS[6].label),
        )
        typed = {"business_type": "restaurant", "label": "后厨分区", "key": "kitchen"}
        assert client.post(api(regions.province), typed, content_type=JSON).status_code == 201
        response = client.patch(
            f"{api(regions.province)}/kitchen?business_type=restaurant",
            {"label": "后厨生熟分区"},
            content_type=JSON,
        )
        assert response.status_code == 200
        assert labels(regions.province, "restaurant")[-1] == "后厨生熟分区"
        assert (
            client.patch(f"{api(regions.province)}/kitchen", {}, content_type=JSON).status_code
            == 404
        )

    @pytest.mark.parametrize(
        ("body", "field"),
        [({"label": ""}, "label"), ({"label": "x", "business_type": "spaceship"}, "business_type")],
    )
    def test_invalid_input_is_422_with_its_field(
        self, body, field, province_staff, client_for, regions
    ):
        response = client_for(province_staff).post(api(regions.province), body, content_type=JSON)
        assert response.status_code == 422
        assert field in response.json()["fields"]
        assert not ChecklistItem.objects.exists()

    @pytest.mark.parametrize(
        ("persona", "read", "write"),
        [
            ("province_leader", 200, 403),
            ("county_staff", 403, 403),
            ("leader", 403, 403),
            ("village_official", 403, 403),
            ("business_director", 403, 403),
            ("other_province_staff", 403, 403),
            ("public", 401, 401),
        ],
    )
    def test_refusals_are_recorded_and_change_nothing(
        self, persona, read, write, request, client_for, regions
    ):
        user = request.getfixturevalue(persona)
        client = client_for(user)
        url = api(regions.province)
        assert client.get(url).status_code == read
        assert client.post(url, {"label": "新项"}, content_type=JSON).status_code == write
        patch = client.patch(f"{url}/storage", {"active": False}, content_type=JSON)
        assert patch.status_code == write
        assert not ChecklistItem.objects.exists()
        if user is not None:
            assert denials(user) == (read == 403) + 2
            assert client.post(url, {"label": "新项"}, content_type=JSON).json()["code"] == (
                "province_rules_out_of_reach"
            )

    def test_an_id_that_names_no_province(self, county_staff, admin_user, client_for, regions):
        client = client_for(county_staff)
        ours = client.get(api(regions.province))
        missing = client.get(api(2000000000))
        assert ours.status_code == missing.status_code == 403
        assert ours.json()["code"] == missing.json()["code"]
        assert client_for(admin_user).get(api(2000000000)).status_code == 404
        assert client_for(admin_user).get(api(regions.province)).status_code == 200
