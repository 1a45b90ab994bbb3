"""Hostile input: stored and returned intact, or refused with a 400 — never a 5xx, never a crash.
The module's server fixture checks at teardown that the process is still alive."""

import json
import socket
from urllib.parse import urlsplit

import pytest

from apilib import not_500, ok

STRINGS = {
    "nul": "a\u0000b",
    "control": "\u0001\u0002\u001f\u007f",
    "newlines": "line1\nline2\r\nline3",
    "unicode": "żółw 🐢 中文 עברית ﷽ e\u0301",
    "astral": "𝕳𝖊𝖑𝖑𝖔 🏳️‍🌈",
    "bom": "\ufeffbom",
    "path": "../../../etc/passwd",
    "windows path": "..\\..\\windows\\system32",
    "url-encoded path": "%2e%2e%2f%2e%2e%2f",
    "sql": "'; DROP TABLE assets; --",
    "quotes": "\"'`",
    "html": "<script>alert(1)</script>",
    "json-ish": '{"$ne": null}',
    "percent": "100%_done",
    "spaces": "   ",
    "long": "x" * 1000,
    "huge": "y" * 100_000,
}


def import_one(api, pid, **fields):
    return api.post(f"/v2/project/{pid}/cloud", json={"assets": [{"data": "https://e.com/h.jpg", **fields}]})


def searchable(value):
    return len(value) <= 1000  # longer values would not fit a request line


@pytest.mark.parametrize("name", list(STRINGS))
def test_hostile_external_id_is_kept_or_refused(api, project, name):
    value = STRINGS[name]
    resp = import_one(api, project, externalId=value)
    not_500(resp, (201, 400))
    if resp.status_code == 400:
        assert api.list_assets(project)["total"] == 0
        return
    (asset,) = api.list_assets(project)["assets"]
    assert asset["externalId"] == value
    if searchable(value):
        found = api.list_assets(project, filters={"externalId": value})
        assert [a["_id"] for a in found["assets"]] == [asset["_id"]]
        assert api.list_assets(project, externalId=value)["total"] == 1
    updated = not_500(api.post(f"/v2/assets/{asset['_id']}", json={"externalId": value + "!"}), (200, 400))
    if updated["status"] == "success":
        assert updated["data"]["asset"]["externalId"] == value + "!"


@pytest.mark.parametrize("name", list(STRINGS))
def test_hostile_metadata_and_context_are_kept_or_refused(api, project, name):
    value = STRINGS[name]
    metadata = {"v": value, value[:50] or "k": 1}
    resp = import_one(api, project, externalId="m", metadata=metadata, contextData={"s": value, value: [value]})
    not_500(resp, (201, 400))
    if resp.status_code == 400:
        assert api.list_assets(project)["total"] == 0
        return
    (asset,) = api.list_assets(project)["assets"]
    assert asset["metadata"] == metadata
    assert asset["contextData"] == {"s": value, value: [value]}
    if searchable(value):
        assert api.list_assets(project, filters={"metadata.v": value})["total"] == 1
    updated = not_500(api.post(f"/v2/assets/{asset['_id']}", json={"metadata": {value: value}}), (200, 400))
    if updated["status"] == "success":
        assert updated["data"]["asset"]["metadata"] == {value: value}


@pytest.mark.parametrize("name", ["nul", "unicode", "path", "sql", "huge"])
def test_hostile_data_and_overlay_are_kept_or_refused(api, project, name):
    value = STRINGS[name]
    resp = import_one(api, project, externalId="d", overlay=[value], dataset=[value])
    not_500(resp, (201, 400))
    resp = api.post(f"/v2/project/{project}/cloud", json={"assets": [{"data": value, "externalId": "e"}]})
    not_500(resp, (201, 400))
    if resp.status_code == 201:
        assert api.asset_by_external_id(project, "e")["data"] == value


