"""Word boundaries from jieba, computed on small windows only (S3.1.1).

One tokenizer per process, loaded on first use; the rule set's terms are
taught to it so that a term segments as one word where it really is one.
"""

from __future__ import annotations

import logging
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


def boundaries(text: str, lo: int, hi: int) -> set[int]:
    """Offsets in ``text`` where jieba puts a word boundary, within [lo, hi]."""
    cuts = {lo, hi}
    pos = lo
    for token in tokenizer().cut(text[lo:hi], HMM=False):
        pos += len(token)
        cuts.add(pos)
    return cuts
