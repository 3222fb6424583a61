"""A production-shaped MLflow registry for tests/integration/production and the benchmark:
metadata in PostgreSQL (Debian's, ``initdb`` into a temporary folder), artifacts in moto's
S3-compatible server, ``mlflow server --app-name basic-auth`` in front, and a counting,
fault-injecting proxy before the tracking server and before the object store.

Clients reach the artifacts directly (``--no-serve-artifacts``): mlgate's own S3 traffic,
its retries and its failures are what the tests see."""

from __future__ import annotations

import glob
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from fault_proxy import S3_ERROR, FaultyProxy
from mlflow_service import WEBHOOK_ENV, _stop, _wait_healthy
from registry_helpers import free_port

BUCKET = "mlgate-artifacts"
ADMIN = ("admin", "admin-password-of-the-tests")
# moto accepts any key; real ones must never be needed here.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent


def postgres_bindir() -> Path:
    """Where Debian's PostgreSQL keeps initdb: on PATH, else /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if not versions:
        raise RuntimeError("PostgreSQL's initdb was not found: run `make tools`")
    return Path(versions[-1]).parent


def _version_key(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


@contextmanager
def running_postgres() -> Iterator[str]:
    """``postgresql://`` of a fresh cluster on a free loopback port, with databases
    ``mlflow`` (the tracking store) and ``auth`` (the basic-auth users). PostgreSQL refuses
    to run as root, so as root it runs as the ``postgres`` user (else ``nobody``)."""
    bindir = postgres_bindir()
    root = Path(tempfile.mkdtemp(prefix="mlgate-pg-"))
    account = None
    if os.geteuid() == 0:
        for name in ("postgres", "nobody"):
            try:
                account = pwd.getpwnam(name)
                break
            except KeyError:
                continue
        if account is None:
            raise RuntimeError("running as root with neither a postgres nor a nobody user")
        os.chown(root, account.pw_uid, account.pw_gid)
    as_user: dict[str, object] = (
        {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
    )
    data = root / "data"
    subprocess.run(
        [bindir / "initdb", "-D", data, "-U", "mlgate", "-A", "trust", "-E", "UTF8",
         "--locale=C", "--no-sync"],
        check=True, capture_output=True, cwd=root, **as_user,  # type: ignore[call-overload]
    )  # fmt: skip
    port = free_port()
    log = (root / "postgres.log").open("wb")
    process = subprocess.Popen(
        [bindir / "postgres", "-D", data, "-p", str(port), "-k", root, "-h", "127.0.0.1",
         "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
         "-c", "max_connections=200"],
        stdout=log, stderr=subprocess.STDOUT, cwd=root, start_new_session=True,
        **as_user,  # type: ignore[call-overload]
    )  # fmt: skip
    base = f"postgresql://mlgate@127.0.0.1:{port}"
    try:
        _wait_postgres(base, process, root / "postgres.log")
        yield base
    finally:
        try:
            os.killpg(process.pid, signal.SIGINT)  # "fast shutdown"
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            _stop(process)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_postgres(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import psycopg

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"postgres exited ({process.returncode}):\n{log.read_text()}")
        try:
            connection = psycopg.connect(f"{base}/postgres", connect_timeout=2, autocommit=True)
        except psycopg.OperationalError:
            time.sleep(0.2)
            continue
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE mlflow")
            cursor.execute("CREATE DATABASE auth")
        connection.close()
        return
    raise RuntimeError(f"postgres did not accept connections in 60 s:\n{log.read_text()}")


@contextmanager
def running_moto(root: Path) -> Iterator[str]:
    """moto's S3-compatible server on a free loopback port, with the artifact bucket."""
    import boto3

    port = free_port()
    log = (root / "moto.log").open("wb")
    process = subprocess.Popen(
        [BIN / "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, **AWS_ENV},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start:\n{log.name}") from None
                time.sleep(0.2)
        s3 = boto3.client("s3", endpoint_url=url, **_boto_credentials())
        s3.create_bucket(Bucket=BUCKET)
        yield url
    finally:
        _stop(process)
        log.close()


def _boto_credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": AWS_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        "region_name": AWS_ENV["AWS_DEFAULT_REGION"],
    }


