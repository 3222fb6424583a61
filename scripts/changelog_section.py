"""Print one version's section of CHANGELOG.md (the release notes of its tag).

    python scripts/changelog_section.py 0.1.0 [CHANGELOG.md]

Exits 1, naming the file, when the version has no section or the section is empty — a
release must say what it changes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def section(text: str, version: str) -> str | None:
    """The body under ``## [VERSION]`` up to the next ``## `` heading, or None."""
    heading = re.compile(rf"^## \[{re.escape(version)}\][^\n]*\n", re.MULTILINE)
    found = heading.search(text)
    if found is None:
        return None
    rest = text[found.end() :]
    following = re.search(r"^## |^\[[^\]]+\]: ", rest, re.MULTILINE)
    body = rest[: following.start()] if following else rest
    return body.strip() or None


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    version = argv[1].removeprefix("v")
    path = Path(argv[2] if len(argv) == 3 else "CHANGELOG.md")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"{path}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 1
    body = section(text, version)
    if body is None:
        print(f"{path}: no section (or an empty one) for version {version}", file=sys.stderr)
        return 1
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
