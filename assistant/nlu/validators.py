"""Pure validators for form fields, one per `guides.schema.FieldType`, and a multi-field extractor.

Every `validate_<type>(raw, field)` returns a `ValidationResult`: `ok`, the normalized `value` (or None)
and a Chinese `error` that says exactly what is wrong. Validators never raise on bad input and never do
I/O; date checks take an optional `today` so results are reproducible.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from stdnum.cn import ric, uscc

from assistant.nlu.dates import Tense, parse_date
from assistant.nlu.normalize import parse_money, parse_number, parse_quantity
from guides.schema import FieldType, FormField


class ValidationResult(NamedTuple):
    ok: bool
    value: Any = None
    error: str | None = None


def _fail(error: str) -> ValidationResult:
    return ValidationResult(False, None, error)


# Full-width ASCII (！..～) and the ideographic space -> half-width; keeps string length unchanged.
_HALF = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def halfwidth(text: str) -> str:
    return text.translate(_HALF)


def _clean(raw: Any) -> str:
    if raw is None:
        return ""
    return halfwidth(str(raw)).strip()


# --- 居民身份证 (GB 11643-1999, ISO 7064 MOD 11-2) ---------------------------------------------------

# Province-level codes (GB/T 2260) plus 71 台湾, 81 香港, 82 澳门, 83 台湾居民居住证.
ID_PROVINCES = frozenset(
    str(n) for n in (11, 12, 13, 14, 15, 21, 22, 23, *range(31, 38), *range(41, 47), *range(50, 55))
) | frozenset(str(n) for n in (*range(61, 66), 71, 81, 82, 83))


def id_check_char(first17: str) -> str:
    """The 18th character of a 居民身份证号 for its first 17 digits (python-stdnum, ISO 7064 MOD 11-2)."""
    return ric.calc_check_digit(first17 + "0")  # stdnum expects the number with a check position


def _ymd(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def validate_id_number(raw: str, field: FormField, *, today: date | None = None) -> ValidationResult:
    s = re.sub(r"\s", "", _clean(raw)).upper()
    if not s:
        return _fail("请填写身份证号")
    if len(s) != 18:
        return _fail(f"身份证号应为18位（当前为{len(s)}位）")
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return _fail("身份证号只能由数字组成，最后一位可以是X")
    if s[:2] not in ID_PROVINCES:
        return _fail("身份证号前两位的地区码无效")
    born = _ymd(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    if born is None or born.year < 1900 or born > (today or date.today()):
        return _fail("身份证号中的出生日期无效")
    if id_check_char(s[:17]) != s[17]:
        return _fail("身份证号校验位不正确")
    return ValidationResult(True, s)


# --- phone -----------------------------------------------------------------------------------------


def validate_phone(raw: str, field: FormField) -> ValidationResult:
    s = re.sub(r"[\s()（）]", "", _clean(raw))
    if not s:
        return _fail("请填写联系电话")
    s = re.sub(r"^(?:\+86|0086|\+?86-)", "", s)
    digits = s.replace("-", "")
    if re.fullmatch(r"86\d{11}", digits):
        digits = digits[2:]
    if not re.fullmatch(r"[0-9]+", digits):
        return _fail("电话号码只能包含数字")
    if digits.startswith("1"):
        if len(digits) != 11:
            return _fail(f"手机号应为11位（当前为{len(digits)}位）")
        if not re.fullmatch(r"1[3-9]\d{9}", digits):
            return _fail("手机号号段无效：第二位应为3-9")
        return ValidationResult(True, digits)
    if digits.startswith("0"):
        if m := re.fullmatch(r"(0\d{2,3})-(\d{7,8})", s):
            return ValidationResult(True, f"{m.group(1)}-{m.group(2)}")
        # Without a dash: area codes 010 and 020-029 have three digits, all others four.
        n = 3 if digits[1] in "12" else 4
        if "-" not in s and 7 <= len(digits) - n <= 8:
            return ValidationResult(True, f"{digits[:n]}-{digits[n:]}")
        return _fail("固定电话格式不正确，应为区号加7-8位号码，如020-12345678")
    return _fail("电话号码格式不正确：请填写11位手机号，或带区号的固定电话（如020-12345678）")


# --- 统一社会信用代码 (GB 32100-2015) -------------------------------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V


def uscc_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 for its first 17 characters (python-stdnum, GB 32100-2015)."""
    return uscc.calc_check_digit(first17)