@pytest.mark.parametrize("name", ["nul", "unicode", "path", "sql", "long"])
def test_hostile_project_and_batch_names(api, name):
    value = STRINGS[name]
    resp = api.post("/v2/project", json={"name": value, "description": value})
    not_500(resp, (200, 400))
    if resp.status_code == 200:
        pid = resp.json()["data"]["project"]["_id"]
        got = api.get_project(pid)
        assert got["name"] == value and got["description"] == value
        b = not_500(api.post(f"/v2/batches/{pid}", json={"batches": [{"name": value}]}), (200, 400))
        if b["status"] == "success":
            assert [x["name"] for x in api.get_project(pid)["batches"]] == [value]


@pytest.mark.parametrize("name", ["nul", "unicode", "path", "sql", "percent", "json-ish"])
def test_hostile_values_in_query_strings(api, project, name):
    value = STRINGS[name]
    ok(
        api.post(
            f"/v2/project/{project}/cloud", json={"assets": [{"data": "https://e.com/1.jpg", "externalId": "safe"}]}
        ),
        201,
    )
    for params in (
        {"externalId": value},
        {"filters": json.dumps({"externalId": value})},
        {"filters": json.dumps({f"metadata.{value}": value})},
        {"batches": json.dumps([value])},
        {"sort": value},
        {"page": value},
        {"filters": value},
    ):
        not_500(api.get(f"/v2/project/{project}/assets", params=params), (200, 400))
    assert api.list_assets(project)["total"] == 1


@pytest.mark.parametrize(
    "target",
    [
        "/v2/project/%00/assets",
        "/v2/project/%ff%fe/assets",
        "/v2/project/..%2f..%2f/assets",
        "/v2/project/{pid}/assets?filters=%zz",
        "/v2/project/{pid}/assets?filters=%",
        "/v2/project/{pid}/assets?=&&==",
        "/v2/project/{pid}/assets?page=1&page=2&limit=5&limit=500",
        "/v2/project/{pid}/assets?filters=%7B%22%00%22:1%7D",
        "/v2/project/{pid}/assets?" + "a=1&" * 2000,
        "/v2//project//{pid}//assets",
        "/v2/project/{pid}/assets/",
        "/v2/task/" + "f" * 5000,
        "/v2/project/{pid}/tasks?filter=%7B%22stage%22:%7B%22%24in%22:%5B%5B%5D%5D%7D%7D",
    ],
)
def test_strange_request_targets(api, project, target):
    resp = api.raw("GET", target.format(pid=project))
    assert resp.status_code in (200, 400, 404, 414, 431), resp.text
    body = resp.json()
    assert body["status"] in ("success", "fail"), body


@pytest.mark.parametrize("depth", [10, 100, 10_000, 200_000])
def test_deeply_nested_json(api, project, depth):
    nested = "[" * depth + "]" * depth
    body = '{"assets": [{"data": "https://e.com/d.jpg", "metadata": {"deep": %s}}]}' % nested
    not_500(
        api.post(f"/v2/project/{project}/cloud", data=body, headers={"Content-Type": "application/json"}), (201, 400)
    )
    not_500(
        api.get(f"/v2/project/{project}/assets", params={"filters": '{"metadata.deep": %s}' % nested}),
        (200, 400, 414, 431),
    )


