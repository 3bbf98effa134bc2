"""List (or fill) the catalogue entries that still lack a zh-Hans translation.

    python tools/untranslated.py              # print them, per catalogue
    python tools/untranslated.py fill F.json  # fill from {"msgid": "译文", …}
    python tools/untranslated.py add PO F.json  # add or set entries in one catalogue

Keys with a context are written "context\x04msgid" (as gettext stores them).
``add`` lets one app's catalogue grow without regenerating every catalogue
(``tools/makemessages.py`` does that, and also drops entries no longer used).

Fuzzy entries count as untranslated: msgmerge guesses them from similar strings.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "node_modules", ".git"}


def catalogues() -> list[Path]:
    return sorted(
        po for po in ROOT.rglob("locale/zh_Hans/LC_MESSAGES/*.po")
        if not SKIP.intersection(po.relative_to(ROOT).parts)
    )


def pending(catalogue: polib.POFile) -> list[polib.POEntry]:
    return catalogue.untranslated_entries() + catalogue.fuzzy_entries()


def add(po_path: Path, translations: dict[str, str]) -> None:
    catalogue = polib.pofile(str(po_path))
    for key, text in translations.items():
        context, _sep, msgid = key.rpartition("\x04")
        entry = catalogue.find(msgid, msgctxt=context or False)
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgctxt=context or None)
            catalogue.append(entry)
        entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.save(str(po_path))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "add":
        add(Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text(encoding="utf-8")))
        return
    translations = {}
    if len(sys.argv) == 3 and sys.argv[1] == "fill":
        translations = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    missing = 0
    for path in catalogues():
        catalogue = polib.pofile(str(path))
        changed = False
        for entry in pending(catalogue):
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            if key in translations:
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: translations[key]}
                else:
                    entry.msgstr = translations[key]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgctxt = None
                changed = True
            else:
                missing += 1
                print(f"{path.relative_to(ROOT)}\t{json.dumps(key, ensure_ascii=False)}")
        if changed:
            catalogue.save(str(path))
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
