"""Regions of guides and questions: the deployment's home region, place names a person mentions, and the
rank of a guide's region for a question (pure functions).

Guides of the home region and its parents come first; when a person names another place, that place's
guides come first if the KB has any.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from knowledge.regions import UNIT_RE, level_of, parse_region_path, short_name  # noqa: F401 (re-exported)

HOME_REGION_DEFAULT: tuple[str, ...] = ("广东省", "广州市", "花都区")
# Words that end in a level character but are not places ("城市", "社区", "小区", "辖区" ...).
_NOT_PLACE = re.compile(
    r"^(?:城市|社区|小区|辖区|园区|景区|本市|本区|本县|本省|全市|全省|全区|外省|外市|外地|各区|各市|各县|"
    r"该市|该区|县区|市区|城区|郊区|老区|新区|特区|山区|农村|城镇|乡镇|省市|市县|县市|户籍所在地|所在地|当地|本地)$"
)


_NOT_IN_PLACE = re.compile(r"[有什么的和是在要能可我你他怎哪办找交带吗呢了与及或给对把被从到]")
# Towns and townships are not in the gazetteer: a written-out "…镇" / "…乡" is one unless it ends in a common
# word ("城乡居民", "老家乡下", "城镇职工", "落乡演出").
_NOT_TOWN = re.compile(r"(?:城|家|下|落|老|故|同|异|他|返|回|思|本|外|水|梦|乡|集|重|古)(?:乡|镇)$")
GAZETTEER = Path(__file__).parent / "data" / "admin_units.tsv"


def label(path: Sequence[str]) -> str:
    return "".join(path)


# the 乡 / 镇 of a common word is no township: "申请乡村建设规划许可", "各乡镇", "回乡下", "本地乡土教材", "开镇痛药"
_WRITTEN_TOWN = re.compile(r"([\u4e00-\u9fff]{2})(镇(?![痛静定])|乡(?![村镇下土亲情愁音贤邻间俗风]))")


@lru_cache(maxsize=1)
def gazetteer_units() -> tuple[str, ...]:
    """Names of China's units above the township level ("深圳市", "新城区", "麻阳苗族自治县"), longest first;
    one-character stems ("城区", "矿区") and placeholders ("市辖区") left out: they are words, not names."""
    names = set()
    for line in GAZETTEER.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name = line.split("\t")[1]
            if len(name) >= 3 and "辖" not in name and "直属" not in name:
                names.add(name)
    return tuple(sorted(names, key=len, reverse=True))


def mentioned_units(text: str) -> list[str]:
    """Administrative units written out in a message ("我想咨询一下深圳市的…" -> ["深圳市"]): names of the
    gazetteer, so that words which only end like a unit ("准备上市", "去超市", "登记社区", "什么区别") are no
    place, and towns ("…镇", "…乡") by their form. Short names are found through the KB's own region names
    (named_places)."""
    out: list[str] = []
    for name in gazetteer_units():
        if name in text and not any(name in u for u in out):
            out.append(name)
    # provinces and cities are named by their short names too, when said as the place asked about ("深圳的居住证",
    # "在北京办低保", "深圳公共信用平台", "深圳有些地方"), not as where one's household is or comes from ("清远户口",
    # "我是湖北人", "去北京的机票")
    for short, name in major_short_names().items():
        if short not in text or any(short in u or name == u for u in out):
            continue
        if said_as_place(short, text):
            out.append(name)
    for m in _WRITTEN_TOWN.finditer(text):
        u = m.group(0)
        if _NOT_TOWN.search(u) or _NOT_IN_PLACE.search(m.group(1)) or _NOT_PLACE.match(u):
            continue
        out.append(u)
    return sorted(out, key=text.find)


def place_names_in(text: str) -> list[str]:
    """Every unit name in a message, full or the short name of a province or city, however it is said ("深圳有
    什么…"): for reading what a message asks without where (mentioned_units keeps only places asked about)."""
    full = [n for n in gazetteer_units() if n in text]
    return full + [s for s in major_short_names() if s in text and not any(s in n for n in full)]


def crossed_levels(text: str) -> frozenset[str]:
    """The levels a message's places differ at: "市" when it names two prefecture-level cities ("从佛山的律所跳槽到
    广州"), "省" when two provinces ("在湖南做律师…转嚟广东"). A name of several units is left out."""
    codes = _codes_by_short_name()
    found = [codes[p][0] for p in place_names_in(text) if len(set(codes.get(p, ()))) == 1]
    out = set()
    if len({c[:2] for c in found}) >= 2:
        out.add("省")
    if len({c[:4] for c in found if not c.endswith("0" * 10)}) >= 2:
        out.add("市")
    return frozenset(out)


# Countries named in Chinese (ISO 3166 names of pycountry's zh_CN translation); China itself and Hong Kong,
# Macao and Taiwan are left out: their matters (港澳通行证, 台胞证) are Chinese government services.
_DOMESTIC = {"CN", "HK", "MO", "TW"}
# a country name that is also part of common words ("增加纳税", "非法国有资产", "也门诊")
_NOT_COUNTRY = re.compile(r"加纳(?:税|入|米)|(?:非|违|依|合)法国|也门(?:诊|口)")


# everyday names of countries beside the ISO ones (澳洲 for 澳大利亚)
_COUNTRY_ALIASES = {"澳洲", "纽西兰", "南韩", "星加坡", "大马"}


@lru_cache(maxsize=1)
def _countries() -> tuple[str, ...]:
    import gettext

    import pycountry

    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True)
    names = {zh.gettext(c.name) for c in pycountry.countries if c.alpha_2 not in _DOMESTIC}
    names |= _COUNTRY_ALIASES
    return tuple(sorted((n for n in names if len(n) >= 2 and "中国" not in n), key=len, reverse=True))


