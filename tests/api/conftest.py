"""How the black-box suite starts assetd: the one place that knows about processes and backends.

Every test talks HTTP to a real `assetd serve` process. Which record store it runs on is chosen by
ASSETD_TEST_BACKEND (default "sqlite"); a backend only decides which storage arguments and
environment the `serve` and `admin` commands get, so adding one means adding one class below.
Where file bodies live is chosen by ASSETD_TEST_BLOB: "local" (default, the built-in store and
endpoint) or "swift" (an external S3 service, see SwiftBlobs). A server with an external store keeps
the built-in S3 endpoint off, so modules marked `builtin_store` (tests of that endpoint) get servers
with their objects in the built-in store whatever ASSETD_TEST_BLOB says: every test runs either way.
"""

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from apilib import Api, s3_client

REPO = Path(__file__).resolve().parents[2]
READY_PREFIX = "assetd ready "
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 20


def assetd_binary():
    return Path(os.environ.get("ASSETD_BIN", REPO / "build" / "assetd"))


# --- backends ---------------------------------------------------------------------------------


class SqliteBackend:
    """Records in a SQLite file inside the data directory: nothing to start or clean up."""

    name = "sqlite"

    def storage_args(self, data_dir):
        return ["--data-dir", str(data_dir)]

    def storage_env(self, data_dir):
        return {}

    def close(self):
        pass


class PostgresBackend:
    """Records in PostgreSQL: a database of its own per data directory (kept across restarts of that
    server, dropped when the module's servers are done), created on the cluster that scripts/test.sh
    starts with tests/services/postgres.sh and names in ASSETD_TEST_POSTGRES_URL."""

    name = "postgres"

    def __init__(self):
        self.url = os.environ.get("ASSETD_TEST_POSTGRES_URL", "")
        if not self.url:
            raise pytest.UsageError(
                "ASSETD_TEST_BACKEND=postgres needs ASSETD_TEST_POSTGRES_URL: start a cluster with "
                "tests/services/postgres.sh start DIR PORT, as scripts/test.sh does"
            )
        self.databases = {}  # data directory -> database name

    def _psql(self, sql, url=None):
        psql = shutil.which("psql") or "/usr/lib/postgresql/15/bin/psql"
        done = subprocess.run(
            [psql, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url or self.url, "-c", sql],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"psql {sql!r}: {done.stderr}"
        return done.stdout

    def database_url(self, data_dir):
        key = str(data_dir)
        if key not in self.databases:
            name = "assetd_api_" + uuid.uuid4().hex[:16]
            self._psql(f"CREATE DATABASE {name}")
            self.databases[key] = name
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path="/" + self.databases[key]))

    def storage_args(self, data_dir):
        return ["--data-dir", str(data_dir), "--database", self.database_url(data_dir)]

    def storage_env(self, data_dir):
        return {"ASSETD_DATABASE": self.database_url(data_dir)}

    def close(self):
        for name in self.databases.values():
            self._psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.databases.clear()


BACKENDS = {"sqlite": SqliteBackend, "postgres": PostgresBackend}


def make_backend():
    name = os.environ.get("ASSETD_TEST_BACKEND", "sqlite")
    if name not in BACKENDS:
        raise pytest.UsageError(f"ASSETD_TEST_BACKEND={name!r}: known backends are {sorted(BACKENDS)}")
    return BACKENDS[name]()


# --- object stores ----------------------------------------------------------------------------


class LocalBlobs:
    """The built-in store under the data directory, served by assetd's own S3 endpoint."""

    name = "local"

    def serve_env(self, data_dir):
        return {}

    def store_url(self, server):
        return f"{server.url}/assetd"


class SwiftBlobs:
    """An external S3-compatible service: OpenStack Swift's s3api, which scripts/test.sh starts
    with tests/services/swift-s3.sh and names in ASSETD_TEST_S3_*. Each data directory gets a bucket
    of its own (the server creates it), kept across restarts of that server."""

    name = "swift"

    def __init__(self):
        self.endpoint = os.environ.get("ASSETD_TEST_S3_ENDPOINT", "").rstrip("/")
        if not self.endpoint:
            raise pytest.UsageError(
                "ASSETD_TEST_BLOB=swift needs ASSETD_TEST_S3_ENDPOINT (and ASSETD_TEST_S3_ACCESS_KEY, "
                "ASSETD_TEST_S3_SECRET_KEY, ASSETD_TEST_S3_REGION): start one with "
                "tests/services/swift-s3.sh start DIR PORT, as scripts/test.sh does"
            )
        self.region = os.environ.get("ASSETD_TEST_S3_REGION", "us-east-1")
        self.access_key = os.environ.get("ASSETD_TEST_S3_ACCESS_KEY", "test:tester")
        self.secret_key = os.environ.get("ASSETD_TEST_S3_SECRET_KEY", "testing")

    @staticmethod
    def bucket(data_dir):
        return "assetd-api-" + hashlib.sha256(str(data_dir).encode()).hexdigest()[:24]

    def serve_env(self, data_dir):
        location = f"s3://{self.bucket(data_dir)}?endpoint={self.endpoint}&region={self.region}&path_style=true"
        return {
            "ASSETD_BLOB": location,
            "ASSETD_BLOB_ACCESS_KEY": self.access_key,
            "ASSETD_BLOB_SECRET_KEY": self.secret_key,
        }

    def store_url(self, server):
        return f"{self.endpoint}/{self.bucket(server.data_dir)}"


