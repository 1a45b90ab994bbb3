"""The server process: restart on the same data, signals, configuration by flag and environment,
and the request body limit."""

import json
import signal
import socket
from urllib.parse import urlsplit

import pytest
import requests

from apilib import Api, fail, ok, unique
from conftest import LocalBlobs, free_port


def snapshot(api):
    """Everything the organization can read, in a comparable form."""
    projects = ok(api.get("/v2/listProjects", params={"limit": 100}))
    out = {"projects": projects}
    for p in projects["projects"]:
        pid = p["_id"]
        out[pid] = {
            "project": api.get_project(pid),
            "assets": api.all_assets(pid, sort="createdAt"),
            "tasks": api.list_tasks(pid, limit=100, includeAnswer="true", sort="createdAt"),
        }
        for t in out[pid]["tasks"]["tasks"]:
            out[t["_id"]] = ok(api.get(f"/v2/task/{t['_id']}", params={"includeAnswer": "True"}))
    return out


def populate(server):
    api = server.api()
    schema = {
        "tools": [{"tool": "bounding-box", "title": "car", "schemaId": "s1"}],
        "classifications": [],
        "relations": [],
    }
    pid = api.create_project("kept", description="survives restarts", categorySchema=schema)["_id"]
    ok(api.post(f"/v2/batches/{pid}", json={"batches": [{"name": "b1"}, {"name": "b2"}]}))
    api.import_assets(
        pid,
        [
            {
                "data": "https://e.com/1.jpg",
                "externalId": "one",
                "metadata": {"n": 1, "s": "ünï"},
                "batches": ["b1"],
                "contextData": {"c": [1, None]},
                "overlay": ["https://e.com/o.png"],
                "editorType": "iframe",
                "preLabel": {"tools": [{"schemaId": "s1", "bounding-box": {"x": 0, "y": 0, "width": 1, "height": 1}}]},
            },
            {"dataset": ["https://e.com/f1.jpg", "https://e.com/f2.jpg"], "externalId": "two", "priority": 7},
            {"data": "https://e.com/3.jpg", "externalId": "three"},
        ],
        batches=["b2"],
        uploadLocal="false",
    )
    assets = {a["externalId"]: a for a in api.all_assets(pid)}
    ok(api.post(f"/v2/assets/{assets['one']['_id']}", json={"metadata": {"n": 2}, "externalId": "one-renamed"}))
    ok(api.delete(f"/v2/project/{pid}/assets", json={"assets": [assets["three"]["_id"]]}))
    ok(api.post("/v2/assignBatches", json={"assetIds": [assets["two"]["_id"]], "batches": ["b3"], "mode": "replace"}))
    ok(
        api.post(f"/v2/project/{pid}/chat", data={"conversations": json.dumps([{"m": "hi"}]), "batches": '["chat"]'}),
        201,
    )
    doomed = api.create_project("doomed")["_id"]
    ok(api.delete(f"/v2/project/{doomed}"))
    _, api_b = server.new_org("other")
    api_b.create_project("theirs")
    org_c = server.admin_json("create-org", "--name", "revoked")["organizationId"]
    revoked = server.admin_json("create-key", "--org", org_c)
    server.admin_json("revoke-key", "--key-id", revoked["keyId"])
    return pid, doomed, api_b, Api(server.url, revoked["apiKey"])


def test_restart_keeps_every_record(server_factory):
    port = free_port()
    server = server_factory.new(listen=f"127.0.0.1:{port}")
    assert set(server.ready) == {"url", "organizationId", "projectId", "apiKey"}
    pid, doomed, api_b, revoked = populate(server)
    before, before_b = snapshot(server.api()), snapshot(api_b)
    assert server.stop(signal.SIGTERM) == 0

    ready = server.start()
    assert set(ready) == {"url"}, ready
    api = server.api()
    assert snapshot(api) == before
    assert snapshot(api_b) == before_b
    fail(revoked.get("/v2/listProjects"), 401)
    fail(api.get(f"/v2/project/{doomed}"), 404)
    # new records still sort after the old ones
    api.import_assets(pid, [{"data": "https://e.com/new.jpg", "externalId": "after-restart"}])
    newest = api.list_assets(pid, limit=1)["assets"][0]
    assert newest["externalId"] == "after-restart"
    assert newest["createdAt"] >= max(a["createdAt"] for a in before[pid]["assets"])


def test_sigint_stops_gracefully_and_a_second_start_shows_no_key(server_factory):
    server = server_factory.new()
    api = server.api()
    pid = api.create_project()["_id"]
    assert server.stop(signal.SIGINT) == 0
    assert set(server.start()) == {"url"}
    assert server.api().get_project(pid)["_id"] == pid


