from django.db import migrations

# (code, Chinese name, English name, category) — codes are used across the
# app and the API (S2.2.1).
CATALOGUE = [
    ("wechat_oa", "微信公众号", "WeChat Official Account", "social"),
    ("wechat_channels", "视频号", "WeChat Channels", "video"),
    ("weibo", "微博", "Weibo", "social"),
    ("douyin", "抖音", "Douyin", "video"),
    ("xiaohongshu", "小红书", "Xiaohongshu", "content"),
    ("zhihu", "知乎", "Zhihu", "content"),
    ("bilibili", "B站", "Bilibili", "video"),
    ("taobao", "淘宝", "Taobao", "ecommerce"),
    ("jd", "京东", "JD", "ecommerce"),
    ("linkedin", "领英", "LinkedIn", "professional"),
]


def load(apps, schema_editor):
    Platform = apps.get_model("platforms", "Platform")
    for order, (code, zh, en, category) in enumerate(CATALOGUE, start=1):
        Platform.objects.update_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "category": category, "sort_order": order * 10},
        )


def unload(apps, schema_editor):
    apps.get_model("platforms", "Platform").objects.filter(
        code__in=[row[0] for row in CATALOGUE]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("platforms", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
