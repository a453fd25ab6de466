"""Grounded answers composed from knowledge-base records.

Every fact in an answer is copied from a ServiceGuide / PolicyDocument field and carries a Citation whose
`quote` is the exact text used. A field the guide lacks is said to be missing, with where to ask instead.
Pure functions: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.nlg.article_part import article_part
from assistant.nlu.text import compact, normalize
from assistant.state import Citation
from knowledge.schema import FAQ, Material, PolicyDocument, ServiceGuide, TimeLimit
from retrieval.aspects import MAIL_STEP_RE, Aspect
from retrieval.aspects import detect_aspects as _detect
from retrieval.passages import content_bigrams, lexical_match, proxy_material
from retrieval.types import DocKind, Hit

ROUTE_ON = "请以窗口/12345答复为准"
GDZWFW_NOTE = "信息来源于广东政务服务网（2021年），办理前请以官方最新公布为准。"
POLICY_NOTE = "以上为法规/政策原文摘录，具体适用请咨询主管部门或拨打12345政务服务便民热线。"
LACKING_TEXT = (
    "抱歉，知识库里没有找到关于“{matter}”的办事指南或官方问答，无法准确回答。"
    "建议您拨打12345政务服务便民热线咨询，或到就近的政务服务中心窗口咨询。"
)
UNKNOWN_TEXT = (
    "抱歉，这个问题我暂时无法准确回答。建议您拨打12345政务服务便民热线咨询，"
    "或到就近的政务服务中心窗口咨询；也可以换个说法再问我（例如说出具体的事项名称）。"
)


# a record that stops at a heading, where a list or a value should follow ("（一）年龄条件：")
BROKEN_OFF = re.compile(r"[：:]\s*$")
BROKEN_OFF_NOTE = "（指南记录在此处不完整，完整条件请查看原指南或咨询窗口）"


def detect_aspects(text: str) -> list[Aspect]:
    """The guide aspects a message asks about, in a stable order; [] when none (-> overview)."""
    return _detect(text)


ASPECT_LABEL: dict[Aspect, str] = {
    Aspect.MATERIALS: "申请材料",
    Aspect.TIME: "办结时限",
    Aspect.CONDITIONS: "受理条件",
    Aspect.LOCATION: "办理地点",
    Aspect.PHONE: "咨询电话",
    Aspect.FEES: "收费标准",
    Aspect.VISITS: "到现场次数",
    Aspect.ONLINE: "网上办理方式",
    Aspect.PROCESS: "办理流程",
    Aspect.BASIS: "设定依据",
    Aspect.DEPARTMENT: "实施部门",
    Aspect.AMOUNT: "补贴/金额标准",
    Aspect.RESULT: "办理结果（证照）",
    Aspect.STATUS: "办理进度查询方式",
    Aspect.LINKED: "联办事项",
    Aspect.VALIDITY: "有效期",
    Aspect.PROXY: "可否委托他人代办",
    Aspect.FREQUENCY: "办理次数（频次）限制",
}


@dataclass
class Composed:
    """An evidence answer: text, its citations, and the aspects the record could not answer."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    service_id: str | None = None
    policy_id: str | None = None
    grounded: bool = True  # False when nothing from the KB was used
    basis: str = ""  # what answered: "faq", a guide field, "missing", "overview", "aspects"
    key: str = ""  # which one of them: an FAQ's index, a material's index

    @property
    def evidence(self) -> list[str]:
        return [self.text, *(c.quote for c in self.citations)]


def _cite(guide: ServiceGuide, fld: str, quote: str) -> Citation:
    return Citation(
        id=f"guide:{guide.id}#{fld}",
        title=guide.name,
        source=guide.source_url or guide.online_url or guide.source,
        quote=quote,
    )


def _missing_line(guide: ServiceGuide, label: str) -> str:
    return f"该指南未载明{label}，{ROUTE_ON}。"


def _time_text(tl: TimeLimit) -> str:
    if tl.unit == "即办":
        return "即办"
    return tl.text


def source_note(guide: ServiceGuide) -> str:
    if guide.is_sample:
        return f"（{guide.sample_note or '示例数据，以官方发布为准'}）"
    if guide.source == "gdzwfw_2021":
        return GDZWFW_NOTE
    return "办理前请以官方最新公布为准。"


