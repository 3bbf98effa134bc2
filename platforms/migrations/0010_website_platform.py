"""Add the campaign's own website or landing pages (``website``, 自有网站) to the catalogue.

Web analytics (百度统计, Google Analytics) and tracking links measure it; a
team registers its site as an account on it. It brings no audience of its
own, so its audience profile stays empty (the recommender, having nothing to
rank it by, leaves it out) and it needs no enterprise certification or
platform documents.
"""

from django.db import migrations

WEBSITE = {
    "name_zh": "自有网站",
    "name_en": "Own website / landing pages",
    "category": "content",
    "sort_order": 110,
    "audience_age": {},
    "audience_female_share": 0.5,
    "interest_tags": [],
    "business_fit": {},
    "content_formats": ["article", "image_text", "short_video", "long_video", "product_listing"],
    "format_fit": {},
    # The site's owner sets its rules (advertising law still applies).
    "ad_flexibility": "high",
    # No platform API: its figures come from analytics-tool imports and tracking links.
    "api_publish": False,
    "api_metrics": False,
    "api_interactions": False,
    "data_retention_days": None,
    "requires_enterprise_certification": False,
    "required_documents": [],
}


def load(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    Platform.objects.update_or_create(code="website", defaults=WEBSITE)


def unload(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    table = Platform._meta.db_table
    website = Platform.objects.filter(code="website").values_list("pk", flat=True).first()
    if website is None or _referenced(schema_editor, table, website):
        return
    # Deleted in SQL, not through the ORM: its collector would walk the related
    # models of the other apps, which the migration state renders against
    # another copy of Platform (and nothing refers to the row, see above).
    quote = schema_editor.connection.ops.quote_name
    delete = f"DELETE FROM {quote(table)} WHERE {quote(Platform._meta.pk.column)} = %s"  # noqa: S608 — names from the model
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(delete, [website])


def _referenced(schema_editor, table: str, pk: int) -> bool:
    """Whether a row of any table refers to the platform through a foreign key.

    The entry stays while anything refers to it: accounts, KPIs, rollups and
    checks protect it, and deleting it would drop it from the platform lists of
    compliance rules — a rule listing only it would then apply everywhere. The
    database is asked, not the migration state: that holds only the apps this
    migration depends on, and the rows of the others would fail the delete.
    """
    connection = schema_editor.connection
    introspection, quote = connection.introspection, connection.ops.quote_name
    with connection.cursor() as cursor:
        for other in introspection.table_names(cursor):
            for column, (_key, target) in introspection.get_relations(cursor, other).items():
                if target != table:
                    continue
                probe = f"SELECT 1 FROM {quote(other)} WHERE {quote(column)} = %s LIMIT 1"  # noqa: S608 — names from introspection
                cursor.execute(probe, [pk])
                if cursor.fetchone():
                    return True
    return False


class Migration(migrations.Migration):
    dependencies = [("platforms", "0009_last_error_without_platform_text")]
    operations = [migrations.RunPython(load, unload)]
