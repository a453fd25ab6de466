"""Validators of form fields and the multi-field extractor. Check characters are derived here from the
standards' definitions (weights 2^i mod 11, 3^i mod 31), independently of the module's tables."""

from __future__ import annotations

import typing
from datetime import date

import pytest

from assistant.nlu.extract import extract_fields
from assistant.nlu.validators import (
    VALIDATORS,
    ValidationResult,
    validate,
    validate_address,
    validate_amount,
    validate_date,
    validate_enum,
    validate_id_number,
    validate_int,
    validate_name,
    validate_phone,
    validate_text,
    validate_uscc,
)
from guides.schema import FieldType, FormField

TODAY = date(2025, 6, 1)


def id_with_check(first17: str) -> str:
    """GB 11643: weights 2^(17-i) mod 11; check value (12 - sum mod 11) mod 11, 10 written X."""
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    v = (12 - total % 11) % 11
    return first17 + ("X" if v == 10 else str(v))


def wrong_check(code: str, alphabet: str = "0123456789X") -> str:
    return code[:17] + next(c for c in alphabet if c != code[17])


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_with_check(first17: str) -> str:
    """GB 32100: weights 3^i mod 31; check value 31 - sum mod 31 (31 -> 0)."""
    total = sum(USCC_ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + USCC_ALPHABET[(31 - total % 31) % 31]


def field(type_: FieldType, label: str = "字段", **kw: typing.Any) -> FormField:
    return FormField(name="f", label=label, type=type_, **kw)


ID = field("id_number", "身份证号")
VALID_IDS = [id_with_check(p) for p in ("44011419900101123", "11010519491231002", "44010620040229001")]


def test_helper_matches_published_example() -> None:
    # The example of GB 11643-1999, Appendix A: 11010519491231002X.
    assert id_with_check("11010519491231002") == "11010519491231002X"


@pytest.mark.parametrize("code", VALID_IDS)
def test_id_number_valid(code: str) -> None:
    assert validate_id_number(code, ID, today=TODAY) == ValidationResult(True, code, None)


def test_id_number_normalizes_lowercase_x_spaces_and_fullwidth() -> None:
    code = "11010519491231002X"
    assert validate_id_number(" 110105 19491231 002x ", ID, today=TODAY).value == code
    assert validate_id_number("１１０１０５１９４９１２３１００２Ｘ", ID, today=TODAY).value == code


def test_id_number_check_digit_for_every_remainder() -> None:
    seen = set()
    for seq in range(120):
        first17 = f"44011419900101{seq:03d}"
        code = id_with_check(first17)
        seen.add(code[17])
        assert validate_id_number(code, ID, today=TODAY).ok, code
        for c in set("0123456789X") - {code[17]}:
            assert validate_id_number(first17 + c, ID, today=TODAY).error == "身份证号校验位不正确"
    assert seen == set("0123456789X")


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (wrong_check(VALID_IDS[0]), "身份证号校验位不正确"),
        (wrong_check(VALID_IDS[1]), "身份证号校验位不正确"),
        (id_with_check("44011419900230123"), "身份证号中的出生日期无效"),  # 2月30日
        (id_with_check("44011418890101123"), "身份证号中的出生日期无效"),  # before 1900
        (id_with_check("44011420250701123"), "身份证号中的出生日期无效"),  # after TODAY
        (id_with_check("99011419900101123"), "身份证号前两位的地区码无效"),
        ("44011419900101", "身份证号应为18位（当前为14位）"),
        ("4401141990010112345", "身份证号应为18位（当前为19位）"),
        ("44011419900101123A", "身份证号只能由数字组成，最后一位可以是X"),
        ("", "请填写身份证号"),
    ],
)
def test_id_number_invalid(raw: str, error: str) -> None:
    assert validate_id_number(raw, ID, today=TODAY) == ValidationResult(False, None, error)


PHONE = field("phone", "手机号")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("19912345678", "19912345678"),
        ("020-86881234", "020-86881234"),
        ("02086881234", "020-86881234"),
        ("0755 1234567", "0755-1234567"),
        ("(020)86881234", "020-86881234"),
    ],
)
def test_phone_valid(raw: str, value: str) -> None:
    assert validate_phone(raw, PHONE) == ValidationResult(True, value, None)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("1380013800", "手机号应为11位（当前为10位）"),
        ("12800138000", "手机号号段无效：第二位应为3-9"),
        ("23800138000", "电话号码格式不正确：请填写11位手机号，或带区号的固定电话（如020-12345678）"),
        ("020-123", "固定电话格式不正确，应为区号加7-8位号码，如020-12345678"),
        ("138abc", "电话号码只能包含数字"),
    ],
)
def test_phone_invalid(raw: str, error: str) -> None:
    assert validate_phone(raw, PHONE) == ValidationResult(False, None, error)


