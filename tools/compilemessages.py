"""Build every .mo catalogue from its .po with polib: no GNU gettext needed."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "node_modules", ".git"}


def catalogues() -> list[Path]:
    return [
        po for po in ROOT.rglob("locale/*/LC_MESSAGES/*.po")
        if not SKIP.intersection(po.relative_to(ROOT).parts)
    ]


def main() -> None:
    built = 0
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        built += 1
    print(f"message catalogues: {built} built, {len(catalogues())} in all")


if __name__ == "__main__":
    main()
