"""Fill each platform's profile: audience, formats, ad policy, API reach (S2.2.1).

Every figure here is an editable estimate compiled from public industry
reports, not a platform statistic; admins refine them in Django admin.
"""

from django.db import migrations

BANDS = ("under-18", "18-24", "25-34", "35-44", "45-54", "55+")
BL, TM, ADMIN_ID, AUTH, PERMIT = (
    "business_licence", "trademark_authorisation", "administrator_id",
    "authorisation_letter", "industry_permit",
)
ARTICLE, IMAGE_TEXT, SHORT, LONG, LIVE, LISTING = (
    "article", "image_text", "short_video", "long_video", "live_stream", "product_listing",
)

# code: (age shares by BANDS, female share, interests, {b2b, b2c}, formats,
#        {video, image_text}, ad flexibility, (api publish, metrics, interactions),
#        data retention days, required documents)
PROFILES = {
    "wechat_oa": (
        (0.03, 0.15, 0.30, 0.25, 0.15, 0.12), 0.50,
        ["news", "finance", "education", "lifestyle", "health", "business"],
        {"b2b": 0.6, "b2c": 0.9}, [ARTICLE, IMAGE_TEXT, SHORT, LIVE],
        {"video": 0.4, "image_text": 1.0}, "medium", (True, True, True), 365,
        [BL, ADMIN_ID, AUTH],
    ),
    "wechat_channels": (
        (0.03, 0.15, 0.25, 0.24, 0.18, 0.15), 0.45,
        ["news", "lifestyle", "health", "food", "entertainment"],
        {"b2b": 0.4, "b2c": 0.9}, [SHORT, LONG, LIVE, LISTING],
        {"video": 0.95, "image_text": 0.2}, "medium", (False, False, False), 90,
        [BL, ADMIN_ID],
    ),
    "weibo": (
        (0.06, 0.38, 0.32, 0.14, 0.06, 0.04), 0.55,
        ["entertainment", "news", "celebrity", "sports", "fashion"],
        {"b2b": 0.3, "b2c": 0.9}, [IMAGE_TEXT, SHORT, LIVE, ARTICLE],
        {"video": 0.6, "image_text": 0.75}, "high", (True, True, True), 180,
        [BL, AUTH],
    ),
    "douyin": (
        (0.08, 0.32, 0.30, 0.16, 0.09, 0.05), 0.50,
        ["entertainment", "music", "food", "travel", "fashion", "beauty", "gaming",
         "lifestyle"],
        {"b2b": 0.3, "b2c": 1.0}, [SHORT, LONG, LIVE, LISTING, IMAGE_TEXT],
        {"video": 1.0, "image_text": 0.35}, "high", (True, True, True), 90,
        [BL, TM, ADMIN_ID],
    ),
    "xiaohongshu": (
        (0.04, 0.40, 0.36, 0.13, 0.05, 0.02), 0.70,
        ["beauty", "fashion", "travel", "food", "lifestyle", "parenting", "home"],
        {"b2b": 0.2, "b2c": 1.0}, [IMAGE_TEXT, SHORT, LIVE, LISTING],
        {"video": 0.7, "image_text": 0.95}, "medium", (False, False, False), 90,
        [BL, TM],
    ),
    "zhihu": (
        (0.04, 0.35, 0.38, 0.15, 0.06, 0.02), 0.45,
        ["technology", "education", "business", "finance", "science", "career"],
        {"b2b": 0.6, "b2c": 0.7}, [ARTICLE, IMAGE_TEXT, LONG, LIVE],
        {"video": 0.4, "image_text": 0.85}, "medium", (False, False, False), 180,
        [BL],
    ),
    "bilibili": (
        (0.14, 0.46, 0.27, 0.08, 0.03, 0.02), 0.45,
        ["gaming", "anime", "technology", "education", "music", "entertainment"],
        {"b2b": 0.2, "b2c": 0.9}, [LONG, SHORT, LIVE, ARTICLE],
        {"video": 0.95, "image_text": 0.3}, "medium", (True, True, False), 180,
        [BL, ADMIN_ID],
    ),
    "taobao": (
        (0.02, 0.20, 0.33, 0.25, 0.12, 0.08), 0.58,
        ["shopping", "fashion", "home", "beauty", "food"],
        {"b2b": 0.2, "b2c": 1.0}, [LISTING, IMAGE_TEXT, SHORT, LIVE],
        {"video": 0.6, "image_text": 0.7}, "high", (True, False, False), 90,
        [BL, TM, PERMIT],
    ),
    "jd": (
        (0.01, 0.15, 0.35, 0.28, 0.13, 0.08), 0.42,
        ["shopping", "electronics", "home", "appliances"],
        {"b2b": 0.4, "b2c": 1.0}, [LISTING, IMAGE_TEXT, SHORT, LIVE],
        {"video": 0.5, "image_text": 0.6}, "high", (True, False, False), 90,
        [BL, TM, PERMIT],
    ),
    "linkedin": (
        (0.00, 0.15, 0.42, 0.28, 0.11, 0.04), 0.45,
        ["business", "career", "technology", "finance", "b2b"],
        {"b2b": 1.0, "b2c": 0.2}, [ARTICLE, IMAGE_TEXT, SHORT],
        # LinkedIn runs native video and sponsored-content ads for business
        # audiences (S2.2.1: business people → LinkedIn).
        {"video": 0.6, "image_text": 0.8}, "medium", (True, True, True), 365,
        [BL],
    ),
}


def load(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    for code, row in PROFILES.items():
        ages, female, interests, business, formats, fit, ads, api, days, docs = row
        Platform.objects.filter(code=code).update(
            audience_age=dict(zip(BANDS, ages, strict=True)),
            audience_female_share=female,
            interest_tags=interests,
            business_fit=business,
            content_formats=formats,
            format_fit=fit,
            ad_flexibility=ads,
            api_publish=api[0],
            api_metrics=api[1],
            api_interactions=api[2],
            data_retention_days=days,
            required_documents=docs,
        )


class Migration(migrations.Migration):
    dependencies = [("platforms", "0003_profiles_and_accounts")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
