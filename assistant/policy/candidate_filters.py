"""Candidates that are about another matter than the one asked, and choices that are no real choice (pure
functions over the Answerer's candidates; the Answerer and the guide choice apply them)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.nlg.passage_answer import asked_thing
from assistant.nlu.groups import FOREIGN_CAPITAL_ASKED
from assistant.nlu.text import compact
from assistant.policy.evidence import NAMED_TOLD, Candidate, name_cover, name_told
from assistant.policy.linking import asks_auxiliary, asks_notary, is_auxiliary, is_notary, names_aux_matter
from assistant.policy.name_words import (
    certificate_unnamed,
    problem_thing,
    tells_problem_thing,
    without_offices,
)
from retrieval.tokenize import names_a_false_friend

# a choice between guides none of which names more than this much of the question (name_cover) nor has this much of
# its name told by it (name_told) is no choice ("小孩读小学要什么材料" and 中小学地方课程教材初审 / 复查 / 审定)
UNNAMED_COVER = 0.5
UNNAMED_TOLD = 0.3
# words of applying or wishing, said of any service
_ACTING_RE = re.compile(r"申请|申领|申办|办理|想要|想")


def about_the_matter(t: str, cands: list[Candidate], text_of: Callable[[Candidate], str]) -> list[Candidate]:
    """Candidates whose name does not hold the question's word only inside a word of another meaning ("小孩几岁可以
    办身份证" and 中国税收居民身份证明的开具), and whose texts (`text_of`) say the thing a problem is told of ("社保卡
    密码忘了怎么办" and 社会保障卡补换, which never mentions a password)."""
    problem = problem_thing(t) is not None  # the guides' texts are joined only for such a question
    return [
        c
        for c in cands
        if not names_a_false_friend(t, c.guide.name) and (not problem or tells_problem_thing(t, text_of(c)))
    ]


# the exam told as behind the person ("考到了二级注册计量师", "考试通过了"), and a guide for signing up to one
_EXAM_DONE_RE = re.compile(
    r"考(?:到|过|完|取|出)了?|(?:通过|过)了?[^，。？?]{0,12}考试|考试(?:已经)?(?:通过|合格)了?"
    # (or the title it grants held: "我系注册监理工程师")
    r"|(?:我|本人)(?:是|系)(?:一名|一个|个)?注册[\u4e00-\u9fff]{1,6}师"
    # (or the title got by it: "我考咗一级注册计量师，想…办注册")
    r"|考了(?=[^，。？?没未不]{1,10}师(?:[，。？?,]|$))"
)
_EXAM_GUIDE_RE = re.compile(r"考试|报考|报名")
# what an exam passed leaves (its result, its certificate): still asked after it ("教师资格考试合格证明…去哪查")
_EXAM_RESULT_RE = re.compile(r"考试(?:合格|成绩)|成绩(?:查询|复核)|合格证")


def exam_passed(t: str) -> bool:
    """The question tells an exam as behind the person and asks about no other exam after it ("…要等几耐先可以考B类")."""
    q = compact(t)
    done = _EXAM_DONE_RE.search(q)
    return done is not None and "考" not in q[done.end() :]


def for_an_exam(c: Candidate) -> bool:
    """The candidate's guide is about signing up to (or sitting) an exam, not about its result."""
    return bool(_EXAM_GUIDE_RE.search(c.guide.name)) and not _EXAM_RESULT_RE.search(c.guide.name)


def past_the_exam(t: str, cands: list[Candidate]) -> list[Candidate]:
    """Without the guides for an exam the question tells as passed ("考到了二级注册计量师，要在广东办注册": the
    registration, not 注册计量师考试报名), unless no other candidate is left."""
    if not exam_passed(t):
        return cands
    return [c for c in cands if not for_an_exam(c)] or cands


# a first review told as done ("市里已经初审过咗", "初审完发落嚟嘅通知"), the later one being asked
_REVIEW_DONE_RE = re.compile(
    r"(?P<step>初审|预审|初检|初评)(?:过|完|通过|合格)|(?:已经|已)(?:通过)?(?P<step2>初审|预审|初检|初评)"
)


def past_the_review(t: str, cands: list[Candidate]) -> list[Candidate]:
    """Without the guides for a first review the question tells as done (中小学地方课程教材初审 for "…市里已经初审过，
    而家送去省里正式审定"), unless no other candidate is left."""
    q = compact(t)
    done = {m.group("step") or m.group("step2") for m in _REVIEW_DONE_RE.finditer(q)}
    if not done:
        return cands
    return [c for c in cands if not any(step in c.guide.name for step in done)] or cands


