"""Fixtures of the end-to-end tests: the session's real MLflow server, and the copy of this
checkout the action and the templates install mlgate from."""

import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import PackageIndex, copy_checkout
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


@pytest.fixture(scope="session")
def package_index(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PackageIndex]:
    """A local package index (pypiserver, on a free loopback port) serving the session's
    build as the release `mlgate==<version>`: what the template's default install line
    resolves through PIP_EXTRA_INDEX_URL, mlgate's dependencies coming from the usual index.
    The port is new every session, so no installer cache hands out an older build."""
    from registry_helpers import free_port

    packages = tmp_path_factory.mktemp("index")
    shutil.copy(wheel, packages / wheel.name)
    port = free_port()
    log = (packages.parent / "pypiserver.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "pypi-server"),
            "run",
            "-v",  # one line per request: the tests see the wheel was fetched from here
            "-p",
            str(port),
            "-i",
            "127.0.0.1",
            "--disable-fallback",
            str(packages),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/simple/"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}mlgate/", timeout=2) as answer:
                if wheel.name in answer.read().decode():
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("pypiserver did not come up")
        time.sleep(0.2)
    try:
        yield PackageIndex(url=url, log=packages.parent / "pypiserver.log", wheel=wheel.name)
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
