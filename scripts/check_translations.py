"""Fail when the French catalogue is incomplete or stale.

1. Extract the messages again (makemessages, then the committed file is restored);
   every msgid found in the code must be in the committed django.po.
2. Every entry of django.po must be translated and not fuzzy.
3. The compiled django.mo must hold exactly the translations of django.po.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def extract_msgids() -> set[tuple[str, str]]:
    """Run makemessages in place, read what it found, then put the committed catalogue back."""
    backup = PO.read_bytes()
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-l",
                "fr",
                "--no-location",
                "--ignore=.venv",
                "--ignore=staticfiles",
                "--ignore=scripts",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        fresh = polib.pofile(str(PO))
        return {(entry.msgctxt or "", entry.msgid) for entry in fresh if not entry.obsolete}
    finally:
        PO.write_bytes(backup)


def main() -> int:
    problems = []
    catalogue = polib.pofile(str(PO))
    committed = {(entry.msgctxt or "", entry.msgid) for entry in catalogue if not entry.obsolete}
    for _ctx, msgid in sorted(extract_msgids() - committed):
        problems.append(f"not in django.po (run `make messages`): {msgid!r}")
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"untranslated: {entry.msgid!r}")
    compiled = {
        (entry.msgctxt or "", entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
        for entry in polib.mofile(str(MO))
        if entry.msgid
    }
    expected = {
        (entry.msgctxt or "", entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
        for entry in catalogue
        if entry.translated() and not entry.obsolete and "fuzzy" not in entry.flags
    }
    if compiled != expected:
        problems.append("django.mo is out of date: run `make messages` (compilemessages)")
    for problem in problems:
        print(problem)  # noqa: T201
    if problems:
        print(f"{len(problems)} translation problem(s).")  # noqa: T201
        return 1
    print(f"French catalogue complete: {len(expected)} messages.")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