# a country said as a person's nationality ("我有个法国朋友", "美籍华人", "日本客户"): the matter is still one here
_NATIONALITY_AFTER = re.compile(
    r"(?:籍|人|公民|朋友|友人|客户|客人|老公|老婆|丈夫|妻子|太太|男朋友|女朋友|同事|员工|专家|学生|留学生|护照|游客|商人)(?!签证)"
)


# a country said as where someone lives ("定居咗喺澳洲", "移民去了加拿大", "我叔公在美国") who then comes back or sends
# something back here ("返嚟住我屋企", "回来看病", "寄回来的侨汇"): the matter is one here
_LIVES_THERE = re.compile(
    r"(?:(?:定居|居住|住|生活|移民|移居)(?:了|咗)?(?:在|喺|到|去)?"
    r"|(?:叔|伯|舅|姑|姨|爷|公|婆|奶|爸|妈|哥|姐|弟|妹|佬|仔|女|儿子|亲戚|家人|朋友)(?:在|喺))(?:了|咗)?$"
)
_COMES_BACK = re.compile(r"回来|返来|返嚟|回国|归国|返国|回到国内|返到|回广|回花都")
# a country said as where goods come from ("由泰国入口啲手袋", "从日本寄来的包裹"): they are brought in here
_FROM_THERE = re.compile(r"(?:从|由|自)$")
_GOODS_IN = re.compile(r"进口|入口|寄|运|邮|带")


def _lives_there_comes_back(t: str, start: int, end: int) -> bool:
    return bool(_LIVES_THERE.search(t[max(0, start - 6) : start]) and _COMES_BACK.search(t, end))


def _brought_from(t: str, start: int, end: int) -> bool:
    return bool(_FROM_THERE.search(t[max(0, start - 1) : start]) and _GOODS_IN.match(t, end))


