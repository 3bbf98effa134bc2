"""Platform names as people write them: codes, Chinese and English names, nicknames.

The checker's doors (API, page, ``check_content --jsonl``) accept any of them and
answer with the catalogue platform they understood. The catalogue's own names
(``name_zh``, ``name_en``) always count; the aliases below add what people
write that the catalogue does not say (微信 and 公众号 for the official account,
天猫 for the Taobao group's platform, B站 for Bilibili).
"""

from __future__ import annotations

import re
import unicodedata

# alias (as normalised by ``name_key``) → catalogue code
ALIASES: dict[str, str] = {
    # WeChat Official Account
    "wechat": "wechat_oa", "weixin": "wechat_oa", "微信": "wechat_oa", "公众号": "wechat_oa",
    "微信公众号": "wechat_oa", "微信公众平台": "wechat_oa", "服务号": "wechat_oa",
    "订阅号": "wechat_oa", "wechatofficialaccount": "wechat_oa", "wechatoa": "wechat_oa",
    "officialaccount": "wechat_oa",
    # WeChat Channels
    "视频号": "wechat_channels", "微信视频号": "wechat_channels", "channels": "wechat_channels",
    "wechatchannels": "wechat_channels", "wechatvideo": "wechat_channels",
    # Weibo
    "微博": "weibo", "新浪微博": "weibo", "sinaweibo": "weibo",
    # Douyin
    "抖音": "douyin", "抖音号": "douyin", "抖音短视频": "douyin",
    # Xiaohongshu
    "小红书": "xiaohongshu", "红书": "xiaohongshu", "xhs": "xiaohongshu",
    "rednote": "xiaohongshu", "littleredbook": "xiaohongshu",
    # Zhihu
    "知乎": "zhihu",
    # Bilibili
    "b站": "bilibili", "哔哩哔哩": "bilibili", "bili": "bilibili", "哔站": "bilibili",
    "bilibili弹幕网": "bilibili",
    # Taobao and Tmall
    "淘宝": "taobao", "天猫": "taobao", "tmall": "taobao", "淘宝网": "taobao", "天猫商城": "taobao",
    # JD
    "京东": "jd", "京东商城": "jd", "jdcom": "jd", "jingdong": "jd",
    # LinkedIn
    "领英": "linkedin", "linkedin": "linkedin",
}

_DROP = re.compile(r"[\s._\-·・/]+")


def name_key(value: str) -> str:
    """``value`` compared the way people mean it: case, width, spaces and dots ignored."""
    return _DROP.sub("", unicodedata.normalize("NFKC", value)).lower()


def alias_code(value: str) -> str | None:
    """The catalogue code a nickname stands for, or None."""
    return ALIASES.get(name_key(value))
