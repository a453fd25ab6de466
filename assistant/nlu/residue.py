"""What is left of a message without its aspect words and filler (a service's name, if any): tells a follow-up on
the service in focus ("要去哪里登记") from a question naming a service of its own (pure)."""

from __future__ import annotations

import re

from assistant.nlu.text import compact
from retrieval.aspects import LACKING, OTHERS

# Words removed to see whether a question names a service of its own or follows up on the current one.
_FILLER_RE = re.compile(
    r"需不需要|需不需|要不要|用不用|可不可以|能不能|"
    r"那么|那|这个|这|它|该|要|需要|请问|想问|问一下|一下|我|的|了|吗|呢|啊|呀|吧|可以|能|是|有|没有|办|办理|去|带|"
    r"怎么|如何|什么|哪些|多少|几|呢|还|也|都|就|得|在|和|与|及|或|先|再|下来|[?？!！,，。.、\s]"
)
_ASPECT_WORDS_RE = re.compile(
    r"材料|资料|证件|准备|提交|多久|多长时间|几天|时限|时间|地点|在哪|哪里|地址|电话|联系方式|热线|条件|资格|符合|"
    r"费用|收费|多少钱|要钱|给钱|交钱|花钱|钱|免费|"
    # how often one pays or gets it ("每个月交多少" follows up on the service in focus)
    r"每(?:个)?月|一个月|每年|一年|按月|按年|每季度?|流程|步骤|程序|手续|跑几次|几次|网上|网办|线上|网址|链接|入口|网站|依据|部门|窗口|预约|快递|邮寄|寄到|寄回|寄给|寄|家里|号码|"
    # whether it will do ("外地户口行不行")
    r"行不行|行吗|得不得|好不好|"
    # who goes ("可以叫家人去办吗" follows up on the service in focus)
    r"代办|委托|叫人|找人|请人|托人|别人|他人|家里人|家人|家属|亲属|亲戚|朋友|子女|儿子|女儿|老婆|老公|爱人|爸妈|本人|亲自|"
    # (the one sent: "叫子女…", not the 让 of 转让)
    rf"帮我|替我|帮忙|[叫让](?=人|{OTHERS})|"
    # ... and why one cannot go oneself ("我不识字", "没时间")
    r"(?:不|唔)识字|(?:没|冇)(?:时间|空)|走不开|行动不便|腿脚不便|"
    # going in another's place oneself ("可不可以我帮他去办")
    r"[帮替代](?:她|他)|"
    # a paper lacked or the landlord will not give ("房东不肯给合同怎么办" follows up on the service in focus)
    rf"房东|业主|{LACKING}"
)


def residue(t: str) -> str:
    """What is left of a message without aspect and filler words (a service name, if any)."""
    return _FILLER_RE.sub("", _ASPECT_WORDS_RE.sub("", compact(t)))
