"""One's situation told in everyday words ("我老婆没工作，我一个月三千，两个小孩"), read as the words a guide's
conditions use for it (收入, 家庭, 就业), and whether a message only tells it, asking nothing (pure functions)."""

from __future__ import annotations

import re

from assistant.nlu.residue import residue
from assistant.nlu.text import compact
from knowledge.schema import ServiceGuide
from retrieval.passages import content_bigrams
from retrieval.tokenize import expand_synonyms, synonym_table

_NUMBER = r"[\d〇零一二两三四五六七八九十百千万]+"
# everyday wording -> the terms conditions use for it
_TOLD: tuple[tuple[re.Pattern[str], str], ...] = (
    # an amount earned a month ("一个月三千", "工资两千几", "月入3000")
    (re.compile(rf"(?:一个月|每个月|每月|月入|月薪|工资|收入|人工)[^，,。？?]{{0,4}}?{_NUMBER}"), "收入"),
    # the people of one's household ("两个小孩", "我老婆", "三口人")
    (
        re.compile(
            rf"老婆|老公|爱人|丈夫|妻子|小孩|孩子|儿子|女儿|个仔|个女|父母|老人|{_NUMBER}口人|一家|"
            r"妈妈|爸爸|母亲|父亲|奶奶|爷爷|外婆|外公|我[妈爸]"
        ),
        "家庭",
    ),
    # one's spouse, whom conditions and materials call 配偶 ("我老婆可以一起取吗": 配偶共同提取的)
    (re.compile(r"老婆|老公|爱人|丈夫|妻子|太太|媳妇|老婆仔"), "配偶"),
    # where one's household is registered or where one is from ("外地户口", "农村户口", "我是外地人", "爸爸是香港人")
    (
        re.compile(
            r"(?:外地|本地|外省|外市|非本地|农村|城镇|城市|香港|澳门|台湾|港澳台?|外国|外籍)(?:户口|户籍|人|居民|籍)|户口在"
        ),
        "户籍",
    ),
    # no work ("没工作", "冇工开")
    (re.compile(r"(?:没|冇|没有|无)(?:工作|工开|收入)|失业|下岗|无业"), "就业"),
)
# anything asked: a question mark or particle, a question word, an A-not-A question
_ASKING_RE = re.compile(
    r"[?？吗呢么嘛]|怎|什么|啥|哪|几|多少|咩|点样|点算|乜|边度|边个|是不是|有没有|有冇|要不要|使唔使|"
    r"能不能|可不可以|可唔可以|得唔得|系唔系|[能可会要]否"
)

# whether one may do it ("可以…吗", "能不能…", "得唔得")
MAY_RE = re.compile(
    r"(?:可以|能|可不可以|能不能|能否|可否|可唔可以|得唔得|行不行|得不得)[^？?，,。]{0,20}(?:吗|么|嘛|[?？]?$)"
    # (or whether one's case is covered: "红珊瑚算不算在里面", "深圳的企业适不适用")
    r"|(?:算不算|属不属于|属唔属于|适不适用|适唔适用|符不符合|够不够条件)[^？?，,。]{0,8}(?:[?？]|$)"
)


def asks_may(t: str) -> bool:
    """The message asks whether one may do something ("…可以上在妈妈这边吗")."""
    return bool(MAY_RE.search(compact(t)))


def situation_terms(t: str) -> set[str]:
    """The conditions' terms for what the message tells of one's situation."""
    c = compact(t)
    return {term for pattern, term in _TOLD if pattern.search(c)}


def names_only_situation(t: str) -> bool:
    """Besides one's situation the message names nothing ("我系外地户口得唔得"): no service of its own."""
    c = compact(t)
    for pattern, _ in _TOLD:
        c = pattern.sub("", c)
    return bool(situation_terms(t)) and len(residue(c)) < 2


def only_tells(t: str) -> bool:
    """The message tells something and asks nothing ("我一个月三千，两个小孩")."""
    return not _ASKING_RE.search(compact(t))


def tells_situation(t: str, guide: ServiceGuide) -> bool:
    """The message's words besides the guide's name, their formal terms ("户口" -> 户籍) and the terms of the
    situation it tells ("一个月三千" -> 收入) included, are about the guide's conditions."""
    if not guide.conditions:
        return False
    said = residue(t)
    words = content_bigrams(said) | content_bigrams(" ".join(expand_synonyms(said, synonym_table())))
    words |= {w for term in situation_terms(t) for w in content_bigrams(term)}
    return bool((words - content_bigrams(guide.name)) & content_bigrams(guide.conditions))
