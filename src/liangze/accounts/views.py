from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from liangze.accounts import services
from liangze.accounts.access import is_admin, is_office_or_admin, office_subtrees
from liangze.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    RoleGrantForm,
    UserCreateForm,
)
from liangze.accounts.lockout import (
    locked_usernames,
    password_check_failed,
    password_checks_locked,
    password_checks_refused,
)
from liangze.accounts.models import Role
from liangze.accounts.selectors import (
    access_api_token_by_id,
    access_grant_by_id,
    access_user_by_id,
    api_token_list,
    user_list,
)
from liangze.audit.access import can_read_audit
from liangze.audit.services import access_refuse
from liangze.core.errors import DomainError, Forbidden, Invalid
from liangze.core.scoping import within_subtrees
from liangze.core.views import render_list
from liangze.regions.selectors import division_list, division_roots


@login_required
@require_GET
def home(request):
    """The start page: the person's roles, the top of their region tree and their tools."""
    user = request.user
    context = {
        "grants": user.active_grants(),
        "roots": list(division_roots(viewer=user)[:20]),
        "can_manage_accounts": is_office_or_admin(user),
        "can_read_audit": can_read_audit(user),
    }
    return render(request, "core/home.html", context)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _require_account_manager(viewer) -> None:
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="accounts_forbidden",
                message=_("Only food safety office staff manage accounts."),
            ),
            viewer=viewer,
            target_type="accounts.user",
        )


def _act(request, write, success: str) -> None:
    """Run a write of a button; its success, or why it was refused (a DomainError), becomes the
    next page's message."""
    try:
        write()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


def _grantable_roles(viewer) -> list[str]:
    roles = [r for r in Role.values if r != Role.ADMIN]
    if is_admin(viewer):
        roles.append(Role.ADMIN)
    return roles


def _manageable_divisions(viewer):
    return within_subtrees(division_list(viewer=viewer), office_subtrees(viewer), via=".")


def _locked_out(request):
    refusal = password_checks_refused(request.user)
    return render(request, "accounts/locked_out.html", status=refusal.status)


@login_required
def password_change(request):
    """A wrong current password counts towards the login lockout (accounts.lockout); once
    locked, the form answers with the lockout page, as the login does."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and password_checks_locked(request, request.user):
        return _locked_out(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except Invalid as exc:
            if exc.code == "old_password_wrong" and password_check_failed(request, request.user):
                return _locked_out(request)
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": request.user.must_change_password},
    )


@login_required
@require_GET
def account_list(request):
    _require_account_manager(request.user)
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    active = {"active": True, "inactive": False}.get(status)
    accounts = user_list(
        viewer=request.user, search=search, active=active, locked_only=status == "locked"
    )
    page = Paginator(accounts, 25).get_page(request.GET.get("page"))
    locked = locked_usernames()
    for account in page.object_list:
        account.locked_out = account.username.lower() in locked
    context = {"page": page, "search": search, "status": status}
    return render_list(request, "accounts/account_list.html", context)


@login_required
def account_create(request):
    _require_account_manager(request.user)
    form = UserCreateForm(
        request.POST or None,
        divisions=_manageable_divisions(request.user),
        roles=_grantable_roles(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.user_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, message)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            return render(
                request, "accounts/one_time_password.html", {"issued": issued, "created": True}
            )
    return render(request, "accounts/account_form.html", {"form": form})


@login_required
@require_GET
def account_detail(request, user_id: int):
    account = access_user_by_id(request.user, user_id)
    grant_form = RoleGrantForm(
        divisions=_manageable_divisions(request.user), roles=_grantable_roles(request.user)
    )
    account.locked_out = account.username.lower() in locked_usernames()
    return render(
        request, "accounts/account_detail.html", {"account": account, "grant_form": grant_form}
    )


@login_required
@require_POST
def account_deactivate(request, user_id: int):
    account = access_user_by_id(request.user, user_id)
    _act(
        request,
        lambda: services.user_deactivate(actor=request.user, user=account),
        _("Account deactivated."),
    )
    return redirect("accounts:detail", user_id=account.pk)


@login_required
@require_POST
def account_reactivate(request, user_id: int):
    account = access_user_by_id(request.user, user_id)
    _act(
        request,
        lambda: services.user_reactivate(actor=request.user, user=account),
        _("Account reactivated."),
    )
    return redirect("accounts:detail", user_id=account.pk)


@login_required
@require_POST
def account_unlock(request, user_id: int):
    account = access_user_by_id(request.user, user_id)
    _act(
        request,
        lambda: services.user_unlock(actor=request.user, user=account),
        _("The account may log in again."),
    )
    return redirect("accounts:detail", user_id=account.pk)


@login_required
@require_POST
def account_password_reset(request, user_id: int):
    account = access_user_by_id(request.user, user_id)
    issued = services.user_password_reset(actor=request.user, user=account)
    return render(request, "accounts/one_time_password.html", {"issued": issued, "created": False})


@login_required
@require_POST
def account_grant(request, user_id: int):
    account = access_user_by_id(request.user, user_id)
    form = RoleGrantForm(
        request.POST,
        divisions=_manageable_divisions(request.user),
        roles=_grantable_roles(request.user),
    )
    if form.is_valid():
        try:
            services.role_grant(actor=request.user, user=account, **form.cleaned_data)
            messages.success(request, _("Role granted."))
            return redirect("accounts:detail", user_id=account.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "accounts/account_detail.html", {"account": account, "grant_form": form})


@login_required
@require_POST
def grant_revoke(request, grant_id: int):
    grant = access_grant_by_id(request.user, grant_id)
    _act(request, lambda: services.role_revoke(actor=request.user, grant=grant), _("Role revoked."))
    return redirect("accounts:detail", user_id=grant.user_id)


@login_required
def profile(request):
    """The user's own page: who they are, their roles, their API tokens.

    Tokens are offered to those who feed other systems (office staff, administrators); anyone
    else still sees, and may revoke, tokens they hold."""
    offers_tokens = is_office_or_admin(request.user)
    if request.method == "POST" and not offers_tokens:
        raise access_refuse(
            Forbidden(code="tokens_not_offered", message=_("API tokens are for office staff.")),
            viewer=request.user,
            target_type="accounts.apitoken",
        )
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_token_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            for field, message in exc.fields.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": api_token_list(viewer=request.user),
        "offers_tokens": offers_tokens,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    token = access_api_token_by_id(request.user, token_id)
    _act(
        request,
        lambda: services.api_token_revoke(actor=request.user, token=token),
        _("Token revoked."),
    )
    return redirect("accounts:profile")
