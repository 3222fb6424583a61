"""Many CI jobs at once on one model, against PostgreSQL: 8 concurrent `evaluate
--register` each record on their own version; two concurrent promotions end with one
winner and a clean refusal ("production moved …"), the aliases and the history agreeing with
each other."""

from __future__ import annotations

import json
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from production_helpers import SHA, admin, config, frame, mlgate_cli, train_and_register
from production_registry import ProductionRegistry

pytestmark = [pytest.mark.production, pytest.mark.xdist_group("production")]
JOBS = 8


def test_concurrent_registers_and_promotions(
    production: ProductionRegistry, production_model: str, workdir: Path
) -> None:
    model = production_model
    first = train_and_register(production, model, strength=1.0, data=frame(seed=1))
    client = admin(production)
    client.set_registered_model_alias(model, "champion", first.version)
    # One candidate run, its model logged once per job: each job registers its own version
    # (a job registering a run's model already registered reuses that version).
    paths = tuple(f"model{job}" for job in range(JOBS))
    candidate = train_and_register(production, model, strength=0.5, data=frame(seed=1), names=paths)
    folders = []
    for job in range(JOBS):
        folder = workdir / f"job{job}"
        folder.mkdir()
        for name in ("eval.csv", "train.csv"):
            (folder / name).write_bytes((workdir / name).read_bytes())
        config(folder, model, predictions="off")
        folders.append(folder)

    def evaluate(job: int) -> subprocess.CompletedProcess[str]:
        return mlgate_cli(
            production, "evaluate", "--candidate", f"runs:/{candidate.run_id}/{paths[job]}",
            "--register", "--commit", SHA, cwd=folders[job],
        )  # fmt: skip

    with ThreadPoolExecutor(JOBS) as pool:
        done = list(pool.map(evaluate, range(JOBS)))
    for job in done:
        assert job.returncode in (0, 1), job.stderr
        assert "Traceback" not in job.stderr
    versions = [
        json.loads((folder / "verdict.json").read_text())["candidate"]["model_version"]
        for folder in folders
    ]
    assert len(set(versions)) == JOBS, versions
    for version in versions:
        tags = client.get_model_version(model, version).tags
        assert tags["mlgate.commit"] == SHA and tags["mlgate.status"] in ("pass", "fail")

    # Two promotions of different versions at once: one moves production, one refuses.
    contenders = sorted(versions, key=int)[:2]
    for version in contenders:
        client.set_model_version_tag(model, version, "mlgate.status", "pass")

    def promote(version: str) -> subprocess.CompletedProcess[str]:
        return mlgate_cli(
            production, "promote", "--version", version, "--approved-by", "alice",
            "--commit", SHA, cwd=folders[0],
        )  # fmt: skip

    with ThreadPoolExecutor(2) as pool:
        outcomes = dict(zip(contenders, pool.map(promote, contenders), strict=True))
    codes = sorted(o.returncode for o in outcomes.values())
    assert codes == [0, 1], {v: o.stdout + o.stderr for v, o in outcomes.items()}
    winner = next(v for v, o in outcomes.items() if o.returncode == 0)
    loser = outcomes[next(v for v in contenders if v != winner)]
    # the loser met the winner's intent, or started after it and found its evidence stale
    assert "production moved" in loser.stderr, loser.stderr
    aliases = {k: str(v) for k, v in client.get_registered_model(model).aliases.items()}
    assert aliases == {"champion": winner, "previous": first.version}
    registered = client.get_registered_model(model)
    history = [
        json.loads(value) for key, value in sorted(registered.tags.items())
        if key.startswith("mlgate.history.")
    ]  # fmt: skip
    assert [(e["event"], e["version"], e["replaced"]) for e in history] == [
        ("promote", winner, first.version)
    ]
    assert not [key for key in registered.tags if key.startswith("mlgate.promoting.")]


def test_jobs_recording_on_one_run_and_one_version_at_once_all_succeed(
    production: ProductionRegistry, production_model: str
) -> None:
    """MLflow's SQL store writes a tag by reading, then inserting: jobs writing one new key at
    the same moment collide on PostgreSQL's primary key (a CI retry racing the first try, two
    pipelines evaluating one version); so do their first dataset inputs on one run. Every
    job's write must land, none exit 2."""
    from mlgate.adapters.registry import Registry
    from mlgate.core.dataset import Dataset

    trained = train_and_register(production, production_model, strength=1.0, data=frame(seed=1))
    admin(production)
    registry = Registry(tracking_uri=production.url)
    barrier = threading.Barrier(JOBS * 2)

    def job(number: int) -> None:
        tags = {f"mlgate.race.{key}": f"job{number}" for key in range(6)}
        barrier.wait()
        registry.tag_run(trained.run_id, tags)
        registry.tag_version(production_model, trained.version, tags)
        registry.log_dataset(
            trained.run_id, Dataset(name="eval.csv", digest="d41d8cd9", source="eval.csv")
        )

    with ThreadPoolExecutor(JOBS * 2) as pool:
        list(pool.map(job, range(JOBS * 2)))  # re-raises the first failure
    run_tags = admin(production).get_run(trained.run_id).data.tags
    version_tags = admin(production).get_model_version(production_model, trained.version).tags
    for tags in (run_tags, version_tags):
        values = {v for k, v in tags.items() if k.startswith("mlgate.race.")}
        assert len([k for k in tags if k.startswith("mlgate.race.")]) == 6
        assert values <= {f"job{n}" for n in range(JOBS * 2)}
    inputs = admin(production).get_run(trained.run_id).inputs.dataset_inputs
    assert [i.dataset.digest for i in inputs if i.dataset.name == "eval.csv"] == ["d41d8cd9"]


def test_jobs_registering_a_new_model_at_once_each_get_a_version(
    production: ProductionRegistry, production_model: str
) -> None:
    """The first `evaluate --register` of a model nobody created yet, in several jobs at once:
    one creates it, the others are told it exists, and each comes back with a version of it
    from this run — the one another job registered first, or its own when they raced."""
    from mlgate.adapters.registry import Registry
    from mlgate.core.refs import RunRef

    trained = train_and_register(production, production_model, strength=1.0, data=frame(seed=1))
    admin(production)
    registry = Registry(tracking_uri=production.url)
    new_model = f"{production_model}-new"
    barrier = threading.Barrier(JOBS)

    def job(_: int) -> str:
        barrier.wait()
        found = registry.candidate(
            RunRef(run_id=trained.run_id), model=new_model, register=True, prefix=None
        )
        return str(found.version)

    with ThreadPoolExecutor(JOBS) as pool:
        versions = list(pool.map(job, range(JOBS)))
    assert all(version in [str(n) for n in range(1, JOBS + 1)] for version in versions)
    client = admin(production)
    registered = client.search_model_versions(f"name='{new_model}'")
    assert {str(v.version) for v in registered} == set(versions)
    assert {v.run_id for v in registered} == {trained.run_id}