def foreign_countries(text: str) -> list[str]:
    """Foreign countries a message names ("美国的个人所得税…" -> ["美国"]): no guide of this KB is about them.
    A country said as a person's nationality only ("我有个法国朋友…喺广州"), as where someone lives who comes back
    or sends something back here, or as where goods come from, is left out."""
    t = _NOT_COUNTRY.sub("", text)
    found: list[str] = []
    for name in _countries():
        if name not in t or any(name in f for f in found):
            continue
        said = list(re.finditer(re.escape(name), t))
        if all(
            _NATIONALITY_AFTER.match(t, m.end())
            or _lives_there_comes_back(t, m.start(), m.end())
            or _brought_from(t, m.start(), m.end())
            for m in said
        ):
            continue
        found.append(name)
    return found


# Services about matters abroad (留学 degree checks, 出入境, 涉外 marriages, 国际邮件) answer questions that name a
# foreign country: the country is where the person studied or sends from, the matter is handled here.
_ABROAD = re.compile(r"留学|出国|出入?境|入境|国[（(]?境?[）)]?外|境外|海外|外国|涉外|国际|侨")


def about_abroad(text: str) -> bool:
    return bool(_ABROAD.search(text))


def said_as_place(short: str, text: str) -> bool:
    """A short name said as the place asked about ("在番禺", "深圳的居住证", "天河这边"), not as where one's
    household is or comes from ("清远户口", "我是湖北人", "去北京的机票")."""
    s = re.escape(short)
    return bool(
        re.search(
            rf"(?:在|喺|于|(?<![记居])住){s}|(?<![去到往飞回来从]){s}(?:的|嘅|这边|那边|这里|那里|当地|本地|地区|有些|有的|公共|政府|规定|法规)",
            text,
        )
    ) and not re.search(rf"{s}(?:的|嘅)?(?:户口|户籍|人|籍)", text)


@lru_cache(maxsize=1)
def _districts_by_prefix() -> dict[str, dict[str, str]]:
    """A prefecture-level city's adcode prefix ("4401") -> short name -> full name of its districts and counties,
    read once from the gazetteer."""
    out: dict[str, dict[str, str]] = {}
    for name, codes in _adcodes().items():
        short = short_name(name)
        if "辖" in name or len(short) < 2 or short == name:
            continue
        for c in codes:
            if c.endswith("0" * 6) and not c.endswith("0" * 8):
                out.setdefault(c[:4], {}).setdefault(short, name)
    return out


def districts_of(city: str) -> dict[str, str]:
    """Short name -> full name of the districts and counties of a prefecture-level city (广州市: "番禺" ->
    "番禺区"); empty for any other unit."""
    prefixes = {c[:4] for c in _adcodes().get(city, ()) if c.endswith("0" * 8) and not c.endswith("0" * 10)}
    return {k: v for p in prefixes for k, v in _districts_by_prefix().get(p, {}).items()}


def within_home_city(place: str, home: Sequence[str]) -> bool:
    """A unit of the home region's city other than the home district (番禺区 for 广东省 › 广州市 › 花都区): the
    city's and the province's guides apply there, the home district's do not."""
    return len(home) >= 2 and place not in home and home[1] in enclosing_units((place,))


def home_levels_over(place: str, home: Sequence[str]) -> int:
    """How many of the home region's leading units contain another place, so that their guides apply there:
    2 for 番禺区 (the province's and the city's), 1 for 湛江市 or 赤坎区 (the province's), 0 outside the province
    or for a unit of the home chain itself."""
    if place in home:
        return 0
    around = enclosing_units((place,))
    return next((k for k in range(len(home) - 1, 0, -1) if home[k - 1] in around), 0)


def in_home_province(places: Sequence[str], home: Sequence[str]) -> bool:
    """Every place is another unit of the home province, where the province's guides apply."""
    return bool(places) and all(home_levels_over(p, home) for p in places)


def province_serves(path: Sequence[str], places: Sequence[str], home: Sequence[str]) -> bool:
    """A guide of the home province, and every place in that province: the guide applies there ("我在湛江养蚝")."""
    return in_home_chain(path, home[:1]) and in_home_province(places, home)


_FROM_RE = re.compile(r"(?:从|由)$")
_COME_RE = re.compile(r"[\u4e00-\u9fff]{0,3}?(?:过来|来|嚟|返来|回来)")


