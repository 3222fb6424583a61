"""Workflow commands and outputs cannot be broken or injected by user text."""

from __future__ import annotations

import re

from mlgate.core.checks import Check, Status
from mlgate.core.rules import MetricRule
from mlgate.core.verdict import Identity, MetricRow, Overall, Verdict
from mlgate.core.workflow import (
    annotation_commands,
    escape_data,
    escape_property,
    mask,
    output_block,
)


def test_escaping() -> None:
    assert escape_data("50%\r\n::error::x") == "50%25%0D%0A::error::x"
    assert escape_property("a:b,c\n") == "a%3Ab%2Cc%0A"


def test_annotations_for_failures_and_warnings_only() -> None:
    rows = (
        MetricRow(
            name="acc\n::error::pwned",
            baseline=1,
            candidate=0,
            status=Status.FAIL,
            rule=MetricRule(name="acc"),
            reasons=("drop of 1 exceeds max_drop 0.1",),
        ),
        MetricRow(
            name="f1",
            baseline=1,
            candidate=0.9,
            status=Status.WARN,
            rule=MetricRule(name="f1"),
            reasons=("w",),
        ),
        MetricRow(
            name="ok", baseline=1, candidate=1, status=Status.PASS, rule=MetricRule(name="ok")
        ),
        MetricRow(name="info", baseline=1, candidate=0, status=Status.INFO),
    )
    verdict = Verdict(
        model="m,x",
        status=Overall.FAIL,
        candidate=Identity(label="c"),
        baseline=Identity(label="b"),
        metrics=rows,
        checks=(Check(name="signature", status=Status.FAIL, summary="1 breaking"),),
    )
    lines = annotation_commands(verdict)
    assert lines == [
        "::error title=mlgate m%2Cx%3A acc%0A%3A%3Aerror%3A%3Apwned::drop of 1 exceeds max_drop 0.1",
        "::warning title=mlgate m%2Cx%3A f1::w",
        "::error title=mlgate m%2Cx%3A signature::1 breaking",
    ]
    assert all("\n" not in line for line in lines)


def test_outputs_use_a_delimiter_the_value_cannot_contain() -> None:
    block = output_block({"verdict": "pass", "comment-url": "x\nEOF\ny"})
    match = re.match(
        r"verdict<<(MLGATE_EOF_[0-9a-f]{16})\npass\n\1\ncomment-url<<(MLGATE_EOF_[0-9a-f]{16})\nx\nEOF\ny\n\2\n$",
        block,
    )
    assert match is not None


def test_mask() -> None:
    assert mask("s3cret") == "::add-mask::s3cret"
