"""Notifications: one service for every app, read in each reader's language, a bell,
and e-mail digests of the kinds each person chose, at most one a day."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from teams.models import Notification, NotificationKind
from teams.roles import Role
from teams.services import notifications as notification_services
from teams.services import notify, task_create
from teams.tasks import notification_digests_task

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_notify_is_idempotent_per_occasion_and_translated_per_reader(users, team):
    marketer = users[Role.MARKETER]

    first = notify(user=marketer, kind=NotificationKind.APPROVAL, team=team,
                   message="Waiting for your approval: %(title)s", params={"title": "春季计划"},
                   dedup_key="approval:7")
    again = notify(user=marketer, kind=NotificationKind.APPROVAL, team=team,
                   message="Waiting for your approval: %(title)s", params={"title": "春季计划"},
                   dedup_key="approval:7")

    assert first.pk == again.pk
    with translation.override("en"):
        assert first.message == "Waiting for your approval: 春季计划"
    with translation.override("zh-hans"):
        assert first.message == "等待你审批：春季计划"


def test_an_unknown_kind_is_a_programming_error(users):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(user=users[Role.MARKETER], kind="gossip", message="x")


def test_the_bell_counts_only_my_unread(client_as, users, team):
    marketer = users[Role.MARKETER]
    task_create(team=team, owner=marketer, title="One")
    task_create(team=team, owner=marketer, title="Two")
    task_create(team=team, owner=users[Role.ANALYST], title="Not mine")

    response = client_as(marketer).get(reverse("teams:notification_bell"),
                                       HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["count"] == 2
    page = response.content.decode()
    assert 'id="bell-count" hx-swap-oob="true">2</span>' in page
    assert "New task for you: Two" in page
    assert "Not mine" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_record(client_as, users, team):
    marketer = users[Role.MARKETER]
    task = task_create(team=team, owner=marketer, title="Open me")
    note = Notification.objects.get(recipient=marketer)

    response = client_as(marketer).get(reverse("teams:notification_open", args=[note.pk]))
    other = client_as(users[Role.ANALYST]).get(reverse("teams:notification_open", args=[note.pk]))

    note.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/team/tasks/{task.pk}/"
    assert note.read_at is not None
    assert other.status_code == 404


def test_a_digest_carries_the_chosen_kinds_at_most_once_a_day(users, team, today):
    marketer = users[Role.MARKETER]
    notification_services.notification_settings_set(
        user=marketer, email_kinds=[NotificationKind.ASSIGNMENT]
    )
    task_create(team=team, owner=marketer, title="Draft the post")
    notify(user=marketer, kind=NotificationKind.MEETING, message="Meeting soon")

    sent = notification_services.notification_digest_send(user=marketer, today=today)
    again = notification_services.notification_digest_send(user=marketer, today=today)
    task_create(team=team, owner=marketer, title="Second")
    same_day = notification_services.notification_digest_send(user=marketer, today=today)
    next_day = notification_services.notification_digest_send(user=marketer, today=today + DAY)

    assert (sent, again, same_day, next_day) == (1, 0, 0, 1)
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["marketer@example.com"]
    assert "Draft the post" in mail.outbox[0].body
    assert "Meeting soon" not in mail.outbox[0].body


def test_the_digest_job_sends_one_mail_per_person(users, team, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    task_create(team=team, owner=users[Role.MARKETER], title="A")
    task_create(team=team, owner=users[Role.ANALYST], title="B")

    notification_digests_task()
    notification_digests_task()

    assert sorted(m.to[0] for m in mail.outbox) == ["analyst@example.com",
                                                   "marketer@example.com"]


def test_choosing_an_unknown_kind_is_refused(users):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        notification_services.notification_settings_set(user=users[Role.MARKETER],
                                                        email_kinds=["gossip"])

    assert list(excinfo.value.message_dict) == ["email_kinds"]


def test_settings_page_saves_the_choice(client_as, users):
    client = client_as(users[Role.MARKETER])

    response = client.post(reverse("teams:notification_settings"),
                           {"email_kinds": [NotificationKind.TASK_OVERDUE]})

    assert response.status_code == 302
    assert users[Role.MARKETER].notification_settings.email_kinds == [
        NotificationKind.TASK_OVERDUE
    ]
