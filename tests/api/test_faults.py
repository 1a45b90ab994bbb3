"""Faults of peers and of the machine, black-box: no client that goes away mid-exchange stops the
server (SIGPIPE), a data directory whose file system fills up answers 507 and serves again once
space is freed (on a small tmpfs the test mounts), a SQLite database locked past the busy timeout
and a PostgreSQL server that stops answer 503 with Retry-After, then recover."""

import errno
import json
import os
import shutil
import socket
import sqlite3
import struct
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from botocore.exceptions import ClientError

from apilib import check_error_body, ok, unique
from conftest import LocalBlobs, Server, free_port, make_backend

pytestmark = pytest.mark.builtin_store

REPO = Path(__file__).resolve().parents[2]
MIB = 1 << 20
FULL_MESSAGE = "insufficient storage: the data directory's file system is full"
WAIT_S = 30  # upper bound on waiting for something the server does at once


# --- helpers ------------------------------------------------------------------------------------


def wait_until(condition, what, limit_s=WAIT_S):
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def stderr_count(server, text):
    return server.stderr_path.read_text(errors="replace").count(text)


def connect(server, rcvbuf=None):
    u = urlsplit(server.url)
    sock = socket.socket()
    if rcvbuf:  # a small window: the server fills it at once and waits to send more
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect((u.hostname, u.port))
    return sock


