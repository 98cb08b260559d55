from datetime import datetime

from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from liangze.accounts import selectors, services
from liangze.accounts.models import Role, User
from liangze.accounts.selectors import (
    access_grant_by_id,
    access_user_by_id,
    require_account_manager,
    user_list,
)
from liangze.core.pagination import Pagination
from liangze.core.schemas import ErrorOut, choice_field
from liangze.regions.selectors import access_division_by_id

me_router = Router(tags=["me"])
router = Router(tags=["accounts"])
codes_4xx = frozenset({401, 403, 404, 409, 422})


class GrantOut(Schema):
    id: int
    role: str = choice_field(Role)
    division_id: int | None
    division_name: str | None = Field(None, alias="division.name")


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    phone: str
    division_id: int | None
    is_active: bool
    must_change_password: bool


class UserDetailOut(UserOut):
    grants: list[GrantOut]

    @staticmethod
    def resolve_grants(obj: User):
        return obj.active_grants()


class IssuedOut(Schema):
    user: UserOut
    one_time_password: str


class UserCreateIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    display_name: str = Field(min_length=1, max_length=50)
    division_id: int
    role: str = choice_field(Role)
    phone: str = ""


class RoleGrantIn(Schema):
    role: str = choice_field(Role)
    division_id: int


class PasswordChangeIn(Schema):
    old_password: str
    new_password: str = Field(max_length=128)


@me_router.get("", response=UserDetailOut)
def me(request):
    return request.user


@me_router.post("/password", response={200: UserOut, codes_4xx: ErrorOut})
def password_change(request, payload: PasswordChangeIn):
    return services.user_password_change(
        actor=request.user, old_password=payload.old_password, new_password=payload.new_password
    )


@router.get("", response=list[UserOut])
@paginate(Pagination, page_size=50)
def account_list(request, q: str = "", active: bool | None = None):
    require_account_manager(request.user)
    return user_list(viewer=request.user, search=q, active=active)


@router.post("", response={201: IssuedOut, codes_4xx: ErrorOut})
def account_create(request, payload: UserCreateIn):
    require_account_manager(request.user)
    division = access_division_by_id(request.user, payload.division_id)
    issued = services.user_create(
        actor=request.user,
        username=payload.username,
        display_name=payload.display_name,
        division=division,
        role=payload.role,
        phone=payload.phone,
    )
    return Status(201, issued)


@router.get("/{user_id}", response={200: UserDetailOut, codes_4xx: ErrorOut})
def account_detail(request, user_id: int):
    return access_user_by_id(request.user, user_id)


@router.post("/{user_id}/deactivate", response={200: UserOut, codes_4xx: ErrorOut})
def account_deactivate(request, user_id: int):
    account = access_user_by_id(request.user, user_id, for_write=True)
    return services.user_deactivate(actor=request.user, user=account)


@router.post("/{user_id}/reactivate", response={200: UserOut, codes_4xx: ErrorOut})
def account_reactivate(request, user_id: int):
    account = access_user_by_id(request.user, user_id, for_write=True)
    return services.user_reactivate(actor=request.user, user=account)


@router.post("/{user_id}/password-reset", response={200: IssuedOut, codes_4xx: ErrorOut})
def account_password_reset(request, user_id: int):
    account = access_user_by_id(request.user, user_id, for_write=True)
    return services.user_password_reset(actor=request.user, user=account)


@router.post("/{user_id}/grants", response={201: GrantOut, codes_4xx: ErrorOut})
def account_grant(request, user_id: int, payload: RoleGrantIn):
    account = access_user_by_id(request.user, user_id, for_write=True)
    division = access_division_by_id(request.user, payload.division_id)
    grant = services.role_grant(
        actor=request.user, user=account, role=payload.role, division=division
    )
    return Status(201, grant)


@router.post("/grants/{grant_id}/revoke", response={200: GrantOut, codes_4xx: ErrorOut})
def grant_revoke(request, grant_id: int):
    grant = access_grant_by_id(request.user, grant_id)
    return services.role_revoke(actor=request.user, grant=grant)


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    days: int = Field(90, ge=1, le=services.MAX_TOKEN_DAYS)


class ApiTokenIssuedOut(Schema):
    token: ApiTokenOut
    text: str


@me_router.get("/tokens", response=list[ApiTokenOut])
@paginate(Pagination, page_size=50)
def api_token_list(request):
    return selectors.api_token_list(viewer=request.user)


@me_router.post("/tokens", response={201: ApiTokenIssuedOut, codes_4xx: ErrorOut})
def api_token_create(request, payload: ApiTokenCreateIn):
    return Status(
        201, services.api_token_create(actor=request.user, name=payload.name, days=payload.days)
    )


@me_router.post("/tokens/{token_id}/revoke", response={200: ApiTokenOut, codes_4xx: ErrorOut})
def api_token_revoke(request, token_id: int):
    token = selectors.access_api_token_by_id(request.user, token_id)
    return services.api_token_revoke(actor=request.user, token=token)
