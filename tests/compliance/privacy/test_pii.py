"""``compliance.privacy.pii``: recognising, masking and pseudonymising personal data (S3.1.3)."""

import hashlib

import pytest

from compliance.privacy.pii import (
    is_phone_number,
    mask_email,
    mask_id_number,
    mask_identifier,
    mask_name,
    mask_personal,
    mask_phone,
    mask_subject_ref,
    mobile_spans,
    pseudonym,
    resident_id_spans,
    resident_id_valid,
)

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
EMAIL = "zhang.san@example.com"


def test_masking_rules():
    assert mask_phone(PHONE) == "138****5678"
    assert mask_id_number(ID_NUMBER) == "110105********002X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("张小明") == "张*明"
    assert mask_name("Alice") == "A****"
    assert mask_phone("") == ""

def test_mask_subject_ref_forms():
    assert mask_subject_ref(EMAIL) == "z***@example.com"
    assert mask_email("a@b.cn") == "a***@b.cn"
    assert mask_subject_ref("13812345678") == "138****5678"
    assert mask_subject_ref("138-1234-5678") == "138****5678"
    assert mask_subject_ref("11010519491231002X") == "110105********002X"
    assert mask_subject_ref("member-1002") == "me*******02"
    assert mask_subject_ref("u-77") == "u**7"
    assert mask_subject_ref("m1") == "**"
    assert mask_identifier("") == ""
    assert mask_subject_ref("wxid_9f8e7d6c5b") == "wx***********5b"


def test_mask_phone_drops_the_country_code_before_keeping_3_and_4_digits():
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("008613812345678") == "138****5678"
    assert mask_subject_ref("+8613812345678") == "138****5678"
    assert mask_phone("010-12345678") == "010****5678"


@pytest.mark.parametrize(("text", "spans"), [
    ("联系13812345678", [(2, 13)]),
    ("电话+86-139-1234-5678", [(2, 19)]),
    ("Tel13812345678", [(3, 14)]),
    ("订单号SN13812345678", []),
    ("13812345678件", []),
    ("没有数字", []),
])
def test_mobile_spans_find_phones_but_not_codes_or_quantities(text, spans):
    assert mobile_spans(text) == spans


@pytest.mark.parametrize(("number", "valid"), [
    (ID_NUMBER, True),
    ("330106199003071236", True),
    ("110105194912310021", False),  # wrong check character
    ("110105194913310028", False),  # month 13
    ("11010519491231002", False),   # 17 characters
])
def test_resident_id_valid_checks_checksum_and_birth_date(number, valid):
    assert resident_id_valid(number) is valid


def test_resident_id_spans_find_only_valid_ids_not_inside_longer_runs():
    assert resident_id_spans(f"身份证{ID_NUMBER}") == [(3, 21)]
    assert resident_id_spans("身份证110105194912310021") == []
    assert resident_id_spans(f"9{ID_NUMBER}") == []


@pytest.mark.parametrize(("value", "valid"), [
    (PHONE, True),
    ("+86 138-1234-5678", True),
    ("010-12345678", True),
    ("１３８１２３４５６７８", True),
    ("call me", False),
    ("phone", False),
    ("123456", False),
    ("1234567890123456", False),
    ("138 1234 5678 ext", False),
    ("+", False),
    ("138\n1234 5678", False),
])
def test_is_phone_number_accepts_digits_with_separators_only(value, valid):
    assert is_phone_number(value) is valid


def test_mask_personal_keeps_length_and_masks_phones_and_ids():
    text = f"联系张经理{PHONE}，身份证330106199003071236，电话+86-139-1234-5678"
    masked = mask_personal(text)
    assert masked == "联系张经理138****5678，身份证330106********1236，电话+86-139-****-5678"
    assert len(masked) == len(text)
    assert mask_personal("") == ""


def test_pseudonym_is_stable_for_the_same_key():
    assert pseudonym(PHONE, key="k-1") == pseudonym(PHONE, key="k-1")
    assert pseudonym(PHONE, key="k-1").startswith("anon-")
    assert pseudonym(PHONE, key="k-1") != pseudonym("13812345679", key="k-1")


def test_pseudonym_changes_with_the_key():
    assert pseudonym(PHONE, key="k-1") != pseudonym(PHONE, key="k-2")


def test_pseudonym_is_not_the_old_unkeyed_hash():
    unkeyed = "anon-" + hashlib.sha256(PHONE.encode()).hexdigest()[:12]
    assert pseudonym(PHONE, key="k-1") != unkeyed
    assert not pseudonym(PHONE, key="k-1").startswith(unkeyed)


def test_pseudonym_reads_the_configured_key(settings):
    settings.PSEUDONYM_KEY = "configured-key"
    assert pseudonym(PHONE) == pseudonym(PHONE, key="configured-key")
    del settings.PSEUDONYM_KEY
    assert pseudonym(PHONE) == pseudonym(PHONE, key=settings.SECRET_KEY)
