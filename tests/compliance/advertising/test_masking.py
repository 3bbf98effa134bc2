"""The checker recognises and masks phones and IDs with the privacy module's one set of rules."""

import pytest

from compliance.advertising.checker import detectors, masking
from compliance.privacy import pii

TEXTS = [
    "联系张经理13812345678，身份证330106199003071236，电话+86-139-1234-5678",
    "订单号：SN13812345678，型号X13912345678",
    "Tel13812345678 或 0086 139 1234 5678",
    "买13812345678件",
    "身份证110105194912310021（校验码错误）",
]


def test_checker_masking_is_the_privacy_modules():
    assert masking.mask_personal is pii.mask_personal


@pytest.mark.parametrize("text", TEXTS)
def test_detectors_find_what_the_privacy_module_finds(text):
    assert detectors.run("mobile_number", text) == pii.mobile_spans(text)
    assert detectors.run("resident_id", text) == pii.resident_id_spans(text)


@pytest.mark.parametrize("match", [
    "13912345678", "139-1234-5678", "+86-139-1234-5678", "+86 13912345678", "0086 139 1234 5678",
])
def test_a_phone_finding_shows_its_first_3_and_last_4_digits(match):
    assert detectors.MASKERS["mobile_number"](match) == "139****5678"


def test_an_id_finding_shows_its_first_6_and_last_4_characters():
    assert detectors.MASKERS["resident_id"]("330106199003071236") == "330106********1236"
