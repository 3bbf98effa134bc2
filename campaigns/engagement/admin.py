"""Django admin for engagement. Statuses, replies, entrants and draws are read-only here:
they change only through the services (the declared machines, the connector, the draw)."""

from django.contrib import admin

from .models import (
    AudienceMember,
    Interaction,
    InteractionNote,
    InteractionReply,
    Lottery,
    LotteryEntrant,
    Poll,
    PollOption,
    PollVote,
    Question,
    ReplyTemplate,
    ResponsePolicy,
    Segment,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        # Every shown field is read-only: the list holds auto-set times
        # (sent_at, entered_at) that a form cannot hold, which made the page a 500.
        return self.fields or ()


class ReplyInline(ReadOnlyInline):
    model = InteractionReply
    fields = ["sent_at", "author", "status", "text", "error_kind", "error_code"]


class NoteInline(ReadOnlyInline):
    model = InteractionNote
    fields = ["created_at", "author", "text"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "team", "account", "kind", "author_name", "status",
                    "sentiment_label", "priority", "assignee", "response_due_at"]
    list_filter = ["status", "kind", "sentiment_label", "priority", "team"]
    search_fields = ["text", "author_name", "external_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["team", "account__platform", "assignee"]
    raw_id_fields = ["account", "publication", "campaign", "assignee", "first_responder"]
    readonly_fields = ["status", "first_response_at", "first_responder", "resolved_at",
                       "response_due_at", "external_id", "sentiment_score", "sentiment_label"]
    inlines = [ReplyInline, NoteInline]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "created_by", "created_at"]
    search_fields = ["name", "body"]
    list_filter = ["team"]


@admin.register(ResponsePolicy)
class ResponsePolicyAdmin(admin.ModelAdmin):
    list_display = ["team", "first_response_minutes", "work_starts", "work_ends"]
    list_filter = ["first_response_minutes"]
    search_fields = ["team__name"]


class EntrantInline(ReadOnlyInline):
    model = LotteryEntrant
    fields = ["entrant_id", "display_name", "source", "entered_at"]


@admin.register(Lottery)
class LotteryAdmin(admin.ModelAdmin):
    # The seed is never shown here: before the draw it is the secret the
    # commitment binds; after it, it is in the proof.
    list_display = ["title", "team", "campaign", "status", "draw_at", "drawn_at"]
    list_filter = ["status", "team"]
    search_fields = ["title"]
    fields = ["team", "campaign", "item", "platform", "title", "rules", "prizes",
              "entries_open_at", "entries_close_at", "draw_at", "consent_purpose", "status",
              "commitment", "entrant_list_hash", "beacon", "winners", "drawn_at"]
    raw_id_fields = ["campaign", "item"]
    inlines = [EntrantInline]

    # A lottery made or changed here would skip the seed, the checker and the
    # commitment: admin only reads them.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "campaign", "opens_at", "closes_at"]
    list_filter = ["team"]
    search_fields = ["title"]
    raw_id_fields = ["campaign", "item"]
    inlines = [PollOptionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "item", "answered_at", "is_published"]
    list_filter = ["is_published", "team"]
    search_fields = ["question", "answer", "asked_by"]
    raw_id_fields = ["item", "interaction"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "rule", "strategy"]
    list_filter = ["rule", "strategy", "team"]
    search_fields = ["name"]


@admin.register(AudienceMember)
class AudienceMemberAdmin(admin.ModelAdmin):
    list_display = ["external_ref", "nickname", "account", "orders_count", "total_spend"]
    list_filter = ["account__platform", "team"]
    search_fields = ["external_ref", "nickname"]
    raw_id_fields = ["account"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that only services write (replies sent, notes, votes, entrants)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InteractionNote)
class InteractionNoteAdmin(ReadOnlyAdmin):
    list_display = ["interaction", "author", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["text"]


@admin.register(InteractionReply)
class InteractionReplyAdmin(ReadOnlyAdmin):
    list_display = ["interaction", "author", "status", "sent_at", "error_kind", "error_code"]
    list_filter = ["status", "error_kind"]
    search_fields = ["text", "external_id"]


@admin.register(PollOption)
class PollOptionAdmin(admin.ModelAdmin):
    list_display = ["label", "poll", "order"]
    list_filter = ["poll__team"]
    search_fields = ["label", "poll__title"]


@admin.register(PollVote)
class PollVoteAdmin(ReadOnlyAdmin):
    list_display = ["poll", "option", "participant_ref", "voted_at"]
    list_filter = ["poll"]
    search_fields = ["participant_ref"]


@admin.register(LotteryEntrant)
class LotteryEntrantAdmin(ReadOnlyAdmin):
    list_display = ["entrant_id", "display_name", "lottery", "source", "entered_at"]
    list_filter = ["source", "lottery"]
    search_fields = ["entrant_id", "display_name"]