# a grade of a qualification or a firm ("一级注册结构工程师", "乙级资质")
_GRADE_RE = re.compile(r"[一二三四五][级級]|[甲乙丙][级級]")


def of_the_grade(t: str, cands: list[Candidate]) -> list[Candidate]:
    """Without the guides for another grade than the one the question says (二级注册结构工程师…注销注册 for "我是
    一级注册结构工程师，现在要注销注册"), unless no other candidate is left; a name saying no grade stays."""
    said = set(_GRADE_RE.findall(compact(t)))
    if not said:
        return cands

    def fits(name: str) -> bool:
        grades = set(_GRADE_RE.findall(name))
        return not grades or bool(grades & said)

    return [c for c in cands if fits(c.guide.name)] or cands


def of_the_capital(t: str, cands: list[Candidate]) -> list[Candidate]:
    """Without the guides for domestic-capital firms (内资股份有限公司设立登记) when the question says the firm's
    capital is foreign (in the words that ask the 外商投资 variants, nlu.groups), unless no other candidate is left."""
    if not FOREIGN_CAPITAL_ASKED.search(compact(t)):
        return cands
    return [c for c in cands if "内资" not in c.guide.name] or cands


def pair_text(c: Candidate) -> str:
    """The candidate's guide name and, when its evidence is an official pair, that pair's question and answer."""
    if c.best is None or c.best.passage.field != "faq":
        return c.guide.name
    pair = c.guide.faqs[int(c.best.passage.key)]
    return f"{c.guide.name} {pair.question} {pair.answer}"


def main_services(t: str, cands: Sequence[Candidate]) -> list[Candidate]:
    """The candidates that are neither a notary's guide nor a supporting service (查询 / 预约), unless the question
    asks for one ("个体户执照要几耐先攞到": not 证书（执照）公证指引 nor 个体户资质查询)."""
    plain = [c.guide.name for c in cands if not is_auxiliary(c.guide.name)]

    def side(name: str) -> bool:
        # (one looking up a matter none of the others names is that matter's service: "想打电话问问省里买农机的补贴
        # 政策" and 农机购置补贴政策信息查询 beside 家电以旧换新…补贴申请)
        return (
            is_auxiliary(name)
            and not asks_auxiliary(t)
            and not (plain and all(names_aux_matter(t, name, p) for p in plain))
        )

    return [
        c for c in cands if not (is_notary(c.guide.name) and not asks_notary(t)) and not side(c.guide.name)
    ]


def without_side_services(t: str, cands: list[Candidate]) -> tuple[list[Candidate], Candidate | None]:
    """The choice left when a notary's guide or a supporting service is among the first three (main_services),
    and the one main service that answers when it is the only one left and the question tells most of its name
    ("小朋友打完疫苗有异常反应，申请补偿…": 预防接种异常反应补偿). One left that is not told is no choice either
    ("房产证加名字怎么办" and 不动产物权公证指引 / 房地产估价师考试报名)."""
    top = cands[:3]
    main = main_services(t, top)
    if not main or len(main) == len(top):
        return cands, None
    if len(main) == 1 and name_told(t, main[0].guide) >= NAMED_TOLD:
        return main, main[0]
    return main, None


def none_say_certificate(t: str, subject: str, cands: Sequence[Candidate]) -> bool:
    """The question asks a certificate by name and none of the candidates' names says it ("健康证要多少钱" and
    人口、卫生、健康资讯). A document asked about as a paper to bring is no certificate applied for ("…换地方驾照，要不要
    带退伍证"): the subject is read without it."""
    thing = asked_thing(t)
    if thing and compact(subject).endswith(thing):
        subject = compact(subject)[: -len(thing)]
    return bool(cands) and all(certificate_unnamed(subject, c.guide.name, t) for c in cands)


def name_little(t: str, subject: str, cands: Sequence[Candidate]) -> bool:
    """None of the candidates names more than half of what the question names, nor is a third of its name told.
    Words of applying name no matter: "老人高龄津贴怎么申请" tells nothing of 残疾人两项补贴申请 by its 申请."""
    # (nor does the office asked: "鱼苗做检疫，省农业农村厅承诺几个工作日" and 广东省农业农村厅“一村一品”…查询)
    said, asked = (_ACTING_RE.sub("", without_offices(x)) for x in (subject or t, t))
    # (nor does one offered say the certificate asked by name)
    return all(
        name_cover(said or subject or t, c.guide, formal=True) <= UNNAMED_COVER
        and name_told(asked, c.guide) < UNNAMED_TOLD
        for c in cands
    ) or none_say_certificate(t, subject, cands)
