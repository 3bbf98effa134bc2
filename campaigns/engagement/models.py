"""Working with the audience (S2.3.2): the inbox, replies and SLAs, activities, segments."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# --- the interaction inbox (S2.3.2(1)) -------------------------------------------


class InteractionKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    MESSAGE = "message", _("Private message")


class InteractionStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("interaction", "New")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Interaction(models.Model):
    """A comment or private message pulled from a platform, to be answered in time."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="interactions",
        verbose_name=_("team"),
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.CASCADE, related_name="interactions",
        verbose_name=_("account"),
    )
    publication = models.ForeignKey(
        "publishing.Publication", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="interactions", verbose_name=_("publication"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="interactions", verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=InteractionKind.choices)
    # The platform's id of the comment or message: pulls are de-duplicated on it.
    external_id = models.CharField(_("external id"), max_length=200)
    # Where a reply goes on the platform: the post's id (WeChat msg_data_id,
    # Weibo status id) and, for WeChat, the article's index in its message.
    post_ref = models.CharField(_("post"), max_length=200, blank=True)
    post_index = models.PositiveSmallIntegerField(_("article index"), default=0)
    author_ref = models.CharField(_("author id"), max_length=200, blank=True)
    author_name = models.CharField(_("nickname"), max_length=120, blank=True)
    text = models.TextField(_("text"))
    occurred_at = models.DateTimeField(_("received at"))
    sentiment_score = models.FloatField(_("sentiment score"), null=True, blank=True)
    sentiment_label = models.CharField(_("sentiment"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InteractionStatus.choices,
        default=InteractionStatus.NEW,
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="assigned_interactions", verbose_name=_("assignee"),
    )
    # When the first reply is due under the team's response policy, counted in
    # its working hours; stored so "overdue" is a plain indexed filter.
    response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    # First reply sent by the team: what the response-time SLA measures.
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("first responder"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    pulled_at = models.DateTimeField(_("pulled at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "external_id"], name="interaction_unique_external"
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status", "-occurred_at"]),
            models.Index(fields=["team", "first_response_at"]),
            models.Index(fields=["team", "response_due_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("engagement:interaction", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        """Unanswered, unresolved and past its first-response deadline."""
        return (
            self.first_response_at is None
            and self.status != InteractionStatus.RESOLVED
            and self.response_due_at is not None
            and self.response_due_at < timezone.now()
        )


class InteractionNote(models.Model):
    """An internal note on an interaction: seen by the team, never sent."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="notes", verbose_name=_("interaction")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["interaction", "created_at", "id"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:40]


class ReplyStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", pgettext_lazy("publication", "Failed")
    # WeChat customer-service messages may only answer within 48 hours of the
    # user's last message (error 45015): the platform's rule, not our failure.
    WINDOW_CLOSED = "window_closed", _("Reply window closed")


class ReplyTemplate(models.Model):
    """A saved reply with variables, e.g. "{nickname}，感谢您的反馈…"."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="reply_templates",
        verbose_name=_("team"),
    )
    name = models.CharField(_("name"), max_length=120)
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["team", "name"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="reply_template_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class InteractionReply(models.Model):
    """A reply sent from the inbox through the account's connector."""

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="replies",
        verbose_name=_("interaction"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("author"),
    )
    template = models.ForeignKey(
        ReplyTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("template"),
    )
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=20, choices=ReplyStatus.choices)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    error_kind = models.CharField(_("error kind"), max_length=20, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["interaction", "sent_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return self.text[:40]


class ResponsePolicy(models.Model):
    """A team's first-response target, counted in its working hours (S2.3.2(1))."""

    team = models.OneToOneField(
        "teams.Team", on_delete=models.CASCADE, related_name="response_policy",
        verbose_name=_("team"),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (working minutes)"), default=120,
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 14)],
    )
    # ISO weekdays, 1 = Monday.
    working_days = models.JSONField(_("working days"), default=list)
    work_starts = models.TimeField(_("working day starts"))
    work_ends = models.TimeField(_("working day ends"))

    class Meta:
        verbose_name = _("response policy")
        verbose_name_plural = _("response policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(work_ends__gt=models.F("work_starts")),
                name="response_policy_day_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return str(self.team)


# --- audience and segments (S2.3.2(3)) -------------------------------------------


class AudienceMember(models.Model):
    """One person in an account's audience: follower, commenter or buyer."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="audience", verbose_name=_("team")
    )
    account = models.ForeignKey(
        "platforms.PlatformAccount", on_delete=models.CASCADE, related_name="audience",
        verbose_name=_("account"),
    )
    external_ref = models.CharField(_("platform user id"), max_length=200)
    nickname = models.CharField(_("nickname"), max_length=120, blank=True)
    followed_at = models.DateTimeField(_("followed at"), null=True, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_interaction_at = models.DateTimeField(_("last interaction"), null=True, blank=True)
    orders_count = models.PositiveIntegerField(_("orders"), default=0)
    total_spend = models.DecimalField(_("total spend (CNY)"), max_digits=14, decimal_places=2, default=0)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)

    class Meta:
        ordering = ["account", "external_ref"]
        verbose_name = _("audience member")
        verbose_name_plural = _("audience members")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_ref"], name="audience_member_unique_ref"
            ),
        ]

    def __str__(self) -> str:
        return self.nickname or self.external_ref


class SegmentRule(models.TextChoices):
    NEW_FOLLOWERS = "new_followers", _("New followers in the last N days")
    RETURNING_BUYERS = "returning_buyers", _("Returning buyers (at least N orders)")
    HIGH_VALUE = "high_value", _("High-value customers (spent at least an amount)")
    COMMENTERS = "commenters", _("Commenters on a campaign")
    DORMANT = "dormant", _("No interaction for N days")


class SegmentStrategy(models.TextChoices):
    WELCOME = "welcome", _("Welcome message")
    EXCLUSIVE_OFFER = "exclusive_offer", _("Exclusive offer")
    WIN_BACK = "win_back", _("Win back")
    THANK_YOU = "thank_you", _("Thank you")


class Segment(models.Model):
    """An audience segment by rule, computed in SQL, with what to do for it."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="segments", verbose_name=_("team")
    )
    name = models.CharField(_("name"), max_length=120)
    rule = models.CharField(_("rule"), max_length=20, choices=SegmentRule.choices)
    days = models.PositiveIntegerField(_("days"), null=True, blank=True)
    min_orders = models.PositiveIntegerField(_("minimum orders"), null=True, blank=True)
    min_spend = models.DecimalField(
        _("minimum spend (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, null=True, blank=True,
        related_name="segments", verbose_name=_("campaign"),
    )
    strategy = models.CharField(_("strategy"), max_length=20, choices=SegmentStrategy.choices)
    template = models.ForeignKey(
        ReplyTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="segments",
        verbose_name=_("message template"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["team", "name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="segment_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


# --- activities (S2.3.2(2)) ----------------------------------------------------------


class Question(models.Model):
    """A question asked under a piece of content and the team's answer (Q&A)."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="questions", verbose_name=_("team")
    )
    item = models.ForeignKey(
        "content.ContentItem", on_delete=models.CASCADE, related_name="questions",
        verbose_name=_("content item"),
    )
    interaction = models.ForeignKey(
        Interaction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("from interaction"),
    )
    asked_by = models.CharField(_("asked by"), max_length=120, blank=True)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    is_published = models.BooleanField(_("shown with the content"), default=False)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        ordering = ["item", "created_at", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.question[:40]


class Poll(models.Model):
    """A vote attached to content: options, counts, one vote per participant."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="polls", verbose_name=_("team")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="polls",
        verbose_name=_("campaign"),
    )
    item = models.ForeignKey(
        "content.ContentItem", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="polls", verbose_name=_("content item"),
    )
    title = models.CharField(_("title"), max_length=200)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="poll_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PollOption(models.Model):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="options", verbose_name=_("poll")
    )
    label = models.CharField(_("option"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["poll", "order", "id"]
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    """One participant's vote: the unique key is what makes it one vote each."""

    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="votes", verbose_name=_("poll")
    )
    option = models.ForeignKey(
        PollOption, on_delete=models.CASCADE, related_name="votes", verbose_name=_("option")
    )
    participant_ref = models.CharField(_("participant"), max_length=200)
    voted_at = models.DateTimeField(_("voted at"), auto_now_add=True)

    class Meta:
        ordering = ["poll", "voted_at", "id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["poll", "participant_ref"], name="poll_one_vote_each"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_ref} → {self.option}"


class LotteryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Entries open")
    CLOSED = "closed", _("Entries closed")
    DRAWN = "drawn", _("Drawn")
    CANCELLED = "cancelled", _("Cancelled")


class Lottery(models.Model):
    """A prize draw anyone can check (S2.3.2(2); algorithm in docs/engagement.md).

    Before entries open the commitment SHA-256(seed) is published; when they
    close, the hash of the sorted entrant list; after the draw, the seed, the
    winners and a proof file. The seed stays secret until the draw.
    """

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, related_name="lotteries", verbose_name=_("team")
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="lotteries",
        verbose_name=_("campaign"),
    )
    item = models.ForeignKey(
        "content.ContentItem", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="lotteries", verbose_name=_("content item"),
    )
    platform = models.ForeignKey(
        "platforms.Platform", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("platform"),
    )
    title = models.CharField(_("title"), max_length=200)
    rules = models.TextField(_("rules"))
    # [{"name": "…", "count": 1, "value_cny": "100.00"}, …]
    prizes = models.JSONField(_("prizes"), default=list)
    entries_open_at = models.DateTimeField(_("entries open at"))
    entries_close_at = models.DateTimeField(_("entries close at"))
    draw_at = models.DateTimeField(_("draw at"))
    status = models.CharField(
        _("status"), max_length=20, choices=LotteryStatus.choices, default=LotteryStatus.DRAFT
    )
    seed = models.CharField(_("seed (hex)"), max_length=128, editable=False)
    commitment = models.CharField(_("commitment (SHA-256 of the seed)"), max_length=64, editable=False)
    # Optional public randomness announced after entries close (a drand round,
    # a lottery number): mixed in so not even the organiser controls the draw.
    beacon = models.CharField(_("public beacon"), max_length=500, blank=True)
    entrant_list_hash = models.CharField(_("entrant list hash"), max_length=64, blank=True)
    entries_closed_at = models.DateTimeField(_("entries closed at"), null=True, blank=True)
    winners = models.JSONField(_("winners"), default=list, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    # The proof file exactly as published (draw.proof_json of it); never rewritten.
    proof = models.JSONField(_("proof"), null=True, blank=True, editable=False)
    # What entrants consented to in the privacy ledger (ConsentRecord.purpose).
    consent_purpose = models.CharField(_("consent purpose"), max_length=200, blank=True)
    # The compliance check of the published text (rules, prizes, draw time).
    compliance_check = models.ForeignKey(
        "compliance.ContentCheck", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("compliance check"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-draw_at", "-id"]
        verbose_name = _("lottery")
        verbose_name_plural = _("lotteries")
        constraints = [
            models.CheckConstraint(
                condition=Q(entries_close_at__gt=models.F("entries_open_at"))
                & Q(draw_at__gte=models.F("entries_close_at")),
                name="lottery_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="drawn") | Q(proof__isnull=False),
                name="lottery_drawn_has_proof",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:lottery", args=[self.pk])

    @property
    def prize_count(self) -> int:
        """How many winners the draw picks: the sum of the prizes' counts."""
        return sum(int(p.get("count") or 0) for p in self.prizes or [] if isinstance(p, dict))


class LotteryEntrant(models.Model):
    """One entrant, with the consent the privacy ledger holds for the draw (PIPL)."""

    lottery = models.ForeignKey(
        Lottery, on_delete=models.CASCADE, related_name="entrants", verbose_name=_("lottery")
    )
    entrant_id = models.CharField(_("entrant id"), max_length=200)
    display_name = models.CharField(_("name shown"), max_length=120, blank=True)
    consent = models.ForeignKey(
        "privacy.ConsentRecord", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("consent"),
    )
    source = models.CharField(_("source"), max_length=20, blank=True)
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["lottery", "entrant_id"]
        verbose_name = _("entrant")
        verbose_name_plural = _("entrants")
        constraints = [
            models.UniqueConstraint(fields=["lottery", "entrant_id"], name="lottery_entrant_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.entrant_id
