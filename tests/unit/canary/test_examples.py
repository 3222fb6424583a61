"""examples/canary is complete and valid: every manifest passes its CRD's schema (Argo
Rollouts, Flagger, Kubernetes — vendored in schemas/k8s/, strict like kubectl), the
analyses ask for what `canary serve` answers, and the config loads."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlgate.canary.serve import HOOKS
from mlgate.files.config import load_config
from mlgate.files.kubernetes import known_kind, schema_problems

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "canary"
MANIFESTS = sorted(p for p in EXAMPLES.rglob("*.yaml"))


def documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_each_manifest_passes_its_kinds_schema(path: Path) -> None:
    for doc in documents(path):
        assert known_kind(doc), f"{path}: no schema for {doc.get('apiVersion')} {doc.get('kind')}"
        assert list(schema_problems(doc)) == []


def test_a_misspelt_field_is_caught() -> None:
    [template] = documents(EXAMPLES / "argo" / "analysistemplate-web.yaml")
    template["spec"]["metrics"][0]["provider"]["web"]["jsonpath"] = "{$}"
    assert any("jsonpath" in problem for _, problem in schema_problems(template))


def test_the_web_analysis_keeps_inconclusive_apart() -> None:
    [template] = documents(EXAMPLES / "argo" / "analysistemplate-web.yaml")
    metric = template["spec"]["metrics"][0]
    assert metric["successCondition"] == 'result.decision == "pass"'
    assert metric["failureCondition"] == 'result.decision == "fail"'
    assert metric["provider"]["web"]["url"].endswith("/v1/canary/{{args.model}}")


def test_the_job_analysis_maps_inconclusive_for_a_two_outcome_job() -> None:
    text = (EXAMPLES / "argo" / "analysistemplate-job.yaml").read_text()
    assert "mlgate canary" in text and "--inconclusive fail" in text


def test_flagger_calls_both_hooks_canary_serve_answers() -> None:
    [canary] = documents(EXAMPLES / "flagger" / "canary.yaml")
    hooks = {h["type"]: h["url"] for h in canary["spec"]["analysis"]["webhooks"]}
    assert list(hooks) == list(HOOKS)  # in the order Flagger calls them
    assert set(hooks) == set(HOOKS)
    for kind, url in hooks.items():
        assert url.endswith(f"/v1/flagger/{kind}")


def test_the_config_loads_with_every_query() -> None:
    config = load_config(EXAMPLES / "mlgate.yml")
    assert config.canary is not None and config.canary.prometheus is not None
    assert {r.name for r in config.canary.rules} == {"error_rate", "latency_p95", "output_drift"}
    assert config.deploy is not None and config.deploy.files[0].canary == 10
