"""Chinese tokenizing for retrieval: jieba with a domain dictionary, stopwords, synonyms, char n-grams.

Pure helpers (`normalize`, `char_ngrams`, `filter_tokens`, `expand_synonyms`) do the text work; the
`Tokenizer` class only owns the lazily built jieba instance and the loaded tables.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DOMAIN_DICT = DATA_DIR / "domain_dict.txt"
SYNONYMS = DATA_DIR / "synonyms.tsv"
STOPWORDS = DATA_DIR / "stopwords.txt"
QUERY_FILLERS = DATA_DIR / "query_fillers.txt"
FALSE_FRIENDS = DATA_DIR / "false_friends.tsv"

_KEEP = re.compile(r"[\u4e00-\u9fff0-9a-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SPLIT = re.compile(r"[^\u4e00-\u9fff0-9a-z]+")


@lru_cache(maxsize=8192)  # guide and article texts are read again on every turn
def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), lower case, collapse whitespace."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def han_runs(text: str) -> list[str]:
    """Runs of CJK/latin/digit characters, split at punctuation and spaces."""
    return [r for r in _SPLIT.split(normalize(text)) if r]


def char_ngrams(text: str, n: int = 2, with_unigrams: bool = False) -> list[str]:
    """Character n-grams inside each run (never across punctuation); unigrams of CJK chars optional."""
    out: list[str] = []
    for run in han_runs(text):
        if with_unigrams:
            out.extend(ch for ch in run if _HAN.match(ch))
        if len(run) < n:
            if not with_unigrams or not _HAN.match(run):
                out.append(run)
            continue
        out.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return out


def filter_tokens(tokens: Iterable[str], stopwords: frozenset[str]) -> list[str]:
    """Drop stopwords, whitespace and pure punctuation tokens."""
    return [t for t in (t.strip() for t in tokens) if t and t not in stopwords and _KEEP.search(t)]


def load_false_friends(path: Path = FALSE_FRIENDS) -> tuple[tuple[str, str], ...]:
    """(short word, longer word holding it with another meaning) pairs; # comments."""
    if not path.exists():
        return ()
    rows = (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines())
    return tuple((r[0].strip(), r[1].strip()) for r in rows if len(r) == 2 and not r[0].startswith("#"))


def drop_false_friends(tokens: list[str], text: str, pairs: Iterable[tuple[str, str]]) -> list[str]:
    """`tokens` without a short word the text holds only inside its false friend ("身份证" in "居民身份证明")."""
    for short, long in pairs:
        if long in text and text.count(short) == text.count(long):
            tokens = [t for t in tokens if not (short in t and long not in t)]
            tokens += [] if long in tokens else [long]
    return tokens


@lru_cache(maxsize=1)
def false_friends() -> tuple[tuple[str, str], ...]:
    """The bundled false-friend pairs, loaded once."""
    return load_false_friends()


def names_a_false_friend(query: str, name: str) -> bool:
    """`name` holds a word of the query only inside its false friend ("小孩几岁可以办身份证" and
    中国税收居民身份证明的开具): it does not name what was asked."""
    q, n = normalize(query), normalize(name)
    return any(
        short in q and long not in q and long in n and n.count(short) == n.count(long)
        for short, long in false_friends()
    )


