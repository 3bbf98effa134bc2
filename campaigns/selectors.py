"""Read side of campaigns, always scoped to the acting user's teams."""

from django.db.models import QuerySet

from teams.selectors import scope_to_user_teams

from .models import Campaign


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns of the teams the user may see, with team and owner loaded."""
    return scope_to_user_teams(
        Campaign.objects.select_related("team", "owner"), user
    )
