"""A generic 预审 (online pre-check) flow derived from any published guide record.

Pure: `derive_flow(guide)` reads only the record. What it asks, in order:
- who applies (个人 / 单位), only when `audience` names both natural persons and organisations;
- situation questions: a material whose name or notes name a situation ("（新开展移植工作的）",
  "…时提供", "如…需…", an agent's 委托书) is asked about and listed only when it applies;
- the 受理条件 as one yes/no check when the text is a complete statement; a truncated list
  ("…需满足以下条件：") is shown, not asked;
- the materials checklist as a step of its own ("这些材料您准备好了吗？"), optional ones marked;
- identity fields for the kind of applicant, and for guides that need a visit a preferred working day
  (validated against the official holiday calendar) at the guide's 办理地点.
Bad records (no materials, "无", a malformed list) still give a flow, with a clear note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from guides.schema import Choice, Flow, FlowMaterial, FormField, Question, When
from knowledge.schema import ServiceGuide

GENERIC_PREFIX = "g-"
PRECHECK_NOTE = "根据办事指南自动生成的网上预审，以官方发布为准"

APPLICANT_Q = "applicant_type"
PERSON, ORG = "个人", "单位"
AGENT_Q = "agent"
AGENT_SELF, AGENT_OTHER = "本人", "委托代办"
CONDITIONS_Q = "conditions_met"
VISIT_FIELD = "visit_date"

_PERSON_AUDIENCE = {"自然人", "个人"}
_ORG_WORDS = re.compile(r"法人|企业|组织|机关|单位|机构|团体")
# Information services: nothing is applied for, so no pre-check flow.
_INFO_NAME = re.compile(
    r"查询|解读|公示|公告|下载|浏览|公开|预警|发布|咨询$|查看|检索|名录|目录|名单|须知|指引|宣传|列表|举办|"
    r"展览|展示|介绍|简介|清单|专区|留言|动态|新闻|报告|统计|数据|开放$|互动|指南$|手册|信息$|抓拍|户号|指数"
)
_YES_NO = [
    {"value": "是", "label": "是", "synonyms": ["有", "对", "是的", "符合", "属于", "需要"]},
    {"value": "否", "label": "否", "synonyms": ["没有", "不是", "不符合", "不属于", "无", "不需要"]},
]
_AGENT_RE = re.compile(r"委托书|代办|代理人|委托他人|委托手续|委托人|受托人|委托代理|授权书")
_OPTIONAL_RE = re.compile(
    r"[（(](?:如有|若有|非必需|非必要|可选|选填|选交|可不提供)[）)]|如有的?[，,]?|（可选）"
)
# "（新开展移植工作的）", "（委托办理的）", "（适用于香港、澳门居民申请律师执业）"
_PAREN_SITUATION_RE = re.compile(r"[（(]((?:适用于|仅限|限)?[^（）()]{2,40}?(?:的|时|者)?)[）)]")
# "补发养老金的材料（因申请补发基本养老金的）" handled above; prefix forms: "委托他人办理：个人委托书",
# "X的需报送Y", "X时提供Y", "如X需Y"
_PREFIX_SITUATION_RES = (
    re.compile(r"^(.{2,30}?)[:：](.+)$"),
    re.compile(r"^(.{2,30}?的)[，,]?还?(?:需|须|应)?(?:报送|提供|提交|出具)(.+)$"),
    re.compile(r"^(.{2,30}?的)[，,]?还?(?:需|须|应)(.+)$"),
    re.compile(r"^(.{2,30}?时)(?:需|须|应)?(?:报送|提供|提交|出具)(.+)$"),
    re.compile(r"^如(.{2,30}?)(?:[，,]?(?:需|须|应|则)(?:报送|提供|提交|出具)?)(.+)$"),
)
_NOTE_SITUATION_RES = (
    re.compile(r"((?:如|若)[^，。；,;]{2,30}?)(?:[，,]?(?:需|须|应|则))"),
    re.compile(r"([^，。；,;]{2,30}?时)提供"),
    re.compile(r"([^，。；,;]{2,30}?的)(?:需|须|应)提供"),
)
_NOT_SITUATION = re.compile(
    r"^(?:含|包括|包含|如：|例如|原件|复印件|正反面|加盖|盖章|一式|[\d一二三四五六七八九十]+份)"
)
_CONDITION_MAX = 150


@dataclass(frozen=True)
class Applicability:
    applicable: bool
    reason: str  # Chinese; why a guide has no pre-check flow


def applicability(guide: ServiceGuide) -> Applicability:
    """Whether a guide is something a person applies for (依申请): information services and
    一件事 bundles (authored flows) are not pre-checked by a generic flow."""
    if guide.source == "scenario" or guide.linked_items:
        return Applicability(False, "一件事主题服务，由情形引导流程办理")
    if re.search(r"投诉|举报", guide.name):
        return Applicability(False, "投诉举报类，由12345政务服务便民热线受理")
    if _INFO_NAME.search(guide.name) and not guide.materials:
        return Applicability(False, "信息查询类服务，无需申请")
    return Applicability(True, "")


def generic_flow_id(service_id: str) -> str:
    return f"{GENERIC_PREFIX}{service_id}"


def service_of_generic(flow_id: str) -> str | None:
    return flow_id[len(GENERIC_PREFIX) :] if flow_id.startswith(GENERIC_PREFIX) else None


# --- who applies --------------------------------------------------------------------------------------


def applicant_kinds(guide: ServiceGuide) -> list[str]:
    """[个人], [单位] or [个人, 单位] from the audience (自然人 / 企业法人 ...); unknown -> both."""
    person = any(a.strip() in _PERSON_AUDIENCE for a in guide.audience)
    org = any(_ORG_WORDS.search(a) for a in guide.audience)
    if person and not org:
        return [PERSON]
    if org and not person:
        return [ORG]
    return [PERSON, ORG]


def _identity_fields(kind: str, when: When | None) -> list[FormField]:
    if kind == PERSON:
        return [
            FormField(name="applicant_name", label="申请人姓名", type="name", when=when),
            FormField(name="applicant_id_number", label="申请人身份证号", type="id_number", when=when),
            FormField(name="applicant_phone", label="联系电话", type="phone", when=when),
        ]
    return [
        FormField(
            name="org_name",
            label="单位名称",
            type="text",
            max=100,
            aliases=["公司名称", "企业名称", "公司名", "公司叫", "公司是", "单位是", "单位叫"],
            when=when,
        ),
        FormField(name="org_uscc", label="统一社会信用代码", type="uscc", when=when),
        FormField(
            name="contact_name", label="联系人姓名", type="name", aliases=["联系人", "经办人"], when=when
        ),
        FormField(name="contact_phone", label="联系人电话", type="phone", when=when),
    ]


FIELD_LABELS = {f.name: f.label for kind in (PERSON, ORG) for f in _identity_fields(kind, None)} | {
    VISIT_FIELD: "预约到现场办理日期"
}


# --- materials and situations ---------------------------------------------------------------------------


def _situation_of(text: str) -> tuple[str | None, str]:
    """(the situation a material's name or notes name, the material name without it)."""
    for rx in _PREFIX_SITUATION_RES:
        m = rx.match(text)
        if m and not _NOT_SITUATION.match(m.group(1)) and len(m.group(2).strip("，,：: ")) >= 2:
            return m.group(1).strip("，,：: "), m.group(2).strip("，,：: ")
    for m in _PAREN_SITUATION_RE.finditer(text):
        inner = m.group(1).strip()
        if _NOT_SITUATION.match(inner) or not re.search(r"(?:的|时|者)$|^(?:适用于|仅限|限)", inner):
            continue
        return inner, (text[: m.start()] + text[m.end() :]).strip()
    return None, text


def _note_situation(notes: str | None) -> str | None:
    if not notes:
        return None
    for rx in _NOTE_SITUATION_RES:
        m = rx.search(notes)
        if m:
            return m.group(1).strip()
    return None


def _situation_ask(situation: str) -> str:
    s = re.sub(r"^(?:如|若|适用于|仅限|限|因)", "", situation).rstrip("的时者")
    return f"您的情况是否属于“{s}”？"


@dataclass
class _Derived:
    questions: list[Question]
    materials: list[FlowMaterial]
    notes: list[str]


def _materials(guide: ServiceGuide) -> _Derived:
    questions: dict[str, Question] = {}
    materials: list[FlowMaterial] = []
    seen: set[str] = set()
    for m in guide.materials:
        name = re.sub(r"\s+", " ", m.name).strip(" ，,。;；")
        if not name or name in {"无", "null", "None", "-", "/"} or name in seen:
            continue
        seen.add(name)
        optional = not m.required or bool(_OPTIONAL_RE.search(name) or _OPTIONAL_RE.search(m.notes or ""))
        when: When | None = None
        if _AGENT_RE.search(name) or _AGENT_RE.search(m.notes or ""):
            questions.setdefault(
                AGENT_Q,
                Question(
                    id=AGENT_Q,
                    ask="是本人（本单位）办理，还是委托他人代办？",
                    choices=[
                        Choice(
                            value=AGENT_SELF, label="本人办理", synonyms=["本人", "自己", "我自己", "自己办"]
                        ),
                        Choice(
                            value=AGENT_OTHER,
                            label="委托他人代办",
                            synonyms=["委托", "代办", "别人帮办", "找人代办", "委托他人"],
                        ),
                    ],
                ),
            )
            when = {AGENT_Q: [AGENT_OTHER]}
        else:
            situation = m.situation or _note_situation(m.notes)
            if situation is None:
                situation, _ = _situation_of(name)
            if situation:
                qid = f"situation_{len([q for q in questions if q.startswith('situation_')]) + 1}"
                existing = next((q for q in questions.values() if q.ask == _situation_ask(situation)), None)
                if existing is None:
                    questions[qid] = Question(
                        id=qid, ask=_situation_ask(situation), choices=[Choice(**c) for c in _YES_NO]
                    )
                else:
                    qid = existing.id
                when = {qid: ["是"]}
        materials.append(
            FlowMaterial(
                name=name, required=not optional, when=when, copies=m.copies, source=m.source, notes=m.notes
            )
        )
    notes: list[str] = []
    if not materials:
        notes.append("该事项的办事指南未列出申请材料，请以受理窗口或网上办事入口的要求为准。")
    return _Derived(list(questions.values()), materials, notes)


# --- conditions -----------------------------------------------------------------------------------------


def condition_check(conditions: str | None) -> tuple[str | None, str | None]:
    """(text to ask as one yes/no check, text to show only). A truncated first paragraph ("…条件：") or a
    very long text cannot be confirmed with a yes/no and is shown instead; "无" is neither."""
    text = re.sub(r"\s+", "", conditions or "").strip()
    if not text or text.rstrip("。.") in {"无", "暂无", "无要求", "不限"}:
        return None, None
    truncated = (  # the crawl kept only the first paragraph: a list that stops after its first item
        ("（一）" in text and "（二）" not in text)
        or (re.search(r"(?:^|[：:])1[.、．]", text) and "2" not in text)
    )
    too_short = len(text) < 8  # "第十五条", "见附件": nothing a person can confirm
    if (
        text.endswith(("：", ":", "；", "，", ",", "、"))
        or truncated
        or too_short
        or len(text) > _CONDITION_MAX
    ):
        return None, text
    return text, None


# --- the flow ---------------------------------------------------------------------------------------------


def needs_visit(guide: ServiceGuide) -> bool:
    return bool(guide.visits and guide.visits > 0)


def _next_steps(guide: ServiceGuide) -> list[str]:
    steps: list[str] = []  # the receipt itself says that this was a pre-check, not a filing
    if guide.online_url:
        steps.append(f"正式申报请通过网上办事入口：{guide.online_url}")
    if guide.location:
        steps.append(f"或携带材料到办理地点：{guide.location}")
    elif not guide.online_url:
        steps.append("正式申报请到政务服务中心窗口办理。")
    if guide.consult_phone:
        steps.append(f"咨询电话：{guide.consult_phone}")
    return steps


def derive_flow(guide: ServiceGuide) -> Flow:
    """The generic 预审 flow of one guide (never raises for a record that passed ServiceGuide)."""
    kinds = applicant_kinds(guide)
    questions: list[Question] = []
    form: list[FormField] = []
    if len(kinds) == 2:
        questions.append(
            Question(
                id=APPLICANT_Q,
                ask="请问您是以个人还是单位（企业、机构）名义申请？",
                choices=[
                    Choice(
                        value=PERSON, label="个人申请", synonyms=["个人", "我自己", "自己", "本人", "私人"]
                    ),
                    Choice(
                        value=ORG,
                        label="单位申请",
                        synonyms=["单位", "公司", "企业", "机构", "法人", "我们公司", "公司名义", "单位名义"],
                    ),
                ],
            )
        )
        for kind in kinds:
            form += _identity_fields(kind, {APPLICANT_Q: [kind]})
    else:
        form += _identity_fields(kinds[0], None)
    derived = _materials(guide)
    questions += derived.questions
    asked, shown = condition_check(guide.conditions)
    if asked:
        questions.append(
            Question(
                id=CONDITIONS_Q,
                ask=f"受理条件：“{asked}”请问您符合这些条件吗？",
                choices=[
                    Choice(value="是", label="是，符合", synonyms=["符合", "是", "对", "满足", "都符合"]),
                    Choice(
                        value="否", label="否，不符合或不确定", synonyms=["不符合", "不确定", "不满足", "否"]
                    ),
                ],
            )
        )
    notes = list(derived.notes)
    if needs_visit(guide):
        hint = "工作日，法定节假日除外，如“下周一”或“12月8日”"
        if guide.location:
            hint += f"；办理地点：{guide.location}"
        form.append(
            FormField(
                name=VISIT_FIELD,
                label="预约到现场办理日期",
                type="workday_date",
                hint=hint,
                aliases=["预约日期", "办理日期", "日期"],
            )
        )
        if not guide.location:
            notes.append("办事指南未写明办理地点，请先拨打咨询电话确认。")
    summary = (
        "这是网上预审：核对材料和受理条件" + ("、预约到现场办理日期" if needs_visit(guide) else "") + "，"
    )
    summary += "正式申报仍需通过网上办事入口或到窗口办理。"
    if shown:
        summary += f"\n受理条件（办事指南原文，请自行核对）：{shown}"
    if notes:
        summary += "".join(notes)
    return Flow(
        id=generic_flow_id(guide.id),
        title=guide.name,
        kind="precheck",
        origin="generic",
        service_id=guide.id,
        department=guide.department,
        summary=summary,
        sample_note=PRECHECK_NOTE,
        questions=questions,
        materials=derived.materials,
        form=form,
        next_steps=_next_steps(guide),
        checklist_step=bool(derived.materials),
        conditions_shown=shown,
        location=guide.location,
        online_url=guide.online_url,
        notes=notes,
    )


def identity_field_count(flow: Flow, answers: dict[str, str]) -> int:
    """Form fields a pre-check asks for the given answers (the simulator's turn budget)."""
    return len([f for f in flow.active_fields(answers) if f.required])
