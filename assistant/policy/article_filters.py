"""Which law articles are about another matter than the one asked, though they share its words (pure
functions; best_article applies them to its candidates)."""

from __future__ import annotations

import re

from assistant.nlu.text import compact
from assistant.policy.name_words import synonym_table

# the certificate a question asks to get ("办结婚证要带什么", "领个居住证"), not one it replaces or renews
_APPLIED_RE = re.compile(
    r"(?<![补换])(?:办|领|申领|申办|拿|考)(?:个|张|本|一个|一张|一本)?(?P<cert>[\u4e00-\u9fff]{1,4}?证)"
)
# ... and the words of an article asking the person to bring or show a document ("(二)本人的结婚证", "持身份证")
_PAPER_CUE = r"(?:本人的|双方的|持|携带|出具|提交|提供|交回|凭)"


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
