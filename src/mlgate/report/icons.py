"""The status icons every part of the report uses."""

from __future__ import annotations

from mlgate.core.checks import Status

ICONS = {
    Status.FAIL: "❌",
    Status.WARN: "⚠️",
    Status.MISSING: "❔",
    Status.NEW: "🆕",
    Status.PASS: "✅",
    Status.INFO: "ℹ️",
}
