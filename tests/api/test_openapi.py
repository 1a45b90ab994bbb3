"""The API described where clients look for it: GET /v2/openapi.json serves the document that the
suite validates every response against (src/api/openapi.json), with the seed's operations as the
seed writes them; GET /docs shows it with a viewer served from the binary, nothing else."""

import json
import os
import re
import subprocess
from html.parser import HTMLParser

import jsonschema
import pytest
import requests

from apilib import DOCUMENT_PATH, REPO, SEED, SPEC, Api, fail, operation, raw_request, validate_response

VIEWER = REPO / "web" / "docs" / "node_modules" / "redoc" / "bundles" / "redoc.standalone.js"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def exact(value):
    """A JSON value as text, key order kept: equal texts are byte-for-byte equal JSON."""
    return json.dumps(value, ensure_ascii=False)


# --- the document -----------------------------------------------------------------------------


def test_served_document_is_the_source_file_without_a_key(server):
    resp = raw_request(server.url, "GET", "/v2/openapi.json")
    assert resp.status_code == 200
    assert resp.headers.get("Content-Type") == "application/json"
    assert resp.content == DOCUMENT_PATH.read_bytes()
    assert resp.json() == SPEC


def test_a_wrong_key_does_not_matter(server):
    resp = Api(server.url, "not-a-key").get("/v2/openapi.json")
    assert resp.status_code == 200 and resp.json()["openapi"] == "3.0.3"


@pytest.mark.parametrize("path,method", [(p, m) for p, item in SEED["paths"].items() for m in item if m in METHODS])
def test_seed_operations_are_kept_as_the_seed_writes_them(path, method):
    assert path in SPEC["paths"], path
    assert exact(SPEC["paths"][path][method]) == exact(SEED["paths"][path][method])


@pytest.mark.parametrize("kind,name", [(kind, name) for kind, items in SEED["components"].items() for name in items])
def test_seed_components_are_kept_as_the_seed_writes_them(kind, name):
    assert exact(SPEC["components"][kind][name]) == exact(SEED["components"][kind][name])


def test_seed_paths_keep_their_keys_and_tags():
    for path, item in SEED["paths"].items():
        assert sorted(SPEC["paths"][path]) == sorted(item), path
    assert SPEC["tags"][: len(SEED["tags"])] == SEED["tags"]
    assert SPEC["security"] == SEED["security"]


