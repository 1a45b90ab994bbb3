"""Faults of peers, black-box: no client that goes away mid-exchange stops the server (SIGPIPE)."""

import json
import os
import socket
import struct
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

from apilib import ok

pytestmark = pytest.mark.builtin_store

MIB = 1 << 20
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
