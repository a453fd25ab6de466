"""Groups of applicants with rules or services of their own (外国人, 港澳台居民, 华侨, 军人), and the words by which
a question says the person is one of them. A question that names no group comes from an ordinary resident of
the mainland (pure)."""

from __future__ import annotations

import re

from assistant.nlu.text import compact

# how a guide names 港澳台 residents as applicants
_HMT_NAME = re.compile(
    r"港澳台|港澳居民|台湾居民|香港居民|澳门居民|^(?:外国、)?香港、澳门|港澳中?医师|特别行政区居民"
)

# how a question says a firm's capital is foreign ("注册一家外资的有限公司", "港资企业", "老外想开公司")
FOREIGN_CAPITAL_ASKED = re.compile(r"外商|外资|外国|外籍|境外|港资|澳资|台资|侨资|合资|老外")

# (how a guide or an article names the group, how a question says the person belongs to it)
GROUPS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"外国人|外籍|境外人员|持境外"),
        re.compile(
            r"外国|外籍|老外|境外|国外|海外|出国|(?<![中本全我])国(?:人|籍|朋友)|(?<!另)外交|使馆|领馆"
        ),
    ),
    # the person (or one they speak for) foreign, not a licence or a degree got abroad ("我在外国考了大货车牌，回来
    # 广州想换国内驾驶证" is asked by a mainland resident: 大陆居民持境外…驾驶证申领)
    (
        re.compile(r"外国人|外国公民|外籍|境外人员"),
        re.compile(
            r"外国人|外籍|老外|洋人|(?<!中)国籍|国际组织|外企|外资|"
            r"外国(?:朋友|公民|客户|同事|员工|专家|游客|学生|老婆|老公|太太|丈夫|妻子|组织|机构|公司|企业|政府|媒体|记者)"
            # (a person by the ending of what they are: 学者, 投资者, 人士, 客商; a party of them: 考察团, 代表团)
            r"|外国[\u4e00-\u9fff]{1,2}?(?:者|士|商|团)|外国友人"
            # (a body of a kind: 外国学术机构, 外国新闻机构, 外国商会)
            r"|外国[\u4e00-\u9fff]{1,4}?(?:机构|组织|公司|企业|商会|协会|大学|学校|政府)"
            r"|(?<![中本外全我])国(?:人|朋友|公民|客户|同事|员工|专家|游客|学生|老婆|老公|太太|丈夫|妻子)"
        ),
    ),
    (re.compile(r"外交人员|外交官"), re.compile(r"(?<!另)外交|使馆|领馆|领事")),
    # applicants from Hong Kong / Macau themselves ("香港、澳门律师事务所…", "港澳医师…"), not mainland residents
    # travelling there (往来港澳通行证)
    (
        _HMT_NAME,
        # (not 澳洲, 平台, 台州, 港口: the places and the people themselves)
        re.compile(r"香港|澳门|台湾|港澳|台胞|港人|澳人|台人|港籍|澳籍|台籍|港胞|澳胞|回乡证"),
    ),
    (re.compile(r"华侨"), re.compile(r"侨|华人")),
    # foreign-invested firms ("公司注册要多少钱" is not asked of 非公司外商投资企业设立登记)
    (re.compile(r"外商投资|外资"), FOREIGN_CAPITAL_ASKED),
    (re.compile(r"现役军人|退役军人|军队|军警"), re.compile(r"军|部队|兵|退伍|退役|士官|武警")),
    # not a group of people but an event with services of its own: the survivors of one who died
    # ("养老保险交了十年可以领吗" is not asked of 企业职工养老保险死亡待遇申领)
    (
        re.compile(r"死亡|丧葬|遗属|抚恤"),
        re.compile(r"死|去世|过世|逝世|身故|离世|走咗|丧|遗属|抚恤|殡|白事"),
    ),
)


def for_unasked_group(text: str, question: str) -> bool:
    """`text` (a guide's name, an article paragraph's opening) is for a group the question does not name."""
    q = compact(question)
    return any(name.search(text) and not asked.search(q) for name, asked in GROUPS)


_SAYS_RESIDENT = re.compile(
    r"(?:我|本人)(?:是|系|係)(?:个|一个|一名)?(?:香港|澳门|台湾|港澳|港|澳|台)(?:永久性?)?(?:人|居民|同胞)"
)


def for_named_residents(text: str, question: str) -> bool:
    """`text` (a guide's name) is for 港澳台 residents and the person says they are one ("我是台湾人"), not someone
    they know nor a place they go."""
    return bool(_HMT_NAME.search(text)) and bool(_SAYS_RESIDENT.search(compact(question)))


def names_a_group(question: str) -> bool:
    """The question says the person belongs to one of the groups ("我是香港居民", "老外")."""
    q = compact(question)
    return any(asked.search(q) for _, asked in GROUPS)
