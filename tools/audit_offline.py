"""Audit the locked dependencies where pip-audit cannot reach its vulnerability service.

``make audit`` runs pip-audit, which asks PyPI's per-release JSON (or OSV) about every
pinned version. On a machine that reaches only a package mirror, those calls fail and
pip-audit reports every package as "not found". This script gives the same answer from
two sources such a machine still has:

* a local clone of the PyPA advisory database (https://github.com/pypa/advisory-database,
  OSV records in YAML, the data pip-audit's PyPI service serves), passed with ``--db``;
  a pinned version is affected when the record lists it or one of its ECOSYSTEM ranges
  contains it; withdrawn records are skipped;
* optionally (``--pypi``), each project's JSON at the index, whose ``vulnerabilities``
  list describes its newest release: for a pin that *is* the newest release, that list
  is exactly the advisories that apply to it.

    .venv/bin/python tools/audit_offline.py --db ../advisory-database/vulns [--pypi URL]

Exit code 1 when any locked version is affected. Ends with one line
``RESULT locked=… advisories=… affected=… latest=… behind=…``.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent


def read_lock(path: Path) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if "==" not in line:
            continue
        name, version = line.split("==", 1)
        pins[canonicalize_name(name)] = Version(version.strip())
    return pins


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def in_ranges(version: Version, ranges: Iterable[dict]) -> str | None:
    """The range (as text) of OSV ECOSYSTEM events that contains ``version``, if any."""
    for spec in ranges:
        if spec.get("type") != "ECOSYSTEM":
            continue
        introduced: str | None = None
        for event in spec.get("events", []):
            if "introduced" in event:
                introduced = event["introduced"]
                continue
            end_text = event.get("fixed") or event.get("last_affected")
            if end_text is None or introduced is None:
                continue
            low = Version("0") if introduced == "0" else _version(introduced)
            end = _version(end_text)
            if low is not None and end is not None:
                inside = version < end if "fixed" in event else version <= end
                if low <= version and inside:
                    return (
                        f"[{introduced}, {end_text})"
                        if "fixed" in event
                        else f"[{introduced}, {end_text}]"
                    )
            introduced = None
        if introduced is not None:
            low = Version("0") if introduced == "0" else _version(introduced)
            if low is not None and version >= low:
                return f"[{introduced}, …)"
    return None


def advisories(db: Path) -> Iterator[dict]:
    for path in sorted(db.rglob("*.yaml")):
        record = yaml.safe_load(path.read_text())
        if isinstance(record, dict) and not record.get("withdrawn"):
            yield record


def affected_pins(
    pins: dict[str, Version], db: Path
) -> tuple[int, list[tuple[str, str, str, str]]]:
    count = 0
    found: list[tuple[str, str, str, str]] = []
    for record in advisories(db):
        count += 1
        for entry in record.get("affected", []):
            name = canonicalize_name(entry.get("package", {}).get("name", ""))
            version = pins.get(name)
            if version is None:
                continue
            listed = str(version) in {str(v) for v in entry.get("versions", [])}
            where = "listed" if listed else in_ranges(version, entry.get("ranges", []))
            if where:
                found.append((name, str(version), record["id"], where))
    return count, sorted(set(found))


def newest_releases(pins: dict[str, Version], index: str) -> list[tuple[str, str, str, list[str]]]:
    """(name, pinned, newest, advisory ids of the newest) for every pin, from the index's JSON."""

    if not index.startswith(("https://", "http://")):
        raise SystemExit("--pypi takes an http(s) URL")

    def ask(name: str) -> tuple[str, str, str, list[str]]:
        url = f"{index.rstrip('/')}/{name}/json"
        with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310  # nosec B310: scheme checked above
            data = json.load(answer)
        ids = [v["id"] for v in data.get("vulnerabilities", [])]
        return name, str(pins[name]), data["info"]["version"], ids

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(ask, sorted(pins)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument(
        "--db", type=Path, required=True, help="the vulns/ folder of a PyPA advisory-database clone"
    )
    parser.add_argument(
        "--pypi", default=None, help="a JSON API root such as https://pypi.org/pypi (optional)"
    )
    args = parser.parse_args(argv)

    pins = read_lock(args.lock)
    count, found = affected_pins(pins, args.db)
    print(f"{len(pins)} locked packages, {count} advisories in {args.db}")
    for name, version, advisory, where in found:
        print(f"AFFECTED {name}=={version}: {advisory} {where}")
    latest = behind = 0
    if args.pypi:
        for name, pinned, newest, ids in newest_releases(pins, args.pypi):
            if pinned == newest:
                latest += 1
                for advisory in ids:
                    found.append((name, pinned, advisory, "newest release"))
                    print(f"AFFECTED {name}=={pinned}: {advisory} (index, newest release)")
            else:
                behind += 1
                print(
                    f"behind   {name}=={pinned} (newest {newest}): covered by the advisory database only"
                )
    print(
        f"RESULT locked={len(pins)} advisories={count} affected={len(found)} latest={latest} behind={behind}"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
