"""The fixture world of the security tests and the paths that point into it.

The world is the demo installation (``seed_demo``): the demo team holds at
least one object of every kind a URL can name, and a second team holds a
marketer, the outsider. A few kinds the demo does not seed (an import batch, a
tracking link, uploaded documents, a calendar feed) are added here. Every path
parameter is filled with an object of the demo team, so the outsider's column
of the matrix is the "another team's object" check.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from teams.models import Team

ROLES = ("anonymous", "admin", "manager", "marketer", "reviewer", "analyst", "outsider")

# Apps whose rows the permission checks guard (the product's own tables).
DOMAIN_APPS = (
    "teams", "platforms", "privacy", "compliance", "risk", "campaigns", "content", "publishing",
    "engagement", "analytics", "auth", "authtoken", "django_celery_beat",
)
# Tables a request may legitimately write without changing the product's data:
# the session and the user's last login come from logging the test users in.
UNGUARDED_TABLES = ("django_session", "axes_", "django_admin_log")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url_patterns(resolver=None, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern of the project as (full route, pattern)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry


def api_operations() -> list[tuple[str, str]]:
    """Every (METHOD, path) operation of the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def is_api_route(route: str) -> bool:
    """Router routes of /api/v1/, covered by the schema's operations instead."""
    return route.startswith("api/v1/") and route != "api/v1/"


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)|\{(?P<oname>\w+)\}")


def params_of(route: str) -> list[str]:
    return [m["name"] or m["rname"] or m["oname"] for m in _PARAM.finditer(route)]


def fill(route: str, values: dict[str, object]) -> str:
    """The concrete path of ``route`` with its parameters replaced by ``values``."""

    def one(match: re.Match) -> str:
        name = match["name"] or match["rname"] or match["oname"]
        return str(values[name])

    path = _PARAM.sub(one, route).replace("^", "").replace("$", "")
    # The simple_history admin route is a regex with unnamed groups.
    if "([^/]+)" in path:
        first, second = values["__history__"]
        path = path.replace("([^/]+)", str(first), 1).replace("([^/]+)", str(second), 1)
    return path if path.startswith("/") else "/" + path


@dataclass
class World:
    team: Team
    other_team: Team
    users: dict[str, object]
    objects: dict[str, object] = field(default_factory=dict)

    def pk(self, kind: str) -> int:
        return self.objects[kind].pk


def of_team(model, team):
    """The first row of ``model`` that belongs to ``team`` (directly or through a parent)."""
    for lookup in (
        "team", "campaign__team", "account__team", "plan__team", "incident__team",
        "filing__team", "session__plan__team", "phase__campaign__team", "goal__campaign__team",
        "meeting__team",
    ):
        try:
            row = model.objects.filter(**{lookup: team}).order_by("pk").first()
        except FieldError:  # the model has no such path to a team
            continue
        if row is not None:
            return row
    raise LookupError(f"no {model._meta.label} of {team}")


