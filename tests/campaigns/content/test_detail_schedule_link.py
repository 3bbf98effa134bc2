"""An approved item's page leads whoever may publish to its schedule page; nobody else,
and no other status, sees the link."""

import pytest
from django.urls import reverse

from .factories import item_for

pytestmark = pytest.mark.django_db


def _link(client, item) -> bool:
    page = client.get(item.get_absolute_url()).content.decode()
    href = reverse("publishing:item_schedule", args=[item.pk])
    return f'href="{href}" data-testid="schedule"' in page


@pytest.mark.parametrize(("role", "status", "shown"), [
    ("marketer", "approved", True),
    ("manager", "approved", True),
    ("reviewer", "approved", False),
    ("analyst", "approved", False),
    ("marketer", "draft", False),
    ("marketer", "in_review", False),
    ("marketer", "scheduled", False),
])
def test_the_schedule_link_is_shown_to_who_may_publish_an_approved_item(
    client_as, users, campaign, weibo, role, status, shown
):
    item = item_for(campaign, [weibo], status=status)

    assert _link(client_as(users[role]), item) is shown


def test_the_link_opens_the_schedule_form(client_as, users, campaign, weibo):
    item = item_for(campaign, [weibo], status="approved")

    response = client_as(users["marketer"]).get(
        reverse("publishing:item_schedule", args=[item.pk])
    )

    assert response.status_code == 200
    assert 'data-testid="schedule-form"' in response.content.decode()
