"""The auditable lottery draw, "hmac-sha256-fisher-yates-v1" (S2.3.2(2)).

Pure standard library, no Django: ``manage.py verify_draw`` and anyone with the
proof file and Python run exactly this. The algorithm is the product's promise
and is pinned in docs/engagement.md with a worked example; changing anything
here needs a new algorithm name.

- ``entrants``: the entrant ids as strings, sorted (Python's ``sorted``: by code point);
- ``entrant_list_hash``: SHA-256 hex of ``"\\n".join(entrants)`` in UTF-8;
- ``commitment``: SHA-256 hex of the seed's bytes (the seed is hex);
- byte stream: ``HMAC-SHA256(key=seed bytes, message + i.to_bytes(8, "big"))`` for
  i = 0, 1, 2, … concatenated, where ``message = beacon.encode("utf-8") +
  bytes.fromhex(entrant_list_hash)``;
- ``uniform(n)``: the next 8 bytes as a big-endian unsigned number, rejected
  while ≥ ``(2**64 // n) * n``, else that number mod n;
- Fisher–Yates from the last position down to 1 (``j = uniform(i + 1)``);
- the winners are the first ``prizes`` of the shuffled list.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ALGORITHM = "hmac-sha256-fisher-yates-v1"
PROOF_FIELDS = (
    "algorithm", "seed", "commitment", "beacon", "entrants", "entrant_list_hash", "prizes",
    "winners",
)
_SPACE = 2**64


def sorted_entrants(ids: Iterable[object]) -> list[str]:
    """The entrant ids as strings, sorted by code point, as the proof lists them."""
    return sorted(str(i) for i in ids)


def entrant_list_hash(entrants: Sequence[str]) -> str:
    """SHA-256 hex of the sorted ids joined by newlines (UTF-8)."""
    return hashlib.sha256("\n".join(entrants).encode("utf-8")).hexdigest()


def commitment_for(seed_hex: str) -> str:
    """SHA-256 hex of the seed's bytes: published before entries open."""
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


class ByteStream:
    """HMAC-SHA256(key, message + counter) blocks, read 8 bytes at a time."""

    def __init__(self, key: bytes, message: bytes) -> None:
        self._key = key
        self._message = message
        self._counter = 0
        self._buffer = b""

    def read(self, size: int) -> bytes:
        while len(self._buffer) < size:
            block = hmac.new(
                self._key, self._message + self._counter.to_bytes(8, "big"), hashlib.sha256
            ).digest()
            self._buffer += block
            self._counter += 1
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def uniform(self, n: int) -> int:
        """A uniform integer in [0, n) by rejection sampling (no modulo bias)."""
        if n < 1:
            raise ValueError("n must be positive")
        limit = (_SPACE // n) * n
        while True:
            value = int.from_bytes(self.read(8), "big")
            if value < limit:
                return value % n


def shuffle(entrants: Sequence[str], *, seed_hex: str, beacon: str, list_hash: str) -> list[str]:
    """Fisher–Yates over ``entrants`` driven by the HMAC byte stream."""
    stream = ByteStream(
        bytes.fromhex(seed_hex), beacon.encode("utf-8") + bytes.fromhex(list_hash)
    )
    items = list(entrants)
    for i in range(len(items) - 1, 0, -1):
        j = stream.uniform(i + 1)
        items[i], items[j] = items[j], items[i]
    return items


@dataclass(frozen=True)
class DrawResult:
    entrants: list[str]
    entrant_list_hash: str
    winners: list[str]


def draw(entrant_ids: Iterable[object], *, seed_hex: str, beacon: str, prizes: int) -> DrawResult:
    """The winners of a draw: the first ``prizes`` entrants of the shuffled sorted list."""
    entrants = sorted_entrants(entrant_ids)
    list_hash = entrant_list_hash(entrants)
    shuffled = shuffle(entrants, seed_hex=seed_hex, beacon=beacon, list_hash=list_hash)
    return DrawResult(entrants=entrants, entrant_list_hash=list_hash, winners=shuffled[:prizes])


def build_proof(*, seed_hex: str, beacon: str, entrant_ids: Iterable[object], prizes: int) -> dict:
    """The proof file's content, in the pinned field order."""
    result = draw(entrant_ids, seed_hex=seed_hex, beacon=beacon, prizes=prizes)
    return {
        "algorithm": ALGORITHM,
        "seed": seed_hex,
        "commitment": commitment_for(seed_hex),
        "beacon": beacon,
        "entrants": result.entrants,
        "entrant_list_hash": result.entrant_list_hash,
        "prizes": prizes,
        "winners": result.winners,
    }


def proof_json(proof: dict) -> str:
    """The proof file's text: UTF-8 JSON, keys in the pinned order, two-space indent."""
    return json.dumps({k: proof[k] for k in PROOF_FIELDS}, ensure_ascii=False, indent=2) + "\n"


def verify_proof(proof: object) -> list[str]:
    """Every way ``proof`` fails to check (technical English); empty when it holds.

    Recomputes the commitment from the seed, the entrant list hash from the
    entrants, and the winners from seed, beacon, entrants and prize count.
    """
    if not isinstance(proof, dict):
        return ["the proof is not a JSON object"]
    problems = []
    missing = [f for f in PROOF_FIELDS if f not in proof]
    if missing:
        return [f"missing field(s): {', '.join(missing)}"]
    if proof["algorithm"] != ALGORITHM:
        problems.append(f"algorithm is {proof['algorithm']!r}, expected {ALGORITHM!r}")
    seed, beacon, entrants = proof["seed"], proof["beacon"], proof["entrants"]
    prizes, winners = proof["prizes"], proof["winners"]
    try:
        if not isinstance(seed, str) or not seed:
            raise ValueError
        bytes.fromhex(seed)
    except ValueError:
        return [*problems, "seed is not a hex string"]
    if not isinstance(beacon, str):
        return [*problems, "beacon is not a string"]
    if not isinstance(entrants, list) or not all(isinstance(e, str) for e in entrants):
        return [*problems, "entrants is not a list of strings"]
    if isinstance(prizes, bool) or not isinstance(prizes, int) or prizes < 1:
        return [*problems, "prizes is not a positive whole number"]
    if not isinstance(winners, list) or not all(isinstance(w, str) for w in winners):
        return [*problems, "winners is not a list of strings"]
    if commitment_for(seed) != proof["commitment"]:
        problems.append("commitment does not match SHA-256 of the seed")
    if entrants != sorted(entrants):
        problems.append("entrants are not sorted")
    if len(set(entrants)) != len(entrants):
        problems.append("entrants contain duplicates")
    list_hash = entrant_list_hash(entrants)
    if list_hash != proof["entrant_list_hash"]:
        problems.append("entrant_list_hash does not match the entrants")
    expected = shuffle(entrants, seed_hex=seed, beacon=beacon, list_hash=list_hash)[:prizes]
    if expected != winners:
        problems.append(f"winners do not match the draw (expected {expected})")
    return problems