def build_world() -> World:
    """Seed the demo installation and add the kinds it does not hold."""
    from analytics.models import (
        EvaluationReport,
        ImportBatch,
        OptimisationAction,
        PhaseReview,
        TrackingLink,
    )
    from campaigns.content.models import ContentItem, MediaAsset
    from campaigns.engagement.models import (
        Interaction,
        Lottery,
        Poll,
        Question,
        ReplyTemplate,
        Segment,
    )
    from campaigns.planning.models import KPI, Campaign, Goal, Milestone, Phase
    from campaigns.publishing.models import Publication, PublishingPlan, Slot
    from compliance.advertising.models import ContentCheck, FilingDocument, PromotionFiling
    from compliance.privacy.models import ConsentRecord, DataSubjectRequest
    from compliance.risk.models import Drill, EmergencyPlan, Incident, IncidentStep
    from platforms.models import PlatformAccount, QualificationDocument
    from teams.models import (
        CalendarFeed,
        Decision,
        Meeting,
        MeetingSeries,
        Membership,
        Notification,
        Task,
        TrainingAttendance,
        TrainingPlan,
    )

    call_command("seed_demo", stdout=io.StringIO())
    User = get_user_model()
    team = Team.objects.get(slug="demo")
    other = Team.objects.get(slug="east-region")
    users = {role: User.objects.get(username=role) for role in ROLES[1:6]}
    users["outsider"] = User.objects.get(username="east_marketer")
    world = World(team=team, other_team=other, users=users)

    campaign = Campaign.objects.filter(team=team).order_by("pk").first()
    account = PlatformAccount.objects.filter(team=team).order_by("pk").first()
    document = QualificationDocument.objects.filter(account=account).order_by("pk").first()
    document.file.save("licence.pdf", ContentFile(PDF), save=False)
    document.content_type = "application/pdf"
    document.save()
    filing = PromotionFiling.objects.filter(team=team).order_by("pk").first()
    filing_document = FilingDocument.objects.create(
        filing=filing, file=ContentFile(PDF, name="contract.pdf"), content_type="application/pdf",
        title="contract",
    )
    batch = ImportBatch.objects.create(
        team=team, campaign=campaign, file=ContentFile(b"date,metric,value\n", name="export.csv"),
        original_name="export.csv", sha256="0" * 64, created_by=users["analyst"],
    )
    link = TrackingLink.objects.create(
        team=team, campaign=campaign, account=account, code="demo-link",
        target_url="https://example.com/landing", utm_source="wechat", utm_medium="social",
        utm_campaign="demo",
    )
    feed = CalendarFeed.objects.create(user=users["marketer"], token="feed-token-of-the-marketer")
    incident = Incident.objects.filter(team=team).order_by("pk").first()
    # The demo asks a question only when its random inbox holds a comment with a
    # question mark: make sure there is one.
    if not Question.objects.filter(team=team).exists():
        item = ContentItem.objects.filter(team=team).order_by("pk").first()
        Question.objects.create(team=team, item=item, question="When does it ship?")
    meeting = Meeting.objects.filter(team=team).order_by("pk").first()
    world.objects.update(
        campaign=campaign,
        goal=Goal.objects.filter(campaign=campaign).order_by("pk").first(),
        kpi=KPI.objects.filter(goal__campaign=campaign).order_by("pk").first(),
        phase=Phase.objects.filter(campaign=campaign).order_by("pk").first(),
        milestone=of_team(Milestone, team),
        account=account, document=document, filing=filing, filing_document=filing_document,
        batch=batch, link=link, feed=feed, incident=incident,
        incident_step=IncidentStep.objects.filter(incident=incident).order_by("pk").first(),
        meeting=meeting, series=of_team(MeetingSeries, team), decision=of_team(Decision, team),
        task=of_team(Task, team), membership=Membership.objects.get(team=team, user=users["marketer"]),
        training_plan=of_team(TrainingPlan, team), attendance=of_team(TrainingAttendance, team),
        notification=Notification.objects.filter(recipient=users["marketer"]).order_by("pk").first()
        or Notification.objects.order_by("pk").first(),
        check=of_team(ContentCheck, team), emergency_plan=of_team(EmergencyPlan, team),
        drill=of_team(Drill, team), consent=of_team(ConsentRecord, team),
        subject_request=of_team(DataSubjectRequest, team),
        content_item=ContentItem.objects.filter(team=team).order_by("pk").first(),
        media=of_team(MediaAsset, team), publication=of_team(Publication, team),
        publishing_plan=of_team(PublishingPlan, team), slot=of_team(Slot, team),
        # A new one: whether the demo's first interaction is already resolved depends
        # on the hour the demo is seeded, and a resolved one cannot be resolved again.
        interaction=Interaction.objects.filter(team=team, status="new").order_by("pk").first(),
        template=of_team(ReplyTemplate, team),
        lottery=of_team(Lottery, team), poll=of_team(Poll, team), question=of_team(Question, team),
        segment=of_team(Segment, team), report=of_team(EvaluationReport, team),
        review=of_team(PhaseReview, team), action=of_team(OptimisationAction, team),
    )
    return world