USCC = field("uscc", "统一社会信用代码")
VALID_USCCS = [uscc_with_check(p) for p in ("92440114MA5D7K3L1", "91440101MA59TLX1X", "12440000455857174")]


@pytest.mark.parametrize("code", [*VALID_USCCS, "91350100M000100Y43"])  # the last: a widely cited example
def test_uscc_valid(code: str) -> None:
    assert validate_uscc(code, USCC) == ValidationResult(True, code, None)
    assert validate_uscc(code.lower(), USCC).value == code


def test_uscc_check_char_for_every_residue() -> None:
    seen = set()
    for seq in range(400):
        first17 = f"92440114{seq:09d}"
        code = uscc_with_check(first17)
        seen.add(code[17])
        assert validate_uscc(code, USCC).ok, code
        for c in set(USCC_ALPHABET) - {code[17]}:
            assert validate_uscc(first17 + c, USCC).error == "统一社会信用代码校验位不正确"
    assert seen == set(USCC_ALPHABET)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (wrong_check(VALID_USCCS[0], USCC_ALPHABET), "统一社会信用代码校验位不正确"),
        (wrong_check(VALID_USCCS[1], USCC_ALPHABET), "统一社会信用代码校验位不正确"),
        ("92440114MA5D7K3L", "统一社会信用代码应为18位（当前为16位）"),
        ("92440114MA5D7K3LIO", "统一社会信用代码含有无效字符：I、O（不使用I、O、Z、S、V）"),
        ("9244A114MA5D7K3L1X", "统一社会信用代码第3-8位应为数字（登记管理机关行政区划码）"),
    ],
)
def test_uscc_invalid(raw: str, error: str) -> None:
    assert validate_uscc(raw, USCC) == ValidationResult(False, None, error)


DATE = field("date", "出生日期")


@pytest.mark.parametrize(
    "raw", ["2024-05-01", "2024/5/1", "2024.5.1", "2024年5月1日", "2024年05月01号", "20240501"]
)
def test_date_formats_normalize_to_iso(raw: str) -> None:
    assert validate_date(raw, DATE) == ValidationResult(True, "2024-05-01", None)


def test_date_invalid_and_bounds() -> None:
    assert validate_date("2023-02-29", DATE).error == "日期不存在：2023年2月29日"
    assert validate_date("2024-02-29", DATE).ok
    assert (
        validate_date("下个月", DATE).error
        == "无法识别的日期「下个月」，请按2024-05-01或2024年5月1日的格式填写"
    )
    bounded = field("date", "参保起始日期", min=20200101, max=20301231)
    assert validate_date("2019-12-31", bounded).error == "参保起始日期不能早于2020年1月1日"
    assert validate_date("2031-01-01", bounded).error == "参保起始日期不能晚于2030年12月31日"
    assert validate_date("2020-01-01", bounded).ok
    birth = field("date", "新生儿出生日期", no_future=True)
    assert validate_date("2025-06-02", birth, today=TODAY).error == "新生儿出生日期不能晚于今天"
    assert validate_date("2025-06-01", birth, today=TODAY).ok


AMOUNT = field("amount", "资金数额", min=0, max=1_000_000)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3000", 3000.0),
        ("3,000元", 3000.0),
        ("5万", 50000.0),
        ("1.5万元", 15000.0),
        ("￥2,500.50", 2500.5),
        ("人民币800块", 800.0),
        ("五万", 50000.0),
        ("0", 0.0),
    ],
)
def test_amount_valid(raw: str, value: float) -> None:
    assert validate_amount(raw, AMOUNT) == ValidationResult(True, value, None)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("-100", "金额不能为负数"),
        ("200万", "资金数额不能超过100万元"),
        ("很多钱", "无法识别的金额「很多钱」，请填写数字，如3000或1.5万"),
    ],
)
def test_amount_invalid(raw: str, error: str) -> None:
    assert validate_amount(raw, AMOUNT).error == error