class _Builder:
    def __init__(self, guide: ServiceGuide) -> None:
        self.guide = guide
        self.lines: list[str] = []
        self.citations: list[Citation] = []
        self.missing: list[str] = []

    def phone_hint(self) -> None:
        """Where to ask about what is missing: the service's own phone, when the guide records one."""
        if self.guide.consult_phone:
            self.lines.append(f"如需进一步了解，可拨打该事项咨询电话：{self.guide.consult_phone}。")
            self.cite("consult_phone", self.guide.consult_phone)

    def cite(self, fld: str, quote: str) -> None:
        c = _cite(self.guide, fld, quote)
        if all(x.id != c.id or x.quote != c.quote for x in self.citations):
            self.citations.append(c)

    def miss(self, label: str) -> None:
        self.missing.append(label)
        self.lines.append(_missing_line(self.guide, label))

    # --- aspects -------------------------------------------------------------------------------------

    def materials(self, material_filter: Callable[[Material], bool] | None = None) -> None:
        g = self.guide
        mats = [m for m in g.materials if material_filter is None or material_filter(m)]
        if not mats:
            self.miss("申请材料")
            return
        out = [f"办理「{g.name}」需要准备以下材料（共{len(mats)}项）："]
        for i, m in enumerate(mats, 1):
            extra = [x for x in (m.copies, m.situation and f"适用情形：{m.situation}", m.notes) if x]
            opt = "" if m.required else "（非必需）"
            out.append(f"{i}. {m.name}{opt}" + (f"（{'；'.join(extra)}）" if extra else ""))
            self.cite("materials", m.name)
        self.lines.append("\n".join(out))

    def time(self) -> None:
        g = self.guide
        legal, promised = g.legal_time_limit, g.promised_time_limit
        if legal is None and promised is None:
            self.miss("办结时限")
            return
        parts = []
        if legal is not None:
            parts.append(f"法定办结时限：{_time_text(legal)}")
            self.cite("legal_time_limit", legal.raw)
        if promised is not None:
            parts.append(f"承诺办结时限：{_time_text(promised)}")
            self.cite("promised_time_limit", promised.raw)
        text = "；".join(parts) + "。"
        if legal is not None and promised is not None:
            text += "（法定时限是法律法规规定的最长期限；承诺时限是办理部门对外承诺的办结时间，通常更短。）"
        elif legal is None:
            text += "该指南未载明法定办结时限。"
        else:
            text += "该指南未载明承诺办结时限。"
        self.lines.append(text)

    def conditions(self) -> None:
        g = self.guide
        if not g.conditions:
            self.miss("受理条件")
            return
        text = f"受理条件：{g.conditions}"
        if BROKEN_OFF.search(g.conditions):
            # the record stops at a heading ("应符合下列条件：") : say so, never claim we shortened it
            text += BROKEN_OFF_NOTE
        self.lines.append(text)
        self.cite("conditions", g.conditions)

    def location(self) -> None:
        g = self.guide
        if not g.location:
            self.miss("办理地点")
            return
        self.lines.append(f"办理地点：{g.location}")
        self.cite("location", g.location)

    def phone(self) -> None:
        g = self.guide
        if not g.consult_phone and not g.complaint_phone:
            self.missing.append("咨询电话")
            self.lines.append("该指南未载明咨询电话，可拨打12345政务服务便民热线咨询。")
            return
        parts = []
        if g.consult_phone:
            parts.append(f"咨询电话：{g.consult_phone}")
            self.cite("consult_phone", g.consult_phone)
        if g.complaint_phone:
            parts.append(f"监督投诉电话：{g.complaint_phone}")
            self.cite("complaint_phone", g.complaint_phone)
        self.lines.append("；".join(parts) + "。")

    def fees(self) -> None:
        g = self.guide
        if not g.fees:
            self.miss("收费标准")
            return
        self.lines.append(f"收费标准：{g.fees}")
        self.cite("fees", g.fees)

    def visits(self) -> None:
        g = self.guide
        if g.visits is None:
            self.miss("到现场次数")
            return
        text = f"到现场次数：{g.visits}次。"
        if g.visits == 0:
            text += "（按指南可不到现场办理。）"
        self.lines.append(text)
        self.cite("visits", str(g.visits))

    def online(self) -> None:
        g = self.guide
        parts = []
        if g.online_url:
            parts.append(f"网上办理入口：{g.online_url}")
            self.cite("online_url", g.online_url)
        if g.platform:
            parts.append(f"办理平台：{g.platform}")
            self.cite("platform", g.platform)
        if g.online_booking is not None:
            parts.append("支持网上预约" if g.online_booking else "不支持网上预约")
            self.cite("online_booking", "是" if g.online_booking else "否")
        if g.courier is not None:
            parts.append("支持物流快递（证照寄递）" if g.courier else "不提供物流快递")
            self.cite("courier", "是" if g.courier else "否")
        if not parts and g.visits == 0:
            # no online entry recorded, but no trip to make either: say both, from the record
            self.missing.append("网上办理方式")
            self.lines.append("该指南未载明网上办理入口；按指南到现场次数为0次，可不到现场办理。")
            self.cite("visits", "0")
            return
        mailed = [s for s in g.process if MAIL_STEP_RE.search(s)]
        if not parts and mailed:
            # no online fields recorded, yet a step says the result is mailed ("制卡后现场领取或邮寄"): that is
            # what "可以寄到家吗" asks
            self.missing.append("网上办理方式")
            said = "；".join(f"“{s}”" for s in mailed)
            self.lines.append(f"该指南未载明网上办理方式；办理流程中写明：{said}。")
            for s in mailed:
                self.cite("process", s)
            return
        if not parts:
            self.miss("网上办理方式")
            return
        self.lines.append("；".join(parts) + "。")

    def process(self) -> None:
        g = self.guide
        if not g.process:
            self.miss("办理流程")
            return
        steps = "\n".join(f"{i}. {s}" for i, s in enumerate(g.process, 1))
        self.lines.append(f"办理流程：\n{steps}")
        for s in g.process:
            self.cite("process", s)

    def basis(self) -> None:
        g = self.guide
        if not g.legal_basis:
            self.miss("设定依据")
            return
        self.lines.append(f"设定依据：{g.legal_basis}")
        self.cite("legal_basis", g.legal_basis)

    def department(self) -> None:
        g = self.guide
        if not g.department:
            self.miss("实施部门")
            return
        text = f"实施部门：{g.department}"
        self.cite("department", g.department)
        if g.co_departments:
            co = "、".join(g.co_departments)
            text += f"；联办部门：{co}"
            self.cite("co_departments", co)
        self.lines.append(text + "。")

    def amount(self) -> None:
        self.miss("补贴/金额标准")

    def status(self) -> None:
        self.missing.append("办理进度查询方式")
        self.lines.append("可凭申请编号问我进度，或拨打12345政务服务便民热线查询。")

    def linked(self) -> None:
        g = self.guide
        if not g.linked_items:
            self.miss("联办事项")
            return
        names = "；".join(x.name for x in g.linked_items)
        self.lines.append(f"联办事项：{names}")
        self.cite("linked_items", names)

    def result(self) -> None:
        g = self.guide
        results = [x.result for x in g.linked_items if x.result]
        if not results:
            self.miss("办理结果（证照）")
            return
        text = "；".join(dict.fromkeys(results))
        self.lines.append(f"办理结果：{text}")
        self.cite("linked_items", text)

    def proxy(self) -> None:
        """Whether someone else may apply: the guide says so only through a material for the person acting."""
        mats = [m for m in self.guide.materials if proxy_material(m)]
        if not mats:
            self.miss("可否委托他人代办")
            return
        names = "、".join(f"「{m.name}」" for m in mats)
        self.lines.append(f"可以委托他人代办，需提供{names}。")
        for m in mats:
            self.cite("materials", m.name)

    def validity(self) -> None:
        self.miss("有效期")  # guides record no validity period; an FAQ or a statute states it

    def frequency(self) -> None:
        self.miss(ASPECT_LABEL[Aspect.FREQUENCY])  # nor how often one may do it

    def overview(self) -> None:
        g = self.guide
        head = f"「{g.name}」"
        self.cite("name", g.name)
        if g.department:
            head += f"由{g.department}办理"
            self.cite("department", g.department)
        self.lines.append(head + "。")
        if g.legal_time_limit is not None or g.promised_time_limit is not None:
            self.time()
        if g.materials:
            names = "、".join(m.name for m in g.materials[:3])
            more = "等" if len(g.materials) > 3 else ""
            self.lines.append(f"申请材料共{len(g.materials)}项，包括{names}{more}。")
            for m in g.materials[:3]:
                self.cite("materials", m.name)
        if g.location:
            self.location()
        if g.visits is not None:
            self.visits()
        if g.process:
            self.process()
        self.lines.append("您可以继续问我：要带什么材料、多久办好、在哪里办、咨询电话、受理条件等。")


