from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from liangze.accounts.access import can_manage_user, is_office_or_admin, office_subtrees
from liangze.accounts.lockout import locked_usernames
from liangze.accounts.models import ApiToken, RoleGrant, User
from liangze.audit.services import access_refuse
from liangze.core.errors import Forbidden, NotFound
from liangze.core.scoping import in_jurisdiction, subtrees_q, within_subtrees


def _grant_outside(paths: list[str]) -> Exists:
    """An active grant of the outer user that lies outside `paths` (an ADMIN grant, which has no
    division, always does)."""
    grants = RoleGrant.objects.filter(user=OuterRef("pk"), revoked_at__isnull=True)
    return Exists(grants.exclude(subtrees_q(paths, path_field="division__path")))


def user_list(
    *, viewer: User, search: str = "", active: bool | None = None, locked_only: bool = False
) -> QuerySet[User]:
    """Accounts the viewer manages (accounts.access.can_manage_user, as a query): homed in the
    subtrees where they are office staff, holding no active grant outside them. `locked_only`
    keeps those locked out of logging in right now."""
    users = in_jurisdiction(User.objects.all(), viewer, via="division")
    if not is_office_or_admin(viewer):
        return users.none()
    paths = office_subtrees(viewer)
    users = within_subtrees(users, paths, via="division")
    if paths is not None:
        users = users.exclude(_grant_outside(paths))
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


def access_user_by_id(viewer: User, user_id: int) -> User:
    """An account the viewer manages. Not an account manager at all: Forbidden, whatever the id,
    so the answer tells nothing about the object asked for. For managers, missing, out of reach
    and holding a role beyond the viewer's offices raise the same NotFound. Every account a
    manager sees they may change (accounts.access.can_manage_user)."""
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="accounts_forbidden",
                message=_("Only food safety office staff manage accounts."),
            ),
            viewer=viewer,
            target_type="accounts.user",
            target_id=user_id,
        )
    user = user_list(viewer=viewer).filter(pk=user_id).first()
    if user is None or not can_manage_user(viewer, user):
        raise access_refuse(
            NotFound(code="user_not_found", message=_("Account not found.")),
            viewer=viewer,
            target_type="accounts.user",
            target_id=user_id,
        )
    return user


def access_grant_by_id(viewer: User, grant_id: int) -> RoleGrant:
    """A role grant of an account the viewer manages; refused as access_user_by_id refuses."""
    if not is_office_or_admin(viewer):
        raise access_refuse(
            Forbidden(
                code="accounts_forbidden",
                message=_("Only food safety office staff manage accounts."),
            ),
            viewer=viewer,
            target_type="accounts.rolegrant",
            target_id=grant_id,
        )
    grant = (
        RoleGrant.objects.filter(pk=grant_id, user__in=user_list(viewer=viewer))
        .select_related("user", "division")
        .first()
    )
    if grant is None:
        raise access_refuse(
            NotFound(code="grant_not_found", message=_("Role not found.")),
            viewer=viewer,
            target_type="accounts.rolegrant",
            target_id=grant_id,
        )
    return grant


def api_token_list(*, viewer: User) -> QuerySet[ApiToken]:
    """A user's own tokens; nobody else's (not even an office clerk's) are listed."""
    if not viewer.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=viewer).order_by("-created_at")


def access_api_token_by_id(viewer: User, token_id: int) -> ApiToken:
    token = api_token_list(viewer=viewer).filter(pk=token_id).first()
    if token is None:
        raise access_refuse(
            NotFound(code="token_not_found", message=_("Token not found.")),
            viewer=viewer,
            target_type="accounts.apitoken",
            target_id=token_id,
        )
    return token
