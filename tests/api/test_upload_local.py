"""uploadLocal: the import answers at once, background workers copy each `data` URL into the
server's store, and the asset shows the copy's state (`uploadStatus`, `uploadError`).

The sources are served by a local HTTP server started here on 127.0.0.1, which the module's
assetd may reach only because it runs with `--copy-allow 127.0.0.1/32`.
"""

import hashlib
import http.server
import os
import signal
import threading
import time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests

from apilib import check_asset, ok, unique

MAX_BYTES = 4 << 20
ALLOW = ["--copy-allow", "127.0.0.1/32"]
SERVER_ARGS = ALLOW + ["--copy-max-bytes", str(MAX_BYTES)]
SETTLE_S = 60  # generous: the copies are fast, the back-off of one retry is about a second


# --- the source server ------------------------------------------------------------------------


class Sources:
    """What the source server serves, and what it was asked for."""

    def __init__(self):
        self.files = {}  # name -> bytes
        self.failures = {}  # name -> [status, ...] answered before the file itself
        self.gates = {}  # name -> Event: the body stalls after its first piece until set
        self.hits = {}  # path -> requests seen
        self.lock = threading.Lock()

    def add(self, body=None, size=1000, name=None):
        name = name or unique("f") + ".bin"
        self.files[name] = body if body is not None else os.urandom(size)
        return name

    def count(self, path):
        with self.lock:
            return self.hits.get(path, 0)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sources = None  # set per server

    def log_message(self, *args):
        pass

    def do_GET(self):
        src = self.sources
        parts = urlsplit(self.path)
        with src.lock:
            src.hits[parts.path] = src.hits.get(parts.path, 0) + 1
        kind, _, name = unquote(parts.path).lstrip("/").partition("/")
        if kind == "redirect":  # /redirect/<n>?to=URL: n more hops, then to URL
            hops = int(name)
            to = parse_qs(parts.query)["to"][0]
            target = to if hops <= 1 else f"/redirect/{hops - 1}?{parts.query}"
            return self.reply(302, b"", {"Location": target})
        if kind == "status":  # /status/<code>
            return self.reply(int(name), b"nope")
        if kind == "unsized":  # no Content-Length: the body ends when the connection closes
            body = src.files[name]
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            for i in range(0, len(body), 65536):
                self.wfile.write(body[i : i + 65536])
            return
        if kind != "files" or name not in src.files:
            return self.reply(404, b"no such file")
        with src.lock:
            pending = src.failures.get(name, [])
            failure = pending.pop(0) if pending else None
        if failure:
            return self.reply(failure, b"try later")
        body = src.files[name]
        gate = src.gates.get(name)
        if gate is None:
            return self.reply(200, body, {"Content-Type": "application/octet-stream"})
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        half = len(body) // 2
        self.wfile.write(body[:half])
        self.wfile.flush()
        if not gate.wait(timeout=60):
            return
        try:
            self.wfile.write(body[half:])
        except OSError:
            pass  # the copier gave up on this request

    def reply(self, status, body, headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def sources():
    state = Sources()
    handler = type("BoundHandler", (Handler,), {"sources": state})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield state
    for gate in state.gates.values():
        gate.set()
    httpd.shutdown()
    httpd.server_close()


# --- helpers ----------------------------------------------------------------------------------


def import_local(api, project, data, external_id=None, upload_local="true"):
    external_id = external_id or unique("x")
    created = api.import_assets(project, [{"data": data, "externalId": external_id}], uploadLocal=upload_local)
    assert created["assetsCreated"] == 1
    return external_id


def settled(api, project, external_id, timeout=SETTLE_S):
    """The asset once its copy is done or failed."""
    deadline = time.monotonic() + timeout
    while True:
        asset = api.asset_by_external_id(project, external_id)
        if asset.get("uploadStatus") in ("done", "failed") or time.monotonic() > deadline:
            return asset
        time.sleep(0.05)


def stored_bytes(api, url):
    """The bytes of an object of the server's store, read through a signed URL."""
    resp = api.get("/v2/getSignedUrl", params={"url": url})
    assert resp.status_code in (200, 201), resp.text
    signed = resp.json()["data"]["signedUrl"]
    got = requests.get(signed, timeout=60)
    assert got.status_code == 200, got.text[:500]
    return got.content


def assert_copied(api, server, asset, body, name):
    check_asset(asset)
    assert asset["uploadStatus"] == "done", asset
    assert "uploadError" not in asset
    prefix = f"{server.store_url}/assets/{asset['organization']}/{asset['project']}/{asset['_id']}/"
    assert asset["data"] == prefix + name, asset["data"]
    assert hashlib.sha256(stored_bytes(api, asset["data"])).digest() == hashlib.sha256(body).digest()


# --- copies -----------------------------------------------------------------------------------


def test_import_answers_at_once_pending_then_done(api, server, project, sources):
    name = sources.add(size=3 << 20)  # several pieces: the copy is streamed
    sources.gates[name] = threading.Event()
    url = f"{sources.base}/files/{name}"
    external_id = import_local(api, project, url)
    pending = api.asset_by_external_id(project, external_id)
    check_asset(pending)
    assert pending["uploadStatus"] == "pending" and pending["data"] == url
    assert pending["uploadLocal"] is True and "uploadError" not in pending

    sources.gates[name].set()
    assert_copied(api, server, settled(api, project, external_id), sources.files[name], name)
    assert sources.count(f"/files/{name}") == 1


def test_every_form_of_true_queues_a_copy(api, server, project, sources):
    for value in ("true", True):
        name = sources.add()
        external_id = import_local(api, project, f"{sources.base}/files/{name}", upload_local=value)
        assert_copied(api, server, settled(api, project, external_id), sources.files[name], name)


@pytest.mark.parametrize("value", ["false", False, None])
def test_without_upload_local_nothing_is_copied(api, project, sources, value):
    name = sources.add()
    url = f"{sources.base}/files/{name}"
    external_id = import_local(api, project, url, upload_local=value)
    asset = api.asset_by_external_id(project, external_id)
    assert "uploadStatus" not in asset and asset["data"] == url and asset["uploadLocal"] is False
    assert sources.count(f"/files/{name}") == 0


def test_many_assets_in_one_import_are_all_copied(api, server, project, sources):
    names = [sources.add(size=20_000 + i) for i in range(12)]
    assets = [{"data": f"{sources.base}/files/{n}", "externalId": n} for n in names]
    api.import_assets(project, assets, uploadLocal="true")
    for n in names:
        assert_copied(api, server, settled(api, project, n), sources.files[n], n)


def test_the_file_name_is_sanitized_and_the_query_ignored(api, server, project, sources):
    name = sources.add(name=unique("my file") + ".png")
    url = f"{sources.base}/files/{name.replace(' ', '%20')}?version=3"
    external_id = import_local(api, project, url)
    asset = settled(api, project, external_id)
    assert_copied(api, server, asset, sources.files[name], name.replace(" ", "_"))


def test_an_empty_file_is_copied(api, server, project, sources):
    name = sources.add(body=b"")
    external_id = import_local(api, project, f"{sources.base}/files/{name}")
    assert_copied(api, server, settled(api, project, external_id), b"", name)


def test_a_file_without_content_length_is_copied(api, server, project, sources):
    name = sources.add(size=3 << 20)
    external_id = import_local(api, project, f"{sources.base}/unsized/{name}")
    assert_copied(api, server, settled(api, project, external_id), sources.files[name], name)


def test_redirects_are_followed(api, server, project, sources):
    name = sources.add()
    external_id = import_local(api, project, f"{sources.base}/redirect/3?to=/files/{name}")
    assert_copied(api, server, settled(api, project, external_id), sources.files[name], "3")


# --- failures ---------------------------------------------------------------------------------


def failed(asset, *fragments):
    check_asset(asset)
    assert asset["uploadStatus"] == "failed", asset
    for fragment in fragments:
        assert fragment in asset["uploadError"], asset["uploadError"]
    return asset


def test_a_server_error_is_retried_until_it_succeeds(api, server, project, sources):
    name = sources.add()
    sources.failures[name] = [500, 503]
    external_id = import_local(api, project, f"{sources.base}/files/{name}")
    assert_copied(api, server, settled(api, project, external_id), sources.files[name], name)
    assert sources.count(f"/files/{name}") == 3


def test_not_found_fails_at_once_and_is_not_retried(api, project, sources):
    external_id = import_local(api, project, f"{sources.base}/files/{unique('missing')}.png")
    asset = failed(settled(api, project, external_id), "404")
    assert asset["data"].startswith(sources.base)  # still the source URL
    path = urlsplit(asset["data"]).path
    time.sleep(1.5)  # a retry would be due by now
    assert sources.count(path) == 1
    assert api.asset_by_external_id(project, external_id)["uploadStatus"] == "failed"


@pytest.mark.parametrize("status", [400, 401, 403, 410])
def test_client_errors_are_permanent(api, project, sources, status):
    external_id = import_local(api, project, f"{sources.base}/status/{status}?{unique()}")
    failed(settled(api, project, external_id), f"HTTP {status}")
    assert sources.count(f"/status/{status}") >= 1


def test_larger_than_the_cap_fails(api, project, sources):
    name = sources.add(size=MAX_BYTES + 1)
    external_id = import_local(api, project, f"{sources.base}/files/{name}")
    failed(settled(api, project, external_id), "too large", "--copy-max-bytes")


def test_larger_than_the_cap_without_content_length_fails(api, server, project, sources):
    name = sources.add(size=MAX_BYTES + 70_000)
    external_id = import_local(api, project, f"{sources.base}/unsized/{name}")
    failed(settled(api, project, external_id), "too large")
    if server.blobs.name == "local":  # nothing of it was kept in the store
        objects = server.data_dir / "objects" / "assetd"
        assert not any(p.name == name for p in objects.rglob("*")), "a partial copy was left behind"


def test_exactly_the_cap_is_copied(api, server, project, sources):
    name = sources.add(size=MAX_BYTES)
    external_id = import_local(api, project, f"{sources.base}/files/{name}")
    assert_copied(api, server, settled(api, project, external_id), sources.files[name], name)


@pytest.mark.parametrize(
    "target,range_name",
    [
        ("http://127.0.0.2:{port}/files/x", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.1.2.3/x", "private"),
        ("http://[::1]:{port}/x", "loopback"),
    ],
)
def test_a_redirect_to_a_refused_address_fails(api, project, sources, target, range_name):
    port = urlsplit(sources.base).port
    to = target.format(port=port)
    external_id = import_local(api, project, f"{sources.base}/redirect/1?to={to}")
    failed(settled(api, project, external_id), "refused", range_name)


def test_too_many_redirects_fail(api, project, sources):
    name = sources.add()
    external_id = import_local(api, project, f"{sources.base}/redirect/6?to=/files/{name}")
    failed(settled(api, project, external_id), "redirects")
    assert sources.count(f"/files/{name}") == 0


@pytest.mark.parametrize(
    "data,fragment",
    [
        ("s3://some-bucket/a.png", "storage integration"),
        ("gs://some-bucket/a.png", "storage integration"),
        ("ftp://example.com/a.png", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("not a url", "not a valid URL"),
    ],
)
def test_urls_that_cannot_be_fetched_fail_with_a_reason(api, project, data, fragment):
    external_id = import_local(api, project, data)
    failed(settled(api, project, external_id), fragment)


def test_data_already_in_the_servers_store_is_done_at_once(api, server, project, sources):
    org = server.bootstrap["organizationId"]
    url = f"{server.store_url}/assets/{org}/{project}/{unique('own')}.png"
    external_id = import_local(api, project, url)
    asset = api.asset_by_external_id(project, external_id)  # no waiting: nothing to copy
    check_asset(asset)
    assert asset["uploadStatus"] == "done" and asset["data"] == url


def test_the_sdk_upload_flow_registers_without_a_copy(api, server, project):
    """getUploadUrl → PUT without headers → cloud import of the URL without its query, with
    uploadLocal "true" (what the SDK's upload_files does)."""
    name = unique("sdk") + ".txt"
    resp = api.get("/v2/getUploadUrl", params={"name": name, "project": project})
    assert resp.status_code in (200, 201), resp.text
    upload_url = resp.json()["data"]["uploadUrl"]
    body = os.urandom(5000)
    assert requests.put(upload_url, data=body, timeout=60).status_code == 200
    plain = upload_url.split("?")[0]
    external_id = import_local(api, project, plain)
    asset = api.asset_by_external_id(project, external_id)
    assert asset["uploadStatus"] == "done" and asset["data"] == plain
    assert stored_bytes(api, plain) == body


# --- servers of their own ---------------------------------------------------------------------


def test_private_addresses_are_refused_without_the_allow_list(server_factory, sources):
    s = server_factory.new()  # no --copy-allow
    api = s.api()
    project = api.create_project()["_id"]
    name = sources.add()
    for url in (f"{sources.base}/files/{name}", f"http://localhost:{urlsplit(sources.base).port}/files/{name}"):
        external_id = import_local(api, project, url)
        failed(settled(api, project, external_id), "refused", "loopback", "--copy-allow")
    assert sources.count(f"/files/{name}") == 0  # never connected
    assert s.stop() == 0


def test_retries_stop_after_max_attempts(server_factory, sources):
    s = server_factory.new(ALLOW + ["--copy-max-attempts", "2"])
    api = s.api()
    project = api.create_project()["_id"]
    name = sources.add()
    sources.failures[name] = [503] * 10
    external_id = import_local(api, project, f"{sources.base}/files/{name}")
    failed(settled(api, project, external_id), "503", "gave up after 2 attempts")
    assert sources.count(f"/files/{name}") == 2
    assert s.stop() == 0


def test_pending_copies_finish_after_a_restart(server_factory, sources):
    s = server_factory.new(ALLOW)
    api = s.api()
    project = api.create_project()["_id"]
    name = sources.add(size=1 << 20)
    sources.gates[name] = threading.Event()
    path = f"/files/{name}"
    external_id = import_local(api, project, f"{sources.base}{path}")
    wait_for(lambda: sources.count(path) == 1)  # the copy is running, stalled mid-body
    assert api.asset_by_external_id(project, external_id)["uploadStatus"] == "pending"

    assert s.stop() == 0  # SIGTERM: the running copy is given back
    sources.gates[name].set()
    s.start()  # on a new port
    api = s.api()
    asset = settled(api, project, external_id)
    assert_copied(api, s, asset, sources.files[name], name)
    assert sources.count(path) == 2
    assert s.stop() == 0


def start_stalled_copy(server_factory, sources):
    """A server with 2 s copy leases whose one copy has begun and stalls until its gate opens."""
    s = server_factory.new(ALLOW + ["--copy-lease-seconds", "2"])
    api = s.api()
    project = api.create_project()["_id"]
    name = sources.add(size=1 << 20)
    sources.gates[name] = threading.Event()
    path = f"/files/{name}"
    external_id = import_local(api, project, f"{sources.base}{path}")
    wait_for(lambda: sources.count(path) == 1)
    return s, api, project, name, path, external_id


def test_a_copy_that_outlasts_its_lease_keeps_it_while_its_server_renews_it(server_factory, sources):
    s, api, project, name, path, external_id = start_stalled_copy(server_factory, sources)
    # Unrenewed, the lease would run out and the job be claimed (and fetched) again meanwhile.
    time.sleep(7)
    assert sources.count(path) == 1
    assert api.asset_by_external_id(project, external_id)["uploadStatus"] == "pending"
    sources.gates[name].set()
    asset = settled(api, project, external_id)
    assert_copied(api, s, asset, sources.files[name], name)
    assert sources.count(path) == 1
    assert s.stop() == 0


def test_copies_of_a_killed_server_resume_when_their_lease_runs_out(server_factory, sources):
    # Nobody renews the killed server's lease: its copy is due again 2 s after the last renewal.
    s, api, project, name, path, external_id = start_stalled_copy(server_factory, sources)

    s.stop(signal.SIGKILL)  # no chance to give the job back
    sources.gates[name].set()
    s.start()  # on a new port
    api = s.api()
    asset = settled(api, project, external_id)
    assert_copied(api, s, asset, sources.files[name], name)
    assert s.stop() == 0


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met"
        time.sleep(0.02)