def test_amount_minimum() -> None:
    rent = field("amount", "月租金", min=1)
    assert validate_amount("0.5", rent).error == "月租金不能低于1元"


INT = field("int", "家庭共同生活人数", min=1, max=20)


@pytest.mark.parametrize(
    ("raw", "value"), [("3", 3), ("3人", 3), ("3口人", 3), ("三口", 3), ("十二", 12), ("两个", 2)]
)
def test_int_valid(raw: str, value: int) -> None:
    assert validate_int(raw, INT) == ValidationResult(True, value, None)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("0", "家庭共同生活人数不能小于1"),
        ("21", "家庭共同生活人数不能大于20"),
        ("2.5", "家庭共同生活人数应为整数，如3"),
    ],
)
def test_int_invalid(raw: str, error: str) -> None:
    assert validate_int(raw, INT).error == error


ENUM = field(
    "enum",
    "补换原因",
    choices=["遗失", "损坏", "信息变更", "到期换领"],
    synonyms={"遗失": ["丢了", "不见了"], "损坏": ["坏了", "刷不了"]},
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("遗失", "遗失"),
        ("丢了", "遗失"),
        ("卡丢了。", "遗失"),
        ("我的卡坏了", "损坏"),
        ("刷不了", "损坏"),
        ("变更", "信息变更"),  # substring of a choice
        ("2", "损坏"),  # the second choice
    ],
)
def test_enum_matches_choice_synonym_or_substring(raw: str, value: str) -> None:
    assert validate_enum(raw, ENUM) == ValidationResult(True, value, None)


def test_enum_errors_list_the_choices() -> None:
    assert validate_enum("想换个颜色", ENUM).error == (
        "「想换个颜色」不是补换原因的有效选项，请从以下选项中选择：遗失、损坏、信息变更、到期换领"
    )
    both = validate_enum("丢了又坏了", ENUM)
    assert not both.ok
    assert both.error == "「丢了又坏了」可能是遗失、损坏中的多个，请选择一个：遗失、损坏、信息变更、到期换领"


ADDRESS = field("address", "经营场所")


@pytest.mark.parametrize(
    "raw", ["花都区新华街道商业大道1号", "广州市花都区狮岭镇某村", "  花都区秀全街 9号 "]
)
def test_address_valid(raw: str) -> None:
    result = validate_address(raw, ADDRESS)
    assert result.ok
    assert result.value == " ".join(raw.split())


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "请填写经营场所"),
        ("花都", "经营场所太短，请填写到街道门牌号（至少5个字）"),
        ("我家那边附近", "经营场所不完整：请包含省、市、区、县、镇、街道、路、村、号等地名信息"),
        ("广州市" + "很长" * 60, "经营场所过长：最多100个字（当前123个字）"),
    ],
)
def test_address_invalid(raw: str, error: str) -> None:
    assert validate_address(raw, ADDRESS).error == error


NAME = field("name", "申请人姓名")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("张三", "张三"),
        ("张 三", "张三"),
        ("欧阳娜娜", "欧阳娜娜"),
        ("买买提•艾力", "买买提·艾力"),
        ("John Smith", "John Smith"),
    ],
)
def test_name_valid(raw: str, value: str) -> None:
    assert validate_name(raw, NAME) == ValidationResult(True, value, None)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("张", "姓名至少2个字"),
        ("张三3", "姓名中不能包含数字"),
        ("张三@", "姓名只能包含汉字、字母或间隔号“·”"),
        ("张" * 21, "姓名不能超过20个字（当前21个字）"),
    ],
)
def test_name_invalid(raw: str, error: str) -> None:
    assert validate_name(raw, NAME).error == error


def test_text_bounds() -> None:
    scope = field("text", "经营范围", max=10)
    assert validate_text(" 日用百货零售 ", scope) == ValidationResult(True, "日用百货零售", None)
    assert validate_text("   ", scope).error == "请填写经营范围"
    assert validate_text("日用百货零售及餐饮服务等", scope).error == "经营范围过长：最多10个字（当前12个字）"


def test_dispatcher_covers_every_field_type() -> None:
    assert set(VALIDATORS) == set(typing.get_args(FieldType))