def reset(sock):
    """Closes with a TCP reset instead of a FIN: the abrupt end of a killed client."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def request_head(method, url, headers=()):
    u = urlsplit(url)
    target = u.path + ("?" + u.query if u.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {u.netloc}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def recv_at_least(sock, n):
    got = 0
    while got < n:
        chunk = sock.recv(256 * 1024)
        assert chunk, "the server closed the connection early"
        got += len(chunk)
    return got


def abandon_response(server, method, url, headers=(), after=64 * 1024):
    """Sends a request, reads `after` bytes of the answer, half-closes (FIN), reads a little more
    and resets: the server, still sending, then writes to a socket its peer has reset after
    closing, which raises SIGPIPE in a process that does not ignore it."""
    sock = connect(server, rcvbuf=64 * 1024)
    sock.sendall(request_head(method, url, headers))
    recv_at_least(sock, after)
    sock.shutdown(socket.SHUT_WR)
    recv_at_least(sock, 1)
    reset(sock)


def assert_serving(server, api):
    assert server.alive(), f"assetd died ({server.proc.returncode})\n{server.logs()}"
    ok(api.get("/v2/health"))
    assert server.alive()


def xml_error(resp_or_error):
    if isinstance(resp_or_error, ClientError):
        err = resp_or_error.response
        return err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Code"], err["Error"]["Message"]
    root = ET.fromstring(resp_or_error.content)
    fields = {child.tag: child.text or "" for child in root}
    return resp_or_error.status_code, fields["Code"], fields["Message"]


def leftover_files(data_dir):
    """Temporary files of writes: bodies being written and upload spools."""
    objects = Path(data_dir) / "objects"
    tmp = list((objects / ".tmp").rglob("*")) if (objects / ".tmp").exists() else []
    spools = list(Path(data_dir).rglob("assetd-spool-*"))
    return [p for p in tmp + spools if p.is_file()]


# --- peers that go away -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_object(server):
    s3 = server.s3_client()
    body = os.urandom(32 * MIB)  # far more than the socket buffers hold
    s3.put_object(Bucket="assetd", Key="faults/big.bin", Body=body)
    return s3, body


def test_sigpipe_is_ignored_a_download_reset_mid_file_costs_only_its_connection(server, api, big_object):
    s3, body = big_object
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "assetd", "Key": "faults/big.bin"})
    for _ in range(3):
        failed = stderr_count(server, "sending the file failed")
        abandon_response(server, "GET", url)
        # The worker's sendfile() fails (EPIPE) as soon as the reset arrives, and says so in the log.
        wait_until(lambda: not server.alive() or stderr_count(server, "sending the file failed") > failed, "sendfile")
        assert_serving(server, api)
    assert s3.get_object(Bucket="assetd", Key="faults/big.bin")["Body"].read() == body


def test_a_boto3_client_that_reads_1_kib_and_closes_leaves_the_server_serving(server, api, big_object):
    s3, body = big_object
    for _ in range(3):
        failed = stderr_count(server, "sending the file failed")
        stream = s3.get_object(Bucket="assetd", Key="faults/big.bin")["Body"]
        assert stream.read(1024) == body[:1024]
        stream.close()
        wait_until(lambda: not server.alive() or stderr_count(server, "sending the file failed") > failed, "sendfile")
        assert_serving(server, api)
    ranged = s3.get_object(Bucket="assetd", Key="faults/big.bin", Range="bytes=1000-1999")["Body"].read()
    assert ranged == body[1000:2000]


def test_a_large_json_list_reset_mid_answer_leaves_the_server_serving(server, api, project):
    blob = "x" * 30000
    api.import_assets(project, [{"data": f"https://example.com/{i}.jpg", "metadata": {"blob": blob}} for i in range(100)])
    url = f"{server.url}/v2/project/{project}/assets?limit=100"
    for _ in range(3):
        abandon_response(server, "GET", url, headers=[f"apikey: {api.key}"])
        assert_serving(server, api)
    assert len(api.list_assets(project, limit=100)["assets"]) == 100


def presigned_put(server, key):
    return server.s3_client().generate_presigned_url("put_object", Params={"Bucket": "assetd", "Key": key})


@pytest.mark.parametrize("end", ["reset", "close"])
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_an_object_upload_cut_off_mid_body_stores_nothing_and_leaves_the_server_serving(server, api, framing, end):
    key = f"faults/cut-{framing}-{end}"
    url = presigned_put(server, key)
    if framing == "content-length":
        head = request_head("PUT", url, [f"Content-Length: {8 * MIB}"])
        pieces = [os.urandom(MIB)]
    else:
        head = request_head("PUT", url, ["Transfer-Encoding: chunked"])
        pieces = [b"%x\r\n%s\r\n" % (256 * 1024, os.urandom(256 * 1024)) for _ in range(4)]
    sock = connect(server)
    sock.sendall(head)
    for piece in pieces:
        sock.sendall(piece)
    wait_until(lambda: leftover_files(server.data_dir), "the body to reach a temporary file")
    reset(sock) if end == "reset" else sock.close()
    wait_until(lambda: not leftover_files(server.data_dir), "the temporary file to go")
    assert_serving(server, api)
    with pytest.raises(ClientError) as missing:
        server.s3_client().head_object(Bucket="assetd", Key=key)
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize("end", ["reset", "close"])
def test_an_import_cut_off_mid_body_imports_nothing_and_leaves_the_server_serving(server, api, project, end):
    body = json.dumps({"assets": [{"data": f"https://example.com/{i}.jpg"} for i in range(50000)]}).encode()
    sock = connect(server)
    sock.sendall(
        request_head(
            "POST",
            f"{server.url}/v2/project/{project}/cloud",
            [f"apikey: {api.key}", "Content-Type: application/json", f"Content-Length: {len(body)}"],
        )
    )
    sock.sendall(body[: len(body) // 2])
    reset(sock) if end == "reset" else sock.close()
    assert_serving(server, api)
    assert api.list_assets(project)["total"] == 0


# --- a full file system -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_fs(tmp_path_factory):
    """A 24 MiB tmpfs of the test's own, so that the data directory can be filled."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tmp_path_factory.mktemp("small-fs")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)], check=True)
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=True)


class FullDisk:
    """One server with its data directory on the small file system, and a filler file that takes
    every free byte of it until `free()`."""

    def __init__(self, mount_point, log_dir):
        self.mount_point = mount_point
        self.filler = mount_point / "filler"
        self.server = Server(make_backend(), mount_point / "data", log_dir, blobs=LocalBlobs())
        self.server.start()
        self.api = self.server.api()
        self.s3 = self.server.s3_client()

    def fill(self):
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (MIB, 4096, 1):
                piece = b"\0" * size
                while True:
                    try:
                        os.write(fd, piece)
                    except OSError as e:
                        assert e.errno == errno.ENOSPC, e
                        break
        finally:
            os.close(fd)
        assert os.statvfs(self.mount_point).f_bavail == 0

    def free(self):
        self.filler.unlink(missing_ok=True)

    def close(self):
        self.free()
        try:
            assert self.server.alive(), f"assetd died ({self.server.proc.returncode})\n{self.server.logs()}"
            assert self.server.stop() == 0
        finally:
            self.server.backend.close()
            subprocess.run(["rm", "-rf", str(self.server.data_dir)], check=True)


