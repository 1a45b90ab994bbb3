"""Choosing the record store: `--database` / ASSETD_DATABASE, and the first-start bootstrap, which
happens when the database holds no organization yet (whatever files exist)."""

import os
import subprocess

import pytest

from apilib import fail, ok
from conftest import assetd_binary, free_port


def test_admin_commands_before_the_first_start_mean_no_bootstrap(server_factory):
    server = server_factory.new(start=False)
    org = server.admin_json("create-org", "--name", "made first")["organizationId"]
    key = server.admin_json("create-key", "--org", org, "--name", "ops")["apiKey"]
    ready = server.start()
    assert set(ready) == {"url"}, ready  # an organization exists: nothing to bootstrap
    api = server.api(key)
    assert ok(api.get("/v2/listProjects")) == {"projects": [], "total": 0}
    assert api.create_project("p")["organization"] == org


def test_a_migrated_but_empty_database_is_still_bootstrapped(server_factory):
    server = server_factory.new(start=False)
    server.data_dir.mkdir(parents=True, exist_ok=True)
    cmd = [str(assetd_binary()), "migrate", *server.backend.storage_args(server.data_dir)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == '{"migrated":true}'
    ready = server.start()
    assert set(ready) == {"url", "organizationId", "projectId", "apiKey"}
    assert server.api().get_project(ready["projectId"])["_id"] == ready["projectId"]
    # the second start finds the organization
    assert server.stop() == 0
    assert set(server.start()) == {"url"}


def test_sqlite_url_names_the_file(server_factory, tmp_path):
    db = tmp_path / "records" / "main.db"
    port = free_port()
    server = server_factory.new(
        use_flags=False,
        start=False,
        env={
            "ASSETD_DATA_DIR": str(tmp_path / "data"),
            "ASSETD_LISTEN": f"127.0.0.1:{port}",
            "ASSETD_DATABASE": f"sqlite://{db}",
        },
    )
    server.data_dir = tmp_path / "data"
    ready = server.start()
    assert set(ready) == {"url", "organizationId", "projectId", "apiKey"}
    assert db.is_file()
    assert not (tmp_path / "data" / "assetd.db").exists()
    pid = server.api().create_project("in main.db")["_id"]
    # admin commands reach the same file through the same variable
    env_admin = subprocess.run(
        [str(assetd_binary()), "admin", "create-org", "--name", "x", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ASSETD_DATABASE": f"sqlite://{db}"},
    )
    assert env_admin.returncode == 0, env_admin.stderr
    assert server.stop() == 0
    assert set(server.start()) == {"url"}
    assert server.api(ready["apiKey"]).get_project(pid)["_id"] == pid
    fail(server.api(ready["apiKey"]).get("/v2/project/" + "0" * 24), 404)


def start_fails(server_factory, database_url):
    """The logs of a server that was told `database_url` and had to stop."""
    server = server_factory.new(start=False)
    server.env = {"ASSETD_DATABASE": database_url, "ASSETD_DATA_DIR": str(server.data_dir)}
    server.use_flags = False
    with pytest.raises(AssertionError, match="exited"):
        server.start()
    return server.logs()


@pytest.mark.parametrize("url", ["mysql://db.example/assetd", "sqlite://", "/tmp/plain/path.db"])
def test_an_unknown_database_url_stops_the_start(server_factory, url):
    assert "--database must be sqlite://PATH or postgresql://" in start_fails(server_factory, url)


def test_an_unreachable_postgres_stops_the_start_with_a_clear_error(server_factory):
    logs = start_fails(server_factory, f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    assert "cannot connect" in logs
