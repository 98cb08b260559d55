"""Words for people who are not technical: menus they need, messages that name the field,
numbers written the way they are read, and the public page's hotlines a phone can dial."""

import importlib
import importlib.util
import inspect

import pytest
from django import forms
from django.apps import apps
from django.test import Client
from django.utils import translation

from liangze.accounts.forms import ApiTokenForm, LoginForm, PasswordChangeForm
from liangze.accounts.models import ApiToken
from liangze.businesses.public_forms import PublicReportForm
from liangze.businesses.testing import make_business
from liangze.core.forms import GENERIC_REQUIRED, NamedRequiredMixin
from liangze.core.templatetags.display import grouped, phone
from liangze.jobs.kinds import job_kinds


def nav_keys(client) -> list[str]:
    return [key for key, _url, _label in client.get("/").context["nav_items"]]


@pytest.mark.django_db
class TestMenus:
    @pytest.mark.parametrize(
        ("persona", "shown"),
        [
            ("admin_user", True),
            ("county_staff", True),
            ("village_official", False),
            ("regulator", False),
            ("leader", False),
        ],
    )
    def test_the_jobs_menu_is_for_those_who_start_jobs(self, persona, shown, request, client_for):
        client = client_for(request.getfixturevalue(persona))
        assert ("jobs" in nav_keys(client)) is shown

    def test_api_tokens_are_offered_to_office_staff(self, county_staff, client_for):
        client = client_for(county_staff)
        assert client.get("/accounts/profile/").context["offers_tokens"] is True
        response = client.post("/accounts/profile/", {"name": "报表脚本", "days": 30})
        assert response.context["issued"] is not None

    def test_api_tokens_are_not_offered_to_village_officials(self, village_official, client_for):
        client = client_for(village_official)
        page = client.get("/accounts/profile/")
        assert page.context["offers_tokens"] is False
        assert b'name="days"' not in page.content
        assert client.post("/accounts/profile/", {"name": "x", "days": 30}).status_code == 403
        assert not ApiToken.objects.exists()


@pytest.mark.parametrize("kind", job_kinds(), ids=lambda kind: kind.code)
def test_job_titles_read_as_plain_words(kind):
    """Not "主体导入：检查", which reads like a program's name for a step."""
    with translation.override("zh-hans"):
        title = str(kind.label)
    assert "：" not in title and ":" not in title and "/" not in title


class TestRequiredMessages:
    @pytest.mark.parametrize(
        ("form", "field", "message"),
        [
            (PublicReportForm(data={}), "description", "请填写问题描述。"),
            (PasswordChangeForm(data={}), "old_password", "请填写当前密码。"),
            (ApiTokenForm(data={}), "name", "请填写令牌名称。"),
            (LoginForm(data={}), "username", "请填写用户名。"),
        ],
    )
    def test_an_empty_required_field_is_named(self, form, field, message):
        with translation.override("zh-hans"):
            assert form.errors[field] == [message]

    def test_a_choice_says_choose(self):
        class Form(NamedRequiredMixin, forms.Form):
            role = forms.ChoiceField(label="角色", choices=[("a", "A")])

        with translation.override("zh-hans"):
            assert Form(data={}).errors["role"] == ["请选择角色。"]

    def test_every_form_with_required_fields_names_them(self):
        """A new form that forgets the mixin would bring back "这个字段是必填项"."""
        modules = []
        for config in apps.get_app_configs():
            if not config.name.startswith("liangze."):
                continue
            for leaf in ("forms", "public_forms"):
                if importlib.util.find_spec(f"{config.name}.{leaf}") is not None:
                    modules.append(importlib.import_module(f"{config.name}.{leaf}"))
        assert len(modules) >= 6  # accounts, businesses (two), imports, officials, regions
        forgotten = []
        for module in modules:
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                    continue
                labelled = [
                    f for f in cls.base_fields.values() if f.required and f.label is not None
                ]
                generic = [
                    f for f in labelled if str(f.error_messages["required"]) == GENERIC_REQUIRED
                ]
                if generic and not issubclass(cls, NamedRequiredMixin):
                    forgotten.append(f"{module.__name__}.{name}")
        assert forgotten == []


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+8618602763675", "186 0276 3675"),
        ("+869798412345", "0979 8412345"),
        ("+861012345678", "010 12345678"),
        ("12345", "12345"),
        ("", ""),
    ],
)
def test_phone_numbers_are_grouped_as_read(stored, shown):
    assert phone(stored) == shown


@pytest.mark.parametrize(
    ("amount", "shown"), [(68719000, "68,719,000"), (0, "0"), (999, "999"), (None, "")]
)
def test_money_is_grouped_by_thousands(amount, shown):
    assert grouped(amount) == shown


@pytest.mark.django_db
def test_the_business_page_groups_its_numbers(county_staff, regions, client_for):
    business = make_business(
        actor=county_staff,
        division=regions.village,
        contact_phone="18602763675",
        annual_revenue_yuan=68719000,
    )
    page = client_for(county_staff).get(f"/businesses/{business.pk}/").content.decode()
    assert "68,719,000 元" in page
    assert 'href="tel:+8618602763675"' in page
    assert "186 0276 3675" in page


@pytest.mark.django_db
def test_the_public_page_dials_the_hotlines(county_staff, regions):
    business = make_business(actor=county_staff, division=regions.village)
    page = Client().get(f"/p/{business.public_token}").content.decode()
    assert 'href="tel:12345"' in page
    assert 'href="tel:12315"' in page
