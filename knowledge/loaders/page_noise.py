"""Boilerplate of government web pages: navigation, share/print widgets, footers.

`is_noise_line` drops a single line; `is_footer_marker` marks where the article ends (everything after it
is page footer). Both are pure predicates over one line.
"""

from __future__ import annotations

import re


def _words(spec: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in spec.split("|") if w.strip())


# Page furniture wherever it appears (matched at the start of a short line).
_NOISE_PREFIXES = _words(
    "headerBg|footerBg|您现在的位置|您当前的位置|当前位置|首页 >|首页>|分享到|分享至|【字体|【 字体|字体:|字体：|[字体"
    "|访问量|浏览次数|阅读次数|点击数|【打印|打印本页|【关闭|关闭窗口|扫一扫|用手机扫描|相关附件|相关稿件|相关链接"
    "|相关文章|相关阅读|上一篇|下一篇|继续访问|网站地图|联系我们|关于我们|版权所有|Copyright|copyright|©|主办:"
    "|主办：|主办单位|承办单位|技术支持|技术保障|网站标识码|网站识别码|违法和不良信息|您访问的链接即将离开|返回顶部"
    "|收藏本页|设为首页|无障碍|长者模式"
)
_NOISE_CONTAINS = _words("ICP备|公网安备|政府网站标识码|本网站由")
# Where the article ends: everything from here on is footer.
_FOOTER_PREFIXES = _words(
    "相关附件|分享到|分享至|相关稿件|相关链接|相关文章|扫一扫|【打印|打印本页|上一篇|下一篇|继续访问|版权所有"
    "|Copyright|主办:|主办：|主办单位|网站标识码|公开方式:|公开方式：|抄送:|抄送："
)
_NOISE_RE = re.compile(
    r"^(?:[-–—_=*•·|/\\>\s]+|\d{1,3}|(?:打印|关闭|返回|收藏|纠错)(?:\s*[|/]?\s*(?:打印|关闭|返回|收藏|纠错))*)$"
)
_SITE_PART = re.compile(r"(?:头部|脚部|尾部)$|[A-Z][a-z]+(?: [A-Z][a-z]+)+")  # "… Municipal Government 头部"
_SHORT = 60


def _core(line: str) -> str:
    return line.strip().lstrip("•·-*").strip()


def is_noise_line(line: str) -> bool:
    s = _core(line)
    if not s or _NOISE_RE.match(s):
        return True
    if len(s) > _SHORT:
        return False
    return s.startswith(_NOISE_PREFIXES) or any(x in s for x in _NOISE_CONTAINS) or bool(_SITE_PART.search(s))


def is_footer_marker(line: str) -> bool:
    return _core(line).startswith(_FOOTER_PREFIXES)
