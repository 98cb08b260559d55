from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from liangze.accounts.access import can_manage_accounts, is_admin, office_paths, office_subtrees
from liangze.accounts.lockout import locked_usernames
from liangze.accounts.models import ApiToken, RoleGrant, User
from liangze.audit.services import access_denied_record
from liangze.core.errors import Forbidden, NotFound
from liangze.core.scoping import in_jurisdiction, within_subtrees
from liangze.core.tree import is_within


def user_list(
    *, viewer: User, search: str = "", active: bool | None = None, locked_only: bool = False
) -> QuerySet[User]:
    """Accounts the viewer manages: those homed in the subtrees where they are office staff.
    `locked_only` keeps those locked out of logging in right now."""
    users = in_jurisdiction(User.objects.all(), viewer, via="division")
    if not can_manage_accounts(viewer):
        return users.none()
    users = within_subtrees(users, office_subtrees(viewer), via="division")
    if search:
        users = users.filter(Q(username__icontains=search) | Q(display_name__icontains=search))
    if active is not None:
        users = users.filter(is_active=active)
    if locked_only:
        locked = Q(pk__in=[])
        for username in locked_usernames():
            locked |= Q(username__iexact=username)
        users = users.filter(locked)
    active_grants = RoleGrant.objects.filter(revoked_at__isnull=True).select_related("division")
    return (
        users.select_related("division")
        .prefetch_related(Prefetch("grants", queryset=active_grants, to_attr="current_grants"))
        .order_by("division__path", "username")
    )


def require_account_manager(
    viewer: User, *, target_type: str = "accounts.user", target_id=""
) -> None:
    """Not an account manager at all: Forbidden (audited), whatever the id, so the answer tells
    nothing about the object asked for."""
    if not can_manage_accounts(viewer):
        access_denied_record(
            viewer=viewer, code="accounts_forbidden", target_type=target_type, target_id=target_id
        )
        raise Forbidden(
            code="accounts_forbidden", message=_("Only food safety office staff manage accounts.")
        )


def access_user_by_id(viewer: User, user_id: int, *, for_write: bool = False) -> User:
    """Forbidden for non-managers; for managers, missing and out-of-reach raise the same NotFound."""
    require_account_manager(viewer, target_type="accounts.user", target_id=user_id)
    user = user_list(viewer=viewer).filter(pk=user_id).first()
    if user is None:
        access_denied_record(
            viewer=viewer, code="user_not_found", target_type="accounts.user", target_id=user_id
        )
        raise NotFound(code="user_not_found", message=_("Account not found."))
    if for_write and not user_is_writable(viewer, user):
        access_denied_record(
            viewer=viewer, code="user_read_only", target_type="accounts.user", target_id=user_id
        )
        raise Forbidden(
            code="user_read_only", message=_("You may view this account, not change it.")
        )
    return user


def user_is_writable(viewer: User, user: User) -> bool:
    if is_admin(viewer):
        return True
    if user.division is None:
        return False
    return any(is_within(user.division.path, path) for path in office_paths(viewer))


def access_grant_by_id(viewer: User, grant_id: int) -> RoleGrant:
    require_account_manager(viewer, target_type="accounts.rolegrant", target_id=grant_id)
    grant = (
        RoleGrant.objects.filter(pk=grant_id, user__in=user_list(viewer=viewer))
        .select_related("user", "division")
        .first()
    )
    if grant is None:
        access_denied_record(
            viewer=viewer,
            code="grant_not_found",
            target_type="accounts.rolegrant",
            target_id=grant_id,
        )
        raise NotFound(code="grant_not_found", message=_("Role not found."))
    return grant


def api_token_list(*, viewer: User) -> QuerySet[ApiToken]:
    """A user's own tokens; nobody else's (not even an office clerk's) are listed."""
    if not viewer.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=viewer).order_by("-created_at")


def access_api_token_by_id(viewer: User, token_id: int) -> ApiToken:
    token = api_token_list(viewer=viewer).filter(pk=token_id).first()
    if token is None:
        access_denied_record(
            viewer=viewer,
            code="token_not_found",
            target_type="accounts.apitoken",
            target_id=token_id,
        )
        raise NotFound(code="token_not_found", message=_("Token not found."))
    return token
