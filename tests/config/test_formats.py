"""One shape for numbers, money and dates everywhere (``{% load formats %}``), and the
project's words win over a third-party app's translation of the same word."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation
from django.utils.translation import gettext

from config.templatetags.formats import day, moment, money, number


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_filters_write_one_shape_in_both_languages(language):
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    with translation.override(language):
        assert number(120000) == "120,000"
        assert number(Decimal("120000.00")) == "120,000"
        assert number("1234.5") == "1,234.50"
        assert number(3.14159, 1) == "3.1"
        assert money(Decimal("50000")) == "¥50,000.00"
        assert money(-1234.5) == "-¥1,234.50"
        assert day(datetime.date(2028, 1, 5)) == "2028-01-05"
        assert moment(datetime.datetime(2028, 1, 5, 6, 30, tzinfo=datetime.UTC)) == (
            "2028-01-05 14:30"
        )
        assert day(datetime.datetime(2028, 1, 5, 23, 30, tzinfo=shanghai)) == "2028-01-05"
        assert formats.date_format(datetime.date(2028, 1, 5), "DATE_FORMAT") == "2028-01-05"


def test_empty_values_leave_room_for_a_default():
    rendered = Template(
        '{% load formats %}{{ none|money|default:"—" }} {{ none|day|default:"—" }} '
        "{{ amount|money }} {{ when|day }}"
    ).render(Context({"none": None, "amount": 100000, "when": datetime.date(2028, 1, 5)}))

    assert rendered == "— — ¥100,000.00 2028-01-05"


def test_a_plain_date_in_a_template_reads_the_same_as_the_filter():
    with translation.override("zh-hans"):
        rendered = Template("{{ when }}|{{ when|date }}").render(
            Context({"when": datetime.date(2028, 1, 5)}))

    assert rendered == "2028-01-05|2028-01-05"


@pytest.mark.parametrize(("msgid", "ours"), [("Name", "名称"), ("Minutes", "会议纪要")])
def test_the_projects_translation_wins_over_a_third_party_apps(msgid, ours):
    with translation.override("zh-hans"):
        assert gettext(msgid) == ours
