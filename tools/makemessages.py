"""Refresh the zh-Hans catalogues: the project's own and one per app.

Each app keeps its strings in ``<app>/locale`` so that features can be
translated without touching each other's files; templates/ and config/ use
the project ``locale/``. Needs GNU gettext (xgettext, msgmerge).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "teams", "platforms", "compliance/privacy", "compliance/advertising", "compliance/risk",
    "campaigns/planning", "campaigns/content", "campaigns/publishing", "campaigns/engagement",
    "analytics",
)
COMMON = ["-l", "zh_Hans", "--no-obsolete", "--no-location", "-e", "html,txt,py"]


def main() -> None:
    python = sys.executable
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    for app in APPS:
        (ROOT / app / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [python, str(ROOT / "manage.py"), "makemessages", *COMMON],
            cwd=ROOT / app, env=env, check=True,
        )
    ignores = [arg for app in APPS for arg in ("-i", f"{app}/*")]
    subprocess.run(
        [python, "manage.py", "makemessages", *COMMON, *ignores, "-i", ".venv/*",
         "-i", "var/*", "-i", "tests/*", "-i", "bench/*", "-i", "tools/*"],
        cwd=ROOT, env=env, check=True,
    )
    subprocess.run(
        [python, "manage.py", "makemessages", "-d", "djangojs", "-l", "zh_Hans",
         "--no-obsolete", "--no-location", "-i", ".venv/*", "-i", "var/*",
         "-i", "static/vendor/*"],
        cwd=ROOT, env=env, check=True,
    )


if __name__ == "__main__":
    main()
