"""The offline dependency audit reads OSV records as pip-audit's service would."""

from __future__ import annotations

import textwrap

from packaging.version import Version

from tools.audit_offline import affected_pins, in_ranges, main, read_lock

RANGES = [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.3.1"},
                                           {"introduced": "3.0"}]}]


def test_ranges_fixed_and_open():
    assert in_ranges(Version("1.9"), RANGES) is None
    assert in_ranges(Version("2.0"), RANGES) == "[2.0, 2.3.1)"
    assert in_ranges(Version("2.3.1"), RANGES) is None
    assert in_ranges(Version("3.4"), RANGES) == "[3.0, …)"
    last = [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "1.2"}]}]
    assert in_ranges(Version("1.2"), last) == "[0, 1.2]"
    assert in_ranges(Version("1.2.1"), last) is None
    git = [{"type": "GIT", "events": [{"introduced": "0"}]}]
    assert in_ranges(Version("1.0"), git) is None


def _advisory(folder, name, ident, body):
    path = folder / name / f"{ident}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body))


def test_lock_against_database(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("# comment\nDjango==5.2.19\nsome_pkg==1.0 ; python_version>'3'\nclean==4.0\n")
    db = tmp_path / "vulns"
    _advisory(db, "django", "PYSEC-1", """\
        id: PYSEC-1
        affected:
        - package: {name: django, ecosystem: PyPI}
          ranges:
          - type: ECOSYSTEM
            events: [{introduced: "5.2"}, {fixed: "5.2.20"}]
        """)
    _advisory(db, "some-pkg", "PYSEC-2", """\
        id: PYSEC-2
        affected:
        - package: {name: Some-Pkg, ecosystem: PyPI}
          versions: ["1.0"]
        """)
    _advisory(db, "clean", "PYSEC-3", """\
        id: PYSEC-3
        withdrawn: '2023-06-06T10:37:00Z'
        affected:
        - package: {name: clean, ecosystem: PyPI}
          ranges:
          - type: ECOSYSTEM
            events: [{introduced: "0"}]
        """)
    pins = read_lock(lock)
    assert pins == {"django": Version("5.2.19"), "some-pkg": Version("1.0"), "clean": Version("4.0")}
    count, found = affected_pins(pins, db)
    assert count == 2  # the withdrawn record is not counted
    assert found == [("django", "5.2.19", "PYSEC-1", "[5.2, 5.2.20)"),
                     ("some-pkg", "1.0", "PYSEC-2", "listed")]
    assert main(["--lock", str(lock), "--db", str(db)]) == 1
    lock.write_text("clean==4.0\n")
    assert main(["--lock", str(lock), "--db", str(db)]) == 0