BLOBS = {"local": LocalBlobs, "swift": SwiftBlobs}


def make_blobs():
    name = os.environ.get("ASSETD_TEST_BLOB", "local")
    if name not in BLOBS:
        raise pytest.UsageError(f"ASSETD_TEST_BLOB={name!r}: known object stores are {sorted(BLOBS)}")
    return BLOBS[name]()


# --- processes --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `assetd serve` process on a data directory. `start()` waits for its ready line."""

    def __init__(self, backend, data_dir, log_dir, extra_args=(), env=None, use_flags=True, listen=None, blobs=None):
        self.backend = backend
        self.blobs = blobs or LocalBlobs()
        self.data_dir = Path(data_dir)
        self.log_dir = Path(log_dir)
        self.extra_args = list(extra_args)
        self.env = dict(env or {})
        self.use_flags = use_flags
        self.listen = listen or "127.0.0.1:0"
        self.proc = None
        self.ready = None
        self.bootstrap = None  # the ready line of the first start: organizationId, projectId, apiKey
        self.url = None
        self.starts = 0

    # The JSON of the ready line: url always; organizationId, projectId, apiKey on first start.
    def start(self):
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.stdout_path = self.log_dir / f"assetd-{self.starts}.out"
        self.stderr_path = self.log_dir / f"assetd-{self.starts}.err"
        env = {
            **os.environ,
            **self.backend.storage_env(self.data_dir),
            **self.blobs.serve_env(self.data_dir),
            **self.env,
        }
        cmd = [str(assetd_binary()), "serve"]
        if self.use_flags:
            cmd += self.backend.storage_args(self.data_dir) + ["--listen", self.listen]
        cmd += self.extra_args
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        self.ready = self._wait_ready()
        self.url = self.ready["url"].rstrip("/")
        if "apiKey" in self.ready:
            self.bootstrap = self.ready  # later starts print only the url
        return self.ready

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            for line in self.stdout_path.read_text(errors="replace").splitlines():
                if line.startswith(READY_PREFIX):
                    return json.loads(line[len(READY_PREFIX) :])
            if self.proc.poll() is not None:
                raise AssertionError(f"assetd exited with {self.proc.returncode} before ready\n{self.logs()}")
            time.sleep(0.02)
        self.proc.kill()
        raise AssertionError(f"assetd printed no ready line in {START_TIMEOUT_S}s\n{self.logs()}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def store_url(self):
        """What URLs of the server's own store start with: "<endpoint>/<bucket>" (no '/' after)."""
        return self.blobs.store_url(self)

    def stop(self, sig=signal.SIGTERM):
        """Sends `sig` and returns the exit code."""
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"assetd did not stop within {STOP_TIMEOUT_S}s of {sig!r}\n{self.logs()}")

    def logs(self, tail=4000):
        parts = []
        for p in (getattr(self, "stdout_path", None), getattr(self, "stderr_path", None)):
            if p and p.exists():
                parts.append(f"--- {p.name} ---\n{p.read_text(errors='replace')[-tail:]}")
        return "\n".join(parts)

    def admin(self, *args):
        """Runs `assetd admin ...` on this server's storage; returns the CompletedProcess."""
        cmd = [str(assetd_binary()), "admin", *args, *self.backend.storage_args(self.data_dir)]
        env = {**os.environ, **self.backend.storage_env(self.data_dir)}
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)

    def admin_json(self, *args):
        done = self.admin(*args)
        assert done.returncode == 0, f"admin {args} exited {done.returncode}: {done.stderr}"
        return json.loads(done.stdout)

    def api(self, key=None):
        return Api(self.url, key if key is not None else self.bootstrap["apiKey"])

    def s3_client(self, creds=None):
        """boto3 on the built-in S3 endpoint with the server's key pair (`creds`: what
        `admin s3-credentials` prints), path-style, without retries."""
        return s3_client(self.url, creds or self.admin_json("s3-credentials"))

    def new_org(self, name="second org"):
        """A further organization with its own key: (organizationId, Api)."""
        org = self.admin_json("create-org", "--name", name)["organizationId"]
        key = self.admin_json("create-key", "--org", org, "--name", "tests")["apiKey"]
        return org, self.api(key)


