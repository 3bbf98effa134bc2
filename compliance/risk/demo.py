"""Demo data for risk control: emergency plans, a drill, an incident (S3.2.3).

Idempotent: plans are saved per (team, incident type), the drill and consents
are looked up by their natural keys, demo opinion signals carry external ids,
and the spike check runs only while the team has no opinion incident yet.
"""

import datetime

from django.utils import timezone

from .models import Drill, EmergencyPlan, Incident
from .services import (
    SPIKE_KEY_PREFIX,
    emergency_plan_save,
    opinion_signals_record,
    opinion_spike_check,
)

PLANS = [
    {
        "incident_type": "account_banned",
        "name": "平台账号被封禁应急预案",
        "description": "账号被封禁或限流时：先联系平台，查明原因，再按规则申诉（规范 S3.2.3）。",
        "steps": [
            {"title": "联系平台客服/商务对接人，确认封禁范围", "owner_role": "marketer",
             "due_offset_hours": 2},
            {"title": "了解封禁原因，调取相关内容和违规通知", "owner_role": "reviewer",
             "due_offset_hours": 6},
            {"title": "整理证据材料并提交申诉", "owner_role": "manager", "due_offset_hours": 24},
            {"title": "启用备用账号发布必要通知", "owner_role": "marketer", "due_offset_hours": 24},
            {"title": "复盘并更新内容审核规则", "owner_role": "reviewer", "due_offset_hours": 72},
        ],
        "holding_statements": [
            {"title": "对用户的说明",
             "body": "我们的官方账号暂时无法正常使用，正在与平台积极沟通处理，"
                     "期间请通过官方客服热线或其他官方渠道联系我们。"},
        ],
    },
    {
        "incident_type": "content_complaint",
        "name": "内容被投诉应急预案",
        "description": "内容被用户或竞品投诉、被平台要求整改时使用。",
        "steps": [
            {"title": "下架或隐藏被投诉内容", "owner_role": "marketer", "due_offset_hours": 1},
            {"title": "对照广告法与平台规则复核内容", "owner_role": "reviewer",
             "due_offset_hours": 4},
            {"title": "回复投诉方并记录处理结果", "owner_role": "manager", "due_offset_hours": 24},
        ],
        "holding_statements": [
            {"title": "对投诉方的回复",
             "body": "感谢您的反馈，相关内容已暂时下线复核，我们将在 3 个工作日内给您答复。"},
        ],
    },
    {
        "incident_type": "negative_publicity",
        "name": "负面舆情应急预案",
        "description": "评论区、社交媒体出现集中负面声音时使用。",
        "steps": [
            {"title": "评估舆情规模与传播渠道", "owner_role": "manager", "due_offset_hours": 1},
            {"title": "核实事实，联系相关用户了解情况", "owner_role": "marketer",
             "due_offset_hours": 4},
            {"title": "审核并发布官方回应", "owner_role": "reviewer", "due_offset_hours": 8},
            {"title": "持续监测 72 小时并汇报", "owner_role": "analyst", "due_offset_hours": 72},
        ],
        "holding_statements": [
            {"title": "首次回应",
             "body": "我们已关注到大家反映的问题，正在全面核实，将尽快公布处理结果。"
                     "给您带来的不便，我们深表歉意。"},
        ],
    },
    {
        "incident_type": "data_leak",
        "name": "个人信息泄露应急预案",
        "description": "个人信息泄露、篡改、丢失时按《个人信息保护法》第五十七条处置。",
        "steps": [
            {"title": "立即止损：关闭泄露途径、修改凭据", "owner_role": "admin",
             "due_offset_hours": 1},
            {"title": "评估泄露范围与影响的个人", "owner_role": "reviewer",
             "due_offset_hours": 12},
            {"title": "通知履行个人信息保护职责的部门和受影响个人", "owner_role": "manager",
             "due_offset_hours": 72},
        ],
        "holding_statements": [
            {"title": "对受影响个人的通知",
             "body": "我们发现部分个人信息可能被泄露，已采取补救措施。"
                     "请提高警惕，谨防诈骗；如有疑问请联系我们的个人信息保护负责人。"},
        ],
    },
]

NEGATIVE_COMMENTS = [
    "发货太慢了，等了一个星期", "质量太差了，穿一次就起球", "客服一直不回复，太失望了",
    "再也不会买了", "和宣传的完全不一样，感觉被骗了", "包装破了，东西也坏了",
    "退款拖了十天还没处理", "垃圾产品，差评",
]


def seed(ctx) -> None:
    """Plans for the spec's cases, one drill and one incident from a spike."""
    team = ctx.team
    for plan in PLANS:
        if not EmergencyPlan.objects.filter(team=team, incident_type=plan["incident_type"]).exists():
            emergency_plan_save(actor=None, team=team, **plan)
    banned = EmergencyPlan.objects.get(team=team, incident_type="account_banned")
    Drill.objects.get_or_create(
        team=team, title="账号封禁应急演练（季度）",
        defaults={"plan": banned, "owner": ctx.users.get("manager"), "interval_days": 90,
                  "next_due": timezone.localdate() + datetime.timedelta(days=14)},
    )

    now = timezone.now()
    if not Incident.objects.filter(team=team, spike_key__startswith=SPIKE_KEY_PREFIX).exists():
        items = [
            {"occurred_at": now - datetime.timedelta(hours=h), "text": "物流很快，很满意",
             "source": "weibo", "platform_code": "weibo", "external_id": f"demo-base-{h}"}
            for h in range(3, 24 * 7, 8)
        ] + [
            {"occurred_at": now - datetime.timedelta(minutes=5 + i), "text": text,
             "source": "weibo", "platform_code": "weibo", "external_id": f"demo-spike-{i}"}
            for i, text in enumerate(NEGATIVE_COMMENTS)
        ]
        # Checked here rather than queued: the demo shows its incident without a worker.
        opinion_signals_record(actor=None, team=team, items=items)
        opinion_spike_check(team=team, now=now)

    ctx.say(f"risk: {len(PLANS)} emergency plans, 1 drill, 1 opinion incident")
