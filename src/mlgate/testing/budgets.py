"""Budgets a model must fit: prediction latency (p50/p95 over many calls, after warm-up)
and size on disk (what would be deployed)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.testing.predictions import ModelTestFailure, Predict, predict_fn

MB = 1_000_000


@dataclass(frozen=True)
class LatencyStats:
    calls: int
    warmup: int
    batch_size: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float

    def describe(self) -> str:
        rows = "row" if self.batch_size == 1 else "rows"
        return (
            f"p50 {self.p50_ms:.3g} ms, p95 {self.p95_ms:.3g} ms, max {self.max_ms:.3g} ms; "
            f"{self.calls} calls of {self.batch_size} {rows} after {self.warmup} warm-up calls"
        )


def measure_latency(
    model: Any,
    data: Any,
    *,
    calls: int = 100,
    warmup: int = 10,
    batch_size: int = 1,
    predict: Predict | None = None,
) -> LatencyStats:
    """Time ``calls`` predictions of ``batch_size`` examples each (cycling through
    ``data``), after ``warmup`` untimed ones. Batches are sliced before timing starts."""
    import numpy as np

    if calls < 1 or warmup < 0 or batch_size < 1:
        raise ValueError("calls and batch_size must be at least 1, warmup at least 0")
    call = predict_fn(model, predict)
    total = len(data)
    if total == 0:
        raise ValueError("no data to time predictions on")
    batches = [_batch(data, (i * batch_size) % total, batch_size) for i in range(warmup + calls)]
    for batch in batches[:warmup]:
        call(batch)
    timings = np.empty(calls)
    for i, batch in enumerate(batches[warmup:]):
        started = time.perf_counter_ns()
        call(batch)
        timings[i] = (time.perf_counter_ns() - started) / 1e6
    return LatencyStats(
        calls=calls,
        warmup=warmup,
        batch_size=batch_size,
        p50_ms=float(np.percentile(timings, 50)),
        p95_ms=float(np.percentile(timings, 95)),
        max_ms=float(timings.max()),
        mean_ms=float(timings.mean()),
    )


def assert_latency(
    model: Any,
    data: Any,
    *,
    p50_ms: float | None = None,
    p95_ms: float | None = None,
    calls: int = 100,
    warmup: int = 10,
    batch_size: int = 1,
    predict: Predict | None = None,
) -> LatencyStats:
    """The median and 95th-percentile prediction times are within budget (milliseconds)."""
    __tracebackhide__ = True
    if p50_ms is None and p95_ms is None:
        raise ValueError("give a budget: p50_ms=, p95_ms= or both")
    stats = measure_latency(
        model, data, calls=calls, warmup=warmup, batch_size=batch_size, predict=predict
    )
    over = []
    if p50_ms is not None and stats.p50_ms > p50_ms:
        over.append(f"p50 {stats.p50_ms:.3g} ms is over the budget of {p50_ms:g} ms")
    if p95_ms is not None and stats.p95_ms > p95_ms:
        over.append(f"p95 {stats.p95_ms:.3g} ms is over the budget of {p95_ms:g} ms")
    if over:
        raise ModelTestFailure(f"latency: {'; '.join(over)} ({stats.describe()})")
    return stats


@dataclass(frozen=True)
class SizeStats:
    bytes: int
    largest: tuple[tuple[str, int], ...]  # (file, bytes), largest first

    def describe(self) -> str:
        files = ", ".join(f"{name} {_mb(size)}" for name, size in self.largest[:3])
        return f"{_mb(self.bytes)}; largest files: {files}" if files else _mb(self.bytes)


def model_size(model: Any) -> SizeStats:
    """Bytes on disk of a model loaded by mlgate (the ``candidate_model`` fixture, or
    :func:`mlgate.testing.load_model`), or of a model folder or file given as a path."""
    from mlgate.adapters.models import folder_of, folder_size

    if isinstance(model, (str, Path)):
        path = Path(model)
    else:
        found = folder_of(model)
        if found is None:
            raise TypeError(
                "model_size() measures models loaded by mlgate (the candidate_model fixture, "
                "mlgate.testing.load_model) or a path; pass the model's folder instead"
            )
        path = found
    if path.is_file():
        return SizeStats(bytes=path.stat().st_size, largest=((path.name, path.stat().st_size),))
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: no such model folder or file")
    total, files = folder_size(path)
    return SizeStats(bytes=total, largest=tuple(files[:5]))


def assert_size(
    model: Any, *, max_bytes: int | None = None, max_mb: float | None = None
) -> SizeStats:
    """The serialized model fits the budget (``max_mb`` in megabytes of 1,000,000 bytes)."""
    __tracebackhide__ = True
    if (max_bytes is None) == (max_mb is None):
        raise ValueError("give exactly one budget: max_bytes= or max_mb=")
    budget = max_bytes if max_bytes is not None else int((max_mb or 0) * MB)
    stats = model_size(model)
    if stats.bytes > budget:
        raise ModelTestFailure(
            f"size: the model is {_mb(stats.bytes)} ({stats.bytes:,} bytes), over the "
            f"budget of {_mb(budget)} by {_mb(stats.bytes - budget)} ({stats.describe()})"
        )
    return stats


def _batch(data: Any, start: int, size: int) -> Any:
    """``size`` examples from position ``start``, wrapping around the end of ``data``."""
    import numpy as np

    positions = [(start + k) % len(data) for k in range(size)]
    rows = getattr(data, "iloc", None)
    return rows[positions] if rows is not None else np.asarray(data)[positions]


def _mb(size: int) -> str:
    if size < 10_000:
        return f"{size:,} B"
    return f"{size / MB:.3g} MB"
