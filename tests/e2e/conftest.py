"""Fixtures of the end-to-end tests: the session's real MLflow server, and the copy of this
checkout the action and the templates install mlgate from."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from e2e_helpers import copy_checkout
from mlflow_service import mlflow_server, model_name

__all__ = ["mlflow_server", "model_name"]


@pytest.fixture(scope="session")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This checkout's files, as `uses: mlgate/mlgate@v1` and MLGATE_PACKAGE see them."""
    return copy_checkout(tmp_path_factory.mktemp("mlgate"))


@pytest.fixture(scope="session")
def wheel(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mlgate built from that copy, as a release's wheel is. The templates install it by its
    file name, which is new every session: an installer's cache cannot hand a run a build of
    older sources. The wheel is checked to hold every module of the copy."""
    out = tmp_path_factory.mktemp("dist")
    uv = Path(sys.executable).parent / "uv"
    subprocess.run(
        [str(uv), "build", "--quiet", "--wheel", "--out-dir", str(out), str(checkout)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("mlgate-*.whl")
    package = checkout / "src"
    expected = {str(path.relative_to(package)) for path in (package / "mlgate").rglob("*.py")}
    with zipfile.ZipFile(built) as archive:
        missing = expected - set(archive.namelist())
    assert not missing, f"the wheel lacks {sorted(missing)}"
    return built
