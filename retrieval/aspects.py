"""Question aspects: what a question asks about a service (materials, time, place, fee, amount ...).

Recognised from colloquial wording with ordered cue patterns; pure functions. Retrieval uses them to score
passages (a time question is answered by a time limit or an FAQ about time, not by the materials list),
the answer composer uses them to pick the guide field to quote.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache


class Aspect(StrEnum):
    MATERIALS = "materials"
    TIME = "time"
    CONDITIONS = "conditions"  # eligibility
    LOCATION = "location"  # place
    PHONE = "phone"  # contact
    AMOUNT = "amount"  # benefit amount, loan amount / term, subsidy standard
    FEES = "fees"
    VISITS = "visits"
    ONLINE = "online"
    PROCESS = "process"
    BASIS = "basis"
    DEPARTMENT = "department"
    RESULT = "result"  # the certificate / result the person gets
    STATUS = "status"  # progress of one's own case
    LINKED = "linked"  # the items bundled in a 一件事
    VALIDITY = "validity"  # how long a certificate / permit is valid
    PROXY = "proxy"  # whether someone else may do it on one's behalf (代办 / 委托)
    FREQUENCY = "frequency"  # how often one may do it ("一年可以取几次")
    OVERVIEW = "overview"


# how long a certificate is valid ("身份证有效期几年", "三十岁办的身份证管几年"), not how long it takes to get one
# (a document still "在有效期内" is told, not asked of)
_VALIDITY = r"有效期(?!内|以内|之内)(?:是|为|有|系)?(?:多久|多长时间|多长|几年|多少年)?|有效(?:多久|几年|多少年|多长时间)|(?:几|多少)年有效|(?:管|用)(?:几|多少)年|(?:能|可以)用(?:多久|几年)"
# "网上可以办吗" / "多久能办好" / "哪里可以办" ask online / time / place, not eligibility
_NOT_ELIGIBILITY = r"(?<!地方)(?<!网上)(?<!线上)(?<!手机上)(?<!久)(?<!快)(?<!时候)(?<!天)(?<!哪里)(?<!哪儿)(?<!在哪)(?<!去哪)(?<!周末)(?<!周六)(?<!周日)(?<!假日)"
# A document named after "要不要…" with no verb of bringing: up to 10 characters ending in a document word ("租赁合同",
# "结婚证", an official "需要提供《留学回国人员证明》吗").
DOCUMENT_ASKED = (
    r"(?!办|申请|领|考|换|补|去|到|跑|交|带|拿|准备|开)[\u4e00-\u9fff《]{0,14}?"
    r"(?:合同|协议|证明|复印件|原件|翻译件|译本|(?:审查|审核|同意|书面|批准)意见|意见书|证书|执照|函件|报告|证|图|决议|会议纪要|方案"
    # (a statement of something, a notice of a loss, an office's opinion: "结构安全说明", "遗失声明", "当地市文物部门的意见")
    r"|(?<=[\u4e00-\u9fff][\u4e00-\u9fff])(?<![要得须用])(?:说明|声明)|(?:部门|单位|机关|政府)[\u4e00-\u9fff]{0,8}?的?意见)》?(?=[吗么嘛呢?？，,。]|$)"
)
# A document the person lacks or cannot get ("没有租房合同怎么办", "房东不肯给合同怎么办", "单位开不出证明"), or says
# first and then lacks ("结婚证没有可以吗"): the words of lacking, the document words, and how such a question ends.
LACKING = r"(?:没有|冇|没带|冇带|不肯给?|唔肯俾?|不愿意?给|不给|唔俾|拿不到|攞唔到|开不到|开不出|开唔到)"
LACKED_DOCUMENT = r"(?:合同|协议|证明|证书|执照|证|户口本|户口簿|照片)"
LACK_END = r"(?:怎么办|点算|咋办|可以|能|行|得唔得|可唔可以|也行|[吗呢?？，,。]|$)"
# who may go in one's place (assistant.policy.answering: people a follow-up may name)
# whether one must go to a window at all ("需不需要去窗口申请", "可以打电话或者网上问吗，还是必须到窗口")
MUST_GO_TO_WINDOW = (
    r"(?:必须|一定要|非要|需不需要|需要|要不要|使唔使|使不使|是不是要|系咪要|只能)(?:亲自|本人)?(?:去|到|跑|上)"
    r"(?:窗口|现场|大厅|办事大厅|政务(?:服务)?中心)"
)
OTHERS = r"别人|他人|家人|家里人|家属|亲属|亲戚|朋友|同事|子女|儿子|女儿|我?(?:老婆|老公|爱人|父母|爸妈|爸爸|妈妈|爸|妈)"
# "免费" asks the fee when asked of ("可以免费换吗", "有冇免费嘅地方", "免费或者优惠"), not when it names a free
# service the question is about ("关于免费法律帮助有些疑问想打电话问问": the phone)
_FREE_ASKED = (
    r"(?:有|有冇|有没有|可以|可唔可以|可不可以|能不能|能否|能|是否|是不是|系咪|系唔系|会不会|都)免费"
    r"|免费(?=[吗嘛么呀啊不唔?？]|[的嘅]?[吗嘛]|或|还是|定系|$)"
)
# how long a benefit is paid ("能领几个月", "能领多久"), not when it is granted ("多久能领到")
_BENEFIT_SPAN = r"(?:领|发|拿|享受)(?:几|多少)个?(?:月|年)|(?:金|贴|助|保|待遇)(?:能|可以|可)?(?:领|发|拿|享受)(?:多久|多长时间)"
# how long the person must have lived, paid in or worked somewhere: a condition, not a processing time
_DWELL = r"(?:住|居住|缴存?|交|参保|工作|就业|上班)满?了?(?:多久|多长时间|几年|多少年|几个月|多少个月)"
# how often one may do it ("一年可以取几次", "多久可以提取一次", "几耐可以去探一次", "提取次数有限制吗"), not how
# many trips
_FREQUENCY = (
    r"(?:取|提取|提|领|拿|申请|申领|报销|享受|补办?|换)(?:几|多少)次|多久(?:能|可以|可)?[^，。,？?！!]{0,3}一次|"
    r"(?:次数|频次)(?:有|是否有|有没有|有冇)?限制|(?:一年|每年|每个?月|一个月)(?:能|可以|可|最多)?(?:取|提取|领|拿|申请)?(?:几|多少)次"
)
# doing it or only going in one's place
_GOES = r"(?:去(?:办|领|拿|取|申请)?(?!哪)|办|领|拿|取|申请)"
# who issues a paper ("界址图要找谁出", "推荐函要哪个机构出", "要哪一级部门出意见"): the materials list says
_ISSUER = (
    r"(?:合同|协议|证明|报告|图|函|证书|意见)(?:要|需要|得)?(?:找|由|让)?(?:谁|哪个|哪一?级|什么)[\u4e00-\u9fff]{0,4}?"
    r"(?:出具?|开具?|盖章|签)|(?:谁|哪个|哪一?级|什么)[\u4e00-\u9fff]{0,6}?(?:出具?|开具?)(?:意见|证明|函|报告)"
)
# what a paper must be like ("健康证明有什么要求", "照片有啥要求"): a material's notes, not the conditions
_PAPER_REQUIREMENT = r"(?:证明|照片|相片|材料|合同|报告|表格?)(?:有|是)?(?:什么|哪些|啥|咩)要求"
_PAPER_REQUIREMENT_RE = re.compile(_PAPER_REQUIREMENT)
_ISSUER_RE = re.compile(_ISSUER)
# papers said and where they are handed in, asked ("材料交到…哪个房间", "材料送省统计局哪个办公室")
_HANDED_IN = (
    r"(?:(?:材料|资料)(?:要|需要|应该)?(?:(?:交|送|递|拿|拎|带)(?:到|去|给|喺|在)[^，,。？?]{0,10}?(?:哪|边个|边度|什么地方)"
    r"|(?:交|送|递)[^，,。？?]{0,10}?(?:哪|边)(?:个|间)(?:办公室|房间|窗口|科室|处室))"
    # (or the place asked first: "要去哪里递材料", "在哪里递交申请材料")
    r"|(?:哪里|哪儿|在哪|去哪|边度|什么地方)(?:可以|能)?(?:交|递|送|提交|递交|报送)(?:申请)?(?:材料|资料))"
)
_HANDED_IN_RE = re.compile(_HANDED_IN)
# papers handed in, told as when a wait starts ("材料交上去以后多久能批下来", "交完材料几天能拿证"): no paper asked
_WAIT_AFTER_RE = re.compile(
    r"(?:材料|资料)(?:都)?(?:交|提交|递交|报|送)(?:上去|上|齐|完|好|了)*(?:之后|以后|后)"
    r"|(?:交完|交齐|交好|交了|提交了|递交了)(?:申请)?(?:材料|资料)"
)
# where a published list or file is seen or fetched ("计划喺边度睇到", "官方哪里可以下载"): on the web
_SEEN_AT = r"(?:哪里|在哪|去哪|哪儿|边度)(?:可以|能|才能)?(?:看到|查到|查看|下载|睇到)"


# Checked in this order; a message may ask several aspects ("要带什么材料，多久能办好？").
_CUES: list[tuple[Aspect, str]] = [
    (
        Aspect.MATERIALS,
        r"材料|资料|带.{0,3}证件|什么证件|哪些证件|要带|带什么|带哪些|(?:要不要|需不需要|用不用|得不得|是不是还?(?:要|得)|还(?:要|得)|系咪要|使唔使)(?:一起|一并|同时|另外|一齐|一同)?(?:带|提供|交(?!钱|费|[^，,。？?]{0,8}(?:收费|费用))|拿|出具|开|附)|"
        # (嘢: Cantonese for things, "要交咩申报嘢")
        r"(?:交|带|准备|提供|提交|出具?)(?:些|啲)?(?:哪些|什么|咩|乜嘢?)(?:东西|[\u4e00-\u9fff]{0,5}?(?:文件|证明|报告|表|书|嘢|图纸?)|票据|单据|(?=[吗呢啊?？。，,!！]|$))|(?:要|需要)(?:哪些|什么)文件|"
        # the photo's size and background ("相片要几寸、什么底色")
        r"相片|证件照|几寸|底色|"
        # a statement someone signs, asked whether it is needed ("要不要所有合伙人签个说明")
        r"(?:要不要|需不需要|用不用|使唔使|使不使|是不是要|系咪要)[^，,。？?]{0,8}?(?:签|写)(?:个|份|一份|张)?[^，,。？?]{0,4}?"
        r"(?:说明|声明|承诺书?|确认书|保证书|委托(?:书|手续)?|授权书?)|"
        r"填(?:什么|哪些|哪个)表|什么表格|"
        # a paper someone else issues, asked whether it is needed ("系咪要学校嗰边出份嘢", "要不要单位开一份")
        # (or an office's opinion: "是不是得先找水库管理处出个意见", "系咪要保护区管理处先出份意见"; or a slip:
        # "使唔使医院开张证明")
        r"(?:要不要|需不需要|是不是(?:要|得)|是否要|用不用|使唔使|系咪要?)[\u4e00-\u9fff]{0,10}?(?:出|开)具?"
        r"(?:一?份|一?张(?=证明|单|表)|个(?=意见|证明|文件|函|说明|报告))|"
        # (or with a bare 要: "医院要开做过多少台手术的证明吗")
        r"要(?:出|开)具?[\u4e00-\u9fff]{0,12}?(?:证明|意见|函|报告)(?=[吗么嘛])|"
        r"需要(?:准备|提供|提交)?(?:什么|哪些)(?!条件|前提|人|部门)|准备些?(?:什么|哪些)|提交什么|复印件|原件|"
        # what one needs, said last ("注册个体户要什么")
        r"(?<![想])要(?:什么|啥|咩|乜嘢)(?=[吗呢啊?？。，,!！]|$)|"
        r"(?:什么|哪些|开|要)证明|户口[本簿](?!.{0,3}(?:丢|不见|遗失|掉|找不到|补|换))|申请表|登记表|申请书|委托书|承诺书|照片|"
        # not the card itself ("身份证过期了还能用吗"), whether and where one gets it ("身份证可以异地办吗") nor the
        # card applied for ("小朋友几岁可以办身份证")
        # (nor its number: "以前身份证号码前后不一样")
        r"(?<![办领补换])身份证(?!号|[^，,。？?]{0,6}(?:办|补|换|丢|不见|遗失|掉|找不到|过期|到期|失效|有效|能用)|"
        r"(?:可以|能不能|可不可以|能否|可否|能).{0,4}办)|"
        # a document asked about without a verb ("要不要租赁合同"), not the certificate one applies for ("要不要办…证")
        rf"(?:要不要|需不需要|用不用|是否需要|需要|是不是要|系咪要)(?:提供|提交|出具)?{DOCUMENT_ASKED}|"
        # ... or handed in ("报省里审批要附上学校董事会的决议吗")
        rf"要(?:附上?|附带|提交|提供){DOCUMENT_ASKED}|"
        # ... asked with a bare 要 ("要结婚证吗", "还要租房合同吗"), not a step ("要做认证", "要几耐先出证")
        r"(?<![我想])要(?!办|申请|领|考|换|补|做|几|多)[\u4e00-\u9fff]{0,8}?(?:合同|协议|证明|证书|执照|户口[本簿]|(?<![认公])证)(?=[吗么嘛])|"
        # a signature or a stamp on the papers ("办居住证要不要房东签字", "需要单位盖章吗"): the list says whose
        r"(?:要不要|需不需要|用不用|是否需要|需要|要)[\u4e00-\u9fff]{0,6}?(?:签字|签名|盖章|签章|公章|手印)|"
        # a document the person lacks or cannot get ("没有租房合同怎么办"): what the list says of it
        rf"{LACKING}[\u4e00-\u9fff]{{0,8}}?{LACKED_DOCUMENT}{LACK_END}|{LACKED_DOCUMENT}{LACKING}{LACK_END}|"
        # a paper asked whether it is a must ("无犯罪记录证明是必须交的吗", "体检报告一定要交吗")
        r"(?:证明|报告|复印件|原件|翻译件|证书|合同|协议|意见书?)(?:是不是|是)?(?:必须|一定|非得|硬性)要?(?:交|提供|提交|带|附)?的?(?=[吗么嘛])|"
        # (a form asked the same way: "入库意向表是不是一定要填？")
        r"(?:表|表格|证明|报告|证书|合同|协议)(?:是不是|是否|系咪)(?:必须|一定|非得|硬性)要?(?:交|提供|提交|带|附|填)|"
        # the old card handed in too ("原来那本旧证需要一起交上去吗")
        r"(?:一起|一并|同时|一齐|一同)(?:交|带|提供|提交|上交)(?:上去|过去|上|来|去)?(?=[吗么嘛?？])|(?:交|带)(?:上去|过去)(?=[吗么嘛])|"
        # one more paper asked whether it goes in on its own ("补救措施和费用估算要单独交一份吗")
        r"(?:单独|另外|额外|再)(?:交|提交|提供|附)(?:一份|一套)(?=[吗么嘛])|"
        + _ISSUER
        + "|"
        + _PAPER_REQUIREMENT,
    ),
    (
        Aspect.TIME,
        r"多久|多长时间|(?<!多)几天|(?<!多)几日|什么时候(?:能|可以|会)?(?:发|出|拿|领)|(?:几|多少)个?工作日|(?<!还有)(?:几|多少)个月(?=.{0,3}(?:办|批|拿|下来|出|到))|周期|时限|什么时候能|多快|多少天|多少日|办结时间|(?<!贷款)(?<!还款)期限|"
        r"(?<!办公)(?<!上班)(?<!工作)(?<!营业)(?<!开放)(?<!段)时间(?!段)|"
        r"当天|当场|马上|立即|即办|"
        # when something starts or is due ("补贴从几号开始算", "啥时候开始实行", "几时报")
        r"(?:什么|啥)时候|几时|何时|几号|哪一?天|(?:开始|起始)(?:实施|实行|执行|算|计算)|起算",
    ),
    (
        Aspect.CONDITIONS,
        # an amount from which a rule applies ("单笔多少钱以上要先备案")
        r"(?:多少|几多)(?:钱|元|万元?)?(?:以上|以下)|"
        # what counts as the kind of case asked ("楼高要在什么范围内才算中小型")
        r"(?:什么|哪个|咩|乜嘢)(?:范围|标准|程度)(?:内|以内|之内)?(?:才|先)(?:算|属于)|(?:怎样|怎么样|点样)(?:才|先)(?:算|属于)|"
        r"条件|资格|门槛|符合|(?:有|有没有|有冇|冇)(?:什么|咩|啥|乜嘢?)?限制|(?:有|是)?(?:什么|哪些|啥|咩)(?:硬性|具体|基本)?要求|不满足|"
        # what must hold first ("要咩前提先可以签三方协议")
        r"(?:什么|哪些|啥|咩|乜嘢?)(?:样的?)?前提|"
        # a step required before another ("是不是要先做引种试验", "使唔使先攞同意")
        r"(?:是不是|是否|要不要|需不需要|需要|使唔使|系咪)(?:要|需要|得|一定要)?先(?!预约|排队|拿号|取号|找|翻|交|带|准备|打印|复印)|"
        # ... said with the step it precedes ("办变更注册之前是不是一定要同旧公司解除劳动关系先得")
        r"(?:之前|以前)(?:是不是|是否|要不要|需不需要|系咪)(?:一定|必须)?(?:要|得)(?!先?(?:预约|排队|拿号|取号|打印|复印))|"
        r"(?:之前|以前)(?:一定|必须)(?:要|得)?先(?!预约|排队|拿号|取号|打印|复印)|"
        # whether one must hold the permit at all ("像我们这样…是不是都必须持证")
        r"(?:是不是|是否|要不要|需不需要|使唔使|系咪)(?:都|一定)?(?:必须|要|需要)?(?:持|办|领)证(?=[吗么嘛?？]|$)|"
        # whether a piece of work must be done for it ("做环评时是不是一定要专门做一份…专题论证")
        r"(?:是不是|是否|系咪)(?:一定|必须)(?:要|得)?(?:专门|另外|单独)?(?:做|进行|开展)|"
        r"(?:一定|必须)要[^，,。？?]{1,16}?先(?:得|可以|行)(?=[吗么嘛?？]|$)|有(?:没有|冇|无)?要求(?=[吗么嘛?？]|$)|要求是什么|(?:什么|哪些|哪种|啥)(?:情况|情形)|(?:情况|情形)有哪些|够不够|谁可以|谁能|哪些人|什么人|有资格|能不能享受|可以享受|适用(?:对象|范围)|(?:救助|服务|补贴|保障)对象|"
        rf"{_NOT_ELIGIBILITY}(?:能不能|可不可以|能否|可以|能)去?(?:办|申请|申领|参加|享受|领|拿(?!到|证)|换|补|登记|走)(?!好|完|结|下来|.{{0,4}}多少|.{{0,2}}(?:哪些|什么)|几个?[月年]|(?:几|多少)次|多久|多长时间)"
        # the matter between the cue and its question particle is not part of the cue (cue_spans keeps it)
        r"(?=[^?？。]{0,12}(?:吗|么|不(?=[?？。]|$)|\?|？|$))|(?:多低|多少|什么样|怎样)才(?:能|可以)(?:吃|办|申请|领|享受)|"
        rf"{_NOT_ELIGIBILITY}(?:能不能|可不可以|能否)(?:办|申请|申领)|{_DWELL}|"
        # whether a household registration is required ("要本地户口吗", "一定要广州户籍吗")
        r"(?:要|需要|一定要|必须(?:是|要)?|只限)(?:本地|本市|本区|本省|当地|广州|广东|花都|[\u4e00-\u9fff]{2}(?:市|区|省))?(?:户口|户籍)(?=[吗么嘛?？]|$)|"
        # whether a kind of person may use it at all ("个人可唔可以查，定系只限企业", "个人能不能查")
        r"(?:个人|市民|群众|普通人|公众|外地人|外国人|企业|公司|单位|个体户)也?(?:能不能|可不可以|可唔可以|能否|可否)"
        r"(?:查|办|申请|参加|报名|咨询|使用|用|睇|看)|只限(?:企业|个人|单位|公司|本地|会员|本人)",
    ),
    (
        Aspect.LOCATION,
        r"地点|在哪|哪里(?:可以|能)?办|哪儿(?:可以|能)?办|去哪(?:个地方|个地点)?|(?:什么|哪个)地方|地址|窗口在|(?:哪个|边个)窗口|在什么位置|到哪里|向哪里|向谁(?:提出)?申请|找哪里|"
        # the office named between the going and the where ("要去省水利厅哪里"), not a page to look at
        r"去[^，,。？?]{1,10}?(?:哪里|哪儿|边度)(?!查|看|睇|网)|"
        r"哪里(?:交|拿|领|申请|上牌|登记|报|缴|考|换|补|打印|认证|办理|查)|"
        # where the papers are handed in ("材料交到省统计局哪个房间", "材料要拎去边个窗口交")
        rf"{_HANDED_IN}|"
        # whether it can be done away from home ("身份证可以异地办吗", "能不能在外地补办")
        r"(?:在|到)?(?:异地|外地|外省|外市|跨省|跨市)(?:可以|能|也能|也可以|能不能|可不可以|能否|可否)?(?:办|申请|补|换|领)|"
        # whether an office does it ("社保卡可以在银行办吗"), not the online way nor whose place ("能在常住地办吗" asks
        # whether the person's place of residence has jurisdiction, as the conditions say)
        r"(?:可以|能不能|可不可以|能否|可否|能)(?:在|去|到)(?!网|线|手机|微信|电脑|APP|app|掌上)"
        r"[\u4e00-\u9fff]{1,6}?(?<!地)(?:办|申请|领|补|换)(?=[^，。？?]{0,2}(?:吗|么|呢|不|[?？]|$))|"
        # office hours are told with the place (the service point's 办公时间), not a processing time
        r"(?:办公|上班|工作|营业|开放)时间|几点(?:上班|下班|开门|关门)|周末|节假日|周六|周日|星期[六天日]",
    ),
    # (not a card's or a plate's number: "身份证号码前后不一样")
    (Aspect.PHONE, r"电话|联系方式|热线|怎么联系|(?<!证)(?<!牌)(?<!账)号码|咨询谁"),
    (
        Aspect.AMOUNT,
        # ... and a fine ("会罚几多钱", "罚款多少")
        r"罚款?(?:要|会)?(?:多少|几多)|(?:领|拿|发|补|贷|报销?|给|赔|退)(?:我们|我|你|他|她|到)?多少|最多(?:能|可以)?(?:补|领|拿|贷|报)|(?:补贴|补助|额度)(?:上限|最高)|多少钱一个月|(?:每个?月|一个月|一年|每年)(?:有|能|可以)?(?:领|拿|发|补)?多少(?!天|次)|(?:补贴|补助|津贴|救助金|保险金|"
        r"抚恤金?|养老金|低保金|生活费|奖励|标准|额度|金额)(?:是|有|能有|大概)?(?:多少|几)|额度|能贷多少年|贷多少年|贷多久|"
        # ... and how long a benefit is paid ("失业金能领几个月")
        r"(?:贷款|公积金).{0,4}(?:期限|年限|多少)|" + _BENEFIT_SPAN,
    ),
    (
        Aspect.FEES,
        r"(?<!医疗)(?<!医药)(?<!哪些)(?<!住院)(?<!报销)(?<!生活)费用(?!估算|预算|概算|明细|清单)|收费|多少钱(?!以上|以下)|要钱|"
        + _FREE_ASKED
        + r"|交钱|工本费|手续费|收不收|花钱|付费|"
        r"收钱|收(?:我|我们|你|人家?)的?钱|要不要钱|花不花钱|(?:给|俾|畀|出|掏)钱|交(?:什么|哪些)费|交多少|(?:要不要|需不需要|用不用|是否要?)(?:交|缴|付)费",
    ),
    # "一年能取几次" asks how often one may withdraw, not how many trips
    (Aspect.FREQUENCY, _FREQUENCY),
    (
        Aspect.VISITS,
        r"跑几次|跑几趟|去几次|要不要去|(?<!想)(?<!想去)到现场|跑一趟|(?<!取)(?<!领)(?<!拿)(?<!提)(?<!考)(?<!用)几次|亲自去|本人到场|(?:都|一起|亲自|必须|要|需要)到场|本人去|"
        # who must go, asked yes/no ("本人要去吗", "要父母一齐去吗")
        r"(?:本人|亲自|都|一齐|一起)(?:要)?去(?:吗|嘛|么|不|唔)|"
        # whether one must go to a window at all
        + MUST_GO_TO_WINDOW
        + r"|(?:跑|去|行|走|来回)(?:多少|几多)(?:次|趟|回)|(?:几|多少)趟",
    ),
    (
        Aspect.ONLINE,
        r"网上办|网上能|网上可以|网上(?:可不可以|可唔可以|能不能|可否|能否)|网上(?:有没有|有冇|有无)|(?:有没有|有冇|有无)网上|网上有[^，。？?]{0,8}?(?:吗|么|没有|冇)|网上查|"
        + _SEEN_AT
        + r"|网上(?:搞|弄|整|处理|做)|网上(?:怎么|如何)|网上(?:在|喺)?(?:哪|边度)|在网上|网上(?:注册|登记|申报|报名|缴费|交费|提交|递交|提取|续|办理|申领)|(?:哪个|什么|边个)网(?![点格吧])|网办|线上|手机上|在线(?:办|申请|提交|申领|预约)|手机能|网上申请|网址|网页|链接|网站|入口|平台|app|小程序|预约|快递|邮寄|寄(?:过来|过去|来|去|到|回|给|返|嚟|俾|畀)|"
        # whether it can be posted at all ("可以寄吗", "寄唔寄得")
        r"(?:可以|能|可唔可以|可不可以|能不能|得唔得)邮?寄|寄唔寄|"
        r"不用去|不去现场|足不出户|不(?:用|需|必)?跑(?!了)|在家(?:就)?(?:能|可以)?办|不出门",
    ),
    (Aspect.PROCESS, r"流程|步骤|程序|手续(?!费)|办理方式|怎么申请|如何申请|先(?=.{0,8}再)|第一步|怎么操作"),
    (
        Aspect.BASIS,
        r"依据|根据什么|哪条法|法律规定|政策规定|哪个文件|"
        # which statute it rests on ("背后的条例名称", "按哪部法规")
        r"(?:哪部|哪个|哪些|什么)(?:法律|法规|条例|政策文件)|(?:条例|法规|法律|政策文件)(?:名称|名字|叫什么|是哪)",
    ),
    (Aspect.DEPARTMENT, r"哪个部门|谁负责|找谁|哪个单位|什么部门|主管部门|谁审批|谁来|归谁管|谁管"),
    (
        Aspect.RESULT,
        # (a certificate asked about, not one named: "要核查我的学位证书" asks no result)
        r"发什么证|拿到什么|领什么证|出什么结果|办结后.{0,6}(?:得到|拿到|领)|(?:发|给|颁发|拿到?|领到?|有)(?:什么|哪种|啥)?证书|"
        r"证书(?:是什么|长什么|什么样|有什么用)|结果怎么|什么证件?给我|领证",
    ),
    # how to follow one's case; "我的申请办到哪了" itself is a status request, not a question about a service
    (
        Aspect.STATUS,
        r"(?:怎么|如何|在哪|哪里|去哪)查(?:询)?.{0,4}(?:进度|结果)|进度.{0,4}(?:怎么|如何|在哪)查|"
        r"办件查询|(?:看|查)(?:询)?.{0,2}(?:进展|进度)|办到哪一步",
    ),
    (
        Aspect.LINKED,
        r"(?:包括|包含|涵盖)哪些(?!人)(?:事项|事|业务|服务|项目)?|(?:包括|包含|涵盖)事项|哪些事项|事项有哪些|一起办|同时办|几件事|联办|"
        r"(?:可以|能)办(?:什么|哪些)事",
    ),
    (Aspect.VALIDITY, _VALIDITY),
    (
        Aspect.PROXY,
        r"代办|代领|代理人|委托(?:他人|别人|家人|亲属|亲戚|朋友|子女)|"
        # someone else going in one's place ("叫人帮我去办", "家里人帮我办", "让我老婆去办")
        # ... or only going ("可以别人帮我去吗")
        rf"(?:找|让|叫|请|托)(?:人|{OTHERS})(?:帮忙|帮|替|代)?(?:我|忙)?{_GOES}|"
        rf"(?:{OTHERS})(?:可以|能|能不能|可不可以)?(?:帮|替|代)(?:我|忙)?{_GOES}|"
        r"(?:让|叫)(?:我|别人|家人|子女)(?:帮|替|代)(?:她|他|我)(?:去)?(?:办|领|申请)|"
        # going in another's place oneself ("我帮他去办", "可以帮我妈去办吗"; not "帮我办", a wish to apply)
        rf"(?:帮|替|代)(?:她|他|佢|老人|{OTHERS})(?:去)?(?:办|领|拿|申请)|"
        r"本人(?:不能|没法|去不了|来不了|不方便|不去|不到场|不用到场|没空)|"
        # the person or someone else, asked as a choice ("必须本人去办，还是家里户主也可以去")
        rf"本人[^，,。？?]{{0,6}}[，,]?还是[^，,。？?]{{0,4}}?(?:{OTHERS}|户主|单位|亲人)|"
        # the one who should go cannot ("老人不方便去可以吗", "没时间过去")
        r"(?:不方便|行动不便|走不动|去不了|来不了|没空|没时间)(?:去|来|过去|到场|跑)(?!哪)",
    ),
]
_COMPILED = [(a, re.compile(p)) for a, p in _CUES]
_TIME_RE = dict(_COMPILED)[Aspect.TIME]
# a process step saying the result is sent by post: it answers a question on mailing
MAIL_STEP_RE = re.compile(r"邮寄|快递|寄递|寄送|邮政")
_MATERIALS_RE = dict(_COMPILED)[Aspect.MATERIALS]
_VALIDITY_RE = dict(_COMPILED)[Aspect.VALIDITY]
_DWELL_RE = re.compile(_DWELL)
# "补贴能领多少钱" is a benefit amount, not a fee: fee words proper keep FEES.
_FEE_PROPER = re.compile(r"费用|收费|要钱|免费|交钱|工本费|手续费|收不收|付费|花钱|收钱")


# where on the web: a site or an online entry asked, not an office
# (also past the thing done on it: "想网上续借，喺边度搞"; "哪个网" is a site, "哪个网点" an office)
_WEB_PLACE_RE = re.compile(
    r"网上[^。？?去到]{0,5}?(?:在|喺)?(?:哪|边度)|(?:哪个|什么|边个)(?:网站|网址|网页|平台|app|小程序|网(?![点格吧]))|"
    + _SEEN_AT
)


# whether one may apply, the matter said between ("可不可以用我的名帮他向省消防总队申请复核")
_WHETHER_MAY_RE = re.compile(
    r"(?:能不能|可不可以|可唔可以|能否|可否|得唔得)[^，,。？?]{0,16}?(?:申请|申领|办理|报名)(?![^，,。？?]*(?:哪|几|多少|什么))"
)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace(" ", "")


# (papers named, not asked: "有哪些材料" asks them)
_PAPERS_RE = re.compile(r"(?<!什么)(?<!哪些)(?<!啥)(?<!咩)(?<!乜嘢)(?<!乜)(?<!几多)(?:材料|资料)")
# papers told as the wrong done ("用假资料去申请护照…会罚多少钱", "提交虚假材料"), not asked for
_FALSE_PAPERS_RE = re.compile(r"(?:假|虚假|伪造|假冒|造假)的?(?:资料|材料|证明|证件)")


def detect_aspects(text: str) -> list[Aspect]:
    """The aspects a message asks about, in a stable order; [] when none (a generic "X怎么办")."""
    t = _norm(text)
    found = [a for a, rx in _COMPILED if rx.search(t)]
    if Aspect.AMOUNT in found and Aspect.FEES in found and not _FEE_PROPER.search(t):
        found.remove(Aspect.FEES)
    if (
        Aspect.AMOUNT in found
        and Aspect.TIME in found
        and re.search(rf"贷.{{0,4}}(?:多久|多少年|期限)|{_BENEFIT_SPAN}", t)
    ):
        found.remove(Aspect.TIME)
    if Aspect.CONDITIONS in found and Aspect.TIME in found and not _TIME_RE.search(_DWELL_RE.sub(" ", t)):
        found.remove(Aspect.TIME)  # "要住满多久" asks a condition only
    if Aspect.ONLINE in found and Aspect.LOCATION in found and _WEB_PLACE_RE.search(t):
        found.remove(Aspect.LOCATION)  # "网上在哪里报名", "在哪个网站申请": the place asked is on the web
    materials = dict(_COMPILED)[Aspect.MATERIALS]
    told = _FALSE_PAPERS_RE.sub(" ", _HANDED_IN_RE.sub(" ", _WAIT_AFTER_RE.sub(" ", t)))
    if Aspect.MATERIALS in found and not materials.search(told):
        found.remove(Aspect.MATERIALS)  # "材料交到哪个房间": where they go is asked, not what they are
    if (
        Aspect.LOCATION in found
        and Aspect.MATERIALS in found
        and not materials.search(_PAPERS_RE.sub("", told))
    ):
        # "要报送同期资料，想去省税务局窗口交，地址是哪里": papers named, the place asked
        found.remove(Aspect.MATERIALS)
    if Aspect.DEPARTMENT in found and Aspect.MATERIALS in found and _ISSUER_RE.search(t):
        found.remove(Aspect.DEPARTMENT)  # "界址图要找谁出": the list says who issues it
    conditions = dict(_COMPILED)[Aspect.CONDITIONS]
    if Aspect.CONDITIONS in found and not conditions.search(
        _CREDENTIAL_RE.sub(" ", _PAPER_REQUIREMENT_RE.sub(" ", t))
    ):
        # "健康证明有什么要求" asks about the paper; "口腔医师资格认定…" names a credential, not who qualifies
        found.remove(Aspect.CONDITIONS)
    if not found and _WHETHER_MAY_RE.search(t):
        # "我可唔可以用我个名帮佢…申请复核": whether one may, asking nothing else
        found.append(Aspect.CONDITIONS)
    if Aspect.FREQUENCY in found:
        found = [a for a in found if a not in (Aspect.TIME, Aspect.VISITS)]  # "多久可以取一次" asks how often
    if Aspect.VALIDITY in found and Aspect.TIME in found and not _TIME_RE.search(_VALIDITY_RE.sub(" ", t)):
        found.remove(Aspect.TIME)  # "有效多久" asks the validity only
    # "身份证有效期": the document is what is asked about, not a material
    bare_document = not _MATERIALS_RE.search(re.sub(r"户口本|身份证", " ", t))
    if Aspect.VALIDITY in found and Aspect.MATERIALS in found and bare_document:
        found.remove(Aspect.MATERIALS)
    return found


# a credential named by its 资格 ("医师资格认定", "从业资格证"): a service's name, not a question of who qualifies
_CREDENTIAL_RE = re.compile(
    r"资格(?:认定|认证|证书?|考试|注册|审核|审查|核准|确认)|(?:从业|执业|职业|任职|专业)资格"
)

# "What is it / what is it for": a citizen's "X是干什么的" / "介绍一下X" and an official "X简介" / "什么是X？"
# ask the same thing; no guide field answers it, so it is not an Aspect (the overview stays the reply to a guide)
_DEFINITION = re.compile(
    r"是(?:什么|啥|干什么|干嘛|做什么|咩)(?:的|用的|来的|东西|意思)?(?:[?？。!！]|$)|什么是|啥是|(?:介绍|讲)(?:一?下|介绍)|简介|概述|"
    r"指的?是(?:什么|啥)|是指什么|什么意思|啥意思|(?:有|是)(?:什么|啥)用|干(?:什么|嘛)用"
)


def asks_definition(text: str) -> bool:
    """The message asks what something is or is for (see _DEFINITION)."""
    return bool(_DEFINITION.search(_norm(text)))


# How law articles say what they are about (statute wording, not citizens' wording): "应当出具下列证件",
# "自…之日起30日内", "向…提出书面申请", "享有下列…服务".
_ARTICLE_CUES: list[tuple[Aspect, str]] = [
    (
        Aspect.MATERIALS,
        r"(?:出具|提交|提供|交验|携带|填写)(?:下列|以下|的)?(?:证件|材料|证明|申请表|登记表)|证件和证明材料",
    ),
    (
        Aspect.TIME,
        r"[0-9一二三四五六七八九十百]+(?:个工作)?日(?:以)?内|之日起|个月(?:以)?内|年(?:以)?内|(?<!有效)期限"
        # an advance notice ("应当提前三个月书面通知对方")
        r"|提前[0-9一二三四五六七八九十百]+(?:个工作日|个月|日|天|年)"
        # (or by when: "应当在合同终止三个月前提出")
        r"|[0-9一二三四五六七八九十百]+(?:个工作日|个月|日|天|年)前",
    ),
    # the article that states a period ("有效期为十年"), not one that only mentions it ("有效期即将届满的")
    (Aspect.VALIDITY, r"有效期(?:限)?(?:为|是)|有效期[0-9一二三四五六七八九十]+年|长期有效"),
    (
        Aspect.CONDITIONS,
        r"(?:符合|具备|满足)(?:下列|以下)?.{0,6}条件|有下列情形之一|不予(?:受理|登记|批准)|有权|享有|享受",
    ),
    # "常住户口所在地住址" is an item registered, not a place to go
    (Aspect.LOCATION, r"向.{1,30}(?:提出|申请|申报|办理|登记)|到.{1,20}(?:办理|登记|申请)|所在地(?!住址)"),
    (Aspect.DEPARTMENT, r"(?:部门|机关|机构|政府)(?:负责|主管|审批|审核|办理|应当)"),
    (Aspect.AMOUNT, r"标准|金额|比例|[0-9一二三四五六七八九十百千万]+元"),
    (Aspect.FEES, r"收取|工本费|费用|免费|不得收费"),
    (Aspect.ONLINE, r"政务服务平台|网上(?:办理|申请|申报)|互联网|在线(?:办理|申请)|线上"),
    (Aspect.PROCESS, r"程序|审查|审核|核实|公示|之日起.{0,10}(?:作出|决定)"),
]
_ARTICLE_COMPILED = [(a, re.compile(p)) for a, p in _ARTICLE_CUES]


# the period a benefit is paid for ("失业保险金领取期限为一个月", "领取失业保险金的期限最长为12个月")
_STATES_SPAN = re.compile(r"领取(?:[^，。；]{0,8}的)?期限(?:为|最长|增加)")
_ASKS_SPAN = re.compile(_BENEFIT_SPAN)


def article_aspects(text: str, question: str = "") -> list[Aspect]:
    """The aspects a law article's own wording addresses (used to pick, among a law's articles, the one about
    what was asked). How long a benefit is paid ("失业金能领几个月", an AMOUNT question) is answered by the
    article stating the period, not by one stating the sum."""
    found, states_span = _article_wording(text)
    if _ASKS_SPAN.search(_norm(question)):
        return [a for a in found if a is not Aspect.AMOUNT] + ([Aspect.AMOUNT] if states_span else [])
    return list(found)


@lru_cache(maxsize=4096)
def _article_wording(text: str) -> tuple[tuple[Aspect, ...], bool]:
    """The aspects an article's wording addresses, and whether it states a span (read once per article)."""
    t = _norm(text)
    return tuple(a for a, rx in _ARTICLE_COMPILED if rx.search(t)), bool(_STATES_SPAN.search(t))