def test_configuration_from_the_environment(server_factory, tmp_path):
    port = free_port()
    public = "http://assets.example.test:9999"
    # --public-url names the built-in store's URLs: this server keeps its objects there.
    server = server_factory.new(
        use_flags=False,
        start=False,
        blobs=LocalBlobs(),
        env={
            "ASSETD_DATA_DIR": str(tmp_path / "env-data"),
            "ASSETD_LISTEN": f"127.0.0.1:{port}",
            "ASSETD_PUBLIC_URL": public,
            "ASSETD_MAX_BODY_BYTES": "2048",
        },
    )
    server.data_dir = tmp_path / "env-data"
    ready = server.start()
    assert set(ready) == {"url", "organizationId", "projectId", "apiKey"}
    api = Api(f"http://127.0.0.1:{port}", ready["apiKey"])
    pid = ready["projectId"]
    ok(api.post(f"/v2/project/{pid}/chat", data={"numberOfConversations": "1"}), 201)
    asset = api.list_assets(pid, filters={"editorType": "llm"})["assets"][0]
    assert asset["data"] == f"{public}/assetd/assets/{ready['organizationId']}/{pid}/{asset['_id']}.json"
    fail(api.post("/v2/project", json={"name": "x", "description": "y" * 3000}), 413)
    assert (tmp_path / "env-data").is_dir() and any((tmp_path / "env-data").iterdir())


def test_public_url_flag(server_factory):
    port = free_port()
    public = "https://hub.example.test/base"
    server = server_factory.new(
        listen=f"127.0.0.1:{port}", extra_args=["--public-url", public], blobs=LocalBlobs()
    )
    api = Api(f"http://127.0.0.1:{port}", server.ready["apiKey"])
    pid = server.ready["projectId"]
    ok(api.post(f"/v2/project/{pid}/chat", data={"numberOfConversations": "2"}), 201)
    for a in api.list_assets(pid)["assets"]:
        assert a["data"] == f"{public}/assetd/assets/{server.ready['organizationId']}/{pid}/{a['_id']}.json"


# --- the body limit ----------------------------------------------------------------------------------


LIMIT = 4096


@pytest.fixture(scope="module")
def small(server_factory):
    return server_factory.new(extra_args=["--max-body-bytes", str(LIMIT)])


def padded_project_body(size):
    body = json.dumps({"name": unique("limit"), "description": ""})
    return body[:-1] + " " * (size - len(body)) + "}"


def test_body_at_the_limit_is_accepted_and_one_byte_more_is_413(small):
    api = small.api()
    at = padded_project_body(LIMIT)
    assert len(at.encode()) == LIMIT
    ok(api.post("/v2/project", data=at, headers={"Content-Type": "application/json"}))
    over = padded_project_body(LIMIT + 1)
    fail(api.post("/v2/project", data=over, headers={"Content-Type": "application/json"}), 413)


@pytest.mark.parametrize(
    "route", ["/v2/project", "/v2/project/{pid}/cloud", "/v2/assignBatches", "/v2/project/{pid}/assets"]
)
def test_oversized_json_is_413_on_every_route(small, route):
    api = small.api()
    pid = small.ready["projectId"]
    method = "DELETE" if route.endswith("/assets") else "POST"
    body = json.dumps({"assets": [{"data": f"https://e.com/{i}.jpg"} for i in range(200)]})
    assert len(body) > LIMIT
    fail(api.request(method, route.format(pid=pid), data=body, headers={"Content-Type": "application/json"}), 413)
    assert api.list_assets(pid)["total"] == 0


def test_oversized_chunked_body_is_413(small):
    # Sent whole in one write (just over the limit), so the answer cannot be lost to a reset.
    body = padded_project_body(LIMIT + 100).encode()
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in (body[:1000], body[1000:3000], body[3000:]))
    head = (
        f"POST /v2/project HTTP/1.1\r\nHost: x\r\napikey: {small.api().key}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    u = urlsplit(small.url)
    with socket.create_connection((u.hostname, u.port), timeout=30) as s:
        s.sendall(head + chunks + b"0\r\n\r\n")
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    status_line, _, rest = reply.partition(b"\r\n")
    assert status_line.split(b" ")[1] == b"413", reply
    body = json.loads(rest.partition(b"\r\n\r\n")[2])
    assert body["status"] == "fail" and body["error"]["statusCode"] == 413, body


def test_oversized_multipart_is_413(small):
    api = small.api()
    pid = small.ready["projectId"]
    big = json.dumps([{"text": "y" * 100} for _ in range(100)])
    resp = api.post(f"/v2/project/{pid}/chat", files={"file": ("c.json", big, "application/json")})
    fail(resp, 413)
    assert api.list_assets(pid)["total"] == 0


def test_server_survives_the_refusals(small):
    assert small.alive()
    assert requests.get(small.url + "/v2/health", timeout=30).json()["data"]["status"] == "ok"