def test_dispatcher_routes_and_handles_blank_and_junk() -> None:
    assert validate(ID, VALID_IDS[0]).value == VALID_IDS[0]
    assert validate(PHONE, "138 0013 8000").value == "13800138000"
    assert (
        validate(field("amount", "月租金"), "好多钱").error == "无法识别的金额「好多钱」，请填写数字，如3000或1.5万"
    )
    assert validate(field("text", "备注", required=False), "  ") == ValidationResult(True, None, None)
    assert validate(field("text", "备注"), None) == ValidationResult(False, None, "请填写备注")
    for type_ in typing.get_args(FieldType):  # never raises, whatever comes in
        f = field(type_, choices=["甲", "乙"]) if type_ == "enum" else field(type_)
        for junk in ["\x00", "🙂🙂", "9" * 300, "-", "年月日", "万", "1e309", "²"]:
            result = validate(f, junk)
            assert isinstance(result, ValidationResult)
            assert result.ok == (result.error is None)
        if type_ != "text":
            assert not validate(f, "🙂🙂").ok


FORM = [
    FormField(name="applicant_name", label="申请人姓名", type="name"),
    FormField(name="id_number", label="身份证号", type="id_number"),
    FormField(name="phone", label="手机号", type="phone"),
    FormField(name="address", label="经营场所", type="address", aliases=["地址", "经营地址"]),
    FormField(name="capital", label="资金数额", type="amount", aliases=["资金"]),
    FormField(name="scope", label="经营范围", type="text"),
    FormField(
        name="organization",
        label="组成形式",
        type="enum",
        choices=["个人经营", "家庭经营"],
        synonyms={"家庭经营": ["夫妻", "一家人"]},
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"我叫张三，电话13800138000，身份证{VALID_IDS[0]}",
            {"applicant_name": "张三", "id_number": VALID_IDS[0], "phone": "13800138000"},
        ),
        (
            "姓名：李四 手机 138-0013-8000 地址花都区新华街道商业大道1号 资金10万元，我们夫妻一起经营",
            {
                "applicant_name": "李四",
                "phone": "138-0013-8000",
                "address": "花都区新华街道商业大道1号",
                "capital": "10万元",
                "organization": "家庭经营",
            },
        ),
        (
            "经营范围：日用百货零售；经营地址是花都区秀全街9号",
            {"scope": "日用百货零售", "address": "花都区秀全街9号"},
        ),
        ("我叫王小明今年30岁", {"applicant_name": "王小明"}),
        ("身份证号是4401141990", {"id_number": "4401141990"}),  # kept, so the validator can say what is wrong
        ("电话是多少？地址怎么填", {}),
        ("你好，我想办个体户", {}),
    ],
)
def test_extract_fields(text: str, expected: dict[str, str]) -> None:
    assert extract_fields(text, FORM) == expected


def test_extract_fields_tells_id_number_from_uscc_and_dates_by_order() -> None:
    fields = [
        FormField(name="id_number", label="身份证号", type="id_number"),
        FormField(name="uscc", label="统一社会信用代码", type="uscc"),
        FormField(name="birth", label="出生日期", type="date"),
        FormField(name="start", label="开始日期", type="date"),
    ]
    text = f"{VALID_USCCS[0]} 和 {VALID_IDS[1]}，2024年5月1日，另一个20240601"
    assert extract_fields(text, fields) == {
        "id_number": VALID_IDS[1],
        "uscc": VALID_USCCS[0],
        "birth": "2024年5月1日",
        "start": "20240601",
    }


def test_extract_fields_labels_pick_the_right_name_field() -> None:
    fields = [
        FormField(name="guardian_name", label="监护人姓名", type="name"),
        FormField(name="baby_name", label="新生儿姓名", type="name", aliases=["宝宝名字"]),
        FormField(name="gender", label="新生儿性别", type="enum", choices=["男", "女"], aliases=["性别"]),
    ]
    assert extract_fields("宝宝名字叫李小宝，性别女，我叫李明", fields) == {
        "guardian_name": "李明",
        "baby_name": "李小宝",
        "gender": "女",
    }
    assert extract_fields("新生儿姓名：王一一，监护人姓名：王五", fields) == {
        "guardian_name": "王五",
        "baby_name": "王一一",
    }


def test_extract_fields_int_takes_the_number_after_its_label() -> None:
    fields = [FormField(name="size", label="家庭共同生活人数", type="int", aliases=["家里", "家中"])]
    assert extract_fields("家中共有四口人", fields) == {"size": "四口人"}
    assert extract_fields("家里3口人，月收入1500元", fields) == {"size": "3口人"}
    assert extract_fields("家里没有收入", fields) == {}
