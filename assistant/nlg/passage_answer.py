"""Answer-first replies from one passage: the answer in one or two sentences, the exact source text
quoted, its citation, and nothing else (details come on request, through the choice buttons).

Pure functions. Every fact is copied from the record; a record that is silent says so ("指南未载明…").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cn2an

from assistant.nlg.answer import (
    ASPECT_LABEL,
    BROKEN_OFF,
    BROKEN_OFF_NOTE,
    ROUTE_ON,
    Composed,
    _cite,
    source_note,
)
from assistant.nlu.situation import situation_terms
from assistant.nlu.text import compact
from knowledge.schema import Material, ServiceGuide, TimeLimit
from retrieval.aspects import DOCUMENT_ASKED, LACK_END, LACKED_DOCUMENT, LACKING, Aspect
from retrieval.passages import Passage
from retrieval.tokenize import expand_synonyms, synonym_table

MAX_QUOTE = 300  # characters of a quote shown in the reply; longer texts are cut with a note
_SENT = re.compile(r"(?<=[。！？!?；;\n])")
_YES = re.compile(r"^(?:可以|能|需要|要|是|应当|必须|有)[，,。]?")
_PLAIN_FREE = re.compile(r"(?:不收费|免费|免收费用?|不收取(?:任何)?费用|无|否|0(?:元)?)[。.]?")
_NO = re.compile(r"^(?:不可以|不能|不需要|不用|无需|不要|否|不是|没有|不收费|免费|不)[，,。]?")
# "要不要带户口本" / "需要提供结婚证吗" -> the thing asked about
_ASKED_THING = re.compile(
    # (准备 after a modal only: "我准备出国打工" plans, it asks no paper)
    r"(?:要不要|需不需要|用不用|需要|要|得|必须)?(?:带|提供|交|提交|拿|出具|开具?|(?<=[要需得须先])准备|(?<=[要需得须])附(?!近))(?:回|返)?(?:上|个|一份|一下|张|本|份|啲)?"
    # (the way it is taken is no part of it: "要不要带身份证明去")
    # (the 么 of 怎么 / 什么 ends no question: "要附上以后怎么维护…的方案")
    # (nor does the 没 of 有没有: "交份评估对行船有没有影响的报告" asks the 报告)
    r"(?P<thing>[\u4e00-\u9fffA-Za-z]{2,10}?)(?:过去|过来|上去|去|来)?(?:吗|(?<![怎什这那多])么|嘛|呢|不|(?<!有)没|$|[?？，,。])"
)
# no verb ("要不要租赁合同"): only a document word ends it, never the certificate applied for ("要不要办…证")
_ASKED_DOCUMENT = re.compile(
    # (with the words getting it: "要不要另外弄个中文翻译件" asks 中文翻译件)
    rf"(?:要不要|需不需要|用不用|是否需要|需要|是不是还?(?:要|得)|还(?:要|得))(?:另外|额外|再|还)?(?:提供|提交|出具|附|弄|搞|做)?(?:个|一份|份|一张|张|上)?"
    rf"(?P<thing>{DOCUMENT_ASKED})"
)

# a document said first, then whether it must go in ("无犯罪记录证明是必须交的吗", "体检报告一定要交吗")
_DOCUMENT_FIRST = re.compile(
    r"(?:^|[，,。？?])(?P<thing>[\u4e00-\u9fff《》]{0,12}?(?:证明|报告|复印件|原件|翻译件|证书|合同|协议|意见书?)》?)"
    r"(?:是不是|是)?(?:必须|一定|非得|需不需要|要不要|用不用|需要|还要|还得|要)要?(?:一齐|一起|一并|同时|一同)?"
    r"(?:交|提供|提交|带|附)(?:上去|过去)?的?(?=[吗么嘛？?]|$)"
)
# any paper said first and asked whether it goes in on its own ("补救措施和费用估算要单独交一份吗")
_SET_APART = re.compile(
    r"(?:^|[，,。？?]|时候|时)(?P<thing>[\u4e00-\u9fff《》]{2,12}?)(?:要|需要|还要|得)?(?:单独|另外|额外|再)"
    r"(?:交|提交|提供|附)(?:一份|一套)(?=[吗么嘛？?]|$)"
)

# a paper moved by 把 before the verb handing it in ("要把双方签的雇佣合同一起交上去吗", "需要把结婚证也带上吗")
_HANDED_THING = re.compile(
    r"(?:要不要|需不需要|用不用|使唔使|是不是要|是否要|需要|要|得)把(?P<thing>[\u4e00-\u9fff《》]{2,16}?)"
    r"(?:一起|一齐|一并|同时|也|都)?(?:交|提交|提供|带|附|拿|寄)(?:上去|过去|过来|给[\u4e00-\u9fff]{1,4}|上|去|来)?"
    r"(?=[吗么嘛？?]|$)"
)

# a signature or a stamp asked of someone ("办居住证要不要房东签字" -> "房东签字", "需要单位盖章吗")
_SEAL_THING = re.compile(
    r"(?:要不要|需不需要|用不用|是否需要|需要|要)(?P<thing>[\u4e00-\u9fff]{0,6}?(?:签字|签名|盖章|签章|公章|手印))"
)

# follow-up buttons: what a person may want next (shown when not already answered)
FOLLOW_UPS: list[tuple[Aspect, str]] = [
    (Aspect.MATERIALS, "要带什么材料"),
    (Aspect.CONDITIONS, "办理条件是什么"),
    (Aspect.TIME, "多久能办好"),
    (Aspect.LOCATION, "在哪里办"),
    (Aspect.ONLINE, "网上能办吗"),
]


@dataclass
class Lead:
    text: str  # the answer sentence(s)
    quote: str  # the exact source text
    label: str  # what the quote is ("常见问题答复", "受理条件", ...)


def cut(text: str, limit: int = MAX_QUOTE) -> tuple[str, bool]:
    """`text` up to `limit` characters, cut at a sentence end when possible; (piece, was_cut)."""
    if len(text) <= limit:
        return text, False
    piece = ""
    for sent in _SENT.split(text):
        if len(piece) + len(sent) > limit:
            break
        piece += sent
    return (piece or text[:limit]), True


def first_sentence(text: str, limit: int = 80) -> str:
    head = _SENT.split(text.strip(), maxsplit=1)[0].strip()
    return head if len(head) <= limit else head[:limit].rstrip("，,；;") + "……"


# "（1）…；（2）…", "1.…；2.…", "（一）…", "一、…": a numbered list, each number opening the text or a line/clause
_ITEM = re.compile(
    r"(?:^|[\n；;。：:]\s*)(?:[（(](\d{1,2}|[一二三四五六七八九十]{1,3})[）)]|(\d{1,2})[.、．](?!\d)|([一二三四五六七八九十]{1,3})、)"
)


def enumerated_items(text: str) -> int:
    """How many items the numbered list opening `text` has: 1, 2, 3 … in a row; a second list restarting at 1
    ("…符合下列情形之一的…：（一）…") is not counted. 0 when `text` does not open with a list of two or more."""
    t = text.strip()
    if not _ITEM.match(t):
        return 0
    n = 0
    for groups in _ITEM.findall(t):
        label = next(g for g in groups if g)
        if _number(label) != n + 1:
            break
        n += 1
    return n if n >= 2 else 0


def _number(label: str) -> int:
    try:
        return int(label) if label.isdigit() else int(cn2an.cn2an(label, "smart"))
    except ValueError:  # "十十" is no numeral
        return -1


def time_text(tl: TimeLimit) -> str:
    return "即办（当场办结）" if tl.unit == "即办" else tl.text


# no document: "带什么", "交材料", and a question word inside ("开完税证明在哪里办" asks where, about a service)
# a document the person lacks or cannot get ("没有租房合同怎么办", "冇户口本得唔得", "房东不肯给合同"), or says first
# ("结婚证没有可以吗", "户口本冇带点算"); a paper named for an absence is had, not lacked ("无犯罪记录证明")
_LACKED_THING = re.compile(
    rf"(?:{LACKING}|无(?!犯罪|刑事|违法|不良|欠|拖欠|婚姻))(?:我|你)?(?P<thing>[\u4e00-\u9fff《》]{{0,10}}?(?:{LACKED_DOCUMENT}|发票))(?:{LACK_END}|怎么弄|会)"
    rf"|(?:^|[，,。的我])(?P<first>(?![我你他她的])[\u4e00-\u9fff《》]{{0,8}}?(?:{LACKED_DOCUMENT}|发票)){LACKING}"
    rf"(?:{LACK_END}|怎么弄)"
)
_NOT_A_THING = re.compile(
    r"^(?:什么|哪些|啥|咩|乜|哪|多少|几|些|东西|材料|资料|证件|证明)|材料|资料|东西|哪|怎么|如何|多久|多长|什么|啥"
    # the question word cut by the lazy match ("开个体户要什么资料": not a document "体户要什")
    r"|要什?$|什$"
    # a modal verb cut likewise ("开个体户需不需要…": not a document "体户需")
    r"|(?:需|要)$"
    # a Cantonese question word after the verb ("户口本冇带点算", "冇带得唔得": no document "点算")
    r"|^(?:点算|点样|点|得唔得|得不得|可唔可以|行不行|怎么办|咋办)"
    # where it is handed, not a thing ("旧证需要一起交上去吗"), nor the words ending the question ("…是必须交的吗")
    r"|^(?:上去|过去|去|来|回去|的)"
    # a measure word, not a paper ("要单独交一份吗")
    r"|^(?:一份|一套|一张|一本|一个|一下)$"
    # who it goes to, or the question's own particle ("要把材料交给谁", "…也带上吗")
    r"|^给(?:谁|哪)|吗$"
)


_HOW_OF = re.compile(
    r"^(?:以后|今后|将来|日后|平时)?(?:怎么|如何|怎样|点样)(?=[\u4e00-\u9fff]{2,}(?:方案|说明|报告|计划书)$)"
)


def asked_thing(question: str) -> str | None:
    """The one document a yes/no question asks about ("要不要带户口本" -> "户口本"), or one the person lacks
    ("没有租房合同怎么办" -> "租房合同"); None for "带什么"."""
    q = compact(question)
    # the first reading that names a document: "开个体户要不要营业场所证明" is not about a document "体户要"
    for pattern in (
        _HANDED_THING,
        _SEAL_THING,
        _ASKED_THING,
        _ASKED_DOCUMENT,
        _DOCUMENT_FIRST,
        _SET_APART,
        _LACKED_THING,
    ):
        for m in pattern.finditer(q):
            thing = (m.group("thing") or m.groupdict().get("first") or "").strip("《》")
            # how a paper's content goes is its kind ("附上以后怎么维护这些航标的方案" asks 维护…方案)
            thing = _HOW_OF.sub("", thing)
            if _opens_business(m, thing) or (pattern is _ASKED_THING and _told_not_asked(m)):
                continue
            if len(thing) >= 2 and not _NOT_A_THING.search(thing):
                return thing
            break
    return None


_PAPER_END = re.compile(r"(?:合同|协议|证明|复印件|原件|证书|执照|证|书|表|单|发票|票据)$")


def _opens_business(m: re.Match[str], thing: str) -> bool:
    """A bare 开 opens a business, not a paper ("开有限公司做设立登记，要不要提供…证明": not a document "有限公司…")."""
    verb = m.group(0)[: m.start("thing") - m.start()]
    return verb.endswith("开") and not _PAPER_END.search(thing)


_MODAL_RE = re.compile(r"^(?:要不要|需不需要|用不用|是否需要|需要|要|得|必须)")
_ASKING_END_RE = re.compile(r"(?:吗|么|嘛|呢|不|没|[?？])$")


def _told_not_asked(m: re.Match[str]) -> bool:
    """A verb with no modal before it, its words ending a clause, tells rather than asks ("我们请了个专家来做交流访问，"
    is no question about a paper "流访问")."""
    said = m.group(0)
    return not _MODAL_RE.search(said) and not _ASKING_END_RE.search(said) and m.end() < len(m.string)


def lacks_thing(question: str) -> bool:
    """The person says they lack a document ("没有租房合同怎么办")."""
    return bool(_LACKED_THING.search(compact(question)))


_LISTED = 0.5  # a material naming this share of the document's word pairs lists it


def _matches(thing: str, m: Material) -> float:
    """How well the document asked names a material: by its name, or by a document its notes accept
    ("租房合同" and 合法稳定住所证明's "房屋租赁合同（已登记备案）或不动产权证书等"), colloquial words read formally."""
    # formal terms of four characters or more only: a short one ("户籍" for 户口本) matches too much
    # (a 的 said between words is no part of a paper's name: "当地市文物部门的意见" and 所在市文物行政部门意见)
    thing = thing.replace("的", "") if len(thing) > 4 else thing
    said = [thing, *(t for t in expand_synonyms(thing, synonym_table()) if len(t) >= 4)]
    name = _overlap(thing, compact(m.name))
    notes = max(_overlap(x, compact(m.notes)) for x in said) if m.notes else 0.0
    return max(name, notes - 0.01)  # the name wins a tie


def lists_material(guide: ServiceGuide, thing: str) -> bool:
    """The guide's materials list the document, by name or among the papers a material's notes accept."""
    return any(_matches(thing, m) >= _LISTED for m in guide.materials)


# words joining or pointing, no part of a paper's name ("海事和航道部门对这个项目的意见")
_FILLER = frozenset("这那个的对和与及跟同之")


def _overlap(a: str, b: str) -> float:
    ba = {a[i : i + 2] for i in range(len(a) - 1)}
    bb = {b[i : i + 2] for i in range(len(b) - 1)}
    telling = {x for x in ba if not _FILLER & set(x)} or ba
    return len(telling & bb) / len(telling) if telling else 0.0


# word pairs that every kind of paper shares: no sign that two papers are one
_PAPER_BIGRAMS = frozenset(
    {"证明", "材料", "证件", "申请", "原件", "复印", "印件", "文件", "资料", "签字", "盖章"}
)


def _near_material(thing: str, materials: Sequence[Material]) -> Material | None:
    """The material whose name or notes share the most of the thing's telling word pairs, if any does."""
    own = {thing[i : i + 2] for i in range(len(thing) - 1)} - _PAPER_BIGRAMS
    said = [compact(f"{m.name}{m.notes or ''}") for m in materials]
    scored = [
        (len(own & {t[i : i + 2] for i in range(len(t) - 1)}), m)
        for t, m in zip(said, materials, strict=True)
    ]
    best = max(scored, key=lambda x: x[0], default=(0, None))
    return best[1] if best[0] >= 1 else None


def material_lead(guide: ServiceGuide, question: str, index: int | None) -> Lead | None:
    """A yes/no question about one material ("要不要带户口本"): is it on the list, with its notes."""
    thing = asked_thing(question)
    if not thing:
        return None
    best = None
    for i, m in enumerate(guide.materials):
        score = _matches(thing, m)
        if score >= _LISTED and (best is None or score > best[0]):
            best = (score, i)
    if best is None:
        names = "；".join(m.name for m in guide.materials)
        near = _near_material(thing, guide.materials)
        # a material sharing the thing's telling words ("营业场所证明" and 经营场所使用证明) may be what was meant:
        # say the list's own name rather than a bare "not listed"
        also = (
            f"相近的是「{near.name}」{f'（{near.notes}）' if near.notes else ''}。"
            if near is not None
            else ""
        )
        # (with a near one, only "not as its own item": the near one may be the very paper, named otherwise)
        listed = "没有单独列出" if near is not None else "没有列出"
        return Lead(
            f"「{guide.name}」的申请材料清单中{listed}“{thing}”（共{len(guide.materials)}项材料）。{also}",
            names,
            "申请材料",
        )
    m = guide.materials[best[1] if index is None else index]
    notes = "；".join(x for x in (m.copies, m.notes, m.source and f"来源：{m.source}") if x)
    if lacks_thing(question):
        # what the record accepts in its place is in the material's notes, if anywhere: say them, invent nothing
        cond = f"（适用情形：{m.situation}）" if m.situation else ""
        said = f"，指南说明：{notes}" if notes else ""
        return Lead(
            f"「{m.name}」{cond}是申请材料{said}。没有“{thing}”的，可用哪些材料代替请向窗口或12345确认。",
            m.name,
            "申请材料",
        )
    if m.required and not m.situation:
        head = f"需要。「{m.name}」在申请材料清单中"
    elif m.required:
        head = f"视情况而定。「{m.name}」在“{m.situation}”情形下需要提供"
    else:
        cond = f"，适用情形：{m.situation}" if m.situation else ""
        head = f"视情况而定。「{m.name}」为非必需材料{cond}"
    return Lead(head + (f"（{notes}）" if notes else "") + "。", m.name, "申请材料")


def field_lead(guide: ServiceGuide, p: Passage, asked: Sequence[Aspect], question: str) -> Lead | None:
    g = guide
    f = p.field
    if f == "faq":
        faq = g.faqs[int(p.key)]
        ans = faq.answer.strip()
        items = enumerated_items(ans)
        if _NO.match(ans) or _YES.match(ans) or (len(ans) <= 60 and not items):
            lead = first_sentence(ans)
        elif items:
            # a list's first item is no answer: say how many the official answer lists, the quote gives them
            lead = f"按「{g.name}」的官方问答，共列出{items}项："
        else:
            lead = f"按「{g.name}」的官方问答：{first_sentence(ans)}"
        return Lead(lead, ans, f"常见问题“{faq.question}”的答复")
    if f == "material" and Aspect.PROXY in asked and Aspect.PROXY in p.aspects:
        m = g.materials[int(p.key)]
        when = f"（适用情形：{m.situation}）" if m.situation else ""
        return Lead(f"可以委托他人代办，需提供「{m.name}」{when}。", m.name, "申请材料")
    if f == "material":
        return material_lead(g, question, int(p.key))
    if f == "materials":
        # the whole list with each material's notes: composed by answer.compose_guide_answer
        return material_lead(g, question, None) if asked_thing(question) else None
    if f == "fees":
        fees = g.fees or ""
        # "不收费" only when the record says no more than that: "首次申领不收费", "按规定收取或免收工本费" and
        # "登记不收费，社会保险费按规定缴纳" are said as recorded, not turned into a plain "free"
        lead = "不收费。" if _PLAIN_FREE.fullmatch(fees.strip()) else f"收费标准：{fees}"
        return Lead(lead, fees, "收费标准")
    if f == "visits":
        n = g.visits or 0
        lead = "按指南可不到现场办理（到现场0次）。" if n == 0 else f"需到现场{n}次。"
        return Lead(lead, str(n), "到现场次数")
    if f == "conditions":
        return Lead("受理条件如下。", p.quote, "受理条件")
    if f == "location" and Aspect.ONLINE in asked and Aspect.ONLINE in p.aspects:
        # no online entry recorded, but the place named is a website ("…，或广东政务服务网在线办理")
        return Lead("指南的办理地点含网上渠道，可在网上办理。", p.quote, "办理地点")
    if f == "location":
        return Lead("办理地点如下。", p.quote, "办理地点")
    # time, phone, online, process, basis, department, linked items: answer.compose_guide_answer
    return None


def compose_passage_answer(
    guide: ServiceGuide,
    passage: Passage,
    asked: Sequence[Aspect],
    question: str,
    *,
    region_note: str = "",
    opening: str = "",
) -> Composed | None:
    """The answer-first reply from one guide passage; None when the passage gives no answer. `opening` replaces
    the passage's own first sentence (the guide is silent on what was asked, and this passage speaks to it)."""
    lead = field_lead(guide, passage, asked, question)
    if lead is None:
        return None
    shown, was_cut = cut(lead.quote)
    lines = [region_note] if region_note else []
    lines.append(opening or lead.text)
    if compact(shown) not in compact(lead.text):
        tail = "……（原文较长，此处只摘录前一部分，完整内容请查看原指南或咨询窗口）" if was_cut else ""
        if not was_cut and BROKEN_OFF.search(shown):
            # the record itself stops mid-list ("（一）年龄条件：" and nothing after): say so, not let it pass for all
            tail = BROKEN_OFF_NOTE
        lines.append(f"「{guide.name}」{lead.label}原文：“{shown}”{tail}")
    else:
        lines.append(f"（出自「{guide.name}」{lead.label}）")
    told = told_materials(guide, question) if passage.field == "conditions" else []
    lines.extend(f"{m.situation}，还需提供「{m.name}」（出自「{guide.name}」申请材料）。" for m in told)
    lines.append(source_note(guide))
    fld = {"material": "materials", "faq": "faqs"}.get(passage.field, passage.field)
    cites = [_cite(guide, fld, shown), *(_cite(guide, "materials", m.name) for m in told)]
    return Composed("\n".join(lines), cites, [], service_id=guide.id)


# the household at large is no situation a material names (低保's "家庭成员中有残疾人…" is not told by "我老婆")
_BROAD_TERMS = {"家庭"}


def told_materials(guide: ServiceGuide, question: str) -> list[Material]:
    """The materials for a situation the question tells in everyday words ("我老婆可以一起取吗": 结婚证, for
    配偶共同提取的): their 适用情形 holds the conditions' term for it (a question asking the conditions in their own
    words, "什么情况下可以租房提取", tells none)."""
    terms = situation_terms(question) - _BROAD_TERMS
    return [m for m in guide.materials if m.situation and any(term in m.situation for term in terms)]


def missing_answer(guide: ServiceGuide, asked: Sequence[Aspect], *, region_note: str = "") -> Composed:
    """The guide is right but silent on what was asked: say so, route on."""
    what = "、".join(ASPECT_LABEL[a] for a in asked if a in ASPECT_LABEL) or "相关信息"
    lines = [region_note] if region_note else []
    lines.append(f"关于「{guide.name}」：该指南未载明{what}，{ROUTE_ON}。")
    citations = [_cite(guide, "name", guide.name)]
    if guide.consult_phone:
        lines.append(f"可拨打该事项咨询电话：{guide.consult_phone}，或拨打12345政务服务便民热线。")
        citations.append(_cite(guide, "consult_phone", guide.consult_phone))
    else:
        lines.append("可拨打12345政务服务便民热线咨询。")
    return Composed("\n".join(lines), citations, [what], service_id=guide.id)


def follow_up_choices(asked: Sequence[Aspect], limit: int = 3) -> list[str]:
    return [label for a, label in FOLLOW_UPS if a not in asked][:limit]
