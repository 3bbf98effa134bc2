"""Notification pages: the bell (htmx), the list, opening one, e-mail choices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..doors import apply_validation_error, get_or_404
from ..forms import NotificationSettingsForm
from ..selectors import notifications as notification_selectors
from ..services import notifications as notification_services

BELL_ITEMS = 8


@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's count and latest unread notifications (loaded and refreshed by htmx)."""
    return render(request, "teams/_bell_menu.html", {
        "count": notification_selectors.unread_count(request.user),
        "latest": list(
            notification_selectors.notifications_for(request.user, unread_only=True)[:BELL_ITEMS]
        ),
    })


def notifications(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "unread")
    items = notification_selectors.notifications_for(request.user, unread_only=show != "all")
    return render(request, "teams/notifications.html", {
        "notifications": list(items[:200]), "show": show,
        "unread": notification_selectors.unread_count(request.user),
    })


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about."""
    notification = get_or_404(notification_selectors.notification_get, request.user, pk)
    notification_services.notification_mark_read(user=request.user, notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("teams:notifications")
    return redirect(target)


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("teams:notifications")


def notification_settings(request: HttpRequest) -> HttpResponse:
    form = NotificationSettingsForm(
        request.POST or None,
        initial={"email_kinds": notification_selectors.email_kinds_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            notification_services.notification_settings_set(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("teams:notification_settings")
    return render(request, "teams/notification_settings.html", {
        "form": form, "has_email": bool(request.user.email),
    }, status=400 if form.errors else 200)