def _come_from(name: str, text: str) -> bool:
    """Every mention of the place says where the person comes from ("从湖南老家来广州…报暂住"; not where a move
    starts that is asked about: "公司要从醴陵搬到株洲")."""
    return all(
        (_FROM_RE.search(text[: m.start()]) and _COME_RE.match(text, m.end()))
        or text[: m.start()].endswith("来自")
        for m in re.finditer(re.escape(name), text)
    )


def named_places(text: str, known: Iterable[str]) -> list[str]:
    """Places a message names: KB region units found by full or short name ("长沙", "湖南省"), plus any other
    written-out unit ("北京市") the KB does not know. Home-region units are included when named."""
    found: list[str] = []
    for unit in known:
        said = unit if unit in text else short_name(unit) if short_name(unit) in text else None
        # (a place one comes from is not the place asked about: "我从湖南老家来广州…报暂住")
        if said is not None and not _come_from(said, text):
            found.append(unit)
    for u in mentioned_units(text):
        if not any(u == k or u in k or k in u for k in found):
            found.append(u)
    # the districts of a city the KB knows, by their short names when said as the place ("在番禺有块地")
    for city in known:
        for short, name in districts_of(city).items():
            if short in text and not any(short in u for u in found) and said_as_place(short, text):
                found.append(name)
    return list(dict.fromkeys(found))


def in_home_chain(path: Sequence[str], home: Sequence[str]) -> bool:
    """A guide of the home region or one of its parents (a province guide applies in all its cities)."""
    return bool(path) and tuple(path) == tuple(home[: len(path)])


@lru_cache(maxsize=1)
def _adcodes() -> dict[str, tuple[str, ...]]:
    """Gazetteer name -> its adcodes (a few names, "新城区", are used in several provinces)."""
    codes: dict[str, list[str]] = {}
    for line in GAZETTEER.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")[:2]
            codes.setdefault(name, []).append(code)
    return {k: tuple(v) for k, v in codes.items()}


# short names of cities that are also common words ("来宾登记", "日照时间", "三明治"), and 香港 / 澳门 / 台湾
SHORT_NAME_WORDS = Path(__file__).parent / "data" / "place_name_words.txt"


