"""The pinned draw (hmac-sha256-fisher-yates-v1): the worked example of docs/engagement.md,
properties, and ``manage.py verify_draw`` refusing every tampered field."""

import copy
import hashlib
import hmac
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from campaigns.engagement import draw

ROOT = Path(__file__).resolve().parents[3]

# The worked example of docs/engagement.md.
SEED = "c0ffee"
BEACON = "round-43"
ENTRANTS = ["erin", "alice", "dave", "bob", "carol"]
EXAMPLE = {
    "algorithm": "hmac-sha256-fisher-yates-v1",
    "seed": "c0ffee",
    "commitment": "c47a10dc272b1221f0380a2ae0f7d7fa830b3e378f2f5309bbf13f61ad211913",
    "beacon": "round-43",
    "entrants": ["alice", "bob", "carol", "dave", "erin"],
    "entrant_list_hash": "05677247b34f038e2ed8df248d2298b4d2301c0fe25f71ebbe53116ec9ff20e1",
    "prizes": 2,
    "winners": ["alice", "erin"],
}


def test_worked_example_gives_the_documented_proof():
    proof = draw.build_proof(seed_hex=SEED, beacon=BEACON, entrant_ids=ENTRANTS, prizes=2)

    assert proof == EXAMPLE
    assert list(proof) == list(draw.PROOF_FIELDS)


def test_worked_example_intermediate_values_match_the_documentation():
    message = BEACON.encode("utf-8") + bytes.fromhex(EXAMPLE["entrant_list_hash"])
    block = hmac.new(bytes.fromhex(SEED), message + (0).to_bytes(8, "big"), hashlib.sha256)
    stream = draw.ByteStream(bytes.fromhex(SEED), message)

    assert hashlib.sha256(b"alice\nbob\ncarol\ndave\nerin").hexdigest() == EXAMPLE["entrant_list_hash"]
    assert block.hexdigest() == "87159261bf830b8881a6934ddc6209ca8bcc3f1a8e5b5a714e75911adec5def5"
    assert [stream.uniform(i + 1) for i in (4, 3, 2, 1)] == [3, 2, 1, 1]
    assert draw.shuffle(EXAMPLE["entrants"], seed_hex=SEED, beacon=BEACON,
                        list_hash=EXAMPLE["entrant_list_hash"]) == [
        "alice", "erin", "bob", "carol", "dave"]


def test_worked_example_without_a_beacon_picks_other_winners():
    assert draw.draw(ENTRANTS, seed_hex=SEED, beacon="", prizes=2).winners == ["erin", "carol"]


def test_documentation_states_the_worked_example():
    text = (ROOT / "docs" / "engagement.md").read_text(encoding="utf-8")

    for value in (EXAMPLE["commitment"], EXAMPLE["entrant_list_hash"],
                  "87159261bf830b8881a6934ddc6209ca8bcc3f1a8e5b5a714e75911adec5def5"):
        assert value in text
    assert '"winners": [\n    "alice",\n    "erin"\n  ]' in text


def test_entrants_are_sorted_by_code_point_as_strings():
    assert draw.sorted_entrants([10, 9, "B", "a", "张三"]) == ["10", "9", "B", "a", "张三"]


class FixedStream(draw.ByteStream):
    """A stream that returns given 8-byte numbers, to test the rejection rule."""

    def __init__(self, numbers):
        super().__init__(b"k", b"m")
        self._numbers = list(numbers)

    def read(self, size):
        return self._numbers.pop(0).to_bytes(size, "big")