def test_every_operation_beyond_the_seed_declares_the_error_body():
    error = {"$ref": "#/components/responses/Error"}
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if method not in METHODS or method in SEED["paths"].get(path, {}):
                continue
            assert op["responses"].get("default") == error, f"{method} {path}"
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):
                    target = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                    schema = target["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {status}"


def test_the_error_schema_is_the_contracts_error_body(api):
    resp = api.get("/v2/project/" + "0" * 24)
    body = resp.json()
    assert resp.status_code == 404 and set(body) >= {"status", "message", "error"}
    validate = jsonschema.Draft4Validator(SPEC["components"]["schemas"]["Error"]).validate
    validate(body)
    with pytest.raises(jsonschema.ValidationError):
        validate({"status": "fail", "message": "x"})  # without error.statusCode


def test_the_document_is_valid_openapi_3():
    """Redocly's linter (@redocly/openapi-core, which the viewer's package brings) finds no error;
    its warnings are the recommended ruleset's (a license, a 4XX on every operation)."""
    modules = REPO / "web" / "docs" / "node_modules"
    assert (modules / "@redocly" / "openapi-core").is_dir(), "run scripts/build.sh (npm ci of web/docs)"
    script = """
const { lint, loadConfig } = require('@redocly/openapi-core');
(async () => {
  const problems = await lint({ ref: process.argv[1], config: await loadConfig({}) });
  console.log(JSON.stringify(problems.map(p => ({ severity: p.severity, rule: p.ruleId,
    message: p.message, where: p.location.map(l => l.pointer) }))));
})().catch(e => { console.error(e); process.exit(1); });
"""
    done = subprocess.run(
        ["node", "-e", script, str(DOCUMENT_PATH)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    assert done.returncode == 0, done.stderr
    problems = json.loads(done.stdout)
    errors = [p for p in problems if p["severity"] == "error"]
    assert not errors, json.dumps(errors, indent=1)
    assert {p["rule"] for p in problems} <= {"info-license", "operation-4xx-response"}, problems


# --- every response is validated --------------------------------------------------------------


class FakeResponse:
    def __init__(self, status, body, content_type="application/json"):
        self.status_code = status
        self.headers = {"Content-Type": content_type}
        self.text = json.dumps(body)
        self._body = body

    def json(self):
        return self._body


def test_responses_that_break_their_schema_are_caught():
    """What Api.request does with every response: these would pass without the document."""
    with pytest.raises(jsonschema.ValidationError):  # total must be an integer
        validate_response(
            "GET", "/v2/listProjects", FakeResponse(200, {"status": "success", "data": {"projects": [], "total": "1"}})
        )
    with pytest.raises(jsonschema.ValidationError):  # a seed schema: assets must be an array
        validate_response(
            "GET", "/v2/project/x/assets?page=1", FakeResponse(200, {"status": "success", "data": {"assets": {}}})
        )
    with pytest.raises(jsonschema.ValidationError):  # a seed operation's error: the contract's body
        validate_response("DELETE", "/v2/project/x/assets", FakeResponse(404, {"status": "fail", "message": "x"}))
    with pytest.raises(jsonschema.ValidationError):  # an unknown /v2 route still answers the body
        validate_response("GET", "/v2/nothing", FakeResponse(404, {"message": "x"}))
    with pytest.raises(AssertionError, match="declares no 202"):  # a seed operation: no default
        validate_response("POST", "/v2/assignBatches", FakeResponse(202, {"status": "success", "data": {}}))
    with pytest.raises(jsonschema.ValidationError):  # the others: default is the error body
        validate_response("POST", "/v2/project", FakeResponse(202, {"status": "success", "data": {}}))
    with pytest.raises(AssertionError, match="Content-Type"):
        validate_response("GET", "/v2/health", FakeResponse(200, {}, "text/plain"))
    # Paths outside /v2 that are not routes belong to the S3 endpoint and are not validated.
    validate_response("GET", "/assetd/key", FakeResponse(404, "<Error/>", "application/xml"))
    validate_response(
        "POST",
        "/v2/storages/",
        FakeResponse(
            200,
            {
                "status": "success",
                "data": {
                    "storage": {
                        "_id": "0" * 24,
                        "name": "n",
                        "provider": "AWS",
                        "bucket": None,
                        "region": None,
                        "createdAt": "2026-11-28T14:40:29.123Z",
                    }
                },
            },
        ),
    )


def test_operations_are_found_as_the_router_matches_them():
    from apilib import find_operation

    assert find_operation("GET", "/v2/project/abc/assets?page=2") is operation("getProjectAssets")
    assert find_operation("POST", "/v2/storages/") is operation("createStorage")
    assert find_operation("GET", "/v2//task/t1") is operation("getTask")
    assert find_operation("GET", "/docs") is operation("docsPage")
    assert find_operation("GET", "/v2/docs") is None
    assert find_operation("PUT", "/v2/project") is None


# --- the reference page -----------------------------------------------------------------------


class References(HTMLParser):
    """Every URL a page makes the browser load or link to."""

    ATTRIBUTES = {"src", "href", "spec-url", "action", "data", "poster", "srcset"}

    def __init__(self):
        super().__init__()
        self.urls = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.urls += [v for k, v in attrs if k in self.ATTRIBUTES and v]
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        self._in_script = False


def test_docs_page_loads_only_same_origin_urls(server):
    resp = requests.get(server.url + "/docs", timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    page = References()
    page.feed(resp.text)
    assert page.inline_scripts == 0
    assert set(page.urls) == {"/v2/openapi.json", "/docs/redoc.standalone.js"}, page.urls
    assert not re.search(r"(https?:)?//[a-z0-9]", resp.text, re.I), "the page names another origin"
    # The browser may load nothing from another origin, whatever the viewer's script asks for.
    policy = dict(p.strip().split(" ", 1) for p in resp.headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'"
    for directive in ("script-src", "connect-src", "img-src", "font-src", "style-src", "worker-src"):
        sources = policy[directive].split()
        assert "'self'" in sources, directive
        assert set(sources) <= {"'self'", "'unsafe-inline'", "data:", "blob:"}, (directive, sources)
    for url in page.urls:
        assert requests.get(server.url + url, timeout=30).status_code == 200, url


def test_the_viewer_script_is_the_pinned_bundle(server):
    resp = raw_request(server.url, "GET", "/docs/redoc.standalone.js")
    assert resp.status_code == 200
    assert resp.headers.get("Content-Type") == "text/javascript; charset=utf-8"
    assert resp.content == VIEWER.read_bytes()
    lock = json.loads((REPO / "web" / "docs" / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/redoc"]["version"]
    assert json.loads((VIEWER.parents[1] / "package.json").read_text())["version"] == pinned


def test_docs_paths_are_routes_not_objects(api, server):
    # The router answers its own paths outside /v2 with JSON; the rest stays the S3 endpoint's.
    fail(api.post("/docs"), 405)
    fail(api.request("DELETE", "/docs/redoc.standalone.js"), 405)
    resp = requests.get(server.url + "/docs/other.js", timeout=30)
    if server.blobs.name == "local":
        # The built-in S3 endpoint answers it: S3's XML error (the request is unsigned).
        assert resp.headers.get("Content-Type", "").startswith("application/xml"), resp.headers
        assert "<Error>" in resp.text
    else:
        # File bodies in an external service: no S3 endpoint, so the router's JSON 404.
        fail(resp, 404, "no route")
