"""Parsing what a person types while a form is open: yes / confirm / cancel / resume / correction / tick
cues, which field or 情形 answer a message names, material mentions, and whether it is a question.

Pure functions over normalised text (assistant.nlu.normalize.canonical); no state changes, no wording.
"""

from __future__ import annotations

import re

from assistant.nlu.choices import infer_choice
from assistant.nlu.extract import TYPE_ALIASES
from assistant.nlu.intent import classify_scored
from assistant.nlu.normalize import Polarity, canonical, polarity
from assistant.nlu.text import clean, compact
from assistant.state import DialogueState, Intent
from guides.schema import Flow, FormField, Question

CANCEL_RE = re.compile(
    r"不办了|不想办了|不用办了|不要办了|取消(?:办理|申请)?|算了|退出(?:办理)?|先不办|不弄了|放弃(?:办理)?|不搞了|"
    r"^不要了|(?:下次|以后|晚些|改天|过几天)再(?:办|弄|搞|说|填)"
)
RESUME_RE = re.compile(
    r"继续(?:办|填|弄|搞)?(?:刚才|之前|上次|原来|前面|那个|那份)|(?:接着|继续)(?:办|填|弄|搞)|"
    r"^(?:我要|我想|好)?[，,]?继续(?:吧|啊|啦|呀|办理)?[。!！]*$|"
    r"刚才(?:那个|那份|的)(?:申请|表)?(?:继续|接着)?"
)
_SUBMIT_RE = re.compile(
    r"^(?:确认提交|确认无误|确认|提交|确定|确定提交|无误)[吧啦了啊呀]*[。!！]*$|交吧|交啦|提交吧|提交啦|帮我交|"
    r"帮我提交|可以交|交了吧|"
    r"就这样(?:吧|交|提交|办)?|发过去|确认(?:提交|无误)?"
)
_NEGATED_RE = re.compile(r"不|没|别|未|先别|等等|等一下")
CORRECTION_RE = re.compile(
    r"填错了|写错了|输错了|打错了|搞错了|说错了|弄错了|错了|不对|有误|改成|改为|换成|改一下|改下|修改|更正|更改|重新填|"
    r"重填|重新输入|应该是|应为"
)
VALUE_AFTER_RE = re.compile(r"(?:改成|改为|换成|应该是|应该为|应为|正确的是|其实是|是|为|:|：)\s*(.+)$")
TICK_RE = re.compile(
    r"已经有了|已经有|有了|准备好了|准备好|备好了|备齐了|带了|带齐了|已备|已准备|已经准备|齐了|都有"
)
_TICK_ALL_RE = re.compile(
    r"(?:材料|资料|东西)?(?:都|全部|全都|已经)?(?:齐了|备齐了?|准备齐了?|齐全|准备好了|都有了|全有了)"
)
UNTICK_RE = re.compile(r"还没有|还没|没有|缺|少了|没带|没准备")
_QUESTION_RE = re.compile(
    r"[?？]|吗|什么|多久|多长时间|哪|怎么|怎样|如何|为什么|(?<![十百千万\d])几|多少|能不能|可不可以|要不要|需不需要|是不是|"
    r"有没有|会不会|行不行|是否|咋|请问|想问|问一下|问下|"
    # "那护照呢" asks about another matter; Cantonese question words ("使唔使", "点样", "边度")
    r"^那.{1,12}呢|^(?!没|还没|有|是|对|好|已经)[\u4e00-\u9fff]{2,8}呢[?？]?$|"
    r"点样|点算|边度|边个|几时|[使洗要系有得]唔[使洗要系有得]|可唔可以|有冇"
)
# What a typed value looks like, for telling the person what is wrong when an answer is of another kind.
TYPE_SHAPE = {
    "id_number": "18位，由17位数字加最后一位数字或X组成",
    "phone": "11位手机号码，或带区号的固定电话",
    "uscc": "18位统一社会信用代码（数字和大写字母）",
    "date": "日期，例如2024年5月1日",
    "amount": "金额，例如3000元",
    "int": "数字",
}
ADDRESS_MARKERS = re.compile(r"省|市|区|县|镇|乡|街道|街|路|道|巷|村|社区|小区|大厦|栋|幢|单元|室|号")


def is_question(text: str) -> bool:
    """A question rather than an answer ("怎么知道有没有…？", "使唔使钱？"): never stored as a value."""
    return bool(_QUESTION_RE.search(canonical(text)))


def is_cancel(text: str) -> bool:
    t = canonical(text)
    return bool(CANCEL_RE.search(t)) and not is_question(t.replace("吗", ""))


def is_resume(text: str) -> bool:
    t = canonical(text)
    return bool(RESUME_RE.search(t)) and not CANCEL_RE.search(t)


def is_confirm(text: str) -> bool:
    """Agreement at the read-back in everyday words ("行，就这样交吧", "冇问题", "系啊", "确认提交")."""
    t = canonical(text)
    c = compact(t)
    if CORRECTION_RE.search(c) or CANCEL_RE.search(c) or is_question(c):
        return False
    if polarity(t) is Polarity.YES:
        return True
    m = _SUBMIT_RE.search(c)
    return m is not None and not _NEGATED_RE.search(c[: m.start()])


def match_question_choice(q: Question, text: str) -> str | None:
    """The option a message surely selects (words, number, cue or yes / no); None otherwise."""
    inf = infer_choice(q, text)
    return inf.value if inf is not None and inf.sure else None


