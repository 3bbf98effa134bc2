import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from teams.models import AuditEvent, Task, TaskStatus
from teams.roles import Role
from teams.selectors import audit_events_for, tasks_for_owner
from teams.services import audit_record, membership_set, task_create, task_set_status

pytestmark = pytest.mark.django_db


def test_task_create_is_idempotent_per_dedup_key(users, team):
    marketer = users[Role.MARKETER]

    first = task_create(team=team, owner=marketer, title="Review copy", source=team,
                        due_date=datetime.date(2026, 12, 1), dedup_key="review:1")
    again = task_create(team=team, owner=marketer, title="Review copy", source=team,
                        dedup_key="review:1")

    assert first.pk == again.pk
    assert Task.objects.count() == 1
    assert first.source == team
    assert list(tasks_for_owner(marketer)) == [first]


def test_a_done_task_is_not_created_again_under_its_key(users, team):
    marketer = users[Role.MARKETER]
    first = task_create(team=team, owner=marketer, title="Rehearse", dedup_key="drill:7:2026-12-01")
    task_set_status(actor=marketer, task=first, status=TaskStatus.DONE)

    again = task_create(team=team, owner=marketer, title="Rehearse", dedup_key="drill:7:2026-12-01")

    assert again.pk == first.pk
    assert again.status == TaskStatus.DONE
    assert Task.objects.count() == 1


def test_tasks_without_a_key_are_never_merged(users, team):
    marketer = users[Role.MARKETER]

    task_create(team=team, owner=marketer, title="Review copy", source=team)
    task_create(team=team, owner=marketer, title="Review copy", source=team)

    assert Task.objects.count() == 2


def test_the_database_refuses_a_second_task_under_one_key(users, team):
    from django.db import IntegrityError, transaction

    marketer = users[Role.MARKETER]
    task_create(team=team, owner=marketer, title="Once", dedup_key="once")

    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(team=team, owner=marketer, title="Twice", dedup_key="once")


def test_task_without_title_is_refused(users, team):
    with pytest.raises(ValidationError) as excinfo:
        task_create(team=team, owner=users[Role.MARKETER], title="  ")

    assert "title" in excinfo.value.message_dict
    assert Task.objects.count() == 0


def test_owner_completes_task_and_the_change_is_audited(users, team):
    marketer = users[Role.MARKETER]
    task = task_create(team=team, owner=marketer, title="Draft post")

    task_set_status(actor=marketer, task=task, status=TaskStatus.DONE)

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_at is not None
    event = audit_events_for(task)[0]
    assert event.action == "task.status"
    assert event.actor == marketer
    assert list(tasks_for_owner(marketer)) == []


def test_another_member_cannot_complete_someone_elses_task(users, team):
    task = task_create(team=team, owner=users[Role.MARKETER], title="Draft post")

    with pytest.raises(PermissionDenied):
        task_set_status(actor=users[Role.ANALYST], task=task, status=TaskStatus.DONE)

    task_set_status(actor=users[Role.MANAGER], task=task, status=TaskStatus.DONE)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_audit_summary_is_shown_in_the_readers_language(users, team):
    event = audit_record(
        actor=users[Role.MANAGER], action="task.create", team=team,
        summary="Task “%(title)s” assigned to %(owner)s",
        data={"title": "周报", "owner": "marketer"},
    )

    with translation.override("en"):
        assert event.message == "Task “周报” assigned to marketer"
    with translation.override("zh-hans"):
        assert event.message == "任务“周报”已分配给 marketer"


def test_membership_set_gives_the_role_group_and_audits(users, team, outsider):
    membership = membership_set(actor=users[Role.MANAGER], team=team, user=outsider, role=Role.REVIEWER)

    assert membership.role == Role.REVIEWER
    assert outsider.groups.filter(name=Role.REVIEWER).exists()
    assert AuditEvent.objects.filter(action="team.membership", target_id=str(membership.pk)).exists()


def test_marketer_cannot_change_roles(users, team, outsider):
    with pytest.raises(PermissionDenied):
        membership_set(actor=users[Role.MARKETER], team=team, user=outsider, role=Role.ADMIN)


def test_role_groups_exist_with_their_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}

    assert set(Role.values) <= set(groups)
    manager_perms = {p.codename for p in groups[Role.MANAGER].permissions.all()}
    analyst_perms = {p.codename for p in groups[Role.ANALYST].permissions.all()}
    assert {"add_task", "change_team", "view_auditevent"} <= manager_perms
    assert "view_team" in analyst_perms
    assert "delete_team" not in analyst_perms
    assert "add_user" not in manager_perms


def test_long_task_titles_are_cut_to_fit(users, team):
    task = task_create(team=team, owner=users[Role.MARKETER], title="审" * 250, source=team,
                       dedup_key="long")

    assert len(task.title) == 200
    assert task.title.startswith("审" * 190)
    assert task_create(team=team, owner=users[Role.MARKETER], title="审" * 250, source=team,
                       dedup_key="long").pk == task.pk