@pytest.fixture
def disk(small_fs, tmp_path):
    d = FullDisk(small_fs, tmp_path)
    yield d
    d.close()


def assert_507(resp):
    assert resp.status_code == 507, f"{resp.status_code}: {resp.text}"
    body = resp.json()
    check_error_body(body, 507)
    assert body == {"status": "error", "message": FULL_MESSAGE, "error": {"statusCode": 507},
                    "requestId": resp.headers["X-Request-Id"]}


def test_a_full_disk_refuses_object_writes_with_507_and_keeps_what_is_stored(disk):
    kept = os.urandom(MIB)
    disk.s3.put_object(Bucket="assetd", Key="kept.bin", Body=kept, ContentType="application/x-kept")
    upload = disk.s3.create_multipart_upload(Bucket="assetd", Key="multi.bin")["UploadId"]
    pid = disk.server.proc.pid
    disk.fill()

    for key in ("new.bin", "kept.bin"):  # a new object, and an overwrite of a stored one
        with pytest.raises(ClientError) as refused:
            disk.s3.put_object(Bucket="assetd", Key=key, Body=os.urandom(2 * MIB))
        assert xml_error(refused.value) == (507, "InsufficientStorage", FULL_MESSAGE)
    with pytest.raises(ClientError) as refused:
        disk.s3.upload_part(Bucket="assetd", Key="multi.bin", UploadId=upload, PartNumber=1, Body=os.urandom(MIB))
    assert xml_error(refused.value) == (507, "InsufficientStorage", FULL_MESSAGE)
    # A presigned PUT (what getUploadUrl hands out) gets the same XML.
    resp = requests.put(presigned_put(disk.server, "presigned.bin"), data=os.urandom(MIB), timeout=60)
    assert xml_error(resp) == (507, "InsufficientStorage", FULL_MESSAGE)
    assert resp.headers["Content-Type"] == "application/xml"

    stored = disk.s3.get_object(Bucket="assetd", Key="kept.bin")
    assert stored["Body"].read() == kept and stored["ContentType"] == "application/x-kept"
    listed = [o["Key"] for o in disk.s3.list_objects_v2(Bucket="assetd").get("Contents", [])]
    assert listed == ["kept.bin"]
    assert leftover_files(disk.server.data_dir) == []

    disk.free()
    disk.s3.put_object(Bucket="assetd", Key="new.bin", Body=b"after")
    part = disk.s3.upload_part(Bucket="assetd", Key="multi.bin", UploadId=upload, PartNumber=1, Body=b"p")
    disk.s3.complete_multipart_upload(
        Bucket="assetd", Key="multi.bin", UploadId=upload, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    )
    assert disk.s3.get_object(Bucket="assetd", Key="new.bin")["Body"].read() == b"after"
    assert disk.s3.get_object(Bucket="assetd", Key="multi.bin")["Body"].read() == b"p"
    assert disk.server.alive() and disk.server.proc.pid == pid


def conversations(n):
    return json.dumps([{"messages": [{"role": "user", "content": f"hello {i}"}]} for i in range(n)])


