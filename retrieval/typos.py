"""Homophone typos in a question, corrected against the KB's own words ("信仿事项" -> 信访事项, "被案" -> 备案,
"残急人证" -> 残疾人证, "补帖上限" -> 补贴上限).

People type Chinese by pinyin, so a typo is mostly another character of the same sound. Characters the
dictionary cannot group into words are read two or three at a time; such a window is replaced by a word when
- the window is no word itself (jieba's dictionary with the domain terms, or the KB's own words),
- the word is used in the KB (in at least MIN_DOCS chunks), sounds exactly the same (toneless pinyin) and differs
  from the window in one character,
- the window shares no word with the characters next to it ("暂不征个税": 个税 is a word; 征个 is no typo), and
- the sentence reads clearly better with it: jieba's best segmentation gains at least MIN_GAIN in log probability,
  with the word as one of its words ("我是城里户口" stays: 我 + 是 outweigh 我市).
A typo that makes real words ("失业等记": 等 + 记, "学力证明": 学力 + 证明) is read as the four-character term of the KB
it sounds exactly like (in at least MIN_PHRASE_DOCS chunks, written as one word or two), differing in one or two
characters, when the sentence reads better with it (TERM_MIN_GAIN).
Pure apart from the jieba dictionary; used on the answer path only (form values are never rewritten).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin

MIN_DOCS = 2
TERM_CHARS = 4
TERM_MIN_GAIN = 2.0  # for a four-character term: the sound and the KB's term say much already
MIN_PHRASE_DOCS = 3  # a two-word term the KB writes in this many chunks
MIN_GAIN = 5.0  # log probability (natural log) of jieba's best route
# a word and a character sounding like a common three-character KB word: the sound, the KB's use and the pair being
# no word say much already ("公正员" -> 公证员 gains 4.2)
WORD_CHAR_MIN_GAIN = 4.0
COMMON_DOCS = 20  # a KB word this common is what a word the KB never uses, of the same sound, was meant to be
# a dictionary word this rare (jieba's frequency) that the KB never uses: a typo when it sounds like a common KB word
# ("注消" -> 注销; jieba lists 注消 with frequency 3, 注销 with 80) and sounds the same, tones too
RARE_FREQ = 5
_HAN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=50_000)
def sound(word: str) -> str:
    """Toneless pinyin ("信访" -> "xinfang")."""
    return "".join(lazy_pinyin(word))


def toned(word: str) -> list[str]:
    """Pinyin with tones ("细路" -> ["xi4", "lu4"])."""
    return lazy_pinyin(word, style=Style.TONE3)


def kb_words(token_lists: Iterable[Iterable[str]]) -> dict[str, int]:
    """Han words of 2-4 characters -> the number of chunks using them (from the word index's token lists)."""
    df: dict[str, int] = {}
    for tokens in token_lists:
        for w in set(tokens):
            if 2 <= len(w) <= 4 and _HAN.fullmatch(w):
                df[w] = df.get(w, 0) + 1
    return df


def kb_phrases(token_lists: Iterable[Iterable[str]]) -> dict[str, int]:
    """Two adjacent Han words making four characters ("生育" + "登记") -> the number of chunks using them."""
    df: dict[str, int] = {}
    for tokens in token_lists:
        seen: set[str] = set()
        toks = list(tokens)
        for a, b in zip(toks, toks[1:], strict=False):
            joined = a + b
            if len(joined) == TERM_CHARS and len(a) >= 2 and _HAN.fullmatch(joined) and joined not in seen:
                seen.add(joined)
                df[joined] = df.get(joined, 0) + 1
    return df


class TypoFixer:
    def __init__(
        self, jieba: Any, words: Mapping[str, int], phrases: Mapping[str, int] | None = None
    ) -> None:
        """`jieba`: an initialised jieba.Tokenizer (the retriever's, with the domain terms); `words`: kb_words;
        `phrases`: kb_phrases (four-character terms the KB writes as two words)."""
        self.jieba = jieba
        self.words = words
        self.phrases = phrases or {}
        by_sound: dict[str, tuple[str, int]] = {}
        for w, n in words.items():
            if n >= MIN_DOCS and jieba.FREQ.get(w, 0) > 0:
                key = sound(w)
                if key not in by_sound or n > by_sound[key][1]:
                    by_sound[key] = (w, n)
        self.by_sound = {k: w for k, (w, _) in by_sound.items()}
        # four-character terms of the KB by sound: "生育等级" is two real words, but one typo of 生育登记
        terms: dict[str, tuple[str, int]] = {
            k: (w, words[w]) for k, w in self.by_sound.items() if len(w) == TERM_CHARS
        }
        for w, n in self.phrases.items():
            if n < MIN_PHRASE_DOCS:
                continue  # (most of them: their sound is not worth computing)
            key = sound(w)
            if key not in terms or n > terms[key][1]:
                terms[key] = (w, n)
        self.terms_by_sound = {k: w for k, (w, _) in terms.items()}
        # per fixer: a cache on the class would keep every replaced fixer alive through its entries
        self._route = lru_cache(maxsize=4096)(self._route_of)

    def known(self, w: str) -> bool:
        return self.jieba.FREQ.get(w, 0) > 0 or w in self.words

    def fix(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """(`text` with its typos corrected, [(typo, word)])."""
        tokens = list(self.jieba.cut(text, HMM=False))
        out: list[str] = []
        fixed: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            if not _single_han(tokens[i]):
                # a word of the dictionary: a rare one the KB never uses may be a typo ("注消" -> 注销)
                word = self._rare_typo(tokens[i])
                if word is not None:
                    fixed.append((tokens[i], word))
                out.append(word or tokens[i])
                i += 1
                continue
            j = i
            while j < len(tokens) and _single_han(tokens[j]):
                j += 1
            before = "".join(out)
            after = "".join(tokens[j:])
            out.append(self._fix_run("".join(tokens[i:j]), before, after, fixed))
            i = j
        return self._fix_terms(self._fix_word_and_char("".join(out), fixed), fixed), fixed

    def _rare_typo(self, tok: str) -> str | None:
        """The common KB word a rare dictionary word the KB never uses was meant to be: it sounds exactly like it and
        differs in one character ("注消" -> 注销); the dictionary's oddities are no reason to keep a typo."""
        if len(tok) < 2 or not _HAN.fullmatch(tok) or tok in self.words:
            return None
        if not 0 < self.jieba.FREQ.get(tok, 0) <= RARE_FREQ:
            return None
        word = self.by_sound.get(sound(tok))
        if word is None or len(word) != len(tok) or self.words.get(word, 0) < COMMON_DOCS:
            return None
        if sum(a != b for a, b in zip(word, tok, strict=True)) != 1:
            return None
        # a word of the dictionary gives way only to an exact homophone, tones too (the Cantonese 细路, xi4 lu4, is no
        # typo of the addresses' 西路, xi1 lu4)
        return word if toned(word) == toned(tok) else None

    def _fix_word_and_char(self, text: str, fixed: list[tuple[str, str]]) -> str:
        """A word and a character next to it, joining into no word, that sound exactly like a common three-character
        word of the KB and differ from it in one character ("身份正" -> 身份证, "公基金" -> 公积金): a typo that makes a
        real word and a character, which the character windows leave alone. (A whole word is left as it is: the
        Cantonese "细路" sounds like the addresses' 西路.)"""
        tokens = list(self.jieba.cut(text, HMM=False))
        out: list[str] = []
        i = 0
        while i < len(tokens):
            pair = tokens[i : i + 2]
            joined = "".join(pair)
            word = self._common_sound(joined) if len(pair) == 2 and 1 in map(len, pair) else None
            left, right = "".join(out), "".join(tokens[i + 2 :])
            if word is not None and self._gain(left, joined, word, right) >= WORD_CHAR_MIN_GAIN:
                out.append(word)
                fixed.append((joined, word))
                i += 2
            else:
                out.append(tokens[i])
                i += 1
        return "".join(out)

    def _common_sound(self, joined: str) -> str | None:
        """The common KB word of three characters `joined` (no word itself) sounds like, one character apart."""
        if len(joined) != 3 or not _HAN.fullmatch(joined) or self.known(joined):
            return None
        word = self.by_sound.get(sound(joined))
        if word is None or len(word) != 3 or self.words.get(word, 0) < COMMON_DOCS:
            return None
        return word if sum(a != b for a, b in zip(word, joined, strict=True)) == 1 else None

    def _fix_terms(self, text: str, fixed: list[tuple[str, str]]) -> str:
        """Words that join into no word but sound exactly like a four-character term of the KB, differing from it
        in one or two characters ("生育等级" -> 生育登记, "失业等记" -> 失业登记): a typo that happens to make real
        words, which the character windows above leave alone."""
        tokens = list(self.jieba.cut(text, HMM=False))
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for n in (2, 3):
                joined = "".join(tokens[i : i + n])
                if i + n > len(tokens) or len(joined) != TERM_CHARS or not _HAN.fullmatch(joined):
                    continue
                term = (
                    None
                    if self.known(joined) or joined in self.phrases
                    else self.terms_by_sound.get(sound(joined))
                )
                left, right = "".join(out)[-4:], "".join(tokens[i + n :])[:4]
                if (
                    term is not None
                    and sum(a != b for a, b in zip(term, joined, strict=True)) <= 2
                    # and the sentence reads better with it ("通过一件事" is no typo of 通过意见)
                    and self._route(left + term + right)[0] - self._route(left + joined + right)[0]
                    >= TERM_MIN_GAIN
                ):
                    out.append(term)
                    fixed.append((joined, term))
                    i += n
                    break
            else:
                out.append(tokens[i])
                i += 1
        return "".join(out)

    def _fix_run(self, run: str, before: str, after: str, fixed: list[tuple[str, str]]) -> str:
        found: list[tuple[float, int, str, str]] = []  # (gain, start, window, word)
        for n in (3, 2):
            for k in range(len(run) - n + 1):
                window = run[k : k + n]
                word = self._sounds_like(window)
                if word is None:
                    continue
                left, right = before + run[:k], run[k + n :] + after
                if self._joins_neighbour(window, left, right):
                    continue
                gain = self._gain(left, window, word, right)
                if gain >= MIN_GAIN:
                    found.append((gain, k, window, word))
        chars, taken = list(run), set[int]()
        # the clearest corrections first ("商务签住要带": 签注 reads far better than 住要 -> 主要)
        for _gain, k, window, word in sorted(found, key=lambda f: -f[0]):
            span = set(range(k, k + len(window)))
            if span & taken:
                continue
            taken |= span
            chars[k : k + len(window)] = list(word)
            fixed.append((window, word))
        return "".join(chars)

    def _sounds_like(self, window: str) -> str | None:
        if self.known(window):
            return None
        word = self.by_sound.get(sound(window))
        if word is None or len(word) != len(window):
            return None
        if sum(a != b for a, b in zip(word, window, strict=True)) != 1:
            return None
        return word

    def _joins_neighbour(self, window: str, left: str, right: str) -> bool:
        """A character of the window makes a word with the text next to it (the window is no unit)."""
        for n in (1, 2):
            if len(right) >= n and (self.known(window[-1] + right[:n]) or self.known(window + right[:n])):
                return True
            if len(left) >= n and (self.known(left[-n:] + window[0]) or self.known(left[-n:] + window)):
                return True
        return False

    def _gain(self, left: str, window: str, word: str, right: str) -> float:
        """How much better jieba reads the text with `word` (a few characters of context each side); -inf when
        the word is not inside one of the words of its best segmentation."""
        ctx_left, ctx_right = left[-4:], right[:4]
        a = self._route(ctx_left + window + ctx_right)
        b = self._route(ctx_left + word + ctx_right)
        start, end = len(ctx_left), len(ctx_left) + len(word)
        if not any(x <= start and end <= y for x, y in b[1]):
            return float("-inf")
        return b[0] - a[0]

    def _route_of(self, s: str) -> tuple[float, frozenset[tuple[int, int]]]:
        """jieba's best segmentation of `s`: its log probability and its words as (start, end) spans."""
        dag = self.jieba.get_DAG(s)
        route: dict[int, tuple[float, int]] = {}
        self.jieba.calc(s, dag, route)
        spans, x = set(), 0
        while x < len(s):
            y = route[x][1] + 1
            spans.add((x, y))
            x = y
        return route[0][0], frozenset(spans)


class LiveTypoFixer:
    """A TypoFixer kept in step with a changing word index: built on first use (the retriever's warm-up), rebuilt in
    a background thread (~1 s for the bundled KB) once the index changed, while the previous one keeps answering,
    so no citizen's turn waits for a publish."""

    def __init__(
        self,
        jieba: Callable[[], Any],
        version: Callable[[], Hashable],
        snapshot: Callable[[], tuple[Hashable, list[list[str]]]],
    ) -> None:
        self._jieba, self._version, self._snapshot = jieba, version, snapshot
        self._current: tuple[Hashable, TypoFixer] | None = None
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()

    def fix(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        current = self._current
        if current is None:
            with self._lock:
                current = self._current or self._build()
        elif current[0] != self._version() and self._idle.is_set():
            self._idle.clear()
            threading.Thread(target=self._rebuild, name="typo-fixer", daemon=True).start()
        return current[1].fix(text)

    def wait(self, timeout: float | None = None) -> bool:
        """Until no rebuild is running (tests, warm-ups); False on timeout."""
        return self._idle.wait(timeout)

    def _rebuild(self) -> None:
        try:
            with self._lock:
                self._build()
        finally:
            self._idle.set()

    def _build(self) -> tuple[Hashable, TypoFixer]:
        key, lists = self._snapshot()
        built = (key, TypoFixer(self._jieba(), kb_words(lists), kb_phrases(lists)))
        self._current = built
        return built


def _single_han(token: str) -> bool:
    return len(token) == 1 and bool(_HAN.fullmatch(token))
