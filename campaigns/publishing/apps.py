from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    """S2.3.1: the calendar, recurring publishing plans, exactly-once publications."""

    name = "campaigns.publishing"
    label = "publishing"
    verbose_name = _("Publishing")
