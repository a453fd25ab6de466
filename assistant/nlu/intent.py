"""Rule-based intent classification for colloquial Chinese (and a little English).

Each intent has weighted cues (substrings or regexes). The highest total wins when it clears a floor;
otherwise the result carries `signal=False` and the manager decides by retrieval confidence (no confident
match -> OUT_OF_SCOPE). Prompt-injection clauses are stripped first: they are just text and cannot steer
the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.nlu.deadline import asks_deadline
from assistant.nlu.text import normalize, strip_injection
from assistant.state import DialogueState, Intent
from retrieval.aspects import OTHERS, Aspect, detect_aspects

Cue = tuple[str, float]  # (regex, weight)

# complained about or reported by someone: the person asks about the consequences, not to complain
# ("养咗只危险犬俾人举报咗，会点样处罚")
_PASSIVE = r"(?<!被)(?<!被人)(?<!给人)(?<!俾人)(?<!畀人)(?<!遭人)(?<!让人)"

_COMPLAINT: list[Cue] = [
    (_PASSIVE + r"投诉(?!电话|方式|渠道|热线)", 4.0),
    (_PASSIVE + r"举报(?!电话|方式|渠道)", 4.0),
    (
        r"我要(?:提|给)?(?:个)?(?:建议|意见)|提(?:个|点|一些|几个)?(?:建议|意见)|意见反馈|反映(?:问题|情况)",
        4.0,
    ),
    (r"太(?:复杂|麻烦|慢)了?|办不下来|效率(?:太)?低", 1.0),
    (r"态度(?:差|不好|恶劣|很差|太差)|服务(?:差|太差|很差|不好)|(?:很|太|非常)不满意|差评", 3.0),
    (r"乱收费|吃拿卡要|刁难|推诿|踢皮球|不作为|索贿|受贿|拖着不办|故意拖", 3.0),
    (r"骂人|凶(?:我|人)|欺负|太过分|气死", 2.0),
]

# asking who may complain, whether one has the right to, what a complaint needs, or its reward
_ASKS_ABOUT_COMPLAINING = re.compile(
    r"(?:什么人|哪些人|谁)(?:才)?(?:可以|能|有权)?(?:投诉|举报)|有权(?:利)?.{0,12}(?:投诉|举报)|"
    r"(?:投诉|举报).{0,4}(?:条件|要求|材料|资料|流程|程序|时限|期限)|"
    # a reward for having reported ("查实后申请举报奖励", "举报有功奖励要几耐", "听说举报有功可以拿奖励")
    r"举报(?:有功|立功)?的?奖|举报有功[^。？?，,]{0,6}?奖|"
    # ("我举报了有人偷拆航标…听说可以申请保护航标的奖励", when the report is told: no complaint)
    r"(?:申请|领取?|拿|获得)[^。？?，,]{0,8}?奖(?:励|金)|"
    # whether a complaint may be made online ("工商联可以帮企业维权，能在网上投诉吗")
    r"(?:能|可以|可不可以|能不能|可唔可以)(?:在|再|喺)?(?:网上|线上|在线)(?:投诉|举报)|"
    # where to call, how long it takes, what happens to the one who reported ("想向环境厅投诉，电话是多少",
    # "投诉之后多久会有处理结果", "举报…我的个人信息会不会被保密")
    r"(?:投诉|举报)[^。？?]{0,24}?(?:电话|号码|热线)(?:是|系)?(?:多少|几多)|"
    # (a report has its own channels: "想举报省总工会里一个干部的违纪问题，应该打哪个电话"; a complaint's is 12345)
    r"举报[^。？?]{0,20}?(?:应该|要|可以)?(?:打|拨)(?:哪个|什么|边个|哪一个|乜嘢)(?:电话|号码|热线)|"
    r"(?:投诉|举报)(?:之后|以后|后|了)[^。？?]{0,10}?(?:多久|多长时间|几天|几个工作日|什么时候)|"
    # how long until a reply to a letter or a message ("留言投诉借书嘅问题，佢哋通常几耐会回复",
    # "给局长信箱写了封信反映情况，一般多久会处理回复")
    r"(?:多久|几耐|多长时间|几多日|几天)[^。？?，,]{0,6}?(?:回复|答复|回覆|处理|办结)|"
    # what a letter must say ("写信向政府部门反映问题，信里必须写清楚哪些内容")
    r"写(?:清楚|明|明白)?(?:哪些|什么|乜嘢|啲咩)(?:内容|信息|事项)|"
    r"(?:投诉|举报)[^。？?]{0,16}?(?:会不会|会否|能不能|是否)被?(?:保密|泄露|公开|回复|告知)|"
    # whether the office answers it ("想实名投诉，卫健部门会书面回复处理结果吗")
    r"(?:投诉|举报)[^。？?]{0,16}?会[^。？?]{0,4}?(?:回复|答复|告知)[^。？?]{0,8}?(?:吗|么|嘛|唔)"
)

# which office handles such a matter is asked ("几个部门互相踢皮球…政务服务中心有没有专门的窗口管？"), unless the
# person says they want to complain
_ASKS_WHO_HANDLES = re.compile(
    r"(?:有没有|有冇|有无|是否有|哪个|哪些|什么)(?:专门|专责)?的?(?:窗口|部门|机构|地方|渠道)(?:可以|能)?(?:管|处理|负责|受理|协调|解决)"
)
# complained about by someone named ("司机成日俾乘客投诉服务态度差，会唔会俾人暂停佢嘅从业资格"): the grievance is
# another's, the person asks about its consequences
_COMPLAINED_ABOUT = re.compile(r"(?:被|俾|畀|遭|给)[^，,。？?！!]{1,6}?(?:投诉|举报)")
_WANTS_TO_COMPLAIN = re.compile(r"(?:我|我们)(?:要|想|想要|准备)(?:投诉|举报|告)")
# whether one may apply for something ("…在厂里被欺负，家里没钱请律师，能申请法律援助吗"): a service is asked, whatever
# grievance is told before it
_ASKS_MAY_APPLY = re.compile(r"(?:能|可以|可不可以|能不能|可唔可以|能否|可否)申请")

# an application's number, told or named ("GA2024…", "申请编号")
_GA_NUMBER = r"\bGA[-_]?[0-9A-Z]{4,}"
_NUMBER_NAMED = r"申请(?:编|单)?号|受理号|办件号|流水号"

_STATUS: list[Cue] = [
    (r"进度|进展", 3.0),
    (
        r"办到哪|到哪一步|到哪了|审(?:核|批)到哪|批(?:下来|好)了(?:吗|没)|受理了(?:吗|没)|办(?:好|完|结)了(?:吗|没)",
        3.0,
    ),
    (r"(?:查|查询|查一下|看看|看一下)(?:我的|一下)?(?:申请|办件|业务|材料)(?:状态|情况|结果)?", 2.0),
    (_NUMBER_NAMED, 2.5),
    (_GA_NUMBER, 3.0),
    (r"结果出来了(?:吗|没)|什么时候(?:能)?(?:出结果|批)", 1.5),
]

# the office's place asked ("受理大厅在哪", "窗口地址在哪里")
_ASKS_OFFICE_PLACE = re.compile(
    r"(?:大厅|窗口|办公地点|办公室|地址)(?:具体)?(?:在哪|在什么地方|是哪里|在哪里)"
)
_APPLICATION_NUMBER = re.compile(f"{_GA_NUMBER}|{_NUMBER_NAMED}", re.IGNORECASE)

_APPLY: list[Cue] = [
    (r"我(?:要|想|想要|需要)(?:在线|网上)?(?:办理|办|申请|申办|申领|补办|换|登记|注册|提取|参保)", 2.5),
    # not a yes/no question whether one must ("要不要申请", "需不需要申请", "需要申请审批吗")
    (r"(?<![不需])(?:想|要)(?:去)?(?:申请|申办|申领)", 2.0),
    (r"帮(?:我|忙)(?:在线|网上)?(?:办|申请|填|提交|登记|弄)", 3.0),
    # a wish with words in between: "我想以个人身份参保", "我打算在花都申请…" (not "我想问/了解…")
    (
        r"我(?:想|想要|打算)(?!问|了解|咨询|知道|看看|查)[^，,。？?]{1,8}?(?:办理|申请|申领|补办|登记|提取|参保)",
        2.0,
    ),
    # a wish opening a clause: "…，想自己交社保", "…，想换张新的", "想把公积金取出来交房租"
    (
        r"(?:^|[，,。；;\s])(?:我)?(?:想|想要|打算|准备)(?!问|了解|咨询|知道|看看|查)[^，,。？?]{0,8}?"
        r"(?:办理|申请|申领|补办|登记|提取|参保|换|交|买|取)",
        2.0,
    ),
    # for someone else: "我想帮我爸申请…", "要替我妈补办…"
    (r"(?:想|要)(?:帮|替|给)(?:我的?)?[\u4e00-\u9fff]{1,3}(?:办理|办|申请|申领|补办|登记)", 2.5),
    (r"在线(?:办理|办|申请|填表|提交)|网上(?:申请|提交)|边聊边办|开始办理|马上办|现在(?:就)?办|直接办", 2.5),
    (r"填(?:个|一下)?(?:表|申请表)", 2.0),
]
_HOWTO_APPLY = r"怎么申请|如何申请|怎样申请|怎么办理|如何办理|怎么申领|怎么补办|怎么登记|怎么提取|怎么参保"

_POLICY: list[Cue] = [
    (r"法律|法规|条例|规章|规定|实施细则|政策|文件精神|红头文件", 2.0),
    (r"第[一二三四五六七八九十百零〇\d]+条", 3.0),
    (r"《[^》]{2,40}》", 2.5),
    (r"[\u4e00-\u9fff]{2,}法(?=第|规定|里|中|上|的|是|有|怎么|对|吗|\b|$|，|。|？|\?)", 1.5),
    (r"合法|违法|法律责任|处罚|罚款", 1.5),
]

_ACK_WORD = r"(?:好的?|好嘅|好吧|嗯+|哦+|噢|ok|okay|行|知道了?|明白了?|收到|了解|懂了)"
# a message of acknowledgments only (and "我", particles, punctuation)
ACK_PATTERN = rf"^(?:{_ACK_WORD}|我|[，,。！!~.\s了啦啊呀吧])*{_ACK_WORD}(?:[，,。！!~.\s了啦啊呀吧])*$"

_GREETING: list[Cue] = [
    (
        r"^(?:你好|您好|hi|hello|hey|嗨|哈喽|在吗|在不在|早上好|下午好|晚上好|早|喂)[呀啊吗!！,，.。~\s]*$",
        3.0,
    ),
    (r"你好|您好|在吗|hello|\bhi\b", 1.0),
    (r"谢谢|多谢|感谢|辛苦了|thank", 1.5),
    # a bare acknowledgment ("好", "嗯嗯", "好的我知道了"); an offer or a form takes it first as agreement
    (ACK_PATTERN, 3.0),
    (r"你是谁|你叫什么|你是什么|你能做什么|你会什么|你能干什么|你有什么功能|怎么用你|介绍一下你自己", 3.0),
    # "没有了" closes a chat only as a short reply of its own ("好的，没有了"), not inside a question ("…会不会没有了")
    (r"再见|拜拜|^[^？?]{0,5}(?:没事了|没有了|不用了)[^？?]{0,4}$", 1.5),
]

_SERVICE: list[Cue] = [
    (r"材料|资料|证件|要带|带什么|带哪些|需要(?:准备)?什么|要(?:准备)?什么|准备(?:什么|哪些)|提交什么", 2.0),
    # whether a paper must go with the application ("申请的时候要不要附上…意见")
    (
        r"(?:要不要|需不需要|用不用|是否需要|是不是还?要|还要|需要)(?:另外|一起|一并|同时)?(?:带|提供|提交|交(?!钱|费)|附上?|出具)",
        2.0,
    ),
    (r"多久|多长时间|几天|几个工作日|时限|什么时候能|多快|要多少天|办结时间|期限", 2.0),
    (r"地点|在哪|哪里|去哪|什么地方|地址在|窗口在", 2.0),
    (r"电话|联系方式|咨询热线|怎么联系|号码是多少", 2.0),
    (r"条件|资格|符合|够不够|能不能办|可以办吗|谁可以|哪些人", 2.0),
    (r"费用|收费|多少钱|要钱|免费|要交钱|工本费|收不收费|花多少", 2.0),
    (r"流程|步骤|程序|手续|怎么办|如何办|怎样办|怎么弄|咋办|咋弄|办理方式", 2.0),
    (r"跑几次|跑几趟|去几次|要不要去|到现场|跑一趟", 2.0),
    (r"网上办|网上能|能网办|线上办|网办|手机上办|能不能在网上|可以网上", 2.0),
    # the online entry asked for ("有冇网上申请嘅入口？", "网址给我一下"): where to apply, not a wish to start here
    (r"入口|网址|链接|(?:哪个|什么)(?:网站|平台|app|小程序)", 3.0),
    # "…可以在线申请吗" asks whether it can be done online; it is not a wish to start now
    (
        r"(?:可以|可不可以|能不能|能否|能|支不支持|支持)在?(?:在线|网上|线上|手机上?)[^，,。]{0,6}(?:吗|么|[?？]|$)",
        3.0,
    ),
    (r"依据|根据什么", 1.5),
    (r"哪个部门|谁负责|找谁|哪个单位", 2.0),
    (r"代办|代领|委托(?:他人|别人|家人|亲属)|找人(?:帮忙|代)?(?:去)?办", 2.0),
    # someone else sent in one's place ("可以叫仔女帮我办吗"): a question on who may go, not a wish to apply now
    (rf"(?:叫|让|请|托)(?:人|{OTHERS})(?:帮|替|代)", 3.0),
    (
        r"办理|办理\S{0,6}(?:吗|呢|？|\?)|要不要|需不需要|能不能|可以吗|是不是|有没有|吗[？?]?$|呢[？?]?$|[？?]$",
        0.5,
    ),
]

_FLOOR = 1.5
_ASPECT_SCORE = 2.0  # an aspect retrieval.aspects detects, as one service cue


@dataclass(frozen=True)
class Classification:
    intent: Intent
    confidence: float  # in [0, 1]
    signal: bool  # False: no cue cleared the floor; the manager decides by retrieval
    scores: dict[str, float] = field(default_factory=dict)


def _score(text: str, cues: list[Cue]) -> float:
    return sum(w for pattern, w in cues if re.search(pattern, text, flags=re.IGNORECASE))


def classify_scored(
    text: str, state: DialogueState | None = None, *, flow_match: bool = False
) -> Classification:
    """Score every intent. `flow_match`: the message names a service with an online flow."""
    clean = strip_injection(normalize(text))
    if not clean:
        return Classification(Intent.OUT_OF_SCOPE, 0.0, False, {})
    scores = {
        Intent.COMPLAINT: _score(clean, _COMPLAINT),
        Intent.APPLICATION_STATUS: _score(clean, _STATUS),
        Intent.APPLY: _score(clean, _APPLY),
        Intent.POLICY_QUESTION: _score(clean, _POLICY),
        Intent.GREETING: _score(clean, _GREETING),
        Intent.SERVICE_QUESTION: _score(clean, _SERVICE),
    }
    if re.search(_HOWTO_APPLY, clean):
        # "居住证怎么申请" is a question even when it names a service with a flow: flow keywords never
        # turn a question into an application (the answer offers the form)
        scores[Intent.SERVICE_QUESTION] += 2.0
    elif flow_match and scores[Intent.APPLY] > 0:
        scores[Intent.APPLY] += 1.0
    # "投诉电话是多少" asks for a phone number, not to complain.
    if re.search(r"(?:投诉|举报|监督)(?:电话|热线|方式|渠道)", clean):
        scores[Intent.SERVICE_QUESTION] += 2.0
    # "想去药监局现场问下办到哪一步，受理大厅在哪" asks where the office is (no application of one's own is named):
    # the service's place answers, not a lookup of applications
    if _ASKS_OFFICE_PLACE.search(clean) and not _APPLICATION_NUMBER.search(clean):
        scores[Intent.APPLICATION_STATUS] = 0.0
        scores[Intent.SERVICE_QUESTION] += 2.0
    # the conditions asked ("我想办探亲签注，点先算符合条件") are a question, not a wish to apply; nor is asking who may
    # use a progress lookup ("想查下审批去到边一步，要满足咩前提先查得到进度") a lookup of one's own case (whether one may
    # ask for something else after a grievance told stays a complaint: "态度太差了，我能申请换个人办吗")
    asked = detect_aspects(clean)
    if Aspect.CONDITIONS in asked and not _APPLICATION_NUMBER.search(clean):
        scores[Intent.APPLICATION_STATUS] = 0.0
        if not scores[Intent.COMPLAINT]:
            scores[Intent.SERVICE_QUESTION] += 2.0
    # "什么人可以投诉", "市民有权举报吗", "投诉要什么材料" ask about a complaint procedure (a service or a statute
    # answers, and so does a letter's "反映问题"); the words of a grievance still count
    if _ASKS_ABOUT_COMPLAINING.search(clean):
        # a grievance told before the question weighs half: the question is what is asked
        scores[Intent.COMPLAINT] = max(0.0, scores[Intent.COMPLAINT] - _score(clean, _COMPLAINT[:3])) / 2
        scores[Intent.SERVICE_QUESTION] += 2.0
    if (_ASKS_WHO_HANDLES.search(clean) or _COMPLAINED_ABOUT.search(clean)) and not _WANTS_TO_COMPLAIN.search(
        clean
    ):
        scores[Intent.COMPLAINT] = 0.0
        scores[Intent.SERVICE_QUESTION] += 2.0
    # an aspect asked in words the cues above do not list ("学校那边得给我开什么证明", "要交咩文件") is a service
    # question too (a follow-up on the service in focus is read by the manager on its own: "老人不方便去可以吗")
    focused = state is not None and bool(state.current_service_id)
    if (
        not focused
        and scores[Intent.SERVICE_QUESTION] < _ASPECT_SCORE
        and [a for a in asked if a is not Aspect.OVERVIEW]
    ):
        scores[Intent.SERVICE_QUESTION] = _ASPECT_SCORE
    if _ASKS_MAY_APPLY.search(clean):
        scores[Intent.SERVICE_QUESTION] += 1.0
    # by when one must act ("最迟什么时候要去申请延期") is asked, not a wish to apply now
    if asks_deadline(clean):
        scores[Intent.SERVICE_QUESTION] += 2.5
    # Greeting words next to a real question ("你好，居住证要什么材料") yield to the question.
    other = max(v for k, v in scores.items() if k is not Intent.GREETING)
    if other >= _FLOOR:
        scores[Intent.GREETING] = min(scores[Intent.GREETING], other - 0.1)
    # A 情形/policy word inside a practical question ("按规定要带什么材料") is still a service question
    # unless an article or a law title is named.
    if scores[Intent.SERVICE_QUESTION] >= 2.0 and not re.search(
        r"第[一二三四五六七八九十百零〇\d]+条|《", clean
    ):
        scores[Intent.POLICY_QUESTION] = min(
            scores[Intent.POLICY_QUESTION], scores[Intent.SERVICE_QUESTION] - 0.1
        )
    # Follow-ups in context: a bare "那要多久？" is about the current service.
    if state is not None and state.current_service_id and scores[Intent.SERVICE_QUESTION] > 0:
        scores[Intent.SERVICE_QUESTION] += 0.5
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    named = {k.value: v for k, v in scores.items()}
    if top < _FLOOR:
        return Classification(Intent.OUT_OF_SCOPE, 0.0, False, named)
    margin = (top - second) / top
    confidence = round(min(1.0, top / 4.0) * (0.5 + 0.5 * margin), 3)
    return Classification(best, confidence, True, named)


def classify(text: str, state: DialogueState | None = None, *, flow_match: bool = False) -> Intent:
    """The intent of `text`; OUT_OF_SCOPE when no cue is strong enough (the manager then asks retrieval)."""
    return classify_scored(text, state, flow_match=flow_match).intent