def off_form(text: str, pending: FormField | None) -> bool:
    """A complaint / status query / policy question typed while an item is pending (not an answer).
    Free-text fields keep such words as their value ("申请理由：…投诉无门…")."""
    if pending is not None and pending.type == "text":
        return False
    c = classify_scored(text)
    off = (Intent.COMPLAINT, Intent.APPLICATION_STATUS, Intent.POLICY_QUESTION, Intent.GREETING, Intent.APPLY)
    return c.signal and c.intent in off


def is_tick_all(t: str) -> bool:
    return bool(
        _TICK_ALL_RE.fullmatch(t.strip("。!！"))
        or re.search(r"(?:材料|资料)(?:都|全部|全都)?(?:齐了|备齐|齐全|准备好了|都有)|都齐了|全齐了", t)
    )


def field_words(f: FormField, flow: Flow, fields: list[FormField]) -> list[str]:
    words = [f.label, *f.aliases]
    first_of_type = next((x for x in fields if x.type == f.type), None)
    if first_of_type is not None and first_of_type.name == f.name:
        words += list(TYPE_ALIASES.get(f.type, ()))
    if f.type == "address":
        words += ["地址", "住址"]
    return [w for w in words if w]


def find_field_mention(text: str, flow: Flow, state: DialogueState) -> FormField | None:
    """The form field a message names (longest label / alias / type word wins)."""
    t = compact(text)
    fields = flow.active_fields(state.answers)
    best: tuple[int, FormField] | None = None
    for f in fields:
        for w in field_words(f, flow, fields):
            cw = compact(w)
            if cw and cw in t and (best is None or len(cw) > best[0]):
                best = (len(cw), f)
    if best is None:
        # the head noun of a label ("人数" for 家庭共同生活人数, "收入" for 家庭月总收入), when only one field ends so
        tails = [f for f in fields if len(f.label) > 2 and compact(f.label)[-2:] in t]
        if len(tails) == 1:
            return tails[0]
    return best[1] if best else None


def find_question_mention(text: str, flow: Flow, state: DialogueState) -> tuple[Question, str] | None:
    """An answered 情形 question whose other choice the message names ("改一下，是家庭经营")."""
    t = compact(text)
    for q in flow.active_questions(state.answers):
        if q.id not in state.answers:
            continue
        for c in q.choices:
            if c.value == state.answers[q.id]:
                continue
            words = [c.label, *c.synonyms]
            if any(len(compact(w)) >= 2 and compact(w) in t for w in words):
                return q, c.value
        if compact(q.ask.rstrip("？?")) in t:
            return q, ""
    return None


def strip_label(text: str, f: FormField, words: list[str]) -> str:
    s = clean(text)
    # "我叫…", "他叫…", "我老婆叫…": who the name belongs to is not part of it
    s = re.sub(
        r"^(?:我的|我|本人的?|申请人的?|他的?|她的?|(?:我)?(?:老婆|老公|爱人|妻子|丈夫|爸爸|妈妈|孩子|宝宝)的?)",
        "",
        s,
    )
    for w in sorted(words, key=len, reverse=True):
        if s.startswith(w):
            s = s[len(w) :]
            break
    s = re.sub(r"^(?:号码|号)?\s*(?:是|系|为|叫|填|:|：)\s*", "", s)
    if f.type == "address":  # "我家里在…", "住在…"
        s = re.sub(r"^(?:我们?)?(?:家里?|家住)?(?:住在|住|在|是)", "", s)
    if f.type == "name":  # "陈志强呀"
        s = re.sub(r"[呀啊啦吧哦喔嘛哈]+$", "", s.strip(" 。.!！,，"))
    return s.strip(" 。.!！,，")


def starts_with_label(text: str, words: list[str]) -> bool:
    s = re.sub(r"^(?:我的|我|本人的?|申请人的?)", "", compact(text))
    return any(s.startswith(compact(w)) for w in words if w)


def material_mentions(text: str, names: list[str]) -> list[str]:
    """Material names a message refers to: full names, or a fragment ("身份证复印件") of a name."""
    t = compact(text)
    hits = [n for n in names if compact(n) in t]
    if hits:
        return hits
    frag = TICK_RE.split(t)[0] if TICK_RE.search(t) else t
    frag = re.sub(r"^(?:我的?|我们的?|那个|这个|材料里的?|其中的?)", "", frag)
    frag = UNTICK_RE.sub("", frag).strip("，,。的")
    if len(frag) < 2:
        return []
    out = [n for n in names if frag in compact(n)]
    if out:
        # "身份证" means 居民身份证 rather than 代办人居民身份证及委托书: keep the closest names
        best = max(len(frag) / len(compact(n)) for n in out)
        return [n for n in out if len(frag) / len(compact(n)) >= best - 1e-9]
    # bigram overlap with a single best material
    grams = {frag[i : i + 2] for i in range(len(frag) - 1)}
    scored = sorted(
        ((len(grams & {compact(n)[i : i + 2] for i in range(len(compact(n)) - 1)}), n) for n in names),
        reverse=True,
    )
    if (
        scored
        and scored[0][0] >= max(2, len(grams) * 0.6)
        and (len(scored) == 1 or scored[0][0] > scored[1][0])
    ):
        return [scored[0][1]]
    return []


def looks_like_value(text: str, f: FormField | None) -> bool:
    """A message that is probably an answer although it contains a question-ish character ("几")."""
    if f is None:
        return False
    if _QUESTION_RE.search(re.sub(r"[?？]", "", text)) is None and not re.search(r"[?？]$", text):
        return True
    return f.type in {"id_number", "phone", "uscc", "date", "amount", "int"} and bool(
        re.search(r"\d{3,}", text)
    )