def test_a_full_disk_refuses_imports_with_507_and_signs_urls_without_a_crash(disk):
    api = disk.api
    project = api.create_project()["_id"]
    api.import_assets(project, [{"data": "https://example.com/before.jpg", "externalId": "before"}])
    pid = disk.server.proc.pid
    disk.fill()

    # Signing writes nothing, and reading the shared key cache must not fault on the full disk
    # (its counter file's page was never allocated: SIGBUS).
    signed = ok(api.get("/v2/getUploadUrl", params={"name": "cat.png", "project": project}), 201)
    assert signed["uploadUrl"].startswith(disk.server.url)
    # Conversations go to the object store on either backend.
    assert_507(api.post(f"/v2/project/{project}/chat", data={"conversations": conversations(20)}))
    if disk.server.backend.name == "sqlite":
        metadata = {"note": "y" * 500}
        big = [{"data": f"https://example.com/{i}.jpg", "metadata": metadata} for i in range(10000)]
        assert_507(api.post(f"/v2/project/{project}/cloud", json={"assets": big}))
        assert_507(api.post("/v2/project", json={"name": unique("project"), "description": "x" * 60000}))
    listed = api.list_assets(project)
    assert [a["externalId"] for a in listed["assets"]] == ["before"] and listed["total"] == 1
    assert leftover_files(disk.server.data_dir) == []

    disk.free()
    created = ok(api.post(f"/v2/project/{project}/chat", data={"conversations": conversations(20)}), 201)
    assert created["assets"]["assetsCreated"] == 20
    if disk.server.backend.name == "sqlite":
        assert api.import_assets(project, big)["assetsCreated"] == 10000
        db = sqlite3.connect(f"file:{disk.server.data_dir / 'assetd.db'}?mode=ro", uri=True)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.close()
    assert disk.server.alive() and disk.server.proc.pid == pid


# --- a database that cannot answer --------------------------------------------------------------


def test_sqlite_locked_past_the_busy_timeout_answers_503_with_retry_after(server_factory):
    if server_factory.backend.name != "sqlite":
        pytest.skip("SQLite's lock")
    s = server_factory.new()
    api = s.api()
    project = api.create_project()["_id"]
    other = sqlite3.connect(s.data_dir / "assetd.db", isolation_level=None, timeout=60)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long admin command would
    try:
        resp = api.post(f"/v2/project/{project}/cloud", json={"assets": [{"data": "https://example.com/a.jpg"}]})
        assert resp.status_code == 503, resp.text
        check_error_body(resp.json(), 503)
        assert resp.json()["message"] == "service unavailable: the database is locked; retry later"
        assert int(resp.headers["Retry-After"]) > 0
        assert api.list_assets(project)["total"] == 0  # reads go on
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert api.import_assets(project, [{"data": "https://example.com/a.jpg"}])["assetsCreated"] == 1


POSTGRES_SH = REPO / "tests" / "services" / "postgres.sh"


class DatabaseAt:
    """Records in the database at `url` (a cluster of the test's own), whatever the suite's backend."""

    name = "postgres"

    def __init__(self, url):
        self.url = url

    def storage_args(self, data_dir):
        return ["--data-dir", str(data_dir), "--database", self.url]

    def storage_env(self, data_dir):
        return {}

    def close(self):
        pass


def test_postgres_stopped_mid_run_answers_503_with_retry_after_then_recovers(tmp_path):
    if not Path("/usr/lib/postgresql/15/bin/postgres").exists():
        pytest.skip("needs Debian's postgresql package")
    # Outside pytest's directory, which only root may enter: the cluster runs as `postgres`.
    cluster, port = Path(tempfile.mkdtemp(prefix="assetd-faults-pg-")), str(free_port())

    def postgres(action):
        done = subprocess.run([str(POSTGRES_SH), action, str(cluster), port], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    url = postgres("start")
    s = Server(DatabaseAt(url), tmp_path / "data", tmp_path, blobs=LocalBlobs())
    try:
        s.start()
        api = s.api()
        project = api.create_project()["_id"]
        api.import_assets(project, [{"data": "https://example.com/before.jpg"}])
        pid = s.proc.pid

        postgres("stop")
        for resp in (
            api.post(f"/v2/project/{project}/cloud", json={"assets": [{"data": "https://example.com/a.jpg"}]}),
            api.get(f"/v2/project/{project}/assets"),
            api.get("/v2/getUploadUrl", params={"name": "cat.png", "project": project}),
        ):
            assert resp.status_code == 503, resp.text
            body = resp.json()
            check_error_body(body, 503)
            assert body["message"] == "service unavailable: the database cannot be reached; retry later"
            assert int(resp.headers["Retry-After"]) > 0

        postgres("start")
        assert api.import_assets(project, [{"data": "https://example.com/after.jpg"}])["assetsCreated"] == 1
        assert api.list_assets(project)["total"] == 2
        assert s.alive() and s.proc.pid == pid
        assert s.stop() == 0
    finally:
        s.stop()
        postgres("stop")
        shutil.rmtree(cluster, ignore_errors=True)