def cue_spans(text: str) -> str:
    """`text` without the words that ask an aspect ("社会救助一件事多久能办完" -> "社会救助一件事能办完" minus cues)."""
    t = _norm(text)
    for _, rx in _COMPILED:
        t = rx.sub(" ", t)
    return re.sub(r"能办完|办完|办好|办结|能办|[“”\"]", " ", t)


# The guide fields (chunk fields of retrieval.chunking) that can answer each aspect.
ASPECT_FIELDS: dict[Aspect, frozenset[str]] = {
    Aspect.MATERIALS: frozenset({"materials"}),
    Aspect.TIME: frozenset({"time"}),
    Aspect.CONDITIONS: frozenset({"conditions"}),
    Aspect.LOCATION: frozenset({"location"}),
    Aspect.PHONE: frozenset({"location"}),
    Aspect.FEES: frozenset({"time"}),
    Aspect.VISITS: frozenset({"time"}),
    Aspect.ONLINE: frozenset({"meta", "process"}),
    Aspect.PROCESS: frozenset({"process"}),
    Aspect.BASIS: frozenset({"basis"}),
    Aspect.DEPARTMENT: frozenset({"meta"}),
    Aspect.LINKED: frozenset({"linked"}),
    Aspect.PROXY: frozenset({"materials"}),
}


def aspect_overlap(asked: list[Aspect] | set[Aspect], offered: list[Aspect] | set[Aspect]) -> float:
    """Share of the asked aspects a passage offers (1.0 when nothing specific was asked and none offered)."""
    a = {x for x in asked if x is not Aspect.OVERVIEW}
    if not a:
        return 0.5
    return len(a & set(offered)) / len(a)
