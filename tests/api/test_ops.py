"""Operations: request ids, /healthz, /readyz, /metrics (parsed with prometheus_client's own text
parser), rate limits, connection limits and timeouts, SIGTERM drain and JSON logs.

Servers with short timeouts or tight limits are started per test with the flags under test; every
test waits for a behaviour (a closed socket, a 429), bounded by a generous deadline, never for a
measured time."""

import json
import re
import select
import signal
import socket
import time

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from apilib import check_error_body, fail, ok, unique

# The object endpoint's byte counts need the built-in store.
pytestmark = pytest.mark.builtin_store

HEX32 = re.compile(r"^[0-9a-f]{32}$")
GIVE_UP_S = 30  # a bound on waiting for a behaviour, far beyond any timeout a test sets


def address(server):
    host, port = server.url.rsplit("/", 1)[-1].rsplit(":", 1)
    return host, int(port)


def connect(server):
    sock = socket.create_connection(address(server), timeout=GIVE_UP_S)
    return sock


def read_response(sock):
    """One HTTP/1.1 response with a Content-Length: (status, headers (lowercase), body bytes)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before the response headers: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed mid-body"
        rest += chunk
    return status, headers, rest[:length]


def request_on(sock, method, path, headers=None, body=b""):
    lines = [f"{method} {path} HTTP/1.1", "Host: test"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return read_response(sock)


def closed_by_server(sock, wait_s):
    """Whether the server closes `sock` (EOF or reset) within `wait_s`, reading and dropping
    whatever it sends first."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            continue
        try:
            if sock.recv(65536) == b"":
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def trickle_until_closed(sock, payload, pause_s=0.25):
    """Sends `payload` a byte at a time; returns how many bytes went out before the server closed
    the connection (len(payload) if it never did)."""
    for i in range(len(payload)):
        try:
            sock.sendall(payload[i : i + 1])
        except (BrokenPipeError, ConnectionResetError):
            return i
        if closed_by_server(sock, pause_s):
            return i + 1
    return len(payload)


