"""What the words of a question say about service names: the question's word bigrams (and those of the
official terms its colloquial words stand for), and the variant rules of linking: a question that names no
later step (补 / 换 / 迁 / 丢 …) means the first-time or plain variant, and 补领 / 换领 … guides give way to a
near guide of the plain step. Pure functions over names and hits."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher

from assistant.nlu.text import compact
from knowledge.regions import short_name
from retrieval.passages import content_bigrams
from retrieval.tokenize import expand_synonyms, synonym_table
from retrieval.types import Hit

# 补领 / 换领 … guides give way to a guide of the plain step scoring this share of the top one (as auxiliary
# guides do in linking).
PLAIN_STEP_RATIO = 0.7

# Character pairs too common in questions to name a service.
GENERIC_BIGRAMS = frozenset(
    {
        "怎么",
        "么办",
        "什么",
        "如何",
        "哪里",
        "哪些",
        "需要",
        "要带",
        "多久",
        "多少",
        "时间",
        "可以",
        "请问",
        "办理",
        "申请",  # "怎么申请": the verb of any service, like 办理
        "申办",
        "材料",
        "人员",  # "企业退休人员": a word for people, not for one service
    }
)


# a span of the question this long, every pair of it a content word, in a name is a term the question names
TERM_CHARS = 4


def names_a_term(question: str, name: str) -> bool:
    """The name holds a term of the question: TERM_CHARS or more consecutive characters, none of them a filler
    pair ("伤残津贴" in "伤残待遇申领（一次性伤残补助金、伤残津贴和生活护理费）"; not "申请办理", "什么时候")."""
    return term_in_name(question, name) is not None


def term_in_name(question: str, name: str) -> tuple[int, int] | None:
    """Where in the (compact) name the question's term held by it (names_a_term) starts and ends, else None."""
    q, n = compact(question), compact(name)
    m = SequenceMatcher(None, q, n, autojunk=False).find_longest_match(0, len(q), 0, len(n))
    if m.size < TERM_CHARS:
        return None
    return (m.b, m.b + m.size) if _is_term(q[m.a : m.a + m.size]) else None


def _is_term(span: str) -> bool:
    """No pair of the span is a filler pair ("申请办理", "什么时候" are no terms)."""
    return len(content_bigrams(span)) == len(span) - 1


def terms_held(question: str, name: str) -> set[str]:
    """Every term of the question (TERM_CHARS or more consecutive characters, no filler pair) the name holds."""
    q, n = compact(question), compact(name)
    spans = []
    # the longest shared span, then the next one in what is left (in any order: "外立面整饰，办建设工程规划许可证")
    while True:
        m = SequenceMatcher(None, q, n, autojunk=False).find_longest_match(0, len(q), 0, len(n))
        if m.size < TERM_CHARS:
            break
        spans.append(q[m.a : m.a + m.size])
        q = q[: m.a] + "\0" * m.size + q[m.a + m.size :]
        n = n[: m.b] + "\1" * m.size + n[m.b + m.size :]
    return {s for s in spans if _is_term(s)}


def sole_term_holder(question: str, names: Sequence[str]) -> int | None:
    """The one name (its index) holding a term of the question that no other name holds ("我系现役军人，揸住部队
    发嘅摩托车驾驶证" and 现役军人持军队（摩托车）… among 现役武警… / 退役军人… variants); else None."""
    compacted = [compact(n) for n in names]
    holders = [
        i
        for i, n in enumerate(names)
        if any(all(t not in o for j, o in enumerate(compacted) if j != i) for t in terms_held(question, n))
    ]
    return holders[0] if len(holders) == 1 else None


# what a service name says of itself beyond its matter ("…权审批", "…减免审批")
_SERVICE_WORDS_RE = re.compile(
    r"权|审批|审核|审查|申请|申领|申办|办理|登记|认定|核发|许可|备案|减免|确认|[()（）]"
)


def names_whole_matter(question: str, name: str) -> bool:
    """The question names the guide's whole matter by a term of its name (names_a_term), the rest of the name being
    service words only ("临时海域使用" of 临时海域使用权审批; not "住房公积金" of 住房公积金租房提取, one case of it)."""
    term = term_in_name(question, name)
    if term is None:
        return False
    n = compact(name)
    return not _SERVICE_WORDS_RE.sub("", n[: term[0]] + n[term[1] :])


# a name's bracketed qualifier ("…联营设立许可(…合伙联营设立审核)"): what tells a service's variants apart
QUALIFIER_RE = re.compile(r"[（(][^）)]*[)）]")


def before_bracket(name: str) -> str:
    """The name up to its first bracket: what variants of one service listed together share ("机动车驾驶证持军警驾驶证
    申领(现役军人…)" -> "机动车驾驶证持军警驾驶证申领")."""
    return re.split(r"[(（]", compact(name))[0]


