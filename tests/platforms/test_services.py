"""Platform services: the rules every door shares (page, API, tasks)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from platforms.models import ConnectorKind, PlatformAccount
from platforms.services import account_create, account_update, document_add
from teams.roles import Role
from tests.factories import MembershipFactory

from .factories import platform, qualified_account

pytestmark = pytest.mark.django_db
WX = {"app_id": "wx0123456789abcdef", "app_secret": "s3cr3t-value-never-shown"}


# -- every document has an expiry date (S2.2.2) ------------------------------------


def test_service_refuses_a_document_without_expiry(team, users):
    account = qualified_account(team)
    with pytest.raises(ValidationError) as info:
        document_add(actor=users["marketer"], account=account, kind="business_licence",
                     expires_on=None)
    assert "expires_on" in info.value.message_dict


# -- WeChat accounts need credentials ----------------------------------------------


def test_wechat_account_without_credentials_is_refused(team, users):
    with pytest.raises(ValidationError) as info:
        account_create(
            actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
            connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT,
        )
    assert {"app_id", "app_secret"} <= set(info.value.message_dict)
    assert not PlatformAccount.objects.exists()


def test_service_update_keeps_valid_wechat_credentials(team, users):
    account = account_create(
        actor=users["marketer"], team=team, platform=platform("wechat_oa"), handle="h",
        connector=ConnectorKind.WECHAT_OFFICIAL_ACCOUNT, credentials=WX,
    )
    account_update(actor=users["marketer"], account=account, handle="h2")
    account.refresh_from_db()
    assert account.handle == "h2"


# -- which team a new account lands in -----------------------------------------------


def test_new_account_without_a_team_goes_to_the_users_only_editable_team(team, users):
    account = account_create(
        actor=users["marketer"], platform=platform("douyin"), handle="h"
    )
    assert account.team == team


def test_a_team_where_the_user_only_reads_does_not_count(team, other_team, users):
    MembershipFactory(user=users["marketer"], team=other_team, role=Role.ANALYST)
    account = account_create(
        actor=users["marketer"], platform=platform("douyin"), handle="h"
    )
    assert account.team == team


def test_new_account_without_a_team_is_a_field_error_when_several_teams_qualify(
    team, other_team, users
):
    # Managers act in every team, so they must say which one.
    with pytest.raises(ValidationError) as info:
        account_create(actor=users["manager"], platform=platform("douyin"), handle="h")
    assert list(info.value.message_dict) == ["team"]
    assert not PlatformAccount.objects.exists()


def test_new_account_without_a_team_is_a_field_error_when_none_qualifies(team, users):
    with pytest.raises(ValidationError) as info:
        account_create(actor=users["analyst"], platform=platform("douyin"), handle="h")
    assert list(info.value.message_dict) == ["team"]


def test_named_team_is_used_and_needs_the_edit_capability(team, other_team, users):
    account = account_create(
        actor=users["manager"], team=other_team, platform=platform("douyin"), handle="h"
    )
    assert account.team == other_team
    with pytest.raises(PermissionDenied):
        account_create(
            actor=users["analyst"], team=team, platform=platform("douyin"), handle="h2"
        )


# -- an account keeps its team and platform --------------------------------------------


def test_update_refuses_another_team_or_platform_and_accepts_the_same(team, other_team, users):
    account = qualified_account(team)
    with pytest.raises(ValidationError) as info:
        account_update(
            actor=users["manager"], account=account, team=other_team,
            platform=platform("jd"),
        )
    assert set(info.value.message_dict) == {"team", "platform"}
    account_update(
        actor=users["manager"], account=account, team=team, platform=account.platform,
        handle="same-team",
    )
    account.refresh_from_db()
    assert (account.team, account.handle) == (team, "same-team")
