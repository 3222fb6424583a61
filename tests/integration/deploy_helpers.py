"""A model with versions promoted and rolled back in a real MLflow registry (through the
CLI, as a person at a laptop would), and the deployment repository those versions are
served from, for the tests of `mlgate deploy`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result
from registry_helpers import log_run, register

from mlgate.cli import cli

SHA = "1" * 40

ISVC = """\
# Served by KServe; mlgate deploy proposes the storageUri.
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: churn
  namespace: models
spec:
  predictor:
    model:
      modelFormat: {name: mlflow}
      protocolVersion: v2
      storageUri: "gs://models/churn/0"   # the model's files
"""

VALUES = """\
model:
  uri: s3://models/churn/0  # what the API loads
  version: 0
replicaCount: 2
"""

FILES = {"k8s/churn/inferenceservice.yaml": ISVC, "helm/churn/values.yaml": VALUES}


def config(model: str, *, repository: str = "acme/deploy", extra: str = "") -> str:
    return f"""\
model: {model}
metrics:
  accuracy: {{max_drop: 0.05}}
deploy:
  repository: {repository}
  environment: production
  uri: "gs://models/{{name}}/{{version}}"
  files:
    - path: k8s/churn/inferenceservice.yaml
      kind: kserve
    - path: helm/churn/values.yaml
      kind: set
      set: {{model.uri: "{{uri}}", model.version: "{{version}}"}}
{extra}"""


class Registry:
    """`mlgate evaluate/promote/rollback` on one model, in ``folder`` (its mlgate.yml)."""

    def __init__(self, server: str, model: str, folder: Path) -> None:
        self.server, self.model, self.folder = server, model, folder

    def run(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            cli,
            [
                args[0],
                "--tracking-uri",
                self.server,
                "--config",
                str(self.folder / "mlgate.yml"),
                *args[1:],
            ],
            prog_name="mlgate",
            env={"GITHUB_ACTIONS": "", "GITLAB_CI": "", **(env or {})},
            catch_exceptions=False,
        )

    def evaluated(self, accuracy: float) -> str:
        version = register(
            self.server, log_run(self.server, metrics={"accuracy": accuracy}), self.model
        )
        result = self.run(
            "evaluate",
            "--candidate",
            f"models:/{self.model}/{version}",
            "--commit",
            SHA,
            "--print",
            "none",
        )
        assert result.exit_code in (0, 1), result.output
        return version

    def promoted(self, accuracy: float, *, by: str = "alice") -> str:
        version = self.evaluated(accuracy)
        result = self.run("promote", "--version", version, "--approved-by", by, "--commit", SHA)
        assert result.exit_code == 0, result.output
        return version

    def rolled_back(self, *, by: str = "carol") -> Result:
        result = self.run("rollback", "--by", by, "--reason", "latency")
        assert result.exit_code == 0, result.output
        return result
