"""`assetd admin backup` and `assetd admin restore`, black-box: a backup taken while clients import
and upload restores into a new data directory on which a server holds exactly a state the
original passed through; damaged, hostile or misdirected backups are refused and leave nothing.

On PostgreSQL the records are pg_dump's business: the command backs up keys and objects only
(`--objects-only`), which is what the PostgreSQL pass checks."""

import hashlib
import io
import json
import os
import subprocess
import threading
import time

import pytest
from boto3.s3.transfer import TransferConfig

import apilib
from apilib import ok, unique
from conftest import LocalBlobs, Server, SqliteBackend, assetd_binary

pytestmark = pytest.mark.builtin_store

ON_SQLITE = os.environ.get("ASSETD_TEST_BACKEND", "sqlite") == "sqlite"
PER_IMPORT = 20
# What `backup` needs beside the data directory: nothing on SQLite, --objects-only on PostgreSQL.
MODE = [] if ON_SQLITE else ["--objects-only"]


def admin(*args):
    return subprocess.run([str(assetd_binary()), "admin", *args], capture_output=True, text=True, timeout=300)


def s3_client(server):
    return apilib.s3_client(server.url, server.admin_json("s3-credentials"))


class Load:
    """Importers and uploaders running until stopped; each acknowledgement is recorded with the
    moment it arrived (time.monotonic), each attempt before it is sent."""

    def __init__(self, server, project, importers=4, uploaders=2):
        self.api = server.api()
        self.server = server
        self.project = project
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.imports_acked = []  # (time, [externalIds])
        self.imports_tried = []  # [externalIds]
        self.objects_acked = []  # (time, key, md5 hex, etag)
        self.errors = []
        self.threads = [threading.Thread(target=self._import, args=(i,)) for i in range(importers)]
        self.threads += [threading.Thread(target=self._upload, args=(i,)) for i in range(uploaders)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)

    def _import(self, worker):
        n = 0
        while not self.stop.is_set():
            ids = [f"w{worker}-r{n}-{i}" for i in range(PER_IMPORT)]
            n += 1
            with self.lock:
                self.imports_tried.append(ids)
            resp = self.api.post(
                f"/v2/project/{self.project}/cloud",
                json={"assets": [{"data": f"https://example.com/{x}.jpg", "externalId": x} for x in ids]},
            )
            if resp.status_code != 201:
                self.errors.append(resp.text)
                return
            with self.lock:
                self.imports_acked.append((time.monotonic(), ids))

    def _upload(self, worker):
        n = 0
        s3 = s3_client(self.server)  # a client of its own: boto3 clients are not shared
        while not self.stop.is_set():
            body = os.urandom(1000 + 7919 * (n % 50))
            key = f"load/{worker}/{n}.bin"
            n += 1
            resp = s3.put_object(Bucket="assetd", Key=key, Body=body, ContentType="application/x-test")
            with self.lock:
                self.objects_acked.append((time.monotonic(), key, hashlib.md5(body).hexdigest(), resp["ETag"]))


def restored_server(tmp_path, data_dir, backend):
    server = Server(backend, data_dir, tmp_path, blobs=LocalBlobs())
    server.start()
    return server


def check_records(rapi, project, storage, summary, load, began):
    """The restored records: `rapi` uses the original's key (the keys came back with them)."""
    listed = rapi.all_assets(project)
    present = {a["externalId"] for a in listed}
    assert len(present) == len(listed)  # nothing twice
    assert rapi.get_project(project)["assetCount"] == len(listed)
    assert summary["records"]["assets"] == len(listed)
    # Every import acknowledged before the backup began is there; every request is whole or absent.
    for t, ids in load.imports_acked:
        if t < began:
            assert set(ids) <= present
    for ids in load.imports_tried:
        assert set(ids) <= present or not (set(ids) & present), ids
    assert present <= {x for ids in load.imports_tried for x in ids}
    # The storage's sealed credentials open: the master key came back too.
    url = ok(rapi.get("/v2/getSignedUrl", params={"url": "https://b.s3.eu-central-1.amazonaws.com/k",
                                                    "storageId": storage["_id"]}), 201)["signedUrl"]
    assert "AKIDBACKUPEXAMPLE" in url