def validate_uscc(raw: str, field: FormField) -> ValidationResult:
    s = re.sub(r"[\s-]", "", _clean(raw)).upper()
    if not s:
        return _fail("请填写统一社会信用代码")
    if len(s) != 18:
        return _fail(f"统一社会信用代码应为18位（当前为{len(s)}位）")
    bad = sorted({c for c in s if c not in USCC_CHARS})
    if bad:
        return _fail(f"统一社会信用代码含有无效字符：{'、'.join(bad)}（不使用I、O、Z、S、V）")
    if not s[2:8].isdigit():
        return _fail("统一社会信用代码第3-8位应为数字（登记管理机关行政区划码）")
    if uscc_check_char(s[:17]) != s[17]:
        return _fail("统一社会信用代码校验位不正确")
    return ValidationResult(True, s)


# --- date ------------------------------------------------------------------------------------------

_DATE_RES = (
    re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def _bound_date(v: float) -> date | None:
    n = int(v)
    return _ymd(n // 10000, n // 100 % 100, n % 100)


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def validate_date(raw: str, field: FormField, *, today: date | None = None) -> ValidationResult:
    s = _clean(raw)
    if not s:
        return _fail(f"请填写{field.label}")
    parts = next((m.groups() for r in _DATE_RES if (m := r.fullmatch(s))), None)
    if parts is None:
        # partial / relative / in words ("7号", "前天", "上个月底", "三月五号"): resolved against today,
        # the year inferred from whether the date must lie in the past
        tense = Tense.PAST if field.no_future else Tense.NEAREST
        value = parse_date(s, today or date.today(), tense)
        if value is None:
            return _fail(f"无法识别的日期「{s}」，请按2024-05-01或2024年5月1日的格式填写")
    else:
        y, mo, d = (int(p) for p in parts)
        value = _ymd(y, mo, d)
        if value is None:
            return _fail(f"日期不存在：{y}年{mo}月{d}日")
    if field.no_future and value > (today or date.today()):
        return _fail(f"{field.label}不能晚于今天")
    low = _bound_date(field.min) if field.min is not None else None
    high = _bound_date(field.max) if field.max is not None else None
    if low and value < low:
        return _fail(f"{field.label}不能早于{_cn_date(low)}")
    if high and value > high:
        return _fail(f"{field.label}不能晚于{_cn_date(high)}")
    return ValidationResult(True, value.isoformat())


# --- working-day date (预约到现场办理) ----------------------------------------------------------------

WORKDAY_HORIZON_DAYS = 60  # how far ahead a visit can be booked when the field sets no `max`
_WEEKDAYS = "一二三四五六日"
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_WEEK_RE = re.compile(r"^(下下|下|本|这)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天1-7])$")
_DAYS_LATER_RE = re.compile(r"^(\d{1,2}|[一二三四五六七八九十]+)天(?:以)?后$")
_MONTH_DAY_RE = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")


def is_working_day(d: date) -> tuple[bool, bool]:
    """(is a working day, known from the official holiday calendar). Years the `chinese-calendar` library
    has no data for yet fall back to Monday-Friday (known = False)."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(d)), True
    except NotImplementedError:
        return d.weekday() < 5, False


def _relative_date(s: str, today: date) -> date | None:
    from datetime import timedelta

    if s in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[s])
    m = _DAYS_LATER_RE.match(s)
    if m:
        n = parse_number(m.group(1))
        return today + timedelta(days=int(n)) if n is not None else None
    m = _WEEK_RE.match(s)
    if m:
        day = m.group(2)
        target = int(day) - 1 if day.isdigit() else (6 if day == "天" else _WEEKDAYS.index(day))
        monday = today - timedelta(days=today.weekday())
        weeks = {"下": 1, "下下": 2}.get(m.group(1) or "", 0)
        d = monday + timedelta(days=7 * weeks + target)
        if not m.group(1) and d < today:  # "周三" said on a Friday: next week's
            d += timedelta(days=7)
        return d
    m = _MONTH_DAY_RE.match(s)
    if m:
        mo, dd = int(m.group(1)), int(m.group(2))
        d = _ymd(today.year, mo, dd)
        if d is not None and d < today:
            d = _ymd(today.year + 1, mo, dd)
        return d
    return None


def validate_workday_date(raw: str, field: FormField, *, today: date | None = None) -> ValidationResult:
    """A preferred visit date: a working day (public holidays and make-up working days from
    `chinese-calendar`), from today to `field.max` days ahead (default 60). Accepts 2026-12-03,
    2026年12月3日, 12月3日, 明天, 后天, 下周一, 3天后."""
    from datetime import timedelta

    today = today or date.today()
    s = re.sub(r"\s", "", _clean(raw)).rstrip("。.!！")
    s = re.sub(r"^(?:就|定在|约在|选|预约|想|我想|我选)", "", s)
    s = re.sub(r"(?:吧|去|来|办理|可以|上午|下午)+$", "", s)
    if not s:
        return _fail(f"请填写{field.label}")
    value = _relative_date(s, today)
    if value is None:
        parts = next((m.groups() for r in _DATE_RES if (m := r.fullmatch(s))), None)
        if parts is None:
            return _fail(f"无法识别的日期「{s}」，请按2026年12月3日、12月3日或“下周一”的格式填写")
        y, mo, d = (int(p) for p in parts)
        value = _ymd(y, mo, d)
        if value is None:
            return _fail(f"日期不存在：{y}年{mo}月{d}日")
    horizon = int(field.max) if field.max is not None else WORKDAY_HORIZON_DAYS
    if value < today:
        return _fail(f"{field.label}不能早于今天（{_cn_date(today)}）")
    if value > today + timedelta(days=horizon):
        return _fail(f"{field.label}只能选择{horizon}天以内的日期")
    workday, _known = is_working_day(value)
    if not workday:
        return _fail(f"{_cn_date(value)}（星期{_WEEKDAYS[value.weekday()]}）不是工作日，请选择其他日期")
    return ValidationResult(True, value.isoformat())


# --- numbers ---------------------------------------------------------------------------------------


def _fmt_yuan(v: float) -> str:
    if v >= 10000 and v % 10000 == 0:
        return f"{v / 10000:g}万元"
    return f"{v:,.2f}".rstrip("0").rstrip(".") + "元"


def validate_amount(raw: str, field: FormField) -> ValidationResult:
    s = re.sub(r"[\s,，]", "", _clean(raw))
    s = re.sub(r"^(?:人民币|RMB|[¥￥])", "", s, flags=re.I)
    if not s:
        return _fail(f"请填写{field.label}")
    m = re.fullmatch(
        r"([-+]?)(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]+)(万元|万|元|块钱|块)?(?:人民币)?", s
    )
    if m is not None and m.group(1) == "-":
        return _fail("金额不能为负数")
    if m is not None and (base := parse_number(m.group(2))) is not None:
        value = round(base * (10000 if (m.group(3) or "").startswith("万") else 1), 2)
    else:  # in words, with 来/多/左右, Cantonese 蚊 ("两千来块", "八百蚊", "一万五", "没有收入")
        parsed = parse_money(s)
        if parsed is None:
            return _fail(f"无法识别的金额「{s}」，请填写数字，如3000或1.5万")
        value = parsed
    if field.min is not None and value < field.min:
        return _fail(f"{field.label}不能低于{_fmt_yuan(field.min)}")
    if field.max is not None and value > field.max:
        return _fail(f"{field.label}不能超过{_fmt_yuan(field.max)}")
    return ValidationResult(True, value)


def validate_int(raw: str, field: FormField) -> ValidationResult:
    s = re.sub(r"\s", "", _clean(raw))
    if not s:
        return _fail(f"请填写{field.label}")
    s = re.sub(r"(?:口人|个人|个|人|名|口|次|位|岁|年|月|天|套|间)$", "", s)
    if re.fullmatch(r"[-+]?\d+", s):
        value = int(s)
    elif (n := parse_quantity(s)) is not None:  # "三口人", "我家五个人"
        value = n
    else:
        return _fail(f"{field.label}应为整数，如3")
    if field.min is not None and value < field.min:
        return _fail(f"{field.label}不能小于{field.min:g}")
    if field.max is not None and value > field.max:
        return _fail(f"{field.label}不能大于{field.max:g}")
    return ValidationResult(True, value)


# --- enum ------------------------------------------------------------------------------------------


def _norm(s: str) -> str:
    return re.sub(r"[\s。.!！]", "", halfwidth(s)).lower()


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _closest_choice(s: str, words: dict[str, list[str]]) -> list[str]:
    """The one choice sharing the most character pairs (2+) with the answer ("一年取一次" -> 按年提取)."""
    grams = _bigrams(s)
    scored = sorted(
        ((max(len(grams & _bigrams(_norm(w))) for w in ws), c) for c, ws in words.items()), reverse=True
    )
    if scored and scored[0][0] >= 2 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return [scored[0][1]]
    return []


def validate_enum(raw: str, field: FormField) -> ValidationResult:
    s = _norm(_clean(raw))
    listing = "、".join(field.choices)
    if not s:
        return _fail(f"请选择{field.label}：{listing}")
    words = {c: [c, *field.synonyms.get(c, [])] for c in field.choices}
    for choice, ws in words.items():  # exact choice or synonym
        if s in {_norm(w) for w in ws}:
            return ValidationResult(True, choice)
    if re.fullmatch(r"[0-9]{1,2}", s) and 1 <= int(s) <= len(field.choices):  # "2" = the second choice
        return ValidationResult(True, field.choices[int(s) - 1])
    hits = [c for c, ws in words.items() if any(_norm(w) and _norm(w) in s for w in ws)]
    if not hits and len(s) >= 2:
        hits = [c for c in field.choices if s in _norm(c)]
    if len(hits) > 1:
        # "养老同医疗都要": a choice whose name covers every other hit's words is the one meant
        matched = {c: [w for w in words[c] if _norm(w) and _norm(w) in s] for c in hits}
        covering = [
            c for c in hits if all(o == c or any(_norm(w) in _norm(c) for w in matched[o]) for o in hits)
        ]
        if len(covering) == 1:
            hits = covering
    if not hits:
        hits = _closest_choice(s, words)
    if len(hits) == 1:
        return ValidationResult(True, hits[0])
    if len(hits) > 1:
        return _fail(f"「{_clean(raw)}」可能是{'、'.join(hits)}中的多个，请选择一个：{listing}")
    return _fail(f"「{_clean(raw)}」不是{field.label}的有效选项，请从以下选项中选择：{listing}")


# --- text-like -------------------------------------------------------------------------------------

_PLACE_MARKERS = "省市区县旗镇乡街道路巷弄村组号栋座楼室苑园庄屯里"


def validate_address(raw: str, field: FormField) -> ValidationResult:
    s = re.sub(r"\s+", " ", _clean(raw))
    if not s:
        return _fail(f"请填写{field.label}")
    low = int(field.min) if field.min is not None else 5
    high = int(field.max) if field.max is not None else 100
    if len(s) < low:
        return _fail(f"{field.label}太短，请填写到街道门牌号（至少{low}个字）")
    if len(s) > high:
        return _fail(f"{field.label}过长：最多{high}个字（当前{len(s)}个字）")
    if not any(c in _PLACE_MARKERS for c in s):
        return _fail(f"{field.label}不完整：请包含省、市、区、县、镇、街道、路、村、号等地名信息")
    return ValidationResult(True, s)


_NAME_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z· ]+")


def validate_name(raw: str, field: FormField) -> ValidationResult:
    s = re.sub(r"[•・∙‧.]", "·", _clean(raw))
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", s)  # "张 三" -> "张三"
    if not s:
        return _fail(f"请填写{field.label}")
    if re.search(r"\d", s):
        return _fail("姓名中不能包含数字")
    if not _NAME_CHARS.fullmatch(s):
        return _fail("姓名只能包含汉字、字母或间隔号“·”")
    if len(s) < 2:
        return _fail("姓名至少2个字")
    if len(s) > 20:
        return _fail(f"姓名不能超过20个字（当前{len(s)}个字）")
    return ValidationResult(True, s)


def validate_text(raw: str, field: FormField) -> ValidationResult:
    s = str(raw or "").strip()  # free text keeps the punctuation as typed (，。 stay full-width)
    if not s:
        return _fail(f"请填写{field.label}")
    high = int(field.max) if field.max is not None else 500
    if field.min is not None and len(s) < field.min:
        return _fail(f"{field.label}太短：至少{int(field.min)}个字")
    if len(s) > high:
        return _fail(f"{field.label}过长：最多{high}个字（当前{len(s)}个字）")
    return ValidationResult(True, s)


Validator = Callable[[str, FormField], ValidationResult]

VALIDATORS: dict[FieldType, Validator] = {
    "text": validate_text,
    "id_number": validate_id_number,
    "phone": validate_phone,
    "uscc": validate_uscc,
    "date": validate_date,
    "amount": validate_amount,
    "enum": validate_enum,
    "address": validate_address,
    "int": validate_int,
    "name": validate_name,
    "workday_date": validate_workday_date,
}


def validate(field: FormField, raw: str | None, *, today: date | None = None) -> ValidationResult:
    """Validate `raw` for `field` by its type; a blank optional field is ok with value None."""
    s = _clean(raw)
    if not s:
        if not field.required:
            return ValidationResult(True, None)
        return _fail(f"请填写{field.label}")
    if field.type == "id_number":
        return validate_id_number(s, field, today=today)
    if field.type == "date":
        return validate_date(s, field, today=today)
    if field.type == "workday_date":
        return validate_workday_date(s, field, today=today)
    if field.type == "text":
        return validate_text(str(raw), field)
    return VALIDATORS[field.type](s, field)


# --- extraction of several fields from one message ------------------------------------------------

# Words that name a field of a type; they apply to the first field of that type in the form.
TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字"),
    "id_number": ("身份证号码", "身份证号", "身份证", "证件号码", "证件号"),
    "phone": ("手机号码", "手机号", "手机", "联系电话", "电话号码", "电话", "联系方式"),
    "uscc": ("统一社会信用代码", "信用代码"),
    "address": ("地址", "住址"),
}
_STRONG_TYPES = ("id_number", "phone", "uscc", "date", "amount")
_TOKEN18 = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")
_PHONE_RES = (
    re.compile(r"(?<![\d+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"),
    re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?![\d-])"),
)
_DATE_RE = re.compile(
    r"(?<!\d)(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?|(?:19|20)\d{6})(?!\d)"
)
_AMOUNT_RE = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?\s*(?:万元|万|元|块)")
_GROUPED_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d\s?){17}[\dXx](?![0-9A-Za-z])")
_DELIMS = re.compile(r"[,;。!?、\n]")
_SPACE = re.compile(r"\s")
_INT_IN_TEXT = re.compile(
    r"(?:[0-9]+|[零〇一二两三四五六七八九十]+)(?:口人|个人|个|人|名|口|次|位|岁|年|月|天|套|间)?"
)
_CONNECTOR = re.compile(r"(?:号码|号)?\s*(?:[:=]|是|系|为|叫|填)?\s*")
_QUESTION = re.compile(r"吗|怎么|什么|哪|多少|如何|\?")
_SELF_NAME = re.compile(
    r"(?:我叫|本人叫|我的名字叫|我名字叫|我的名字是|我姓名是|我姓[\u4e00-\u9fff][，,]\s*叫)\s*([\u3400-\u9fff·]{2,20}|[A-Za-z][A-Za-z ·]{1,19})"
)
_NAME_STOP = re.compile(r"今年|住在|家住|身份证|电话|手机|联系|想|要|的|在|是|和|我")


class _Token(NamedTuple):
    start: int
    end: int
    kind: str
    text: str


def _tokens(t: str) -> list[_Token]:
    """Typed values recognizable without a label: ID numbers, USCCs, phones, dates, amounts."""
    found: list[_Token] = []

    def take(kind: str, m: re.Match[str]) -> None:
        nonlocal t
        found.append(_Token(m.start(), m.end(), kind, m.group().strip()))
        t = t[: m.start()] + "#" * (m.end() - m.start()) + t[m.end() :]  # mask, keep offsets

    probe = FormField(name="_", label="_")
    for m in list(_TOKEN18.finditer(t)):
        s = m.group().upper()
        if re.fullmatch(r"\d{17}[\dX]", s) and (
            validate_id_number(s, probe).ok or not validate_uscc(s, probe).ok
        ):
            take("id_number", m)
        elif all(c in USCC_CHARS for c in s):
            take("uscc", m)
    for kind, regexes in (("phone", _PHONE_RES), ("date", (_DATE_RE,)), ("amount", (_AMOUNT_RE,))):
        for r in regexes:
            for m in list(r.finditer(t)):
                take(kind, m)
    return sorted(found)


def _trim_name(v: str) -> str:
    m = re.match(r"[\u3400-\u9fff·]+|[A-Za-z][A-Za-z ·]*", v)
    if m is None:
        return ""
    name = m.group().strip()
    stop = _NAME_STOP.search(name, 2)
    return name[: stop.start() if stop else len(name)][:20]


def extract_fields(text: str, fields: list[FormField]) -> dict[str, str]:
    """Candidate raw values for `fields` found in one message, keyed by field name (validate them next).

    Label mentions come first ("电话是…", "地址：…", field label or alias), then "我叫X" for the first
    name field, then unlabeled typed values (ID number, USCC, phone, date, amount with unit) in form
    order, then enum choices named in the text.
    """
    t = halfwidth(text or "")
    # an ID number read out in groups ("4401 1419 8306 1514 96") is one token
    t = _GROUPED_ID.sub(lambda m: re.sub(r"\s", "", m.group(0)), t)
    tokens = _tokens(t)
    used: set[int] = set()  # indexes into tokens
    out: dict[int, str] = {}  # field index -> raw value

    first_of_type: dict[str, int] = {}
    for i, f in enumerate(fields):
        first_of_type.setdefault(f.type, i)
    labels = sorted(
        {
            (w, i)
            for i, f in enumerate(fields)
            for w in [
                f.label,
                *f.aliases,
                *(TYPE_ALIASES.get(f.type, ()) if first_of_type[f.type] == i else ()),
            ]
            if w
        },
        key=lambda p: (-len(p[0]), p[1]),
    )
    mentions: list[tuple[int, int, int]] = []  # (start, end, field index)
    for word, i in labels:
        for m in re.finditer(re.escape(word), t):
            spans = [(s, e) for s, e, _ in mentions] + [(k.start, k.end) for k in tokens]
            if all(m.end() <= s or m.start() >= e for s, e in spans):
                mentions.append((m.start(), m.end(), i))
    mentions.sort()

    for n, (_, end, i) in enumerate(mentions):
        f = fields[i]
        if i in out:
            continue
        stop = min(
            [d.start() for d in [_DELIMS.search(t, end)] if d]
            + [s for s, _, _ in mentions[n + 1 :]]
            + [len(t)]
        )
        begin = c.end() if (c := _CONNECTOR.match(t, end)) else end
        if f.type in _STRONG_TYPES:
            k = next(
                (
                    j
                    for j, k in enumerate(tokens)
                    if j not in used and k.kind == f.type and end <= k.start <= stop
                ),
                None,
            )
            if k is not None:
                used.add(k)
                out[i] = tokens[k].text
                continue
        stop = min([stop] + [k.start for k in tokens if k.start >= begin])
        if f.type != "text":  # a space separates fields ("姓名 张三 地址 …"), except in free text
            stop = min([stop] + [sp.start() for sp in [_SPACE.search(t, begin, stop)] if sp])
        value = t[begin:stop].strip()
        if f.type == "name":
            value = _trim_name(value)
        if not value or _QUESTION.search(value):
            continue
        if f.type in _STRONG_TYPES and not re.search(r"\d", value):
            continue
        if f.type == "int":  # "共有四口人" -> "四口人"
            number = _INT_IN_TEXT.search(value)
            if number is None:
                continue
            value = number.group()
        if len(value) < 2 and f.type not in ("enum", "int"):
            continue
        out[i] = value

    names = [i for i, f in enumerate(fields) if f.type == "name"]
    if names and names[0] not in out:
        for m in _SELF_NAME.finditer(t):
            if all(m.end() <= s or m.start() >= e for s, e, _ in mentions) and (
                name := _trim_name(m.group(1))
            ):
                out[names[0]] = name
                break

    for j, k in enumerate(tokens):
        if j in used:
            continue
        free = next((i for i, f in enumerate(fields) if f.type == k.kind and i not in out), None)
        if free is not None:
            used.add(j)
            out[free] = k.text

    for i, f in enumerate(fields):
        if f.type != "enum" or i in out:
            continue
        hits = {c for c in f.choices for w in [c, *f.synonyms.get(c, [])] if len(w) >= 2 and w in t}
        if len(hits) == 1:
            out[i] = hits.pop()
    return {fields[i].name: out[i] for i in sorted(out)}
