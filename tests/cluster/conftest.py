"""How the multi-node suite starts its cluster: three `assetd serve` nodes on ONE PostgreSQL database
and ONE bucket of an S3 service, behind nginx rendered from docs/nginx/assetd.conf.

The services are those the black-box suite uses (scripts/test.sh starts them): the PostgreSQL
cluster named by ASSETD_TEST_POSTGRES_URL and the Swift s3api named by ASSETD_TEST_S3_*. Nodes are
started with tests/api/conftest.py's Server, on a database and a bucket they all share.
"""

import importlib.util
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
API_DIR = REPO / "tests" / "api"
NGINX_TEMPLATE = REPO / "docs" / "nginx" / "assetd.conf"
NODES = 3
# Nodes renew their copy leases every third of one: a killed node's copy is claimed again about
# COPY_LEASE_S after its last renewal; the copy's own time limit stays the default.
COPY_LEASE_S = 3
NODE_ARGS = ["--copy-allow", "127.0.0.1/32", "--copy-lease-seconds", str(COPY_LEASE_S), "--db-pool", "4"]
NGINX_START_TIMEOUT_S = 30

sys.path.insert(0, str(API_DIR))  # apilib
_spec = importlib.util.spec_from_file_location("api_conftest", API_DIR / "conftest.py")
api_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_conftest)

from apilib import Api  # noqa: E402
from parallel import run_threads  # noqa: E402


class SharedDatabase(api_conftest.PostgresBackend):
    """One fresh database for every node of the cluster, dropped at the end."""

    def __init__(self):
        super().__init__()
        self.database_url(None)  # created now, before nodes start on threads of their own

    def database_url(self, data_dir):
        return super().database_url("cluster")

    def sql(self, statement):
        """Runs one statement on the cluster's database; returns its rows as lists of strings."""
        out = self._psql(statement, url=self.database_url(None))
        return [line.split("|") for line in out.splitlines() if line]

    def scalar(self, statement):
        rows = self.sql(statement)
        assert len(rows) == 1 and len(rows[0]) == 1, rows
        return int(rows[0][0])


class SharedBucket(api_conftest.SwiftBlobs):
    """One fresh bucket of the S3 service for every node (the first node to start creates it)."""

    def __init__(self):
        super().__init__()
        self.bucket_name = "assetd-cluster-" + uuid.uuid4().hex[:16]

    def bucket(self, data_dir):
        return self.bucket_name


def free_port():
    return api_conftest.free_port()


def render_nginx_site(listen, upstreams):
    """docs/nginx/assetd.conf with its placeholders filled in, as docs/deployment.md says."""
    lines = "\n    ".join(f"server {u} max_fails=3 fail_timeout=10s;" for u in upstreams)
    site = NGINX_TEMPLATE.read_text().replace("@LISTEN@", listen).replace("@UPSTREAM_SERVERS@", lines)
    assert "@LISTEN@" not in site and "@UPSTREAM_SERVERS@" not in site
    return site


class Nginx:
    """nginx as a non-daemon child process: the site file from the template, wrapped in a main
    configuration that keeps pid, logs and temp files inside `root`."""

    def __init__(self, root, upstreams):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (self.root / "assetd.conf").write_text(render_nginx_site(f"127.0.0.1:{self.port}", upstreams))
        temp = "\n".join(
            f"    {kind}_temp_path {self.root / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # Run as root, nginx would hand its workers to `nobody`, who cannot enter a private temp dir.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.root / "nginx.conf").write_text(
            f"{user}worker_processes 1;\n"
            f"pid {self.root / 'nginx.pid'};\n"
            f"error_log {self.root / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n"
            f"    access_log {self.root / 'access.log'};\n"
            f"{temp}\n"
            f"    include {self.root / 'assetd.conf'};\n"
            "}\n"
        )
        self.proc = None

    def start(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(binary):
            raise pytest.UsageError("the multi-node tests need nginx (scripts/install-deps.sh test)")
        cmd = [binary, "-p", str(self.root), "-c", str(self.root / "nginx.conf"), "-e", str(self.root / "error.log")]
        cmd += ["-g", "daemon off;"]
        with open(self.root / "nginx.out", "wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + NGINX_START_TIMEOUT_S
        while True:
            assert self.proc.poll() is None, f"nginx exited with {self.proc.returncode}\n{self.logs()}"
            try:
                if requests.get(f"{self.url}/v2/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"nginx did not answer in {NGINX_START_TIMEOUT_S}s\n{self.logs()}"
            time.sleep(0.05)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def logs(self, tail=4000):
        parts = []
        for name in ("nginx.out", "error.log"):
            p = self.root / name
            if p.exists():
                parts.append(f"--- {name} ---\n{p.read_text(errors='replace')[-tail:]}")
        return "\n".join(parts)


class Cluster:
    """The nodes, nginx in front of them, and the shared database for direct counts."""

    def __init__(self, tmp_path_factory):
        self.db = SharedDatabase()
        self.blobs = SharedBucket()
        # Every node must seal and open storage credentials with the same key.
        self.env = {"ASSETD_MASTER_KEY": secrets.token_hex(32)}
        self.nodes = []
        for _ in range(NODES):
            root = tmp_path_factory.mktemp("node")
            listen = f"127.0.0.1:{free_port()}"  # fixed, so a restarted node is where nginx expects it
            node = api_conftest.Server(
                self.db, root / "data", root, NODE_ARGS, self.env, listen=listen, blobs=self.blobs
            )
            self.nodes.append(node)
        self.nginx = Nginx(tmp_path_factory.mktemp("nginx"), [n.listen for n in self.nodes])
        self.key = None

    def start(self):
        # All at once: migrations and the first-start bootstrap must happen exactly once.
        run_threads([node.start for node in self.nodes])
        bootstrapped = [n.bootstrap for n in self.nodes if n.bootstrap]
        assert len(bootstrapped) == 1, f"{len(bootstrapped)} nodes bootstrapped the database"
        self.key = bootstrapped[0]["apiKey"]
        self.nginx.start()

    def apis(self):
        """One client per node, then one through nginx."""
        return [n.api(self.key) for n in self.nodes] + [Api(self.nginx.url, self.key)]

    def close(self):
        try:
            self.nginx.stop()
            for node in self.nodes:
                node.stop()
        finally:
            self.db.close()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory)
    try:
        c.start()
        yield c
        for node in c.nodes:
            assert node.alive(), f"a node died during the tests\n{node.logs()}"
        for node in c.nodes:
            code = node.stop()
            assert code == 0, f"a node exited {code} on SIGTERM\n{node.logs()}"
    finally:
        c.close()