def match_faq(guide: ServiceGuide, question: str, threshold: float = 0.5) -> FAQ | None:
    """The guide FAQ that answers `question`: content-word match against the FAQ question *and* answer,
    with the words of the service name weighted down (see retrieval.passages.lexical_match)."""
    q = content_bigrams(question)
    common = content_bigrams(guide.name)
    best: tuple[float, FAQ | None] = (0.0, None)
    for faq in guide.faqs:
        asked = lexical_match(q, content_bigrams(faq.question), common)
        both = lexical_match(q, content_bigrams(f"{faq.question} {faq.answer}"), common)
        score = max(asked, 0.8 * both)
        if score > best[0]:
            best = (score, faq)
    return best[1] if best[0] >= threshold else None


def compose_guide_answer(
    guide: ServiceGuide,
    aspects: Sequence[Aspect] | None = None,
    *,
    material_filter: Callable[[Material], bool] | None = None,
    question: str | None = None,
) -> Composed:
    """Answer `aspects` of `guide` (overview when none) with one citation per fact used.

    `question`: when it matches one of the guide's FAQs, the official answer is quoted first.
    """
    b = _Builder(guide)
    faq = match_faq(guide, question) if question else None
    if faq is not None:
        b.lines.append(f"常见问题：{faq.question}\n答：{faq.answer}")
        b.cite("faqs", faq.answer)
        if not aspects:
            b.lines.insert(0, f"关于「{guide.name}」：")
            b.lines.append(source_note(guide))
            return Composed("\n".join(b.lines), b.citations, [], service_id=guide.id)
    wanted = [a for a in (aspects or []) if a is not Aspect.OVERVIEW] or [Aspect.OVERVIEW]
    for a in dict.fromkeys(wanted):
        if a is Aspect.MATERIALS:
            b.materials(material_filter)
        else:
            getattr(b, a.value)()
    if b.missing and Aspect.PHONE not in wanted:
        b.phone_hint()
    if b.lines and guide.name not in b.lines[0]:
        b.lines.insert(0, f"关于「{guide.name}」：")
    b.lines.append(source_note(guide))
    grounded = bool(b.citations)
    return Composed("\n".join(b.lines), b.citations, b.missing, service_id=guide.id, grounded=grounded)