class ServerFactory:
    """Starts servers on fresh data directories and stops whatever is left at teardown."""

    def __init__(self, tmp_path_factory, blobs=None):
        self.tmp = tmp_path_factory
        self.backend = make_backend()
        self.blobs = blobs or make_blobs()
        self.servers = []

    def new(self, extra_args=(), env=None, use_flags=True, listen=None, start=True, blobs=None):
        """`blobs` overrides the factory's object store for this server (e.g. LocalBlobs())."""
        root = self.tmp.mktemp("assetd")
        server = Server(self.backend, root / "data", root, extra_args, env, use_flags, listen, blobs or self.blobs)
        self.servers.append(server)
        if start:
            server.start()
        return server

    def close(self):
        try:
            for s in self.servers:
                s.stop()
        finally:
            self.backend.close()


@pytest.fixture(scope="module")
def server_factory(tmp_path_factory, request):
    """Servers of the module. In a module marked `builtin_store` their objects are in the built-in
    store (served by the built-in S3 endpoint under test) even when ASSETD_TEST_BLOB names another."""
    builtin = request.node.get_closest_marker("builtin_store") is not None
    factory = ServerFactory(tmp_path_factory, LocalBlobs() if builtin else None)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def server(server_factory, request):
    """The module's shared server. At teardown it must still be alive (no request crashed it) and
    must stop cleanly on SIGTERM. A module may set SERVER_ARGS (extra `serve` flags, e.g.
    `["--copy-allow", "127.0.0.1/32"]`) for its shared server."""
    s = server_factory.new(extra_args=getattr(request.module, "SERVER_ARGS", ()))
    yield s
    assert s.alive(), f"assetd died during the module\n{s.logs()}"
    code = s.stop()
    assert code == 0, f"assetd exited {code} on SIGTERM\n{s.logs()}"


@pytest.fixture(scope="module")
def api(server):
    return server.api()


@pytest.fixture
def project(api):
    """A fresh project of the default organization: its id."""
    return api.create_project()["_id"]


@pytest.fixture(scope="module")
def other_org(server):
    """(organizationId, Api) of a second organization on the module's server."""
    return server.new_org()


# --- S3 services side by side ---------------------------------------------------------------------


class S3Target:
    """One S3 service under test with a bucket of its own: `client` (boto3, path-style SigV4, no
    retries), `endpoint`, `bucket`, `access_key`, `secret_key`, `region`. `skip_unless(supported,
    why)` turns a feature the service lacks into a visible, explained skip."""

    def __init__(self, name, endpoint, bucket, access_key, secret_key, region):
        self.name = name
        self.endpoint = endpoint.rstrip("/")
        self.bucket = bucket
        self.access_key = access_key
        self.secret_key = secret_key
        self.region = region
        self.creds = {"accessKeyId": access_key, "secretAccessKey": secret_key, "region": region}
        self.client = s3_client(self.endpoint, self.creds)

    @property
    def builtin(self):
        return self.name == "assetd"

    def url(self, key=""):
        return f"{self.endpoint}/{self.bucket}/{key}"

    def skip_unless(self, supported, why):
        if not supported:
            pytest.skip(f"{self.name}: {why}")


@pytest.fixture(scope="module", params=["assetd", "swift"])
def s3_target(request):
    """The built-in endpoint of the module's server (bucket `assetd`), then OpenStack Swift's s3api
    (ASSETD_TEST_S3_*, as scripts/test.sh starts it for the whole run) with a fresh bucket: the
    same client test runs against both, so where assetd and a reference S3 implementation differ
    it shows. Without ASSETD_TEST_S3_ENDPOINT the Swift half is skipped, saying so."""
    if request.param == "assetd":
        server = request.getfixturevalue("server")
        creds = server.admin_json("s3-credentials")
        yield S3Target("assetd", server.url, creds["bucket"], creds["accessKeyId"], creds["secretAccessKey"],
                       creds["region"])
        return
    endpoint = os.environ.get("ASSETD_TEST_S3_ENDPOINT", "")
    if not endpoint:
        pytest.skip("swift: ASSETD_TEST_S3_ENDPOINT is not set (scripts/test.sh starts Swift's s3api)")
    target = S3Target(
        "swift",
        endpoint,
        "assetd-compat-" + uuid.uuid4().hex[:16],
        os.environ.get("ASSETD_TEST_S3_ACCESS_KEY", "test:tester"),
        os.environ.get("ASSETD_TEST_S3_SECRET_KEY", "testing"),
        os.environ.get("ASSETD_TEST_S3_REGION", "us-east-1"),
    )
    target.client.create_bucket(Bucket=target.bucket)
    yield target
    try:  # empty and remove the bucket; what a failed test left must not stop the others
        paginator = target.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=target.bucket):
            for obj in page.get("Contents", []):
                target.client.delete_object(Bucket=target.bucket, Key=obj["Key"])
        for upload in target.client.list_multipart_uploads(Bucket=target.bucket).get("Uploads", []):
            target.client.abort_multipart_upload(Bucket=target.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        target.client.delete_bucket(Bucket=target.bucket)
    except Exception:  # noqa: BLE001
        pass