def test_backup_under_load_restores_a_state_passed_through(server, tmp_path):
    api = server.api()
    project = api.create_project()["_id"]
    storage = ok(
        api.post(
            "/v2/storages",
            json={"name": unique("s3"), "provider": "AWS", "publicKey": "AKIDBACKUPEXAMPLE",
                  "privateKey": "backup-secret", "region": "eu-central-1", "credentials": None},
        )
    )["storage"]
    s3 = s3_client(server)
    big = os.urandom(12 << 20)
    s3.upload_fileobj(io.BytesIO(big), "assetd", "before/big.bin",
                      Config=TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20))
    big_etag = s3.head_object(Bucket="assetd", Key="before/big.bin")["ETag"]
    assert big_etag.endswith('-3"')

    dest = tmp_path / "backup"
    with Load(server, project) as load:
        while True:  # let the load get going
            with load.lock:
                if len(load.imports_acked) >= 8 and len(load.objects_acked) >= 8:
                    break
            assert not load.errors, load.errors
            time.sleep(0.05)
        began = time.monotonic()
        done = admin("backup", "--data-dir", str(server.data_dir), "--to", str(dest), *MODE)
        ended = time.monotonic()
        while True:  # and keep going after it
            with load.lock:
                if any(t > ended for t, _ in load.imports_acked) and any(t > ended for t, *_ in load.objects_acked):
                    break
            time.sleep(0.05)
    assert done.returncode == 0, done.stderr
    assert not load.errors, load.errors
    summary = json.loads(done.stdout)
    assert server.alive()

    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["format"] == "assetd-backup 2"
    assert manifest["records"] == summary["records"]
    assert summary["keyFiles"] == 2 and (dest / "keys" / "master.key").stat().st_mode & 0o077 == 0
    for entry in manifest["files"]:
        assert hashlib.sha256((dest / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]

    new_dir = tmp_path / "restored"
    done = admin("restore", "--from", str(dest), "--data-dir", str(new_dir))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["records"] == summary["records"]
    # On PostgreSQL the restored directory holds keys and objects only: a server on it starts
    # with records of its own (the records would come from pg_dump), and serves the objects.
    restored = restored_server(tmp_path, new_dir, SqliteBackend())
    try:
        if ON_SQLITE:
            check_records(restored.api(server.bootstrap["apiKey"]), project, storage, summary, load, began)
        rs3 = s3_client(restored)
        head = rs3.head_object(Bucket="assetd", Key="before/big.bin")
        assert head["ETag"] == big_etag  # the multipart ETag as it was
        assert rs3.get_object(Bucket="assetd", Key="before/big.bin")["Body"].read() == big
        restored_keys = set()
        for page in rs3.get_paginator("list_objects_v2").paginate(Bucket="assetd", Prefix="load/"):
            restored_keys |= {o["Key"] for o in page.get("Contents", [])}
        acked = {key: (md5, etag) for _, key, md5, etag in load.objects_acked}
        for t, key, md5, etag in load.objects_acked:
            if t < began:
                assert key in restored_keys, key
        for key in restored_keys:  # whole objects only, each one an acknowledged upload
            got = rs3.get_object(Bucket="assetd", Key=key)
            assert key in acked
            assert hashlib.md5(got["Body"].read()).hexdigest() == acked[key][0]
            assert got["ETag"] == acked[key][1] and got["ContentType"] == "application/x-test"
    finally:
        assert restored.stop() == 0


def test_objects_only_backup_has_keys_and_objects(server, tmp_path):
    s3 = s3_client(server)
    s3.put_object(Bucket="assetd", Key="only/a.txt", Body=b"alpha", Metadata={"k": "v"})
    dest = tmp_path / "objects-only"
    done = admin("backup", "--data-dir", str(server.data_dir), "--to", str(dest), "--objects-only")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["records"] is None and summary["objects"] >= 1 and summary["keyFiles"] == 2
    assert not (dest / "assetd.db").exists()
    new_dir = tmp_path / "objects-restored"
    done = admin("restore", "--from", str(dest), "--data-dir", str(new_dir))
    assert done.returncode == 0, done.stderr
    assert (new_dir / "master.key").read_bytes() == (server.data_dir / "master.key").read_bytes()
    assert (new_dir / "objects" / "assetd" / "only~d" / "a.txt~o").read_bytes() == b"alpha"
    assert not (new_dir / "assetd.db").exists()


def test_restore_refuses_a_damaged_backup_and_writes_nothing(server, tmp_path):
    s3 = s3_client(server)
    s3.put_object(Bucket="assetd", Key="damage/x.bin", Body=os.urandom(4096))
    dest = tmp_path / "b"
    assert admin("backup", "--data-dir", str(server.data_dir), "--to", str(dest), *MODE).returncode == 0
    victim = dest / "objects" / "assetd" / "damage~d" / "x.bin~o"
    data = bytearray(victim.read_bytes())
    data[100] ^= 0xFF
    victim.write_bytes(bytes(data))
    new_dir = tmp_path / "never"
    done = admin("restore", "--from", str(dest), "--data-dir", str(new_dir))
    assert done.returncode != 0 and "does not match its manifest" in done.stderr
    assert not new_dir.exists()
    assert not list(tmp_path.glob("never.partial-*"))


def test_refusals(server, tmp_path):
    dest = tmp_path / "b"
    assert admin("backup", "--data-dir", str(server.data_dir), "--to", str(dest), *MODE).returncode == 0
    before = sorted(p.name for p in tmp_path.iterdir())
    # An existing destination, a data directory without a database, a non-empty target.
    done = admin("backup", "--data-dir", str(server.data_dir), "--to", str(dest), *MODE)
    assert done.returncode != 0 and "exists" in done.stderr
    # Records in PostgreSQL: a data directory without a database needs --objects-only.
    done = admin("backup", "--data-dir", str(tmp_path / "nothing-here"), "--to", str(tmp_path / "b2"))
    assert done.returncode != 0 and "no database" in done.stderr and "--objects-only" in done.stderr
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("mine")
    done = admin("restore", "--from", str(dest), "--data-dir", str(occupied))
    assert done.returncode != 0 and "not empty" in done.stderr
    assert (occupied / "keep.txt").read_text() == "mine" and len(list(occupied.iterdir())) == 1
    # Not a backup; a manifest that names paths outside the backup.
    done = admin("restore", "--from", str(tmp_path / "occupied"), "--data-dir", str(tmp_path / "r1"))
    assert done.returncode != 0 and "not an assetd backup" in done.stderr
    manifest = json.loads((dest / "manifest.json").read_text())
    for hostile in ("../../etc/passwd", "keys/../../x", "/etc/passwd"):
        bad = dict(manifest, files=[{"path": hostile, "size": 1, "sha256": "00"}])
        (dest / "manifest.json").write_text(json.dumps(bad))
        done = admin("restore", "--from", str(dest), "--data-dir", str(tmp_path / "r2"))
        assert done.returncode != 0 and "unsafe" in done.stderr, (hostile, done.stderr)
    bad = dict(manifest, objects=[dict(manifest["objects"][0], key="../../escape")] if manifest["objects"] else
               [{"bucket": "..", "key": "x", "size": 1, "sha256": "00", "etag": "", "contentType": "", "headers": ""}])
    (dest / "manifest.json").write_text(json.dumps(bad))
    done = admin("restore", "--from", str(dest), "--data-dir", str(tmp_path / "r3"))
    assert done.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before + ["occupied"])
    assert server.alive()
