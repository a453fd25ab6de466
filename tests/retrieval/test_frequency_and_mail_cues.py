"""How often one may do something is its own aspect, not a number of trips; how long a benefit is paid is an
amount (and "多久能领到" still a time); sending a card by post is the online/mail aspect; a document asked with a
bare 要 is a material; whether a household registration is required is a condition; who must be there, trips."""

from __future__ import annotations

import pytest

from retrieval.aspects import Aspect, article_aspects, detect_aspects


@pytest.mark.parametrize(
    ("text", "aspects"),
    [
        ("公积金一年可以取几次", [Aspect.FREQUENCY]),
        ("多久可以提取一次", [Aspect.FREQUENCY]),  # not the office's time limit
        ("每年可以申请几次", [Aspect.FREQUENCY]),  # not whether one may apply
        ("社保卡一年可以补几次", [Aspect.FREQUENCY]),
        ("一年可以拿几次", [Aspect.FREQUENCY]),  # "一年可以攞几次", read
        ("要跑几次", [Aspect.VISITS]),  # trips stay trips
        ("屋企人多久可以去探一次", [Aspect.FREQUENCY]),  # "几耐可以去探一次": any verb before 一次
        ("网上在哪里报名", [Aspect.ONLINE]),  # the place asked is on the web
        ("在哪个网站上申请", [Aspect.ONLINE]),
        ("在哪里可以网上办", [Aspect.LOCATION, Aspect.ONLINE]),  # an office or the web: both
        ("想网上续借，在哪里搞", [Aspect.ONLINE]),  # past the thing done on the web
        ("网上预约之后去哪里办", [Aspect.LOCATION, Aspect.ONLINE]),  # where one goes after booking: an office
        ("考区在哪个网报名", [Aspect.ONLINE]),  # a site
        ("哪个网点可以取号", []),  # an outlet is no site
        ("对招人数量有要求吗", [Aspect.CONDITIONS]),
        ("报规划许可证要交什么鉴定文件", [Aspect.MATERIALS]),  # a kind of paper between 什么 and 文件
        ("需要出什么验资方面的报告", [Aspect.MATERIALS]),
        ("要交什么费用", [Aspect.FEES]),  # a fee is no paper
        ("有没有要求", [Aspect.CONDITIONS]),
        ("失业金能领多久", [Aspect.AMOUNT]),  # how long it is paid
        ("低保能领多长时间", [Aspect.AMOUNT]),
        ("多久能领到补贴", [Aspect.TIME]),  # when it is granted
        ("居住证办好了可以寄过来吗", [Aspect.ONLINE]),
        ("可唔可以寄返嚟", [Aspect.ONLINE]),
        ("可以寄吗", [Aspect.ONLINE]),  # whether it can be posted at all
        ("寄唔寄得", [Aspect.ONLINE]),
        ("我要寄信", []),  # sending something oneself
        ("要结婚证吗", [Aspect.MATERIALS]),
        ("还要租房合同吗", [Aspect.MATERIALS]),
        ("我要结婚证", []),  # a wish, not a question about papers
        ("要办结婚证吗", []),  # the certificate applied for
        ("领养老金每年要做认证，可唔可以喺网上认证", []),  # a step, not a paper
        ("灵活就业参保要本地户口吗", [Aspect.CONDITIONS]),  # a household registration required
        ("一定要广州户籍吗", [Aspect.CONDITIONS]),
        ("要去上户口吗", []),  # registering a birth, no requirement
        ("小孩办护照要父母都到场吗", [Aspect.VISITS]),
        ("本人要去吗", [Aspect.VISITS]),  # who must go, asked yes/no
        ("要父母一齐去吗", [Aspect.VISITS]),
        ("要去哪里办", [Aspect.LOCATION]),  # where, not who
        ("原来那本旧证需要一起交上去吗", [Aspect.MATERIALS]),  # the old card handed in too
        ("界址图要找谁出", [Aspect.MATERIALS]),  # who issues a paper: the list says
        ("推荐函要哪个机构出", [Aspect.MATERIALS]),
        ("体检或健康证明有什么要求", [Aspect.MATERIALS]),  # what the paper must be like
        ("申请人有什么要求", [Aspect.CONDITIONS]),  # a person's requirements stay conditions
        ("网上有查询的地方吗", [Aspect.ONLINE]),
        ("满分教育的计划在哪里看到", [Aspect.ONLINE]),  # a published list is seen on the web
        ("标准地图官方哪里可以下载", [Aspect.ONLINE]),
        ("以前身份证号码前后不一样，能合并吗", []),  # a card's number is no paper, nor a phone number
        ("咨询号码多少", [Aspect.PHONE]),
    ],
)
def test_cues(text: str, aspects: list[Aspect]) -> None:
    assert detect_aspects(text) == aspects


def test_how_long_a_benefit_is_paid_is_answered_by_the_article_stating_the_period() -> None:
    # test data in the shape of 广东省失业保险条例 第十七条 / 第十九条
    period = "失业人员缴费时间一至四年的，每满一年，失业保险金领取期限为一个月。"
    sum_paid = "失业保险金按照最低工资标准的百分之九十按月计发。"
    asked = "失业金能领几个月"
    assert Aspect.AMOUNT in article_aspects(period, asked)
    assert Aspect.AMOUNT not in article_aspects(sum_paid, asked)
    # the sum still answers a question on the sum
    assert Aspect.AMOUNT in article_aspects(sum_paid, "失业金一个月能领多少")
    assert Aspect.AMOUNT not in article_aspects(period)


def test_an_advance_notice_is_a_period_an_article_states() -> None:
    """ "要提前多久通知物业公司" is answered by the article stating the notice ("应当提前三个月书面通知对方")."""
    notice = "物业服务合同一方要求提前终止物业服务合同的，应当提前三个月书面通知对方。"
    assert Aspect.TIME in article_aspects(notice)
    assert Aspect.TIME not in article_aspects("业主可以提前终止物业服务合同。")  # no period stated
