from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Task, TaskStatus


def my_tasks(request):
    show = request.GET.get("show", TaskStatus.OPEN)
    if show not in TaskStatus.values and show != "all":
        show = TaskStatus.OPEN
    tasks = selectors.tasks_for_owner(request.user, status=None if show == "all" else show)
    return render(
        request,
        "teams/my_tasks.html",
        {"tasks": tasks, "show": show, "statuses": TaskStatus.choices},
    )


@require_POST
def task_set_status(request, pk: int):
    try:
        task = selectors.task_get_for_user(request.user, pk)
    except Task.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.task_set_status(actor=request.user, task=task, status=request.POST.get("status", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Task updated."))
    if request.headers.get("HX-Request"):
        return render(request, "teams/_task_row.html", {"task": task})
    return redirect("teams:my_tasks")


def team_list(request):
    teams = selectors.teams_visible_to(request.user).prefetch_related("memberships__user")
    return render(request, "teams/team_list.html", {"teams": teams})
