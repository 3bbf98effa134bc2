from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PlatformCategory(models.TextChoices):
    SOCIAL = "social", _("Social")
    ECOMMERCE = "ecommerce", _("E-commerce")
    CONTENT = "content", _("Content")
    VIDEO = "video", _("Video")
    PROFESSIONAL = "professional", _("Professional network")


class Platform(models.Model):
    """One online platform campaigns run on (S2.2.1); the catalogue is data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60)
    category = models.CharField(_("category"), max_length=20, choices=PlatformCategory.choices)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The platform's name in the reader's language."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en
