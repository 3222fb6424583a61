"""``mlgate-published.json``: what one model's publish step leaves beside its verdict for
``mlgate summary`` — where its comment is, and who wrote it."""

from __future__ import annotations

import json
from pathlib import Path

from mlgate.files.atomic import write_text_atomic

PUBLISHED_NAME = "mlgate-published.json"


def write_published(
    out_dir: Path, *, model: str | None, comment_url: str | None, author: str | None
) -> None:
    note = {"model": model or "", "comment_url": comment_url or "", "author": author or ""}
    write_text_atomic(out_dir / PUBLISHED_NAME, json.dumps(note, ensure_ascii=False) + "\n")


def read_published(path: Path) -> dict[str, str]:
    """The note's text fields; empty when it is absent or unreadable (the model could not
    publish: its row then has no link, which is all the note adds)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