@lru_cache(maxsize=1)
def major_short_names() -> dict[str, str]:
    """Short name -> full name of the province- and prefecture-level units ("深圳" -> "深圳市", "广西" ->
    "广西壮族自治区"), longest first; those that are common words left out (data/place_name_words.txt)."""
    words = {
        w
        for line in SHORT_NAME_WORDS.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for w in line.split()
    }
    out: dict[str, str] = {}
    for name, codes in _adcodes().items():
        if not any(c.endswith("0" * 8) for c in codes) or "辖" in name:
            continue
        if name.endswith("自治州"):
            continue  # "湘西土家族苗族自治州": its short name is no simple cut
        short = (
            ("内蒙古" if name.startswith("内蒙古") else name[:2])
            if name.endswith("自治区")
            else short_name(name)
        )
        if len(short) >= 2 and short != name and short not in words:
            out.setdefault(short, name)
    return dict(sorted(out.items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=1)
def _names_by_code() -> dict[str, str]:
    return {c: n for n, cs in _adcodes().items() for c in cs}


@lru_cache(maxsize=4096)
def enclosing_units(path: tuple[str, ...]) -> frozenset[str]:
    """The gazetteer's units that contain a path's units without being written in it: ("湖南省", "醴陵市") ->
    {"株洲市"}. A name used in several provinces counts only under the path's own province."""
    codes = _adcodes()
    by_code = _names_by_code()
    provinces = {c[:2] for u in path for c in codes.get(u, ()) if c.endswith("0" * 10)}
    out: set[str] = set()
    for u in path:
        for c in codes.get(u, ()):
            if provinces and c[:2] not in provinces:
                continue
            for parent in (c[:2] + "0" * 10, c[:4] + "0" * 8):
                name = by_code.get(parent)
                if parent != c and name and name not in path:
                    out.add(name)
    return frozenset(out)


@lru_cache(maxsize=1)
def _codes_by_short_name() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for name, codes in _adcodes().items():
        for key in {name, short_name(name)}:
            if len(key) >= 2:
                out.setdefault(key, []).extend(codes)
    return {k: tuple(v) for k, v in out.items()}


# where a person says their household (户口 / 户籍) is registered: "清远户口", "佛山市户籍", "户口在湛江"
_HOUSEHOLD = re.compile(
    r"([\u4e00-\u9fff]{2,7}?)(?:的)?(?:户口|户籍)(?!本|簿|页|所在地)|(?:户口|户籍)(?:在|是|系|喺|落在|属于)([\u4e00-\u9fff]{2,7})"
)


def household_code(text: str) -> str | None:
    """The adcode of the place a message says the person's household is registered in (the longest gazetteer
    name or short name ending the words before 户口 / 户籍, or starting those after 户口在…), else None."""
    codes = _codes_by_short_name()
    for m in _HOUSEHOLD.finditer(text):
        before, after = m.group(1), m.group(2)
        words = before or after or ""
        spans = (
            [words[i:] for i in range(len(words) - 1)]
            if before
            else [words[:j] for j in range(len(words), 1, -1)]
        )
        for w in spans:
            found = codes.get(w)
            if found:
                return sorted(found)[0]
    return None


def matches_place(path: Sequence[str], place: str) -> bool:
    """A path of the place or of a unit inside it (a 醴陵市 guide is one of 株洲市)."""
    if any(u == place or short_name(u) == short_name(place) for u in path):
        return True
    return any(short_name(u) == short_name(place) for u in enclosing_units(tuple(path)))


def national_law(region: str | None) -> bool:
    """A law of the whole country (no region, or 全国)."""
    return not region or region == "全国"


def law_applies(region: str | None, home: Sequence[str], text: str = "") -> bool:
    """A law of the whole country or of the home region / a parent applies to the person; a local regulation of
    another place ("汕尾市农村建房条例") only when the message names that place."""
    if national_law(region) or region in home:
        return True
    return short_name(region or "") in text


def law_of_place(region: str | None, place: str) -> bool:
    """A law is the place's own regulation (not a national law, nor one of another place): 广东省 / 广东."""
    return not national_law(region) and short_name(region or "") == short_name(place)


def local_law_holds_in(region: str | None, place: str) -> bool:
    """A regulation below the national level holds in a place: its own, or one of a unit containing it (广东省's
    regulations hold in 深圳市 and 湛江市)."""
    return not national_law(region) and law_holds_in(region, place)


def law_holds_in(region: str | None, place: str) -> bool:
    """A law holds in a place: a national law, the place's own regulation, or one of a unit containing it (广东省's
    regulations hold in 深圳市)."""
    if national_law(region):
        return True
    return matches_place((place,), region or "") or region in enclosing_units((place,))


def region_rank(path: Sequence[str], home: Sequence[str], named: Sequence[str]) -> int:
    """0: a place the person named; 1: the home region chain (when no place is named); 2: elsewhere;
    3: no region recorded. Lower is better."""
    if named:
        if any(matches_place(path, p) for p in named):
            return 0
        # (the home city's and the province's guides apply in another district of the home city; the home
        # district's are the nearest there is, labelled as its own)
        # (and the province's alone in its other cities: "我在湛江养对虾…想请省农业农村厅派技术人员")
        depth = max(len(home) if p in home else home_levels_over(p, home) for p in named)
        span = len(home) if depth >= 2 else depth
        return 1 if span and in_home_chain(path, home[:span]) else 2
    if not path:
        return 3
    return 1 if in_home_chain(path, home) else 2


def office_there(place: str, name: str, department: str | None) -> bool:
    """A guide's own name or office names the place: the province's office there ("湛江检测院工作动态查询" of
    广东省特种设备检测研究院湛江检测院), whose guides the KB has although it has none of the city's own."""
    short = short_name(place)
    return len(short) >= 2 and short in f"{name} {department or ''}"