# (route pattern, {parameter: kind of object or a fixed value}); the first match wins.
# Routes are matched on the URL pattern text (pages) or the schema path (API).
_RULES: list[tuple[str, dict[str, str | Callable[[World], object]]]] = [
    (r"^team/tasks/|^api/v1/\^?(team-)?tasks/", {"pk": "task", "id": "task"}),
    # Anchored: a segment's members/ action takes the segment's id, not a membership's.
    (r"^team/members/|^api/v1/members/", {"pk": "membership", "id": "membership"}),
    (r"^team/raci/", {"campaign": "campaign"}),
    (r"^team/meetings/|^api/v1/\^?meetings/", {"pk": "meeting", "id": "meeting"}),
    (r"meeting-series/", {"pk": "series", "id": "series"}),
    (r"^team/decisions/", {"pk": "decision"}),
    (r"^team/calendar/", {"token": lambda w: w.objects["feed"].token}),
    (r"training/plans/|training-plans/", {"pk": "training_plan", "id": "training_plan"}),
    (r"training/attendance/|training-attendance/", {"pk": "attendance", "id": "attendance"}),
    (r"notifications/", {"pk": "notification", "id": "notification"}),
    (r"platforms/accounts/|platform-accounts/",
     {"pk": "account", "id": "account", "document_pk": "document"}),
    (r"platforms/", {"code": lambda w: "douyin"}),
    (r"compliance/checks/", {"pk": "check", "id": "check"}),
    (r"compliance/filings/", {"pk": "filing", "id": "filing", "document_pk": "filing_document"}),
    (r"compliance/rules/", {"code": lambda w: "AD-01"}),
    (r"compliance/incidents/", {"pk": "incident", "id": "incident", "step_pk": "incident_step"}),
    (r"compliance/plans/|emergency-plans/", {"pk": "emergency_plan", "id": "emergency_plan"}),
    (r"compliance/drills/", {"pk": "drill", "id": "drill"}),
    (r"consents/", {"pk": "consent", "id": "consent"}),
    (r"requests/", {"pk": "subject_request", "id": "subject_request"}),
    (r"^campaigns/milestones/", {"pk": "milestone"}),
    (r"campaigns/", {
        "pk": "campaign", "id": "campaign", "campaign_id": "campaign", "goal_pk": "goal",
        "kpi_pk": "kpi", "phase_pk": "phase", "milestone_pk": "milestone",
    }),
    (r"goals/", {"id": "goal"}),
    (r"kpis/", {"id": "kpi"}),
    (r"phases/", {"id": "phase"}),
    (r"milestones/", {"id": "milestone"}),
    (r"media", {"pk": "media", "id": "media"}),
    (r"^content/|content-items/|^calendar/items/", {"pk": "content_item", "id": "content_item"}),
    (r"publications/", {"pk": "publication", "id": "publication"}),
    (r"plans/", {"pk": "publishing_plan", "id": "publishing_plan"}),
    (r"slots/", {"pk": "slot", "id": "slot"}),
    (r"interactions/", {"pk": "interaction", "id": "interaction"}),
    (r"templates/", {"pk": "template", "id": "template"}),
    (r"lotteries/", {"pk": "lottery", "id": "lottery"}),
    (r"polls/", {"pk": "poll", "id": "poll"}),
    (r"questions/", {"pk": "question", "id": "question"}),
    (r"segments/", {"pk": "segment", "id": "segment"}),
    (r"imports/", {"pk": "batch", "id": "batch"}),
    (r"^analytics/portfolio", {"fmt": lambda w: "csv"}),
    (r"^analytics/campaigns/", {"pk": "campaign", "chart": lambda w: "kpis", "fmt": lambda w: "csv"}),
    (r"^analytics/actions/", {"pk": "action"}),
    (r"evaluations/|evaluation-reports/", {"pk": "report", "id": "report"}),
    (r"^analytics/reviews/", {"pk": "review"}),
    (r"^t/", {"code": lambda w: w.objects["link"].code}),
    (r"teams/", {"pk": lambda w: w.team.pk, "id": lambda w: w.team.pk}),
]


def path_for(route: str, world: World) -> str:
    """The concrete path of a page route or schema path, pointing at the demo team's objects."""
    names = params_of(route)
    if not names:
        return fill(route, {})
    if route.startswith("admin/"):
        return fill(route, _admin_values(route, world))
    bare = route.removeprefix("/")
    for pattern, sources in _RULES:
        if re.search(pattern, bare) and all(name in sources for name in names):
            values = {}
            for name in names:
                source = sources[name]
                values[name] = source(world) if callable(source) else world.pk(source)
            return fill(route, values)
    raise LookupError(f"no rule fills the parameters of {route}")


def _admin_values(route: str, world: World) -> dict[str, object]:
    """An existing row for an admin URL: the demo team's where the model has a team."""
    parts = route.split("/")
    if "(?P<url>" in route:  # the admin's catch-all for unknown admin URLs
        return {"url": "no-such-page/"}
    if "(?P<app_label>" in route:  # an app's index page
        return {"app_label": "teams"}
    if route.startswith("admin/r/"):
        campaign = world.objects["campaign"]
        return {
            "content_type_id": ContentType.objects.get_for_model(campaign).pk,
            "object_id": campaign.pk,
        }
    model = apps.get_model(parts[1], parts[2])
    try:
        row = world.team if model is Team else of_team(model, world.team)
    except LookupError:
        row = model.objects.order_by("pk").first()
    values: dict[str, object] = {"object_id": row.pk if row else 0, "id": row.pk if row else 0}
    history = getattr(model, "history", None)
    if row is not None and history is not None:
        entry = row.history.order_by("history_id").first()
        values["__history__"] = (row.pk, entry.history_id if entry else 0)
    return values


def table_checksum() -> dict[str, str]:
    """A digest of every guarded table's rows, in primary-key order (portable SQL)."""
    digests = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label not in DOMAIN_APPS:
                continue
            table = model._meta.db_table
            if model is get_user_model():
                # last_login moves with every login of the test users.
                columns = [f.column for f in model._meta.concrete_fields if f.name != "last_login"]
            else:
                columns = [f.column for f in model._meta.concrete_fields]
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)} ORDER BY {pk}")  # noqa: S608
            digests[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return digests


_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def written_tables(queries) -> set[str]:
    """Guarded tables that the captured SQL wrote to."""
    tables = set()
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match and not match[2].startswith(UNGUARDED_TABLES):
            if match[2] == "auth_user" and "last_login" in query["sql"] and "SET" in query["sql"]:
                continue
            tables.add(match[2])
    return tables
