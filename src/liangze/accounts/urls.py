from django.contrib.auth import views as auth_views
from django.urls import path

from liangze.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path("<int:user_id>/", views.account_detail, name="detail"),
    path("<int:user_id>/deactivate/", views.account_deactivate, name="deactivate"),
    path("<int:user_id>/reactivate/", views.account_reactivate, name="reactivate"),
    path("<int:user_id>/unlock/", views.account_unlock, name="unlock"),
    path("<int:user_id>/password-reset/", views.account_password_reset, name="password_reset"),
    path("<int:user_id>/grants/", views.account_grant, name="grant"),
    path("grants/<int:grant_id>/revoke/", views.grant_revoke, name="grant_revoke"),
]
