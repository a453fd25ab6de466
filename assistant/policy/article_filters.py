"""Which law articles are about another matter than the one asked, though they share its words (pure
functions; best_article applies them to its candidates)."""

from __future__ import annotations

import re

from assistant.nlu.text import compact
from assistant.policy.name_words import synonym_table
from retrieval.passages import content_bigrams

# the certificate a question asks to get ("办结婚证要带什么", "领个居住证"), not one it replaces or renews
_APPLIED_RE = re.compile(
    r"(?<![补换])(?:办|领|申领|申办|拿|考)(?:个|张|本|一个|一张|一本)?(?P<cert>[\u4e00-\u9fff]{1,4}?证)"
)
# ... and the words of an article asking the person to bring or show a document ("(二)本人的结婚证", "持身份证")
_PAPER_CUE = r"(?:本人的|双方的|持|携带|出具|提交|提供|交回|凭)"


# a choice of what pays off for the person ("提前还房贷划算还是拿去理财划算", "哪个更值"): advice, which no article
# gives however close e5 reads one
_ADVICE_RE = re.compile(r"划算|合算|划不来|值不值得?|哪[个样种](?:比较|更)(?:好|值|赚|划算|合适)|更赚")


def asks_advice(question: str) -> bool:
    """The question asks which option pays off for the person."""
    return bool(_ADVICE_RE.search(compact(question)))


# the country's own rule asked ("国家对失业保险金的标准有什么规定"): a national law's article, before a province's
_NATIONAL_RE = re.compile(r"国家(?:对|有|的|规定|层面|法律|法规)")


def national_asked(question: str) -> bool:
    """The question asks what the state (the national law) rules."""
    return bool(_NATIONAL_RE.search(compact(question)))


# what a term covers asked ("这个培训费具体包括哪些", "工伤系指乜嘢")
_WHAT_IT_COVERS_RE = re.compile(r"(?:具体|到底|究竟)?(?:包括|包含|是指|系指)(?:哪些|什么|乜嘢|啲咩|咩|边啲)")


def term_defined(question: str) -> tuple[str, ...]:
    """The term whose meaning or scope the question asks, as its last 4, 3 and 2 characters before the asking words
    ("这个培训费具体包括哪些" -> 个培训费, 培训费, 训费); empty when it asks none."""
    q = compact(question)
    m = _WHAT_IT_COVERS_RE.search(q)
    if m is None:
        return ()
    before = re.search(r"[\u4e00-\u9fff]{2,4}$", q[: m.start()])
    word = before.group(0) if before else ""
    return tuple(word[-n:] for n in (4, 3, 2) if len(word) >= n)


def defines(text: str, terms: tuple[str, ...]) -> bool:
    """The article says what one of the terms covers ("…规定的培训费用，包括…")."""
    return any(re.search(rf"{re.escape(t)}[^。；;，,]{{0,2}}[，,]?(?:包括|是指|系指)", text) for t in terms)


def certificate_applied_for(question: str) -> str | None:
    """The certificate the question asks to get ("办结婚证要带什么" -> 结婚证), if it names one."""
    m = _APPLIED_RE.search(compact(question))
    return m.group("cert") if m else None


def lists_as_paper(text: str, certificate: str) -> bool:
    """The article names the certificate as a paper to bring for something else (婚姻登记条例第十一条's "(二)本人的
    结婚证" for a divorce answers no question on getting a 结婚证)."""
    return bool(re.search(rf"{_PAPER_CUE}[^。；;]{{0,6}}?{re.escape(certificate)}", text))


def procedure_named(question: str) -> str:
    """The question with the certificate it asks to get read as its formal term ("办结婚证要带什么" -> "办结婚登记要
    带什么"): statutes name the procedure. Unchanged when the synonym table has no row for it, or its name is
    formal itself (居住证: 居住登记 is another step, 身份证: 居民身份证 holds it)."""
    applied = certificate_applied_for(question)
    terms = synonym_table().get(applied, ()) if applied else ()
    if not applied or not terms or any(applied in term for term in terms):
        return question
    return compact(question).replace(applied, terms[0])


# a law's title around its subject: the place that made it, and the kind of text it is
_TITLE_PLACE_RE = re.compile(r"^(?:中华人民共和国|[\u4e00-\u9fff]{2,6}?(?:省|市|自治区|经济特区))+")
_TITLE_KIND_RE = re.compile(r"(?:实施)?(?:若干)?(?:条例|办法|规定|细则|决定|法)$")


def law_subject(title: str) -> str:
    """What a law is about, from its title ("广州市幼儿园条例" -> 幼儿园, "中华人民共和国居民身份证法" -> 居民身份证)."""
    return _TITLE_KIND_RE.sub("", _TITLE_PLACE_RE.sub("", compact(title)))


def subject_unsaid(question_words: set[str], title: str, text: str, *, whole_law: bool = False) -> bool:
    """The article names its law's subject and the question says none of its words ("…申请保护航标的奖励，审批要几天"
    is not answered by 广州市幼儿园条例's article on reporting a kindergarten, which shares 举报 and 工作日 only).
    `whole_law`: whether or not the article names it (another city's regulation for a question naming no place:
    "村委做农业普查…省统计局批落来要几耐" is not answered by 汕尾市农村建房条例's article on 村民委员会 and 20个工作日)."""
    subject = law_subject(title)
    if len(subject) < 2 or (not whole_law and subject not in compact(text)):
        return False
    return not (content_bigrams(subject) & question_words)