def service_stem(name: str) -> str:
    """The service a variant belongs to: the name without its trailing bracketed variant, nested brackets included
    ("无线电台（站）的设置使用和呼号指配审批（新申请）(公众移动通信基站（新申请）)" -> "…审批（新申请）")."""
    if not name.endswith((")", "）")):
        return name
    depth = 0
    for i in range(len(name) - 1, -1, -1):
        depth += name[i] in ")）"
        depth -= name[i] in "(（"
        if depth == 0:
            return name[:i] or name
    return name


def name_chars(text: str) -> str:
    """The text's characters a name's words are read from: punctuation and brackets dropped."""
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]", "", compact(text))


def name_bigrams(text: str) -> set[str]:
    t = name_chars(text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def query_bigrams(query: str) -> set[str]:
    """The query's word bigrams plus those of the formal terms its colloquial words stand for (retrieval's
    synonym table: "自由职业" -> 灵活就业), so a candidate named in official words can be singled out."""
    grams = name_bigrams(query)
    for term in expand_synonyms(query, synonym_table()):
        grams |= name_bigrams(term)
    return grams - GENERIC_BIGRAMS


# A variant for doing it the first time, and words of a question about a later step (replace, move, lost).
_FIRST_TIME_RE = re.compile(r"新办|首次|初次|初始|新申请|新申领|首办|新设")
_PLAIN_REST_RE = re.compile(r"(?:申办|申请|申领|办理|登记|认定|核发)?")
_LATER_QUERY_RE = re.compile(
    r"补|换|迁|变更|注销|延续|延期|延长|续签|续期|挂失|遗失|丢|不见|坏|损|过期|到期|失效|重新|恢复|撤销|更正|改"
)
_LATER_NAME_RE = re.compile(
    r"补领|补办|补发|补证|补换|换领|换发|换证|挂失|遗失|迁入|迁出|迁移|注销|变更|延续|延期"
)


# A lost document ("身份证丢了怎么办") is a matter for a guide that replaces it (补领 / 挂失 / 换 …), not for another
# guide that shares its characters ("中国税收居民身份证明的开具")
_LOST_RE = re.compile(r"丢|不见|遗失|掉了|找不到|弄没了")
_REPLACES_RE = re.compile(r"补|挂失|遗失|丢失")  # 换领 / 换发 renew what one still has
_LOSS_PROVIDED_RE = re.compile(r"遗失|丢失|挂失")  # a paper for the case of a loss, on a list of materials


def without_places(text: str, places: Iterable[str]) -> str:
    """`text` without the places named in it, full or short ("广州市" / "广州"): they say where, not what."""
    for place in places:
        text = text.replace(place, "").replace(short_name(place), "")
    return text


# an office named with its place ("省农业农村厅", "广东市场监管局", "广州司法局"): who is asked, not what
_OFFICE_RE = re.compile(r"(?:广东省?|广州市?|[省市区])[\u4e00-\u9fff]{2,7}?[厅局](?!长)")


def without_offices(text: str) -> str:
    """`text` without the offices it names with their place: guides of the office named for it ("广东省农业农村厅
    “一村一品”…查询") are not named by "…鱼苗做检疫，省农业农村厅承诺几个工作日"."""
    return _OFFICE_RE.sub("", compact(text))


def thing_named(query: str) -> str:
    """The question without its later-step words: what it names ("驾照到期了怎么换" -> 驾照了怎么), so that 到期 /
    换 alone do not make "爆破作业人员许可(到期换发)" a guide it names."""
    return _LATER_QUERY_RE.sub("", compact(query))


# steps of a service's life that a guide for another step does not answer: "个体户注销要什么材料" is not answered by
# 个体工商户设立登记; each step asked, and the words by which a guide's name serves it
_STEPS = {
    "注销": "注销|歇业|停业",
    "歇业": "注销|歇业|停业",
    "变更": "变更|更改|更正|修改",
    # a name changed ("我想改名字", "孩子改姓") is a 变更 of it
    "改名": "变更|更改|更正|修改|改名",
    "改姓": "变更|更改|更正|修改|改姓",
    # a registration changed in everyday words ("跳槽…要改注册资料") is its 变更
    "改注册": "变更|更改|更正|修改",
    "改登记": "变更|更改|更正|修改",
    # the details on a paper changed ("想改下证上面的资料")
    "改资料": "变更|更改|更正|修改",
    # a mistake on a paper to be put right ("证书名字打错了") is a 更正 of it
    "打错": "更正|变更|更改|修改",
    "写错": "更正|变更|更改|修改",
    "印错": "更正|变更|更改|修改",
    # (续延 too: 协议联营续延)
    "延续": "延续|续延|续期|延期",
    "延期": "延续|续延|续期|延期",
    # renewing a permit before it runs out, in everyday words ("许可证快到期了，续期要交什么")
    "续期": "延续|续延|续期|延期",
    "续签": "延续|续延|续期|延期|续签",
    # moving out is not moving in: "户口迁到广州" is not served by 户口迁出 (企业迁移 serves both)
    "迁出": "迁出|迁移|迁走",
    "迁走": "迁出|迁移|迁走",
    "迁入": "迁入|迁移|迁来|迁到",
    "迁到": "迁入|迁移|迁来|迁到",
    "迁来": "迁入|迁移|迁来|迁到",
    "迁过来": "迁入|迁移|迁来|迁到",
    "迁回": "迁入|迁移|迁来|迁到",
    "补领": "补|遗失|挂失",
    "补办": "补|遗失|挂失",
    "补发": "补|遗失|挂失",
    # (a licence held elsewhere exchanged for one here: "持境外驾驶证申领", "持军警驾驶证申领")
    "换领": "换|持[^，。]{1,16}?证申领",
    "换发": "换",
    "换证": "换",
    # a loan is not a withdrawal: "交公积金的可以申请公积金贷款吗" is not served by 住房公积金租房提取 (a mortgage
    # secures one: "宅基地能抵押吗？" serves "拿宅基地去银行抵押贷款", and so does a pledge: 专利质押登记 serves
    # "拿专利去银行质押贷款")
    "贷款": "贷|抵押|质押",
    # an endorsement renews a permit already held: "居住证签注要几多钱" is not served by 居住证申领 ("首次申领不收费")
    "签注": "签注",
    # a card is activated or reported lost once held: "社保卡激活要本人去吗" is not served by 城乡居民社会保险费申报
    "激活": "激活|启用",
    "挂失": "挂失|补|遗失",
    # determining a case is not certifying a benefit nor a transfer: "工伤认定要什么材料" is not served by
    # 工伤…长期待遇资格认证 or 工伤保险市外转诊转院申请确认 (booking it is: 低收入家庭业务申请预约)
    "认定": "认定|预约",
}
# a step said as what happened before ("社保卡之前注销了，还能重新申领吗") is not the step asked
# (a mistake is told as done: "名字打错了")
_MISTAKES = ("打错", "写错", "印错")
_STEP_ASKED_RE = re.compile(
    rf"({'|'.join(k for k in _STEPS if k not in _MISTAKES)})(?![了过后])|({'|'.join(_MISTAKES)})"
)


# moving a household registration in everyday words: "转户口过来花都" / "户口转到广州" move it in, "转出户口" out
_MOVED_RE = re.compile(r"[迁转](户口|户籍)(过来|到|来|回)|(户口|户籍)转(过来|到|来|回)")


def _moves_read(q: str) -> str:
    q = _MOVED_RE.sub(lambda m: f"{m.group(1) or m.group(3)}迁{m.group(2) or m.group(4)}", q)
    return re.sub(r"转(出|入)(?=户口|户籍)", r"迁\1", _steps_read(q))


# a procedure done late, not a document replaced: "现在要补办肾移植医生的执业资格认定" applies for the 认定 (nothing
# was issued to reissue), as "补办结婚登记" registers a marriage
_DONE_LATE_RE = re.compile(r"补办(?=[^，。,.？?！!\s]{0,14}?(?:认定|备案|审批|登记|手续))")


# the details written on a paper changed, said in everyday words ("改下证上面的资料", "改一下执照里的信息")
_DETAILS_CHANGED_RE = re.compile(
    r"改(?![革造建善正进变])(?:一?下)?[\u4e00-\u9fff]{0,5}?(?:资料|信息|内容)"
    # (or said first, changed after: "许可证上的信息要去科技厅改")
    r"|(?:资料|信息|内容)(?:要|需要|得)?(?:去|到)?[\u4e00-\u9fff]{0,6}?改(?![革造建善正进变])"
)


def _steps_read(q: str) -> str:
    """A step's everyday words read as the step: a procedure done late is done ("补办…认定" -> "办…认定"), details
    changed are a 变更 ("改下证上面的资料" -> "改资料")."""
    return _DETAILS_CHANGED_RE.sub("改资料", _DONE_LATE_RE.sub("办", q))


def steps_asked(query: str) -> list[str]:
    """The later steps a question asks ("个体户注销要什么材料" -> ["注销"], "转户口过来花都" -> ["迁过来"])."""
    found = (a or b for a, b in _STEP_ASKED_RE.findall(_moves_read(compact(query))))
    return list(dict.fromkeys(found))


# a new application after a step ("在我省注销律师执业证书后重新申请执业"): it does not serve that step
_AFTER_STEP_RE = re.compile(r"(?:注销|吊销|撤销|变更|延续|延期)[^（）()，,]{0,10}?后重新")


def serves_step(step: str, text: str) -> bool:
    """A guide's name (or an article) says the step: "社会保障卡补换" serves 补办, "企业迁移" 迁入."""
    return bool(re.search(_STEPS[step], _AFTER_STEP_RE.sub("", compact(text))))


def step_not_served(query: str, name: str) -> str | None:
    """The later step the question asks (注销, 变更 …) when the guide's name serves none of those asked, else
    None ("残疾人证的变更和注销" is served by either guide)."""
    steps = steps_asked(query)
    return None if any(serves_step(s, name) for s in steps) else next(iter(steps), None)


# a renewal said in a citizen's words: a card run out and a new one wanted ("身份证过期了怎么换", "快到期了去哪换新的")
# (or a card said to have run out: "驾驶证过期了怎么办" asks how to renew it)
_RENEWAL_RE = re.compile(
    r"(?:过期|到期|期满)[^。？?]{0,10}换|换(?:个|张|本)?新|[证卡照][^，。？?]{0,2}(?:过期|期满)"
)


def renewal_not_served(query: str, text: str) -> bool:
    """The question wants an expired card renewed and `text` (a guide's name and its materials) renews nothing:
    中国税收居民身份证明的开具 for "身份证过期了怎么换"; a plain 办理往来港澳通行证 that lists "原往来港澳通行证（换发）"
    does renew, and so does an extension of a permit (《建设工程规划许可证》延期使用)."""
    q, said = compact(query), compact(text)
    if not _RENEWAL_RE.search(q) or re.search(r"换|延期|延续|续期", said):
        return False
    # (an expiry told as the case of another step asked, which `text` names: "证已经过期半年了，还能申请注销吗" and
    # 实验动物使用许可(注销))
    steps = steps_asked(query)
    return not (steps and all(step in said for step in steps))


def lost_but_not_replaced(query: str, name: str, materials: str = "") -> bool:
    """The question says something was lost and the guide's name replaces nothing; unless the question asks a
    step the name serves and the guide's `materials` provide for the loss ("想注销一级注册建筑师，但注册证书丢了"
    and 一级注册建筑师注销注册 listing "遗失证明（仅注册证书遗失时）")."""
    if not _LOST_RE.search(compact(query)) or _REPLACES_RE.search(compact(name)):
        return False
    steps = steps_asked(query)
    provided = (
        bool(steps) and step_not_served(query, name) is None and bool(_LOSS_PROVIDED_RE.search(materials))
    )
    return not provided


def after_loss(query: str) -> str | None:
    """What the question says after the loss ("中专毕业证丢了，开中职学力证明书要多久" -> "，开中职…"), None when
    nothing was lost."""
    q = compact(query)
    m = _LOST_RE.search(q)
    return q[m.end() :] if m else None


def asks_later_step(query: str) -> bool:
    """The question asks about a lost document, an expired card or a later step (注销, 变更 …)."""
    q = compact(query)
    return bool(_LOST_RE.search(q) or _RENEWAL_RE.search(q) or steps_asked(q))


def serves_later_step(query: str, name: str, materials: str = "") -> bool:
    """A guide named `name` (its official pair's question added, when that is the answer), listing `materials`,
    serves the lost document, renewal or later step the question asks."""
    return not (
        lost_but_not_replaced(query, name, materials)
        or step_not_served(query, name) is not None
        or renewal_not_served(query, f"{name} {materials}")
    )


# ending a matter (注销 a registration, 吊销 a licence), and the words by which a question asks to end one
_ENDING_NAME_RE = re.compile(r"注销|吊销|撤销|歇业|停业")
_ENDING_QUERY_RE = re.compile(
    r"注销|吊销|撤销|歇业|停业|取消|不做了|不干了|不开了|关门|关掉|结业|退出|销户|不想做"
)


# an ending listed beside another step ("派驻、撤销内地律师…备案"), or one already past ("注销后重新认定")
_ENDING_BESIDE_RE = re.compile(
    r"(?P<before>[\u4e00-\u9fff]{2})[、和及](?:注销|吊销|撤销|歇业|停业)"
    r"|(?:注销|吊销|撤销|歇业|停业)(?:[、和及](?P<after>[\u4e00-\u9fff]{2})|后)"
)


def ends_matter(name: str) -> bool:
    """The guide's name is for ending something (注销税务登记, 个体工商户注销), and not for another step beside it
    ("内地律师事务所向…派驻、撤销内地律师担任内地法律顾问备案" serves sending one too)."""
    n = compact(name)
    if not _ENDING_NAME_RE.search(n):
        return False
    for m in _ENDING_BESIDE_RE.finditer(n):
        beside = m.group("before") or m.group("after")
        if beside is None or not _ENDING_NAME_RE.search(beside):
            return False
    return True


def asks_ending(query: str) -> bool:
    """The question asks about ending something ("个体户不做了怎么注销", "店铺关门了要办什么")."""
    return bool(_ENDING_QUERY_RE.search(compact(query)))


def _later_name(name: str) -> bool:
    """The name serves a later step (补换, 注销 …) only: "首次、延期、换发、补发…居留证件" serves the first time too."""
    return bool(_LATER_NAME_RE.search(name)) and not _FIRST_TIME_RE.search(name)


def later_step_only(query: str, name: str) -> bool:
    """The name serves only a later step (补换, 注销 …) and the question asks none."""
    return _later_name(compact(name)) and not _LATER_QUERY_RE.search(compact(query))


def first_step_first(query: str, hits: list[Hit], name_of: Callable[[Hit], str]) -> list[Hit]:
    """A question that names no later step ("约个时间去领结婚证") is not about 补领 / 换领 / 挂失 …: when such a
    guide tops the hits and a guide of the plain step scores at least PLAIN_STEP_RATIO of it, sharing the question's
    words, the later-step guides give way (like auxiliary ones)."""
    if not hits or _LATER_QUERY_RE.search(compact(query)) or not _later_name(compact(name_of(hits[0]))):
        return hits
    qgrams = query_bigrams(query)
    for h in hits[1:]:
        if h.score < hits[0].score * PLAIN_STEP_RATIO:
            break
        name = compact(name_of(h))
        if not _later_name(name) and len(qgrams & name_bigrams(name)) >= 2:
            return [x for x in hits if not _later_name(compact(name_of(x)))]
    return hits


def first_time(query: str, names: Sequence[str]) -> int | None:
    """ "残疾人证怎么办理" among 新办证 / 挂失补办 / 换领 / 迁入: the first-time variant (its index; or the plain item
    the others extend), when the question uses no word of a later step and none of the words that set the other
    candidates apart."""
    q = compact(query)
    if _LATER_QUERY_RE.search(q):
        return None
    plain = [compact(n) for n in names]
    stem = os.path.commonprefix(plain)
    # the first-time variant, or the plain item the others extend ("人才优粤卡申办" / "人才优粤卡（A卡）…")
    first = [
        i for i, n in enumerate(plain) if _FIRST_TIME_RE.search(n) or _PLAIN_REST_RE.fullmatch(n[len(stem) :])
    ]
    # (two offices' twins of one name are one variant: the first of them stands for it)
    first = [i for i in first if plain.index(plain[i]) == i]
    if len(first) != 1 or len(set(plain)) < 2:
        return None
    own = name_bigrams(names[first[0]])
    others = set().union(*(name_bigrams(n) for i, n in enumerate(names) if i != first[0])) - own
    return None if query_bigrams(query) & others else first[0]


_SAYS_FIRST_RE = re.compile(r"第一次|头一次|头一回|首次|初次")


def said_first_time(query: str, names: Sequence[str]) -> int | None:
    """The one first-time variant (its index; two offices' twins are one) when the question says it is the first
    time, whatever other words it shares with the rest ("第一次办海域使用权审批" among 海域使用权初始审核、审批 and
    临时海域使用权审批, whose 权审 it says only by joining 使用权 and 审批)."""
    q = compact(query)
    if not _SAYS_FIRST_RE.search(q) or _LATER_QUERY_RE.search(q):
        return None
    first = {n for n in names if _FIRST_TIME_RE.search(compact(n))}
    return names.index(first.pop()) if len(first) == 1 and len(set(names)) > 1 else None


# a problem told of a thing one has ("社保卡密码忘了怎么办", "忘记密码", "社保卡坏了"): the thing must be in what
# answers it; 丢 (a lost document) and 错 (a verb's complement: 开错) are judged elsewhere
_PROBLEM_AFTER_RE = re.compile(r"(?:又|也|都|被)?(?:忘了|忘记了|忘掉了|坏了|损坏了?|冻结了?|锁了|被锁)")
_PROBLEM_BEFORE_RE = re.compile(r"忘记了?(?:了)?([^，。,.？?！!\s的了]{2})")
_PARTICLES = "的了也都又被"
_HARM_RE = re.compile(r"(?:不小心|浸水|进水|泡水|淋湿|弄湿|撕烂|撕破|撕|摔|烧|弄|整|搞)+$")
_PART_RE = re.compile(r"(?:那|这|哪)(?:页|张|本|个|块|份|面)")
_PART_END_RE = re.compile(r"(?:内页|封面|封皮|页)$")


def _tail(text: str, n: int = 8) -> str:
    """The last `n` characters of `text`, not cutting a word in Latin letters ("iPhone屏幕")."""
    if len(text) <= n:
        return text
    head = re.search(r"[A-Za-z0-9]+$", text[:-n]) if text[-n].isascii() and text[-n].isalnum() else None
    return (head.group(0) if head else "") + text[-n:]


def problem_thing(query: str) -> str | None:
    """The thing a problem is told of, as the question ends it ("社保卡密码忘了怎么办" -> "社保卡密码"), or None."""
    q = compact(query)
    m = _PROBLEM_AFTER_RE.search(q)
    if m:
        before = re.split(r"[，。,.？?！!\s]", q[: m.start()])[-1]
        # not how it came to harm, nor the part of it ("F字签证那页浸水坏了" tells of the F字签证)
        before = _HARM_RE.sub("", before)
        # the thing harmed comes before 被, what harmed it after ("签证页被水泡坏了")
        harmed = before.split("被")[0]
        before = harmed if len(harmed) >= 2 else before
        whole = _PART_RE.split(before)[0]
        before = whole if len(whole) >= 2 else before
        whole = _PART_END_RE.sub("", before)
        before = whole if len(whole) >= 2 else before
        thing = _tail(re.split(rf"[{_PARTICLES}]|时候|时", before)[-1])
        return thing if len(thing) >= 2 else None
    m = _PROBLEM_BEFORE_RE.search(q)
    return m.group(1) if m else None


def tells_problem_thing(query: str, text: str) -> bool:
    """`text` (a pair, a guide's texts) says the thing the question tells a problem of, and whose it is when the
    question says ("社保卡密码": 密码 and 社保卡). A word is said by its last two characters or by a formal term of the
    colloquial word ending it (社保卡 -> 社会保障卡). True when the question tells no such problem."""
    thing = problem_thing(query)
    if thing is None:
        return True
    said = compact(text)
    owner = thing[:-2]
    return _says(thing, said) and (len(owner) < 2 or _says(owner, said))


# a lapse in paying in told ("社保断交了", "医保断缴了怎么补交"): what answers it speaks of paying in, or of the lapse
_LAPSE_RE = re.compile(r"断缴|断交|断保|断供|停缴|停交|停保|欠缴|欠费|漏缴|(?:没|冇|未)(?:交|缴)")
_PAYING_RE = re.compile(rf"{_LAPSE_RE.pattern}|补缴|补交|续缴|续交|中断|缴费|缴纳|缴存")


def tells_lapse(query: str, text: str) -> bool:
    """`text` speaks of paying in when the question tells a lapse in it (a pair on who may get a 社保卡 shares
    社保 with "社保断交了有什么影响", nothing else). True when the question tells no lapse."""
    return not _LAPSE_RE.search(compact(query)) or bool(_PAYING_RE.search(compact(text)))


def _says(word: str, said: str) -> bool:
    """`said` holds the word's last two characters, its last three with a character or two left out between them
    (people shorten names: 保安证 for 保安员证), or a formal term of the colloquial word ending it (社保卡 ->
    社会保障卡)."""
    table = synonym_table()
    return (
        word[-2:] in said
        or _shortened(word[-3:], said)
        # a licence said as the permit granting it ("无线电频率使用许可证" and 无线电频率使用许可（遗失补办）)
        or bool(len(word) >= 5 and word.endswith("许可证") and word[-5:-1] in said)
        # a certificate said with its kind between ("管理人员证" and 管理人员从业资格证书)
        or bool(
            len(word) >= 4
            and word[-1] in "证卡"
            and re.search(f"{re.escape(word[-3:-1])}.{{0,6}}{word[-1]}", said)
        )
        or any(term in said for key in table if word.endswith(key) for term in table[key])
    )


def _shortened(word: str, said: str) -> bool:
    """`said` holds the three characters of `word` in order, at most two others between them in all."""
    if len(word) < 3 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return False
    a, b, c = word
    return bool(re.search(f"{a}.{{0,2}}{b}{c}|{a}{b}.{{0,2}}{c}|{a}.{b}.{c}", said))


_CERTIFICATE_END_RE = re.compile(r"([\u4e00-\u9fff]{2})[证卡]$")
# a certificate named by a generic kind ("…许可证", "…资格证") and the two characters saying which one
_GENERIC_CERTIFICATE_RE = re.compile(r"([\u4e00-\u9fff]{2})(?:许可|资格|执业|合格)证$")
_BARE_CERTIFICATE_RE = re.compile(r"(许可|资格|执业|合格)证")
# a verb before 证 says what is done with a paper (持证, 领证), not which one
_HOLDING_VERBS = frozenset("持领拿办发")


def certificate_unnamed(subject: str, name: str, question: str) -> str | None:
    """The certificate a question names by its last word ("退役军人优待证"), when the guide's name says neither the
    two characters before its 证 / 卡 (as a certificate's: "残疾人证" says 残疾证) nor a formal term of it
    (机动车驾驶证持军警驾驶证申领(退役军人…) is no 优待证); None when the subject ends in no certificate, the word is not the question's own (the subject of "小孩出生后
    要办哪些证" ends in 生后证 only once 要办哪些 is left out) or the name says it."""
    s = compact(subject)
    m = _CERTIFICATE_END_RE.search(s)
    if m is None or _loose(s) or m.group(0) not in compact(question):
        return None
    if m.group(1)[-1] in _HOLDING_VERBS:
        return None  # "是不是都必须持证" holds a paper, it names none
    said = compact(name)
    # a bare kind of paper ("许可证快到期了") says only what kind it is: 实验动物使用许可 is one
    bare = _BARE_CERTIFICATE_RE.fullmatch(s)
    if bare is not None:
        return None if bare.group(1) in said else s
    kind = _GENERIC_CERTIFICATE_RE.search(s)
    if kind is not None:
        # "食品经营许可证": 许可 says what kind of paper, 经营 which one (食品相关产品生产许可证 is no 经营许可证; 食品经营
        # 许可 grants it)
        return None if kind.group(1) in said else s
    # the two characters said of a certificate, not of anything ("健康证" and 人口、卫生、健康资讯); a permit's name
    # grants its certificate ("取水证" and 延续取水许可)
    carded = re.search(rf"{re.escape(m.group(1))}.{{0,3}}(?:[证卡照]|许可)", said)
    # (the whole word for its formal term: "爆破员证" -> 爆破作业人员许可)
    return None if carded or _says(s, said) else s


# what a refusal can name: the thing before a loss, an expiry or a later step, or a problem told of it
_LACK_TRIGGER_RE = re.compile(r"(?P<lost>丢(?!空|荒|弃)|不见了|遗失|掉了|找不到了)|(?P<expired>过期|到期)")
_LACK_STEP_RE = re.compile(
    r"(?P<step>注销|变更|延续|延期|续期|续签|迁出|迁入|补领|补办|换领|换证|激活)|(?P<moved_in>迁到|迁来|迁回|迁过来)"
)
# (and when it happened: "资格后来被注销了" names 资格, not 资格后来)
_LACK_FILLER_RE = re.compile(
    r"(?:不小心|给|被|弄|搞|的|了|也|都|又|要|想|去|办理|办|怎么|如何|快|就|即将|马上|已经|刚"
    r"|后来|之后|以前|之前|早就|早已|先前|去年|今年|上个月|前几天)+$"
)
_OWNER_RE = re.compile(r".*(?:我|你|他|她|家里|孩子|小孩|老人|老婆|老公|爸|妈|[，,。？?！!\s])的?")
_STEP_SAID = {"lost": "补办", "expired": "换领", "moved_in": "迁入"}
_OFFICE_END_RE = re.compile(r"(?:[局厅]|委员会|服务中心|窗口|大厅|政府|办事处|派出所|街道办?)$")


def _thing_before(q: str, start: int) -> str:
    """The thing a clause names before position `start` ("我从外省把户口迁到花都" -> "户口")."""
    clause = re.split(r"[，,。.？?！!\s]", _LACK_FILLER_RE.sub("", q[:start]))[-1]
    # the thing comes before whether one may ("身份证能不能在外地补办" -> "身份证")
    clause = re.split(r"能不能|可不可以|可唔可以|可以|能否|可否|是否|要不要|需不需要", clause)[0]
    # (and after a "but": "已经批了但工期要延期" is of 工期)
    clause = re.split(r"但是?|可是", clause)[-1]
    # (a measure word after its owner, as Cantonese says it: "我本护照之前唔见咗" is of 护照)
    clause = re.sub(r"(?<=[我你他她])(?:嗰|那|这|呢)?[张本部架只个](?!人)(?=[\u4e00-\u9fff]{2})", "", clause)
    # (a paper said with its measure word, as Cantonese does: "张规划许可证就快过期")
    thing = _tail(re.sub(r"^张(?=.{3})", "", _OWNER_RE.sub("", re.split(r"[的把将]", clause)[-1])))
    # an office says where, not what ("去广州司法局办注销": the thing is the matter asked of, not 司法局), and so does
    # a place ("在广州换领中国驾驶证": the thing follows the step)
    return "" if _OFFICE_END_RE.search(thing) or _WHERE_RE.match(thing) else thing


_WHERE_RE = re.compile(r"(?:在|喺|去|到|于)[\u4e00-\u9fff]{1,6}$")


# a time only ("现在", "下个月"): when something happens, no thing
_WHEN_ONLY_RE = re.compile(
    r"(?:现在|而家|今年|明年|去年|最近|已经|马上|快要?|就要|就快|下个?月|上个?月|年底|月底|今天|明天|刚刚?|早就"
    # (or the time of the step, as Cantonese says it, or a hedge: "去报变更嗰阵使唔使交…", "申请变更大概要几日")
    r"|那阵|嗰阵|那时候?|的?时候|大概|大约|一般|通常|大致)+"
)


# a period said as the thing a step is done to ("工期", "期限"): the step itself is asked
_PERIOD_THING_RE = re.compile(r"工期|期限|有效期|时间|日期|期")


def _loose(thing: str) -> bool:
    """Too loose to name a thing, or a number (an ID or phone number is not echoed back in a refusal), or only
    when it happens ("现在到期要送省里再审" names no thing "现在")."""
    return (
        len(thing) < 2
        or bool(re.search(r"什么|怎么|哪|吗|谁|几|多久|多少|申请|\d{3}", thing))
        or bool(_WHEN_ONLY_RE.fullmatch(thing))
        # (a period lengthened is the step itself: "工期要延期" asks the permit's 延期)
        or bool(_PERIOD_THING_RE.fullmatch(thing))
    )


def step_said(query: str) -> str | None:
    """The later step a message asks, as a service would name it, whatever thing it is of ("丢了怎么办" -> "补办",
    "过期了" -> "换领", "要注销" -> "注销")."""
    q = _steps_read(compact(query))
    step = _LACK_STEP_RE.search(q)
    if step is not None:
        return step.group("step") or _STEP_SAID["moved_in"]
    lack = _LACK_TRIGGER_RE.search(q)
    return _STEP_SAID[lack.lastgroup or "lost"] if lack is not None else None


def step_thing(query: str) -> tuple[str, str] | None:
    """The thing a loss, an expiry or a later step is asked of, and that step as a service would name it
    ("驾驶证丢了怎么办" -> ("驾驶证", "补办"), "注销营业执照要什么材料" -> ("营业执照", "注销")), or None when the
    question says it too loosely to tell."""
    q = _steps_read(compact(query))
    matches = [m for m in (_LACK_STEP_RE.search(q), _LACK_TRIGGER_RE.search(q)) if m is not None]
    if not matches:
        return None
    m = min(matches, key=lambda x: x.start())  # the thing precedes the first of them
    step = _LACK_STEP_RE.search(q)  # a step said outright names the service ("快到期了…申请延续")
    kind = m.lastgroup or "step"
    thing = _thing_before(q, m.start())
    if kind in ("step", "moved_in") and len(thing) < 2:  # "注销营业执照要什么": the thing follows the step
        # (not the words asking about it: "变更要等多久")
        after = re.match(
            r"(?!要|需|得|等|怎|几)[^，。,.？?！!\s]{2,6}?(?=要|需|怎|如何|在哪|去哪|多久|可以|能|吗|[？?]|$)",
            q[m.end() :],
        )
        thing = after.group(0) if after else ""
    if _loose(thing) or (kind == "expired" and _PAPER_OF_STEP_RE.search(thing)):
        # (nor is a contract's term running out a card to renew: "合同仲有半年先到期，业主…要收返间屋")
        return None
    return thing, step.group("step") or _STEP_SAID["moved_in"] if step else _STEP_SAID[kind]


def lacking_matter(query: str) -> str | None:
    """The matter a refusal names when no guide serves it ("驾驶证丢了怎么办" -> "驾驶证补办", "营业执照怎么注销" ->
    "营业执照注销", "社保卡密码忘了怎么办" -> "社保卡密码"), or None when the question says it too loosely to name."""
    problem = problem_thing(query)
    if problem is not None:
        return None if _loose(problem) else problem
    found = step_thing(query)
    return "".join(found) if found else None


def names_step_holder(query: str, name: str) -> bool:
    """The question says whole what the guide's name is a step of ("我不再做基层法律服务工作者了，要把执业证注销" and
    基层法律服务工作者注销): the certificate it names is that one's, though the name does not say it."""
    holder = _LACK_STEP_RE.sub("", _ENDING_NAME_RE.sub("", compact(name)))
    return len(holder) >= 4 and holder in compact(query)


# a step said of the paper that does it ("交双方新签的续期协议"): what comes before is no thing it is done to
_PAPER_OF_STEP_RE = re.compile(r"协议|合同|申请表|申请书")


def names_step_thing(query: str, name: str) -> bool:
    """A guide's name says a thing whose later step the question asks ("营业执照怎么注销": not 律师执业证书注销审核;
    "把户口迁到花都，残疾证也要迁过来": 残疾人证迁入 says the second), by its last two characters or a formal term of
    the word ending it. True when no such thing is asked."""
    q = _steps_read(compact(query))
    things = [
        _thing_before(q, m.start())
        for rx in (_LACK_STEP_RE, _LACK_TRIGGER_RE)
        for m in rx.finditer(q)
        if not _PAPER_OF_STEP_RE.match(q, m.end())
    ]
    things = [t for t in things if not _loose(t)]
    first = step_thing(query)
    if first is not None:
        things.append(first[0])
    if not things:
        return True
    said = compact(name)
    return any(_says(t, said) for t in things)
