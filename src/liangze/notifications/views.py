"""A user's notifications: the list, opening one (marks it read and follows its link), and
marking all read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from liangze.notifications import selectors, services


@login_required
@require_GET
def notification_list(request):
    return render(
        request,
        "notifications/list.html",
        {"notifications": selectors.notifications_of(request.user)[:100]},
    )


@login_required
@require_GET
def badge(request):
    """The unread count for the header of every page, fetched by htmx after the page loads."""
    return render(
        request,
        "notifications/_badge.html",
        {"unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def notification_open(request, notification_id: int):
    row = services.notification_mark_read(actor=request.user, notification_id=notification_id)
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts=None):
        return redirect(row.url)
    return redirect("notifications:list")


@login_required
@require_POST
def read_all(request):
    services.notifications_mark_all_read(actor=request.user)
    return redirect("notifications:list")