@dataclass
class ProductionRegistry:
    """The running stack. ``url`` and ``s3_url`` are the proxies clients should use;
    ``direct_url`` is the tracking server itself."""

    url: str
    direct_url: str
    s3_url: str
    s3_direct_url: str
    postgres_url: str
    tracking: FaultyProxy
    s3: FaultyProxy
    root: Path
    users: dict[str, str] = field(default_factory=dict)
    serves_artifacts: bool = False  # clients then need no object-store credentials

    def env(
        self, user: str | None = None, *, tracking_uri: str | None = None, token: str | None = None
    ) -> dict[str, str]:
        """What a CI job signed in as ``user`` (default: the admin) has in its environment;
        with ``token``, that bearer token instead of a user name and password."""
        name = user or ADMIN[0]
        password = ADMIN[1] if name == ADMIN[0] else self.users[name]
        credentials = (
            {"MLFLOW_TRACKING_TOKEN": token}
            if token
            else {"MLFLOW_TRACKING_USERNAME": name, "MLFLOW_TRACKING_PASSWORD": password}
        )
        store = {} if self.serves_artifacts else {"MLFLOW_S3_ENDPOINT_URL": self.s3_url, **AWS_ENV}
        return {"MLFLOW_TRACKING_URI": tracking_uri or self.url, **credentials, **store}

    def issue_token(self, user: str) -> str:
        """A bearer token that signs in as ``user`` (bearer_auth.py reads the file per request)."""
        token = f"mlg-{secrets.token_hex(16)}"
        tokens = self.root / "tokens.json"
        tokens.write_text(json.dumps({**json.loads(tokens.read_text()), token: user}))
        return token

    def create_user(self, name: str, password: str) -> None:
        self._admin(
            "POST", "/api/2.0/mlflow/users/create", {"username": name, "password": password}
        )
        self.users[name] = password

    def grant(self, user: str, model: str, permission: str) -> None:
        self._grant(user, "registered_model", model, permission)

    def grant_experiment(self, user: str, experiment_id: str, permission: str) -> None:
        self._grant(user, "experiment", experiment_id, permission)

    def _grant(self, user: str, kind: str, resource: str, permission: str) -> None:
        self._admin(
            "POST",
            "/api/3.0/mlflow/users/permissions/grant",
            {"username": user, "resource_type": kind, "resource_id": resource,
             "permission": permission},
        )  # fmt: skip

    def _admin(self, method: str, path: str, body: Mapping[str, str]) -> None:
        token = b64encode(f"{ADMIN[0]}:{ADMIN[1]}".encode()).decode()
        request = urllib.request.Request(
            self.direct_url + path,
            data=json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Basic {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            if "RESOURCE_ALREADY_EXISTS" not in body:  # granting twice is not a failure
                raise RuntimeError(f"{method} {path}: {error.code} {body}") from None


@contextmanager
def running_production_registry(
    root: Path, *, default_permission: str = "NO_PERMISSIONS", workers: int = 2
) -> Iterator[ProductionRegistry]:
    with ExitStack() as stack:
        pg = stack.enter_context(running_postgres())
        moto = stack.enter_context(running_moto(root))
        s3 = FaultyProxy(moto, error_body=S3_ERROR)
        stack.callback(s3.close)
        config = root / "basic_auth.ini"
        tokens = root / "tokens.json"
        tokens.write_text("{}")
        config.write_text(
            "[mlflow]\n"
            f"default_permission = {default_permission}\n"
            f"database_uri = {pg}/auth\n"
            f"admin_username = {ADMIN[0]}\n"
            f"admin_password = {ADMIN[1]}\n"
            # Basic credentials, or a bearer token (MLFLOW_TRACKING_TOKEN): bearer_auth.py.
            "authorization_function = bearer_auth:authenticate_bearer_or_basic\n"
            # Without it every request re-derives the password hash (PBKDF2): 0.34 s each here.
            "auth_cache_ttl_seconds = 300\n"
        )
        direct = _mlflow_server(
            stack, root, backend=f"{pg}/mlflow", s3_url=s3.url, workers=workers,
            artifacts=["--default-artifact-root", f"s3://{BUCKET}/", "--no-serve-artifacts"],
        )  # fmt: skip
        tracking = FaultyProxy(direct)
        stack.callback(tracking.close)
        yield ProductionRegistry(
            url=tracking.url,
            direct_url=direct,
            s3_url=s3.url,
            s3_direct_url=moto,
            postgres_url=pg,
            tracking=tracking,
            s3=s3,
            root=root,
        )


@contextmanager
def serving_artifacts(production: ProductionRegistry) -> Iterator[ProductionRegistry]:
    """A second server on the same stack (its own tracking database, the same users and
    bucket) that proxies the artifacts (``--artifacts-destination``, MLflow's default): its
    clients hold no object-store credentials."""
    import psycopg

    with psycopg.connect(f"{production.postgres_url}/postgres", autocommit=True) as connection:
        connection.execute("CREATE DATABASE mlflow_proxied")
    with ExitStack() as stack:
        direct = _mlflow_server(
            stack, production.root, backend=f"{production.postgres_url}/mlflow_proxied",
            s3_url=production.s3.url, workers=2, log_name="proxied-server.log",
            artifacts=["--artifacts-destination", f"s3://{BUCKET}/proxied", "--serve-artifacts"],
        )  # fmt: skip
        tracking = FaultyProxy(direct)
        stack.callback(tracking.close)
        yield replace(
            production, url=tracking.url, direct_url=direct, tracking=tracking,
            serves_artifacts=True,
        )  # fmt: skip


def _mlflow_server(
    stack: ExitStack,
    root: Path,
    *,
    backend: str,
    s3_url: str,
    artifacts: list[str],
    workers: int,
    log_name: str = "server.log",
) -> str:
    """``mlflow server --app-name basic-auth`` (the auth config in ``root``) on a free
    loopback port, stopped with ``stack``; its URL once healthy."""
    port = free_port()
    env = {
        **os.environ,
        **WEBHOOK_ENV,
        **AWS_ENV,
        "MLFLOW_AUTH_CONFIG_PATH": str(root / "basic_auth.ini"),
        "MLGATE_TEST_TOKENS": str(root / "tokens.json"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        "MLFLOW_FLASK_SERVER_SECRET_KEY": "the-tests-csrf-secret",
        "MLFLOW_S3_ENDPOINT_URL": s3_url,
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        "CI": "true",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "true",
    }
    log = (root / log_name).open("wb")
    stack.callback(log.close)
    process = subprocess.Popen(
        [BIN / "mlflow", "server", "--app-name", "basic-auth", "--backend-store-uri", backend,
         *artifacts, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True,
    )  # fmt: skip
    stack.callback(_stop, process)
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url, process, root / log_name)
    return url