def expand_synonyms(query: str, table: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Formal terms for every colloquial key found in the normalized query.

    A key that is part of a longer matching key (驾照 inside 驾照丢了) still fires: both add terms.
    Terms already present in the query are skipped. Order is stable.
    """
    q = normalize(query)
    out: list[str] = []
    seen: set[str] = set()
    for key in _keys_in(q, tuple(table)):
        for term in table[key]:
            if term not in seen and term not in q:
                seen.add(term)
                out.append(term)
    return out


def _keys_in(q: str, keys: tuple[str, ...]) -> list[str]:
    return sorted((k for k in keys if k in q), key=lambda k: (q.index(k), -len(k)))


def load_synonyms(path: Path = SYNONYMS) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in _data_lines(path):
        key, _, terms = line.partition("\t")
        if key.strip() and terms.strip():
            table[normalize(key)] = tuple(terms.split())
    return table


@lru_cache(maxsize=1)
def synonym_table() -> dict[str, tuple[str, ...]]:
    """The bundled colloquial -> formal synonym table, loaded once."""
    return load_synonyms()


def load_stopwords(path: Path = STOPWORDS) -> frozenset[str]:
    return frozenset(normalize(w) for w in _data_lines(path))


def load_query_fillers(path: Path = QUERY_FILLERS) -> dict[str, str]:
    """Lines "token" (dropped from queries: maps to "") or "token<TAB>replacement"."""
    out: dict[str, str] = {}
    for line in _data_lines(path):
        key, _, repl = line.partition("\t")
        if key.strip():
            out[normalize(key)] = normalize(repl)
    return out


def strip_fillers(tokens: Iterable[str], fillers: Mapping[str, str]) -> list[str]:
    """Query tokens with spoken-question fillers dropped or replaced by their informative part."""
    out: list[str] = []
    for t in tokens:
        r = fillers.get(t, t)
        if r:
            out.append(r)
    return out


def load_domain_terms(path: Path = DOMAIN_DICT) -> list[tuple[str, int | None]]:
    """Lines "term" or "term freq"."""
    out: list[tuple[str, int | None]] = []
    for line in _data_lines(path):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        out.append((parts[0], freq))
    return out


def _data_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _tables_version(paths: Iterable[Path]) -> str:
    """Hash of the tables that shape indexed tokens (dictionary, stopwords, false friends), so that indexes built with
    other tables get rebuilt. Synonyms act on queries only and are not part of it."""
    import hashlib

    h = hashlib.sha1()
    for p in paths:
        h.update(p.read_bytes() if p.exists() else b"")
    return h.hexdigest()[:12]


class Tokenizer:
    """Domain-aware tokenizer. Heavy state (jieba's prefix dictionary) is built on first use."""

    def __init__(
        self,
        domain_dict: Path = DOMAIN_DICT,
        synonyms: Path = SYNONYMS,
        stopwords: Path = STOPWORDS,
        query_fillers: Path = QUERY_FILLERS,
        false_friends: Path = FALSE_FRIENDS,
    ) -> None:
        self._paths = (domain_dict, synonyms, stopwords)
        self._jieba = None
        self._lock = threading.Lock()
        self.synonyms: dict[str, tuple[str, ...]] = load_synonyms(synonyms)
        self.stopwords: frozenset[str] = load_stopwords(stopwords)
        # query side only: not part of `version` (indexed tokens do not depend on it)
        self.query_fillers: dict[str, str] = load_query_fillers(query_fillers)
        self.false_friends = load_false_friends(false_friends)
        self.version = _tables_version((domain_dict, stopwords, false_friends))

    def warm_up(self) -> None:
        self._tk()

    def _tk(self):  # noqa: ANN202 - jieba has no type hints
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    tk = jieba.Tokenizer()
                    tk.initialize()
                    for term, freq in load_domain_terms(self._paths[0]):
                        tk.add_word(normalize(term), freq=freq)
                    self._jieba = tk
        return self._jieba

    def jieba(self):  # noqa: ANN201 - jieba has no type hints
        """The initialised jieba tokenizer with the domain terms (retrieval.typos reads its dictionary)."""
        return self._tk()

    def words(self, text: str) -> list[str]:
        """Search-mode jieba words (long words plus their dictionary sub-words), stopwords removed; no word
        the text holds only inside a false friend (false_friends.tsv)."""
        text = normalize(text)
        words = filter_tokens(self._tk().cut_for_search(text), self.stopwords)
        return drop_false_friends(words, text, self.false_friends)

    def query_words(self, text: str) -> list[str]:
        """`words` of a query, spoken-question fillers (query_fillers.txt) dropped or reduced."""
        return strip_fillers(self.words(text), self.query_fillers)

    def expand(self, query: str) -> list[str]:
        return expand_synonyms(query, self.synonyms)

    def strip_stopwords(self, text: str) -> str:
        """The query with stopword and filler tokens removed (keeps the informative core, e.g. for
        abbreviations)."""
        kept = [t for t in self._tk().cut(normalize(text)) if t.strip() and t not in self.stopwords]
        return "".join(t for t in strip_fillers(kept, self.query_fillers) if _KEEP.search(t))