def compose_unstated(guide: ServiceGuide, asked: str) -> Composed:
    """The guide in focus is silent on what was asked ("可以停交吗" after 灵活就业人员参保登记): say so, and where to ask
    (its own phone when it records one)."""
    b = _Builder(guide)
    b.miss(f"「{asked}」的相关规定")
    b.phone_hint()
    b.lines.insert(0, f"关于「{guide.name}」：")
    b.lines.append(source_note(guide))
    return Composed(
        "\n".join(b.lines), b.citations, b.missing, service_id=guide.id, grounded=bool(b.citations)
    )


# --- policies ---------------------------------------------------------------------------------------


def policy_citation(doc: PolicyDocument, number: str, quote: str) -> Citation:
    return Citation(
        id=f"policy:{doc.id}#{number}",
        title=f"《{doc.title}》{number}",
        source=doc.source_url or doc.source_path or doc.id,
        quote=quote,
    )


_CN_NUMERALS = "零一二三四五六七八九"


def int_to_cn(n: int) -> str:
    """1..9999 in Chinese numerals as used in article numbers: 24 -> 二十四, 10 -> 十, 105 -> 一百零五."""
    if n < 10:
        return _CN_NUMERALS[n]
    if n < 20:
        return "十" + (_CN_NUMERALS[n % 10] if n % 10 else "")
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十")):
        d, n = divmod(n, value)
        if d:
            out += _CN_NUMERALS[d] + unit
        elif out and n:
            out += "零" if not out.endswith("零") else ""
    if n:
        out += _CN_NUMERALS[n]
    return out.rstrip("零")


