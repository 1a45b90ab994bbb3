"""Health, the envelope of every error, routing (404/405) and authentication (401)."""

import pytest

from apilib import HEX24, Api, fail, missing_id, ok, raw_request


def test_health_needs_no_key(server):
    resp = raw_request(server.url, "GET", "/v2/health")
    assert resp.status_code == 200
    assert resp.json() == {"status": "success", "data": {"status": "ok"}}


def test_first_start_prints_the_bootstrap_credentials(server, api):
    ready = server.ready
    assert set(ready) == {"url", "organizationId", "projectId", "apiKey"}
    assert ready["url"].startswith("http://127.0.0.1:")
    assert HEX24.match(ready["organizationId"]) and HEX24.match(ready["projectId"])
    demo = api.get_project(ready["projectId"])
    assert demo["organization"] == ready["organizationId"]


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/v2/nothing-here"),
        ("GET", "/v2"),
        ("POST", "/v2/project/x/y/z"),
        ("GET", "/v2/project/%2e%2e/%2e%2e/etc/passwd"),
    ],
)
def test_unknown_route_is_a_json_404(api, method, path):
    # Paths outside /v2 belong to the built-in S3 endpoint (test_object_store.py).
    fail(api.request(method, path), 404)


@pytest.mark.parametrize(
    "method,path",
    [
        ("PUT", "/v2/project"),
        ("DELETE", "/v2/listProjects"),
        ("GET", "/v2/assignBatches"),
        ("PATCH", "/v2/assets/{id}"),
        ("PUT", "/v2/project/{id}/assets"),
        ("POST", "/v2/project/{id}/tasks"),
        ("DELETE", "/v2/task/{id}"),
        ("GET", "/v2/project/{id}/cloud"),
        ("GET", "/v2/project/{id}/chat"),
        ("GET", "/v2/batches/{id}"),
        ("POST", "/v2/health"),
    ],
)
def test_wrong_method_is_a_json_405(api, project, method, path):
    fail(api.request(method, path.format(id=project)), 405)


# --- authentication -----------------------------------------------------------------------------


def authed_routes(project):
    return [
        ("GET", "/v2/listProjects"),
        ("POST", "/v2/project"),
        ("GET", f"/v2/project/{project}"),
        ("POST", f"/v2/project/{project}"),
        ("DELETE", f"/v2/project/{project}"),
        ("POST", f"/v2/batches/{project}"),
        ("POST", f"/v2/project/{project}/cloud"),
        ("POST", f"/v2/project/{project}/chat"),
        ("GET", f"/v2/project/{project}/assets"),
        ("DELETE", f"/v2/project/{project}/assets"),
        ("POST", f"/v2/assets/{missing_id()}"),
        ("POST", "/v2/assignBatches"),
        ("GET", f"/v2/project/{project}/tasks"),
        ("GET", f"/v2/task/{missing_id()}"),
    ]


@pytest.mark.parametrize("header", [None, "", "0123456789abcdef", "apikey ", "apikey nope", "Bearer x"])
def test_missing_or_unknown_key_is_401_on_every_route(server, api, project, header):
    anonymous = Api(server.url, "")
    anonymous.session.headers.pop("apikey")
    if header is not None:
        anonymous.session.headers["apikey"] = header
    for method, path in authed_routes(project):
        fail(anonymous.request(method, path, json={}), 401)
    api.get_project(project)  # nothing was deleted by the refused DELETE


def test_key_accepted_bare_and_in_apikey_form(server, api, project):
    bare = raw_request(server.url, "GET", f"/v2/project/{project}", headers={"apikey": api.key})
    prefixed = raw_request(server.url, "GET", f"/v2/project/{project}", headers={"apikey": f"apikey {api.key}"})
    assert bare.status_code == prefixed.status_code == 200
    assert bare.json()["data"]["project"]["_id"] == prefixed.json()["data"]["project"]["_id"] == project


def test_header_name_is_case_insensitive(server, api, project):
    resp = raw_request(server.url, "GET", f"/v2/project/{project}", headers={"APIKEY": api.key})
    assert resp.status_code == 200, resp.text


def test_key_with_surrounding_junk_is_refused(server, api, project):
    for value in (
        api.key + "x",
        "x" + api.key,
        api.key[:-1],
        api.key.upper() if api.key != api.key.upper() else api.key.lower(),
    ):
        resp = raw_request(server.url, "GET", f"/v2/project/{project}", headers={"apikey": value})
        fail(resp, 401)


# --- malformed requests -------------------------------------------------------------------------


JSON_ROUTES = [
    ("POST", "/v2/project"),
    ("POST", "/v2/project/{id}"),
    ("POST", "/v2/batches/{id}"),
    ("POST", "/v2/project/{id}/cloud"),
    ("DELETE", "/v2/project/{id}/assets"),
    ("POST", "/v2/assets/{asset}"),
    ("POST", "/v2/assignBatches"),
]


@pytest.fixture
def asset_in_project(api, project):
    api.import_assets(project, [{"data": "https://e.com/1.jpg", "externalId": "one"}])
    return api.asset_by_external_id(project, "one")["_id"]


@pytest.mark.parametrize("method,path", JSON_ROUTES)
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"not json",
        b'{"a":1}}',
        b"[1,2",
        b"\xff\xfe",
        b"null",
        b"[]",
        b'"text"',
        b"42",
        b'{"a":NaN}',
        b"{'single':1}",
        b'{"a":1,}',
    ],
    ids=lambda b: repr(b)[:20],
)
def test_malformed_or_non_object_json_is_400(api, project, asset_in_project, method, path, body):
    target = path.format(id=project, asset=asset_in_project)
    resp = api.request(method, target, data=body, headers={"Content-Type": "application/json"})
    fail(resp, 400, "body")
    # Nothing was changed by the refused request.
    assert api.get_project(project)["assetCount"] == 1


def test_error_bodies_are_json_even_for_text_clients(server, api):
    resp = raw_request(server.url, "GET", "/v2/nowhere", headers={"apikey": api.key, "Accept": "text/html"})
    fail(resp, 404)


def test_get_with_json_content_type_and_no_body(api, project):
    # The SDK's make_request sends Content-Type: application/json on every request.
    resp = api.get(f"/v2/project/{project}", headers={"Content-Type": "application/json"})
    assert ok(resp)["project"]["_id"] == project


def test_chunked_request_body_is_read(api, project):
    def gen():
        yield b'{"assets": ['
        yield b'{"data": "https://e.com/c.jpg", "externalId": "chunked"}'
        yield b"]}"

    resp = api.post(f"/v2/project/{project}/cloud", data=gen(), headers={"Content-Type": "application/json"})
    assert ok(resp, 201)["assets"]["assetsCreated"] == 1


def test_keep_alive_connection_serves_many_requests(api, project):
    # One requests.Session reuses its connection; errors must not poison it.
    for i in range(20):
        ok(api.get(f"/v2/project/{project}"))
        fail(api.get(f"/v2/project/{missing_id()}"), 404)
        fail(api.post("/v2/project", data=b"{", headers={"Content-Type": "application/json"}), 400)
