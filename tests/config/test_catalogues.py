"""The zh-Hans catalogues are complete: nothing untranslated, nothing fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_every_app_and_the_project_have_a_catalogue():
    owners = {p.relative_to(ROOT).parts[0] for p in CATALOGUES}

    assert {"locale", "teams", "platforms", "compliance", "campaigns"} <= owners


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_fully_translated(path):
    catalogue = polib.pofile(str(path))

    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) not installed")
def test_catalogues_hold_every_string_in_the_code(tmp_path):
    """Extract the strings afresh into a copy and compare with what is committed."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT, copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "*.mo"),
    )
    subprocess.run(
        [sys.executable, "tools/makemessages.py"], cwd=copy, check=True, capture_output=True, timeout=300,
        env={"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    missing = {}
    for original in CATALOGUES:
        fresh = polib.pofile(str(copy / original.relative_to(ROOT)))
        gaps = [e.msgid for e in fresh if not e.msgstr and not e.msgstr_plural]
        if gaps:
            missing[str(original.relative_to(ROOT))] = gaps
    assert missing == {}


def test_a_string_means_the_same_in_every_catalogue():
    """Django merges the catalogues, so one msgid must not carry two meanings.

    Where the same English word means different things (a person's name and a
    campaign's name), the code gives it a context (pgettext).
    """
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.msgstr:
                owner = str(path.relative_to(ROOT).parts[0])
                seen.setdefault((entry.msgctxt, entry.msgid), {})[owner] = entry.msgstr
    clashes = {key: found for key, found in seen.items() if len(set(found.values())) > 1}
    assert clashes == {}