def article_numbers(question: str) -> list[str]:
    """Article numbers named in a question, in the documents' form: "第24条" / "第二十四条" -> "第二十四条"."""
    out = []
    for m in re.finditer(r"第\s*([0-9]+|[零〇一二两三四五六七八九十百千]+)\s*条", normalize(question)):
        raw = m.group(1)
        out.append(f"第{int_to_cn(int(raw))}条" if raw.isdigit() else f"第{raw.replace('两', '二')}条")
    return out


def compose_policy_answer(
    hits: Sequence[Hit],
    get_policy: Callable[[str], PolicyDocument | None],
    *,
    question: str | None = None,
    max_articles: int = 2,
    min_relative_score: float = 0.6,
    max_quote_chars: int = 600,
) -> Composed | None:
    """Quote the retrieved articles verbatim (no paraphrase); None when no article could be resolved.

    An article the question names ("第二十四条") is quoted from the named / top law first; other articles
    are quoted only when their retrieval score is close to the best one.
    """
    lines: list[str] = []
    citations: list[Citation] = []
    first_id: str | None = None

    def add(doc: PolicyDocument, number: str, *, whole: bool = False) -> None:
        nonlocal first_id
        art = doc.article(number)
        text = art.text if art is not None else None
        if not text or any(c.id == f"policy:{doc.id}#{number}" for c in citations):
            return
        # a long article: its paragraphs up to the one that answers (an article asked by number is quoted whole)
        part = article_part(text, None if whole else question)
        quote = part.text if len(part.text) <= max_quote_chars else part.text[:max_quote_chars]
        where = number if not number.startswith("p") else ""
        suffix = "……" if len(quote) < len(part.text) else ""
        lines.append(f"《{doc.title}》{where}规定：“{quote}{suffix}”")
        if part.cut:
            shown = "第1款" if part.shown == 1 else f"第1至{part.shown}款"
            lines.append(f"（该条共{part.total}款，这里摘录{shown}，全文见「引用来源」。）")
        citations.append(policy_citation(doc, number, quote))
        first_id = first_id or doc.id
        if doc.repealed is not None:
            lines.append(f"（注意：该文件已于{doc.repealed.isoformat()}废止。）")

    docs = [
        (hit, doc) for hit in hits if hit.kind is DocKind.POLICY for doc in [get_policy(hit.doc_id)] if doc
    ]
    wanted = article_numbers(question) if question else []
    if wanted and docs:
        q = compact(question or "")
        named = [doc for _, doc in docs if compact(doc.title) in q]
        for doc in named or [docs[0][1]]:
            for number in wanted:
                add(doc, number, whole=True)
        if citations:
            docs = []  # the named articles answer the question
    # relative to the best *article* chunk: a law's title chunk can outscore all of its articles
    best = max(
        (ch.score for hit, doc in docs for ch in hit.chunks if doc.article(ch.chunk.field) is not None),
        default=0.0,
    )
    for hit, doc in docs:
        for ch in hit.chunks:
            if len(citations) >= max_articles:
                break
            if best > 0 and ch.score < best * min_relative_score:
                continue
            add(doc, ch.chunk.field)
        if len(citations) >= max_articles:
            break
    if not citations:
        return None
    lines.append(POLICY_NOTE)
    return Composed("\n".join(lines), citations, [], policy_id=first_id)


def unknown_answer(extra: str | None = None, lacking: str | None = None) -> Composed:
    """The honest refusal; `lacking`: the matter searched for in vain, named so the person knows what to ask
    elsewhere ("驾驶证补办")."""
    text = UNKNOWN_TEXT if not lacking else LACKING_TEXT.format(matter=lacking)
    text = text if not extra else f"{extra}\n{text}"
    return Composed(text, [], [], grounded=False)
