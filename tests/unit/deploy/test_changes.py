"""The manifests' edits, byte for byte: KServe (serverless, staged, raw canary), Seldon and
key-path edits of Helm values and a Deployment, for a promotion and for a rollback; the
validation failures, each named; and names and values that must not escape YAML."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgate.core.deploy import ManifestSpec
from mlgate.deploy.changes import plan_changes
from mlgate.errors import InputError
from mlgate.files.manifests import Edit, apply_edits, parse_manifest

HERE = Path(__file__).parent
MANIFESTS = HERE / "manifests"
EXPECTED = HERE / "expected"

FIELDS = {
    "name": "churn-classifier",
    "version": "7",
    "run_id": "0a1b2c",
    "artifact_uri": "s3://models/churn/7/artifacts",
    "models_uri": "models:/churn-classifier/7",
    "environment": "production",
    "uri": "s3://models/churn/7/artifacts",
}

CASES = {
    "inferenceservice.yaml": ManifestSpec(path="inferenceservice.yaml", kind="kserve", canary=10),
    "seldon-model.yaml": ManifestSpec(path="seldon-model.yaml", kind="seldon"),
    "values.yaml": ManifestSpec(
        path="values.yaml",
        kind="set",
        set=(("model.uri", "{uri}"), ("model.version", "{version}")),
    ),
    "deployment.yaml": ManifestSpec(
        path="deployment.yaml",
        kind="set",
        set=(
            ("spec.template.spec.containers[0].args[1]", "{models_uri}"),
            ("spec.template.spec.containers[0].env[0].value", "{models_uri}"),
            ("spec.template.spec.containers[0].env[1].value", "{version}"),
        ),
    ),
    "raw-canary.yaml": ManifestSpec(path="raw-canary.yaml", kind="kserve", canary=20),
    "staged.yaml": ManifestSpec(path="staged.yaml", kind="kserve", canary=10),
}


def read(path: str) -> str | None:
    file = MANIFESTS / path
    return file.read_text("utf-8") if file.is_file() else None


def change(spec: ManifestSpec, *, rollback: bool = False, text: str | None = None, **fields: str):
    reader = read if text is None else (lambda _path: text)
    [found] = plan_changes(
        (spec,), read=reader, where="acme/deploy", fields={**FIELDS, **fields}, rollback=rollback
    )
    return found


@pytest.mark.parametrize("rollback", [False, True], ids=["promote", "rollback"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_kind_changes_exactly_the_expected_bytes(name: str, rollback: bool) -> None:
    expected = EXPECTED / (("rollback-" if rollback else "") + name)
    found = change(CASES[name], rollback=rollback)
    assert found.after == expected.read_text("utf-8")
    assert found.before == read(name)


def test_the_kserve_diff_is_the_uri_line_and_the_canary_share() -> None:
    found = change(CASES["inferenceservice.yaml"])
    before, after = found.before.splitlines(), found.after.splitlines()
    assert [line for line in after if line not in before] == [
        "        canaryTrafficPercent: 10",
        '            storageUri: "s3://models/churn/7/artifacts"   # version 6',
    ]
    assert [line for line in before if line not in after] == [
        '            storageUri: "s3://models/churn/6/artifacts"   # version 6'
    ]
    assert found.old_uri == "s3://models/churn/6/artifacts"


def test_a_rollback_gives_all_traffic_back_at_once() -> None:
    found = change(CASES["staged.yaml"], rollback=True)
    assert "canaryTrafficPercent" not in found.after
    raw = change(CASES["raw-canary.yaml"], rollback=True)
    doc = yaml.safe_load(raw.after)
    assert doc["spec"]["predictor"]["sklearn"]["storageUri"] == FIELDS["uri"]
    assert [c["trafficPercent"] for c in doc["spec"]["canary"]] == [0]


def test_the_same_version_again_changes_nothing() -> None:
    once = change(CASES["inferenceservice.yaml"])
    again = change(CASES["inferenceservice.yaml"], text=once.after)
    assert not again.changed


@pytest.mark.parametrize(
    ("spec", "text", "fields", "message"),
    [
        (
            CASES["inferenceservice.yaml"],
            None,
            {"uri": "models:/churn-classifier/7"},
            "acme/deploy:inferenceservice.yaml: document 1 (InferenceService churn-classifier): "
            "cannot serve 'models:/churn-classifier/7': models: URIs are read only by MLflow",
        ),
        (
            CASES["inferenceservice.yaml"],
            None,
            {"uri": "wasbs://models@acct/churn/7"},
            "storage initializer reads gs://, s3://",
        ),
        (
            ManifestSpec(path="x.yaml", kind="kserve"),
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: a}\n"
            "spec: {}\n",
            {},
            "acme/deploy:x.yaml: document 1 (InferenceService a): spec.predictor: missing",
        ),
        (
            ManifestSpec(path="x.yaml", kind="kserve"),
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: a}\n"
            "spec:\n  predictor:\n    minReplicas: 1\n",
            {},
            "spec.predictor: names no model",
        ),
        (
            ManifestSpec(path="x.yaml", kind="kserve"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
            {},
            "acme/deploy:x.yaml: no InferenceService (serving.kserve.io) in the file",
        ),
        (
            ManifestSpec(path="x.yaml", kind="kserve"),
            "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: a}\n"
            "spec:\n  predictor:\n    sklearn:\n      storageUri: s3://a/1\n      storageURI: x\n",
            {},
            "spec.predictor.sklearn: fails its schema after the edit: unknown field(s) "
            "'storageURI'",
        ),
        (
            ManifestSpec(path="x.yaml", kind="set", set=(("spec.replicas", "v{version}"),)),
            (MANIFESTS / "deployment.yaml")
            .read_text()
            .replace("spec:\n", "spec:\n  replicas: 2\n", 1),
            {},
            "document 1 (Deployment churn-api): spec.replicas: fails its schema after the edit: "
            "'v7' is not of type 'integer'",
        ),
        (
            ManifestSpec(path="values.yaml", kind="set", set=(("model.digest", "{run_id}"),)),
            None,
            {},
            "acme/deploy:values.yaml: document 1: model.digest: no document of the file has "
            "this key; mlgate edits values and does not invent structure",
        ),
        (
            ManifestSpec(path="values.yaml", kind="set", set=(("model", "{uri}"),)),
            None,
            {},
            "model: holds a mapping or a list, not a value",
        ),
        (
            ManifestSpec(path="raw-canary.yaml", kind="kserve", canary=20),
            (MANIFESTS / "raw-canary.yaml").read_text().replace("name: candidate", "name: stable"),
            {},
            "spec.canary[0].predictor.name: KServe would refuse it: canary name 'stable' is the "
            "stable predictor's",
        ),
        (
            ManifestSpec(path="x.yaml", kind="seldon"),
            "apiVersion: mlops.seldon.io/v1alpha1\nkind: Model\nmetadata: {name: a}\n"
            "spec:\n  storageUri: gs://a\n  storageUri: gs://b\n",
            {},
            "spec.storageUri: duplicate key",
        ),
        (
            ManifestSpec(path="x.yaml", kind="seldon"),
            "apiVersion: mlops.seldon.io/v1alpha1\nkind: Model\nspec: [unclosed\n",
            {},
            "acme/deploy:x.yaml:4: not valid YAML",
        ),
        (ManifestSpec(path="gone.yaml", kind="seldon"), None, {}, "gone.yaml: no such file"),
    ],
    ids=[
        "models-uri-on-kserve",
        "scheme-kserve-cannot-read",
        "no-predictor",
        "no-implementation",
        "no-inferenceservice",
        "schema-unknown-field",
        "schema-type-after-edit",
        "missing-key-path",
        "not-a-value",
        "kserve-admission",
        "duplicate-key",
        "not-yaml",
        "missing-file",
    ],
)
def test_what_cannot_be_deployed_is_named(
    spec: ManifestSpec, text: str | None, fields: dict[str, str], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        change(spec, text=text, **fields)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "value",
    [
        "churn$(rm -rf /)",
        'it\'s "quoted"',
        "two\nlines\nkind: Secret",
        "# not a comment",
        "true",
        "007",
        "- item",
        "{a: b}",
        "é ☃ \u2028 \x00",
    ],
)
def test_values_never_escape_their_scalar(value: str) -> None:
    spec = ManifestSpec(path="values.yaml", kind="set", set=(("model.name", "{name}"),))
    found = change(spec, name=value)
    data = yaml.safe_load(found.after)
    assert data["model"]["name"] == value
    assert set(data) == {"image", "model", "replicaCount"}
    assert len(found.after.splitlines()) == len(found.before.splitlines())


SCALARS = ["plain", "'single'", '"double"', "7", "|\n    block\n", "[a, b]"]


@settings(max_examples=300, deadline=None)
@given(value=st.text(max_size=40), style=st.sampled_from(SCALARS), flow=st.booleans())
def test_any_text_in_any_scalar_style_reads_back_exactly(
    value: str, style: str, flow: bool
) -> None:
    text = (
        f"a:\n  b: {{k: {style}}}\n  c: 1\n"
        if flow and not style.startswith(("|", "["))
        else f"a:\n  b: {style}\n  c: 1\n"
    )
    manifest = parse_manifest("t.yaml", text)
    path = ("a", "b", "k") if flow and not style.startswith(("|", "[")) else ("a", "b")
    if style.startswith("["):
        path = ("a", "b", 1)
    after = apply_edits(manifest, [Edit(document=0, path=path, value=value)])
    data = yaml.safe_load(after)
    node = data["a"]["b"]
    got = node[path[-1]] if len(path) == 3 else node
    assert got == value or (value.isdigit() and got == int(value) and style == "7")
    assert data["a"]["c"] == 1


MUTATIONS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2_000),
        st.integers(min_value=0, max_value=12),
        st.sampled_from(
            [
                "",
                ":",
                "- ",
                "\n",
                "  ",
                "{",
                "[",
                "]",
                '"',
                "'",
                "#",
                "x",
                "0",
                "~",
                "&a",
                "*a",
                "!!str ",
                "---\n",
                "[]",
                "{}",
                " 3",
                " null",
                "\n    model: 3",
                "- -",
            ]
        ),
    ),
    min_size=1,
    max_size=4,
)


def _mutate(text: str, cuts: list[tuple[int, int, str]]) -> str:
    for where, length, insert in cuts:
        at = where % (len(text) + 1)
        text = text[:at] + insert + text[at + length :]
    return text


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(CASES)), cuts=MUTATIONS, rollback=st.booleans())
def test_a_mangled_manifest_is_an_input_error_or_a_valid_edit(
    name: str, cuts: list[tuple[int, int, str]], rollback: bool
) -> None:
    """Never an internal error (exit 4): whatever the file became, either its edit is made
    and re-parses to exactly the intended change, or one InputError says why not."""
    text = _mutate(read(name) or "", cuts)
    try:
        found = change(CASES[name], text=text, rollback=rollback)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert found.before == text


def test_an_anchored_value_is_not_changed_behind_its_aliases() -> None:
    """Setting a value another key refers to (*alias) would change both: refused, named."""
    text = "model:\n  uri: &uri s3://models/churn/6\nmirror:\n  uri: *uri\n"
    spec = ManifestSpec(path="values.yaml", kind="set", set=(("model.uri", "{uri}"),))
    with pytest.raises(InputError, match=r"cannot change model\.uri without changing the lines"):
        change(spec, text=text)


def test_a_byte_order_mark_stays_and_the_edit_lands_on_the_value() -> None:
    text = "\ufeff" + (MANIFESTS / "values.yaml").read_text()
    found = change(CASES["values.yaml"], text=text)
    assert found.after.startswith("\ufeff# Helm values")
    assert "  uri: s3://models/churn/7/artifacts  # set by mlgate deploy\n" in found.after


@pytest.mark.parametrize("percent", [0, 50, 100])
def test_the_next_stage_of_a_staged_rollout_changes_only_the_share(percent: int) -> None:
    """`mlgate deploy --canary N` after `mlgate canary` passed: the version stays, the
    share moves (100: all traffic, 0: none), and the result passes KServe's admission."""
    from dataclasses import replace

    first = change(CASES["staged.yaml"])
    found = change(replace(CASES["staged.yaml"], canary=percent), text=first.after)
    before, after = first.after.splitlines(), found.after.splitlines()
    assert [line for line in after if line not in before] == [
        f"    canaryTrafficPercent: {percent}  # the new revision's share while the canary runs"
    ]