def scrape(server, **kw):
    resp = requests.get(server.url + "/metrics", timeout=GIVE_UP_S, **kw)
    assert resp.status_code == 200, resp.text[:500]
    assert resp.headers["Content-Type"].startswith("text/plain"), resp.headers
    samples = {}
    for family in text_string_to_metric_families(resp.text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def sample(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- request ids ----------------------------------------------------------------------------


def test_a_sane_client_request_id_is_echoed(server):
    resp = requests.get(server.url + "/v2/health", headers={"X-Request-Id": "client-id.42:a_b"})
    ok(resp)
    assert resp.headers["X-Request-Id"] == "client-id.42:a_b"


@pytest.mark.parametrize("offered", [None, "", "has space", "x" * 129, "caf\u00e9"])
def test_otherwise_a_request_id_is_generated(server, offered):
    headers = {} if offered is None else {"X-Request-Id": offered.encode("utf-8")}
    first = requests.get(server.url + "/v2/health", headers=headers)
    second = requests.get(server.url + "/v2/health", headers=headers)
    for resp in (first, second):
        ok(resp)
        assert HEX32.match(resp.headers["X-Request-Id"]), resp.headers
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


def test_error_bodies_name_the_request_id(server, api):
    resp = requests.get(server.url + "/v2/listProjects", headers={"apikey": "wrong", "X-Request-Id": "err-1"})
    fail(resp, 401)
    assert resp.json()["requestId"] == "err-1"
    assert resp.headers["X-Request-Id"] == "err-1"
    unknown = api.get("/v2/no/such/route")
    fail(unknown, 404)
    assert unknown.json()["requestId"] == unknown.headers["X-Request-Id"]
    assert HEX32.match(unknown.json()["requestId"])


def test_the_object_endpoint_answers_carry_a_request_id(server):
    resp = requests.get(server.url + "/assetd/no-such-key", headers={"X-Request-Id": "obj-1"})
    assert resp.status_code == 403  # unsigned
    assert resp.headers["X-Request-Id"] == "obj-1"


# --- health and readiness ---------------------------------------------------------------------


def test_healthz_and_readyz_answer_while_serving(server):
    assert ok(requests.get(server.url + "/healthz")) == {"status": "ok"}
    assert ok(requests.get(server.url + "/readyz")) == {"status": "ok", "database": "ok", "objects": "ok"}


# --- metrics ----------------------------------------------------------------------------------


def test_metrics_parse_and_count_requests_by_route_method_and_status(server, api, project):
    before = scrape(server)
    for _ in range(7):
        ok(requests.get(server.url + "/v2/health"))
    fail(api.get("/v2/project/" + "0" * 24), 404)
    api.import_assets(project, [{"data": f"https://example.com/{unique()}.jpg"} for _ in range(3)])
    after = scrape(server)

    health = dict(route="/v2/health", method="GET", status="200")
    assert sample(after, "assetd_http_requests_total", **health) - sample(
        before, "assetd_http_requests_total", **health
    ) == 7
    missing = dict(route="/v2/project/{}", method="GET", status="404")
    assert sample(after, "assetd_http_requests_total", **missing) - sample(
        before, "assetd_http_requests_total", **missing
    ) == 1
    latency = dict(route="/v2/health", method="GET")
    assert sample(after, "assetd_http_request_duration_seconds_count", **latency) - sample(
        before, "assetd_http_request_duration_seconds_count", **latency
    ) == 7
    assert sample(after, "assetd_http_request_duration_seconds_bucket", le="+Inf", **latency) == sample(
        after, "assetd_http_request_duration_seconds_count", **latency
    )
    assert sample(after, "assetd_assets_imported_total", kind="cloud") - sample(
        before, "assetd_assets_imported_total", kind="cloud"
    ) == 3
    build = [k for k in after if k[0] == "assetd_build_info"]
    assert len(build) == 1 and after[build[0]] == 1
    assert dict(build[0][1])["version"]
    assert ("assetd_rate_limited_total", (("limit", "key"),)) in after
    assert sample(after, "assetd_http_open_connections") >= 1


def test_metrics_count_the_object_endpoint_bytes(server, api):
    before = scrape(server)
    url = ok(
        api.get("/v2/getUploadUrl", params={"name": unique("bytes") + ".bin", "project": api.create_project()["_id"]}),
        201,
    )["uploadUrl"]
    body = b"x" * 12345
    assert requests.put(url, data=body, timeout=GIVE_UP_S).status_code == 200
    fetched = requests.get(ok(api.get("/v2/getSignedUrl", params={"url": url.split("?")[0]}), 201)["signedUrl"])
    assert fetched.content == body
    after = scrape(server)
    grew_in = sample(after, "assetd_object_bytes_total", direction="in") - sample(
        before, "assetd_object_bytes_total", direction="in"
    )
    grew_out = sample(after, "assetd_object_bytes_total", direction="out") - sample(
        before, "assetd_object_bytes_total", direction="out"
    )
    assert grew_in == len(body) and grew_out == len(body)
    put = dict(route="objects", method="PUT", status="200")
    assert sample(after, "assetd_http_requests_total", **put) > sample(before, "assetd_http_requests_total", **put)


def test_metrics_token_is_required_when_set(server_factory):
    s = server_factory.new(extra_args=["--metrics-token", "scrape-secret"])
    fail(requests.get(s.url + "/metrics"), 401)
    fail(requests.get(s.url + "/metrics", headers={"Authorization": "Bearer wrong"}), 401)
    fail(requests.get(s.url + "/metrics", headers={"Authorization": "Bearer scrape-secret-and-more"}), 401)
    samples = scrape(s, headers={"Authorization": "Bearer scrape-secret"})
    assert any(name == "assetd_build_info" for name, _ in samples)


def test_metrics_off_has_no_metrics_route(server_factory):
    s = server_factory.new(extra_args=["--metrics", "off"])
    assert requests.get(s.url + "/metrics").status_code != 200
    ok(requests.get(s.url + "/healthz"))


# --- rate limits ------------------------------------------------------------------------------


def test_a_key_over_its_burst_gets_429_with_retry_after(server_factory):
    # 0.01 a second: no token comes back during the test, whatever the machine's speed.
    s = server_factory.new(extra_args=["--rate-limit", "0.01", "--rate-burst", "5"])
    api = s.api()
    for _ in range(5):
        ok(api.get("/v2/listProjects"))
    refused = api.get("/v2/listProjects", headers={"X-Request-Id": "limited-1"})
    fail(refused, 429, "too many requests")
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["requestId"] == "limited-1"
    # Another key has a bucket of its own; health needs no key.
    _, other = s.new_org()
    ok(other.get("/v2/listProjects"))
    ok(requests.get(s.url + "/v2/health"))
    assert sample(scrape(s), "assetd_rate_limited_total", limit="key") >= 1


def test_rate_limit_zero_turns_it_off(server_factory):
    s = server_factory.new(extra_args=["--rate-limit", "0", "--rate-burst", "1"])
    api = s.api()
    for _ in range(30):
        ok(api.get("/v2/listProjects"))


def test_an_address_failing_authentication_is_held_back(server_factory):
    s = server_factory.new(extra_args=["--auth-fail-rate", "0.01", "--auth-fail-burst", "3"])
    for i in range(3):
        fail(requests.get(s.url + "/v2/listProjects", headers={"apikey": f"guess-{i}"}), 401)
    refused = requests.get(s.url + "/v2/listProjects", headers={"apikey": "guess-4"})
    fail(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1
    # While held back, the address's keys are not even looked up: a valid key waits too.
    fail(s.api().get("/v2/listProjects"), 429)
    # Bad S3 signatures draw from the same bucket: the endpoint answers S3's SlowDown.
    s3 = requests.get(s.url + "/assetd/some-key", headers={"Authorization": "AWS4-HMAC-SHA256 nonsense"})
    assert s3.status_code == 503 and b"SlowDown" in s3.content
    assert sample(scrape(s), "assetd_rate_limited_total", limit="address") >= 3


def test_default_limits_do_not_hold_back_a_burst_of_requests(server):
    api = server.api()
    for _ in range(200):
        assert api.get("/v2/listProjects").status_code == 200


# --- connections and timeouts -----------------------------------------------------------------


def test_connections_beyond_max_connections_get_503(server_factory):
    s = server_factory.new(extra_args=["--max-connections", "2"])
    held = [connect(s), connect(s)]
    for sock in held:
        assert request_on(sock, "GET", "/v2/health")[0] == 200
    extra = connect(s)
    status, headers, body = request_on(extra, "GET", "/v2/health")
    assert status == 503
    check_error_body(json.loads(body), 503)
    assert headers.get("connection", "").lower() == "close"
    extra.close()
    held.pop().close()
    # Once the server sees the close, a new connection is served again.
    deadline = time.monotonic() + GIVE_UP_S
    while True:
        sock = connect(s)
        status = request_on(sock, "GET", "/v2/health")[0]
        sock.close()
        if status == 200:
            break
        assert time.monotonic() < deadline, "a freed connection slot was never reused"
        time.sleep(0.05)
    held[0].close()


def test_headers_trickling_in_are_cut_off(server_factory):
    s = server_factory.new(extra_args=["--header-timeout", "1"])
    sock = connect(s)
    headers = b"GET /v2/health HTTP/1.1\r\nHost: test\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"
    sent = trickle_until_closed(sock, headers)
    assert sent < len(headers), "a client sending a byte at a time was never cut off"
    sock.close()
    ok(requests.get(s.url + "/v2/health"))  # others are still served


def test_a_body_trickling_in_is_cut_off(server_factory):
    s = server_factory.new(extra_args=["--body-timeout", "1"])
    sock = connect(s)
    body = json.dumps({"name": "slow", "description": "x" * 300}).encode()
    head = (
        f"POST /v2/project HTTP/1.1\r\nHost: test\r\napikey: {s.bootstrap['apiKey']}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    sock.sendall(head)
    sent = trickle_until_closed(sock, body)
    assert sent < len(body), "a body sent a byte at a time was never cut off"
    sock.close()


def test_an_object_body_trickling_in_is_cut_off_and_nothing_is_stored(server_factory):
    # A streamed upload (a presigned PUT to the built-in endpoint) never stalls long enough for
    # the stall timeout when it sends a byte at a time; the body deadline still cuts it off.
    s = server_factory.new(extra_args=["--body-timeout", "1"])
    key = {"apikey": s.bootstrap["apiKey"]}
    name = unique("slow") + ".bin"
    upload = requests.get(s.url + "/v2/getUploadUrl", headers=key, timeout=GIVE_UP_S,
                          params={"name": name, "project": s.bootstrap["projectId"]})
    url = ok(upload, 201)["uploadUrl"]
    target = url.split("/", 3)[3]
    body = b"y" * 400
    sock = connect(s)
    sock.sendall(f"PUT /{target} HTTP/1.1\r\nHost: test\r\nContent-Length: {len(body)}\r\n\r\n".encode())
    sent = trickle_until_closed(sock, body)
    assert sent < len(body), "an object body sent a byte at a time was never cut off"
    sock.close()
    signed = ok(requests.get(s.url + "/v2/getSignedUrl", headers=key, timeout=GIVE_UP_S,
                             params={"url": url.split("?")[0]}), 201)["signedUrl"]
    assert requests.get(signed, timeout=GIVE_UP_S).status_code == 404  # nothing was stored
    spool = s.data_dir / "objects" / ".tmp"

    def temporary_files():
        return [p for p in spool.rglob("*") if p.is_file()] if spool.exists() else []

    deadline = time.monotonic() + GIVE_UP_S
    while temporary_files() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not temporary_files(), "the cut-off upload left a temporary file"
    # The same upload at an ordinary pace succeeds.
    assert requests.put(url, data=body, timeout=GIVE_UP_S).status_code == 200
    assert requests.get(signed, timeout=GIVE_UP_S).content == body


def test_an_idle_kept_alive_connection_is_closed(server_factory):
    s = server_factory.new(extra_args=["--idle-timeout", "1"])
    sock = connect(s)
    assert request_on(sock, "GET", "/v2/health")[0] == 200
    assert closed_by_server(sock, GIVE_UP_S), "an idle connection was kept open"
    sock.close()


def test_a_connection_in_use_is_not_idle(server_factory):
    s = server_factory.new(extra_args=["--idle-timeout", "5"])
    sock = connect(s)
    for _ in range(5):
        assert request_on(sock, "GET", "/v2/health")[0] == 200
    sock.close()


# --- draining ---------------------------------------------------------------------------------


def refuses_connections(server):
    deadline = time.monotonic() + GIVE_UP_S
    while time.monotonic() < deadline:
        try:
            connect(server).close()
        except ConnectionRefusedError:
            return True
        time.sleep(0.05)
    return False


def test_sigterm_drains_an_in_flight_request_then_exits_zero(server_factory):
    s = server_factory.new(extra_args=["--drain-seconds", "60"])
    watcher = connect(s)  # kept alive: asks /readyz during the drain
    assert request_on(watcher, "GET", "/readyz")[0] == 200

    slow = connect(s)
    body = json.dumps({"name": "drained", "description": "finished during the drain"}).encode()
    slow.sendall(
        (
            f"POST /v2/project HTTP/1.1\r\nHost: test\r\napikey: {s.bootstrap['apiKey']}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Expect: 100-continue\r\n\r\n"
        ).encode()
    )
    # "100 Continue" means the server has the request's headers: it is in flight.
    assert slow.recv(4096).startswith(b"HTTP/1.1 100")
    slow.sendall(body[:10])

    s.proc.send_signal(signal.SIGTERM)
    status, headers, answer = request_on(watcher, "GET", "/readyz")
    assert status == 503
    check_error_body(json.loads(answer), 503)
    assert "draining" in json.loads(answer)["message"]
    assert headers.get("connection", "").lower() == "close"
    assert refuses_connections(s), "still accepting connections while draining"
    assert s.alive(), "the server exited with a request in flight"

    slow.sendall(body[10:])
    status, _, answer = read_response(slow)
    assert status == 200, answer
    assert json.loads(answer)["data"]["project"]["name"] == "drained"
    assert s.proc.wait(timeout=GIVE_UP_S) == 0


# --- logs -------------------------------------------------------------------------------------


def test_json_logs_name_the_request_and_never_the_key(server_factory):
    s = server_factory.new(extra_args=["--log-format", "json"])
    key = s.bootstrap["apiKey"]
    ok(s.api().get("/v2/listProjects", headers={"X-Request-Id": "log-check-1"}))
    fail(requests.get(s.url + "/v2/listProjects", headers={"apikey": "not-a-key-1234", "X-Request-Id": "log-check-2"}), 401)
    deadline = time.monotonic() + GIVE_UP_S
    while True:
        text = s.stderr_path.read_text()
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        by_id = {line.get("requestId"): line for line in lines}
        if "log-check-1" in by_id and "log-check-2" in by_id:
            break
        assert time.monotonic() < deadline, text[-2000:]
        time.sleep(0.05)
    served = by_id["log-check-1"]
    assert served["route"] == "/v2/listProjects" and served["method"] == "GET"
    assert served["status"] == 200 and served["level"] == "info"
    assert served["keyId"] and served["bytesOut"] > 0 and served["durationMs"] >= 0
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", served["time"])
    refused = by_id["log-check-2"]
    assert refused["status"] == 401 and "keyId" not in refused
    assert key not in text and "not-a-key-1234" not in text