@pytest.mark.parametrize(
    "body",
    [
        b'{"assets": [{"data": "https://e.com/\xff\xfe.jpg"}]}',  # invalid UTF-8
        b'{"assets": [{"data": "https://e.com/\xc0\xaf.jpg"}]}',  # overlong encoding
        b'{"assets": [{"data": "https://e.com/\\ud800.jpg"}]}',  # lone surrogate escape
        b'{"assets": [{"data": "https://e.com/a.jpg", "externalId": "\\u0000"}]}',
        b'{"assets": [{"data": "https://e.com/a.jpg", "priority": 1e400}]}',
        b'{"assets": [{"data": "https://e.com/a.jpg", "priority": -0}]}',
        b'{"assets": [{"data": "https://e.com/a.jpg", "priority": 123456789012345678901234567890}]}',
        b'{"assets": [{"data": "https://e.com/a.jpg", "metadata": {"n": 1e400}}]}',
        b'{"assets": [{"data": "https://e.com/a.jpg"}], "assets": "dup"}',
        b'{"assets": [{"data": "https://e.com/a.jpg", "data": 5}]}',
        b'\xef\xbb\xbf{"assets": [{"data": "https://e.com/a.jpg"}]}',
        b'{"assets": [' + b'{"data": "https://e.com/a.jpg"},' * 3 + b"]}",
        b"\x00" * 100,
    ],
)
def test_byte_level_junk(api, project, body):
    resp = api.post(f"/v2/project/{project}/cloud", data=body, headers={"Content-Type": "application/json"})
    not_500(resp, (201, 400))
    if resp.status_code == 201:
        for a in api.all_assets(project):
            json.dumps(a)  # whatever was stored comes back as valid JSON text


def test_wrong_content_types(api, project):
    body = json.dumps({"assets": [{"data": "https://e.com/1.jpg"}]})
    for ctype in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "",
        "application/json; charset=latin1",
    ):
        not_500(api.post(f"/v2/project/{project}/cloud", data=body, headers={"Content-Type": ctype}), (201, 400, 415))
    for ctype in (
        "application/json",
        "text/plain",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=zz",
    ):
        not_500(
            api.post(f"/v2/project/{project}/chat", data=b"--zz\r\nnonsense", headers={"Content-Type": ctype}),
            (400, 415),
        )


@pytest.mark.parametrize(
    "body",
    [
        b'--B\r\nContent-Disposition: form-data; name="file"\r\n\r\n[{}]',  # no closing boundary
        b"--B--\r\n",
        b"--B\r\n\r\n\r\n--B--\r\n",
        b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--\r\n",
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="../../x"\r\n\r\n[{}]\r\n--B--\r\n',
        b'--B\r\nContent-Disposition: form-data; name="numberOfConversations"\r\n\r\n1\r\n' * 3 + b"--B--\r\n",
        b"\r\n\r\n--B" * 100,
    ],
)
def test_malformed_multipart(api, project, body):
    resp = api.post(
        f"/v2/project/{project}/chat", data=body, headers={"Content-Type": "multipart/form-data; boundary=B"}
    )
    not_500(resp, (201, 400))


def test_half_a_request_then_hang_up(server, api, project):
    u = urlsplit(server.url)
    for payload in (
        b"POST /v2/project HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\napikey: "
        + api.key.encode()
        + b'\r\n\r\n{"name":',
        b"GET /v2/health HTTP/1.1\r\nHost",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"GARBAGE\r\n\r\n",
    ):
        with socket.create_connection((u.hostname, u.port), timeout=10) as s:
            s.sendall(payload)
    assert ok(api.get(f"/v2/project/{project}"))["project"]["_id"] == project


def test_http_garbage_gets_an_error_not_a_crash(server, api):
    u = urlsplit(server.url)
    for payload in (
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /v2/health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"GET /v2/health HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 100_000 + b"\r\n\r\n",
    ):
        with socket.create_connection((u.hostname, u.port), timeout=30) as s:
            try:
                s.sendall(payload)
                reply = s.recv(100)
            except (ConnectionResetError, BrokenPipeError, socket.timeout):
                reply = b""
            status = reply.split(b" ")[1] if reply.startswith(b"HTTP/") else b""
            assert status not in (b"500", b"502", b"503", b"504"), reply
    ok(api.get("/v2/health"))


def test_many_ids_in_one_delete(api, project):
    ids = ["%024x" % i for i in range(50_000)]
    assert ok(api.delete(f"/v2/project/{project}/assets", json={"assets": ids})) == {"deleted": 0, "failed": 50_000}


def test_server_is_alive(server):
    assert server.alive(), server.logs()