def test_uniform_rejects_numbers_at_or_above_the_largest_multiple_of_n():
    limit = (2**64 // 3) * 3
    stream = FixedStream([limit, 2**64 - 1, limit - 1])

    assert stream.uniform(3) == (limit - 1) % 3
    assert stream._numbers == []


def test_uniform_accepts_the_number_just_below_the_limit_at_once():
    stream = FixedStream([5, 99])

    assert stream.uniform(3) == 2
    assert stream._numbers == [99]


def test_the_stream_concatenates_hmac_blocks_with_a_big_endian_counter():
    key, message = b"\x01\x02", b"msg"
    expected = b"".join(
        hmac.new(key, message + i.to_bytes(8, "big"), hashlib.sha256).digest() for i in range(3)
    )

    assert draw.ByteStream(key, message).read(96) == expected


def test_every_order_of_three_entrants_is_about_equally_likely():
    counts = Counter(
        tuple(draw.draw(["a", "b", "c"], seed_hex=f"{n:064x}", beacon="", prizes=3).winners)
        for n in range(6000)
    )

    assert len(counts) == 6
    # Expected 1000 each; 6 standard deviations is about ±175.
    assert all(825 <= c <= 1175 for c in counts.values()), counts


def test_each_entrant_wins_the_first_prize_about_equally_often():
    entrants = [f"u{n}" for n in range(10)]
    firsts = Counter(
        draw.draw(entrants, seed_hex=f"{n:064x}", beacon="b", prizes=1).winners[0]
        for n in range(5000)
    )

    assert set(firsts) == set(entrants)
    assert all(380 <= c <= 620 for c in firsts.values()), firsts


def test_the_draw_is_deterministic():
    entrants = [f"user-{n}" for n in range(50)]
    first = draw.build_proof(seed_hex="ab" * 32, beacon="x", entrant_ids=entrants, prizes=5)

    assert all(
        draw.build_proof(seed_hex="ab" * 32, beacon="x", entrant_ids=list(reversed(entrants)),
                         prizes=5) == first
        for _ in range(3)
    )


ENTRANTS_20 = [f"fan-{n:02d}" for n in range(20)]


def _order(seed="00" * 32, beacon="beacon", entrants=ENTRANTS_20):
    return draw.draw(entrants, seed_hex=seed, beacon=beacon, prizes=len(entrants)).winners


@pytest.mark.parametrize("n", range(25))
def test_any_change_of_seed_changes_the_outcome(n):
    assert _order(seed=f"{n + 1:064x}") != _order()


@pytest.mark.parametrize("beacon", ["beacon ", "Beacon", "beacon2", "", "信标"])
def test_any_change_of_beacon_changes_the_outcome(beacon):
    assert _order(beacon=beacon) != _order()


@pytest.mark.parametrize("change", ["add", "remove", "rename"])
def test_any_change_of_entrants_changes_the_outcome(change):
    entrants = list(ENTRANTS_20)
    if change == "add":
        entrants.append("fan-99")
    elif change == "remove":
        entrants.pop(7)
    else:
        entrants[3] = "fan-3"
    changed = _order(entrants=entrants)
    common = [e for e in changed if e in ENTRANTS_20]

    assert changed != _order()
    # Not merely the same order with one name swapped in or out.
    assert common != [e for e in _order() if e in entrants]


def test_more_prizes_than_entrants_makes_everyone_a_winner():
    result = draw.draw(["a", "b"], seed_hex="01", beacon="", prizes=5)

    assert sorted(result.winners) == ["a", "b"]


# --- verify_draw ---------------------------------------------------------------------


def _write(tmp_path, proof) -> str:
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_verify_draw_accepts_the_worked_example(tmp_path, capsys):
    call_command("verify_draw", _write(tmp_path, EXAMPLE))

    assert capsys.readouterr().out.startswith("OK hmac-sha256-fisher-yates-v1")


TAMPERED = {
    "algorithm": lambda p: p.update(algorithm="hmac-sha256-fisher-yates-v2"),
    "seed": lambda p: p.update(seed="c0ffef"),
    "commitment": lambda p: p.update(commitment="0" * 64),
    "beacon": lambda p: p.update(beacon="round-44"),
    "entrants added": lambda p: p["entrants"].append("zoe"),
    "entrants removed": lambda p: p["entrants"].remove("bob"),
    "entrants unsorted": lambda p: p["entrants"].reverse(),
    "entrants duplicated": lambda p: p["entrants"].insert(0, "alice"),
    "entrant_list_hash": lambda p: p.update(entrant_list_hash="f" * 64),
    "prizes": lambda p: p.update(prizes=3),
    "winners replaced": lambda p: p.update(winners=["alice", "bob"]),
    "winners reordered": lambda p: p.update(winners=["erin", "alice"]),
    "winners missing": lambda p: p.update(winners=["alice"]),
    "field missing": lambda p: p.pop("beacon"),
    "seed not hex": lambda p: p.update(seed="xyz"),
    "prizes not a number": lambda p: p.update(prizes="2"),
}


@pytest.mark.parametrize("field", list(TAMPERED))
def test_verify_draw_rejects_every_tampered_field(tmp_path, field, capsys):
    proof = copy.deepcopy(EXAMPLE)
    TAMPERED[field](proof)

    with pytest.raises(CommandError) as info:
        call_command("verify_draw", _write(tmp_path, proof))

    assert info.value.returncode == 1
    assert "MISMATCH" in capsys.readouterr().err


def test_verify_draw_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "proof.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError) as info:
        call_command("verify_draw", str(path))

    assert info.value.returncode == 2


def test_verify_draw_exit_codes_from_the_command_line(tmp_path):
    good = _write(tmp_path, EXAMPLE)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**EXAMPLE, "winners": ["bob", "carol"]}), encoding="utf-8")

    def run(path):
        return subprocess.run(
            [sys.executable, "manage.py", "verify_draw", str(path)], cwd=ROOT,
            capture_output=True, text=True, timeout=120,
            env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.test_settings"},
        )

    ok, mismatch = run(good), run(bad)

    assert (ok.returncode, mismatch.returncode) == (0, 1)
    assert "winners do not match" in mismatch.stderr
