"""Word boundaries from jieba, computed on small windows only (S3.1.1).

One tokenizer per process, loaded on first use; the rule set's terms are
taught to it so that a term segments as one word where it really is one.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

import jieba

jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_taught: set[str] = set()
_cuts: dict[str, frozenset[int]] = {}


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tk = jieba.Tokenizer()
                tk.initialize()
                _tokenizer = tk
    return _tokenizer


def teach_words(words: Iterable[str]) -> None:
    """Add terms jieba does not know; forget ones taught earlier and no longer used."""
    tk = tokenizer()
    wanted = {w for w in words if w and not w.isascii()}
    with _lock:
        forgotten = _taught - wanted
        for word in forgotten:
            tk.del_word(word)
        # Forgotten words leave the taught set, so a rule set that wants one again
        # teaches it again (it would otherwise stay deleted for this process).
        _taught.difference_update(forgotten)
        for word in wanted - _taught:
            if word not in tk.FREQ or not tk.FREQ[word]:
                tk.add_word(word)
                _taught.add(word)
                if _inner_pairs is not None:
                    _inner_pairs.update(_pairs_of(word))
        _first_words.clear()  # the taught words change how windows segment
        _cuts.clear()


_ALNUM = re.compile(r"[a-zA-Z0-9]")
# Every pair of adjacent characters inside a dictionary word (a superset once
# words are deleted: it only ever rules words out).
_inner_pairs: set[str] | None = None


def _pairs_of(word: str) -> set[str]:
    return {word[i:i + 2] for i in range(len(word) - 1)}


def _word_pairs() -> set[str]:
    global _inner_pairs
    if _inner_pairs is None:
        tk = tokenizer()
        with _lock:
            if _inner_pairs is None:
                _inner_pairs = {
                    word[i:i + 2] for word, count in tk.FREQ.items() if count for i in range(len(word) - 1)
                }
    return _inner_pairs


_char_counts: dict[str, int] | None = None


def char_counts() -> dict[str, int]:
    """How often each character occurs in jieba's dictionary, weighted by word frequency:
    a rough measure of how common a character is in running text."""
    global _char_counts
    if _char_counts is None:
        tk = tokenizer()
        counts: dict[str, int] = {}
        for word, count in tk.FREQ.items():
            if count:
                for char in word:
                    counts[char] = counts.get(char, 0) + count
        _char_counts = counts
    return _char_counts


def crosses_word(text: str, pos: int, reach: int = 8) -> bool:
    """Whether jieba could join the characters on both sides of ``pos``.

    True when a dictionary word starts before ``pos`` and ends after it, or
    both neighbours are ASCII letters/digits (jieba keeps those runs whole).
    When False, jieba is certain to cut at ``pos`` and need not be run: this
    is the dictionary walk of ``Tokenizer.get_DAG`` limited to one offset.
    """
    if _ALNUM.match(text, pos - 1) and _ALNUM.match(text, pos):
        return True
    # A word across ``pos`` holds the two characters around it; most pairs sit
    # in no word at all, and a set look-up says so without the walk.
    pairs = _inner_pairs if _inner_pairs is not None else _word_pairs()
    if 0 < pos < len(text) and text[pos - 1:pos + 1] not in pairs:
        return False
    freq = (_tokenizer if _tokenizer is not None else tokenizer()).FREQ
    n = len(text)
    j0 = pos + 1
    for i in range(pos - reach if pos > reach else 0, pos):
        # The dictionary holds every prefix of every word, so a word from i
        # across pos exists only if text[i:pos+1] is such a prefix.
        fragment = text[i:j0]
        if fragment not in freq:  # the usual case: no word goes on from i
            continue
        j = j0
        while j <= n and fragment in freq:
            if freq[fragment]:
                return True
            j += 1
            fragment = text[i:j]
    return False


def _window_cuts(window: str) -> frozenset[int]:
    """Offsets in ``window`` where jieba puts a word boundary (a small cache: the
    same phrases recur across posts)."""
    cuts = _cuts.get(window)
    if cuts is None:
        pos, found = 0, {0}
        for token in tokenizer().cut(window, HMM=False):
            pos += len(token)
            found.add(pos)
        cuts = frozenset(found)
        if len(_cuts) >= _FIRST_WORDS_KEPT:
            _cuts.clear()
        _cuts[window] = cuts
    return cuts


def boundaries(text: str, lo: int, hi: int) -> set[int]:
    """Offsets in ``text`` where jieba puts a word boundary, within [lo, hi]."""
    return {lo + cut for cut in _window_cuts(text[lo:hi])} | {lo, hi}


# --- parts of speech ---------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LETTERS = re.compile(r"[A-Za-z]+")
_DIGITS = re.compile(r"[0-9]+")
_FIRST_WORD_REACH = 6
_tags: dict[str, str] | None = None
_first_words: dict[str, str] = {}
_FIRST_WORDS_KEPT = 8192


def word_tags() -> dict[str, str]:
    """jieba's dictionary part-of-speech tags (the ones ``jieba.posseg`` tags with)."""
    global _tags
    if _tags is None:
        tk = tokenizer()
        with _lock:
            if _tags is None:
                import jieba.posseg

                _tags = jieba.posseg.POSTokenizer(tk).word_tag_tab
    return _tags


def _first_cjk_word(window: str) -> str:
    word = _first_words.get(window)
    if word is None:
        tk = tokenizer()
        dag = tk.get_DAG(window)
        route: dict[int, tuple[float, int]] = {}
        tk.calc(window, dag, route)
        word = window[: route[0][1] + 1]
        if len(_first_words) >= _FIRST_WORDS_KEPT:
            _first_words.clear()
        _first_words[window] = word
    return word


def next_word(text: str, pos: int) -> tuple[str, str] | None:
    """The word jieba would cut at ``pos`` and its dictionary tag, or None at a boundary.

    Letters are one word tagged ``eng`` and digits one tagged ``m``, as jieba
    tags them; a word jieba was taught (a rule term) or does not know is ``x``.
    Only the few characters after ``pos`` are segmented.
    """
    m = _CJK.match(text, pos, pos + _FIRST_WORD_REACH)
    if m is not None:
        word = _first_cjk_word(m.group())
        return word, word_tags().get(word, "x")
    m = _LETTERS.match(text, pos)
    if m is not None:
        return m.group(), "eng"
    m = _DIGITS.match(text, pos)
    if m is not None:
        return m.group(), "m"
    return None


def ends_word(text: str, start: int, end: int, reach: int = 4) -> bool:
    """Whether jieba, segmenting from ``start``, ends a word at ``end`` (最好 in 最好冷藏,
    not in 最好看). Only ``reach`` characters past ``end`` are looked at."""
    return end - start in _window_cuts(text[start:end + reach])
