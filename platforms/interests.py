"""The interest tags platforms are profiled with, their names, and what people type for them.

The catalogue stores tags as codes ("beauty", "gaming"); people type what
they call an interest, in Chinese or English ("美妆", "化妆品", "Beauty"). ``interest_code``
reads any of those as the code, so the recommender matches 美妆 with the
platforms tagged "beauty"; pages show ``interest_label`` in the reader's
language and offer ``interest_suggestions`` as the user types.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils import translation
from django.utils.translation import pgettext_lazy

# code -> name (translated when shown).
INTEREST_TAGS = {
    "news": pgettext_lazy("interest", "News"),
    "finance": pgettext_lazy("interest", "Finance"),
    "education": pgettext_lazy("interest", "Education"),
    "lifestyle": pgettext_lazy("interest", "Lifestyle"),
    "health": pgettext_lazy("interest", "Health"),
    "business": pgettext_lazy("interest", "Business"),
    "food": pgettext_lazy("interest", "Food"),
    "entertainment": pgettext_lazy("interest", "Entertainment"),
    "celebrity": pgettext_lazy("interest", "Celebrities"),
    "sports": pgettext_lazy("interest", "Sports"),
    "fashion": pgettext_lazy("interest", "Fashion"),
    "music": pgettext_lazy("interest", "Music"),
    "travel": pgettext_lazy("interest", "Travel"),
    "beauty": pgettext_lazy("interest", "Beauty"),
    "gaming": pgettext_lazy("interest", "Gaming"),
    "parenting": pgettext_lazy("interest", "Parenting"),
    "home": pgettext_lazy("interest", "Home"),
    "technology": pgettext_lazy("interest", "Technology"),
    "science": pgettext_lazy("interest", "Science"),
    "career": pgettext_lazy("interest", "Career"),
    "anime": pgettext_lazy("interest", "Anime and comics"),
    "shopping": pgettext_lazy("interest", "Shopping"),
    "electronics": pgettext_lazy("interest", "Electronics"),
    "appliances": pgettext_lazy("interest", "Home appliances"),
    "b2b": pgettext_lazy("interest", "Business services (B2B)"),
}

# Other words people use for a tag, beside its code and its names (lower case).
ALIASES = {
    "news": ("新闻", "资讯", "时事"),
    "finance": ("金融", "理财", "投资", "investing", "investment"),
    "education": ("学习", "培训", "考试", "learning"),
    "lifestyle": ("生活", "life"),
    "health": ("养生", "医疗", "医药", "wellness", "medical"),
    "business": ("商务", "创业", "startup"),
    "food": ("餐饮", "食品", "零食", "吃货", "cooking", "snacks", "dining"),
    "entertainment": ("综艺", "影视", "电影", "movies", "film", "tv"),
    "celebrity": ("明星", "追星", "偶像", "celebrity", "idols"),
    "sports": ("运动", "健身", "户外", "fitness", "sport", "outdoors"),
    "fashion": ("穿搭", "服装", "服饰", "时装", "clothing", "apparel", "style"),
    "travel": ("旅游", "出行", "tourism", "trips"),
    "beauty": ("化妆品", "彩妆", "护肤", "美容", "makeup", "cosmetics", "skincare"),
    "gaming": ("电竞", "手游", "网游", "games", "game", "esports", "video games"),
    "parenting": ("母婴", "育儿", "亲子", "baby", "kids"),
    "home": ("家装", "装修", "家居用品", "home decor", "interior"),
    "technology": ("技术", "互联网", "tech", "it", "ai", "internet"),
    "science": ("科普",),
    "career": ("求职", "招聘", "jobs", "work"),
    "anime": ("动漫", "二次元", "动画", "漫画", "acg", "manga", "comics", "animation"),
    "shopping": ("电商", "网购", "e-commerce", "ecommerce", "online shopping"),
    "electronics": ("电子产品", "3c", "手机", "gadgets", "digital"),
    "appliances": ("家用电器",),
    "b2b": ("企业客户", "to b", "tob", "enterprise"),
}

MAX_INTERESTS = 30
MAX_INTEREST_CHARS = 40
# Chinese writers separate a list with full-width commas or 、, not only ",".
_SEPARATORS = re.compile(r"[,，、;；]")


def split_interests(text: str) -> list[str]:
    """A typed list of interests, split at any comma (, ， 、) or semicolon."""
    return _SEPARATORS.split(str(text or ""))


def _key(text: str) -> str:
    return " ".join(str(text).split()).lower()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    """Every word that names a tag -> the tag's code (names in both languages)."""
    words: dict[str, str] = {}
    for code, aliases in ALIASES.items():
        words.update({_key(alias): code for alias in aliases})
    for language in ("en", "zh-hans"):
        with translation.override(language):
            words.update({_key(str(label)): code for code, label in INTEREST_TAGS.items()})
    words.update({code: code for code in INTEREST_TAGS})
    return words


def interest_code(text: str) -> str:
    """The tag ``text`` names (美妆, Beauty, makeup → "beauty"); unknown words as typed, lower case."""
    key = _key(text)
    return _lookup().get(key, key)


def interest_label(code: str) -> str:
    """A tag's name in the reader's language; an unknown tag as it is."""
    label = INTEREST_TAGS.get(code)
    return str(label) if label is not None else str(code)


def interest_suggestions() -> list[tuple[str, str]]:
    """(code, name) of every tag, in the reader's language, ordered by name."""
    return sorted(((code, str(label)) for code, label in INTEREST_TAGS.items()),
                  key=lambda item: item[1])
