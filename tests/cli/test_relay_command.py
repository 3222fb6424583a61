"""`mlgate relay` and `mlgate relay register`: what is refused before anything listens or
calls MLflow — one line naming the option or variable, exit 2, never the secret."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

SECRET = "a-secret-long-enough-for-the-relay"
Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["relay", "--github-repo", "acme/churn"], {}, "set MLGATE_WEBHOOK_SECRET"),
        (
            ["relay", "--github-repo", "acme/churn"],
            {"MLGATE_WEBHOOK_SECRET": "short"},
            "16 characters or more",
        ),
        (["relay", "--listen", "nowhere"], {"MLGATE_WEBHOOK_SECRET": SECRET}, "expected HOST:PORT"),
        (["relay", "--listen", "1.2.3.4:99999"], {"MLGATE_WEBHOOK_SECRET": SECRET}, "HOST:PORT"),
        (["relay"], {"MLGATE_WEBHOOK_SECRET": SECRET}, "--github-repo OWNER/REPO and/or"),
        (
            ["relay", "--github-repo", "acme/churn"],
            {"MLGATE_WEBHOOK_SECRET": SECRET},
            "needs a token in MLGATE_GITHUB_TOKEN",
        ),
        (
            ["relay", "--github-repo", "not a repo; rm -rf /"],
            {"MLGATE_WEBHOOK_SECRET": SECRET},
            "expected OWNER/REPO",
        ),
        (
            ["relay", "--gitlab-project", "42"],
            {"MLGATE_WEBHOOK_SECRET": SECRET},
            "MLGATE_GITLAB_TRIGGER_TOKEN",
        ),
        (
            ["relay", "--max-concurrency", "0", "--github-repo", "a/b"],
            {"MLGATE_WEBHOOK_SECRET": SECRET},
            "--max-concurrency",
        ),
        (
            ["relay", "register", "--url", "https://relay.example/"],
            {"MLGATE_WEBHOOK_SECRET": SECRET},
            "set --tracking-uri or MLFLOW_TRACKING_URI",
        ),
        (
            ["relay", "register", "--url", "ftp://x", "--tracking-uri", "sqlite:///x.db"],
            {"MLGATE_WEBHOOK_SECRET": SECRET},
            "expected an http(s) URL",
        ),
        (
            ["relay", "register", "--url", "https://x/", "--events", "model_version.exploded"],
            {"MLGATE_WEBHOOK_SECRET": SECRET},
            "--events",
        ),
    ],
)
def test_refused_before_anything_starts(
    run: Run, args: list[str], env: dict[str, str], message: str
) -> None:
    # Nothing from the test session (mlflow.set_tracking_uri sets MLFLOW_TRACKING_URI) may
    # point these commands at a live server.
    unset: dict[str, str | None] = {"MLFLOW_TRACKING_URI": None, "MLGATE_TRACKING_URI": None}
    result = run(*args, env={**unset, **env})
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output and SECRET not in result.output


def test_a_bad_relay_section_names_the_file(run: Run, workdir: Path) -> None:
    (workdir / "mlgate.yml").write_text("relay:\n  events: [model_version.exploded]\n")
    result = run("relay", "--github-repo", "a/b", env={"MLGATE_WEBHOOK_SECRET": SECRET})
    assert (
        result.exit_code == 2 and "mlgate.yml" in result.output and "relay.events" in result.output
    )


def relay_on_a_port_in_use(run: Run, *extra: str) -> tuple[Result, int]:
    """``mlgate relay`` on a port another socket holds: it stops at once, saying so."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(
            "relay",
            "--listen",
            f"127.0.0.1:{port}",
            "--github-repo",
            "a/b",
            *extra,
            env={"MLGATE_WEBHOOK_SECRET": SECRET, "MLGATE_GITHUB_TOKEN": "ghp-secret-token"},
        )
    return result, port


def test_a_port_in_use_is_one_line(run: Run) -> None:
    result, port = relay_on_a_port_in_use(run)
    assert result.exit_code == 2, result.output
    assert f"--listen 127.0.0.1:{port}" in result.output and "in use" in result.output
    assert "ghp-secret-token" not in result.output


def test_the_events_option_names_every_event_the_relay_knows() -> None:
    from mlgate.cli.relay import register_command
    from mlgate.core.webhooks import KNOWN_EVENTS

    (option,) = [p for p in register_command.params if p.name == "events"]
    assert all(event in (option.help or "") for event in KNOWN_EVENTS)


@pytest.mark.parametrize("with_state", [False, True])
def test_starting_without_state_warns_of_double_dispatch(
    run: Run, workdir: Path, with_state: bool
) -> None:
    state = ["--state", str(workdir / "relay.state")] if with_state else []
    result, _ = relay_on_a_port_in_use(run, *state)
    warned = "no --state: what was dispatched, and what a target still owes, is remembered" in (
        result.output
    )
    assert warned is not with_state, result.output
