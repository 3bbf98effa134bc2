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
        for word in _taught - wanted:
            tk.del_word(word)
        for word in wanted - _taught:
            if word not in tk.FREQ or not tk.FREQ[word]:
                tk.add_word(word)
                _taught.add(word)
        _taught.intersection_update(wanted | _taught)


_ALNUM = re.compile(r"[a-zA-Z0-9]")


def crosses_word(text: str, pos: int, reach: int = 8) -> bool:
    """Whether jieba could join the characters on both sides of ``pos``.

    True when a dictionary word starts before ``pos`` and ends after it, or
    both neighbours are ASCII letters/digits (jieba keeps those runs whole).
    When False, jieba is certain to cut at ``pos`` and need not be run: this
    is the dictionary walk of ``Tokenizer.get_DAG`` limited to one offset.
    """
    if _ALNUM.match(text, pos - 1) and _ALNUM.match(text, pos):
        return True
    freq = tokenizer().FREQ
    n = len(text)
    for i in range(max(0, pos - reach), pos):
        # The dictionary holds every prefix of every word, so a word from i
        # across pos exists only if text[i:pos+1] is such a prefix.
        j = pos + 1
        fragment = text[i:j]
        while j <= n and fragment in freq:
            if freq[fragment]:
                return True
            j += 1
            fragment = text[i:j]
    return False


def boundaries(text: str, lo: int, hi: int) -> set[int]:
    """Offsets in ``text`` where jieba puts a word boundary, within [lo, hi]."""
    cuts = {lo, hi}
    pos = lo
    for token in tokenizer().cut(text[lo:hi], HMM=False):
        pos += len(token)
        cuts.add(pos)
    return cuts
