"""Client helpers shared by the API tests: a small HTTP client, envelope assertions, byte-exact
requests and validation against the server's OpenAPI document (src/api/openapi.json, which the
server serves at GET /v2/openapi.json). Every response that Api.request gets is validated against
the schema its operation declares for its status."""

import http.client
import json
import os
import re
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import jsonschema
import requests

HEX24 = re.compile(r"^[0-9a-f]{24}$")
ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
REPO = Path(__file__).resolve().parents[2]
DOCUMENT_PATH = REPO / "src" / "api" / "openapi.json"
SPEC = json.loads(DOCUMENT_PATH.read_text())
SEED = json.loads((Path(__file__).with_name("openapi.seed.json")).read_text())

ASSET_FIELDS = {
    "_id",
    "data",
    "overlay",
    "project",
    "organization",
    "externalId",
    "batches",
    "metadata",
    "contextData",
    "labelTasks",
    "deleted",
    "createdAt",
    "createdBy",
    "editorType",
    "isPreLabeled",
    "priority",
    "uploadLocal",
}
PROJECT_FIELDS = {
    "_id",
    "name",
    "description",
    "type",
    "organization",
    "categorySchema",
    "batches",
    "assetCount",
    "createdAt",
    "updatedAt",
}
TASK_FIELDS = {"_id", "project", "asset", "externalId", "stage", "status", "batches", "priority", "createdAt"}


def unique(prefix="t"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def missing_id():
    """A well-formed id that names nothing."""
    return "0" * 8 + uuid.uuid4().hex[:16]


# --- envelopes --------------------------------------------------------------------------------


def ok(resp, status=200):
    """Asserts a success envelope with `status`; returns `data`."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.text[:800]}"
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    body = resp.json()
    assert body.get("status") == "success", body
    assert isinstance(body.get("data"), dict), body
    return body["data"]


def check_error_body(body, status):
    assert isinstance(body, dict), body
    assert body.get("status") == ("error" if status >= 500 else "fail"), body
    assert isinstance(body.get("message"), str) and body["message"], body
    assert body.get("error", {}).get("statusCode") == status, body
    validate_schema("ErrorResponse", body)


def fail(resp, status, *fragments):
    """Asserts an error envelope with `status` whose message contains every fragment; returns
    the message."""
    assert resp.status_code == status, f"expected {status}, got {resp.status_code}: {resp.text[:800]}"
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    body = resp.json()
    check_error_body(body, status)
    for f in fragments:
        assert f in body["message"], f"{f!r} not in message {body['message']!r}"
    return body["message"]


def not_500(resp, allowed=(200, 201, 400, 404)):
    """Hostile input: an allowed status with a well-formed JSON envelope, never a 5xx."""
    assert resp.status_code in allowed, f"got {resp.status_code}: {resp.text[:800]}"
    body = resp.json()
    if resp.status_code >= 400:
        check_error_body(body, resp.status_code)
    else:
        assert body["status"] == "success", body
    return body


# --- the document's schemas -------------------------------------------------------------------


def _json_schema(node):
    """OpenAPI 3.0 schemas as JSON Schema (draft 4, which they extend): `nullable: true` admits
    null."""
    if isinstance(node, list):
        return [_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


_SCHEMA_DOC = _json_schema(SPEC)
_RESOLVER = jsonschema.RefResolver.from_schema(_SCHEMA_DOC)
_VALIDATORS = {}


def _validator(schema):
    key = json.dumps(schema, sort_keys=True)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = jsonschema.Draft4Validator(_json_schema(schema), resolver=_RESOLVER)
    return _VALIDATORS[key]


def validate_schema(name, instance):
    """Validates against components/schemas/<name> of the document."""
    _validator({"$ref": f"#/components/schemas/{name}"}).validate(instance)


def operation(operation_id):
    for path_item in SPEC["paths"].values():
        for op in path_item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise KeyError(operation_id)


def _declared_response(op, status):
    """The response `op` declares for `status`: the exact code, else `default`; the seed's
    operations, kept as the seed writes them, declare few errors, so any other 4xx or 5xx is held
    to the contract's error body (components/responses/Error). None for an undeclared success."""
    declared = op["responses"].get(str(status)) or op["responses"].get("default")
    if declared is None and status >= 400:
        declared = {"$ref": "#/components/responses/Error"}
    if declared is not None and "$ref" in declared:
        declared = SPEC["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
    return declared


def _check_response(op, resp, where):
    declared = _declared_response(op, resp.status_code)
    assert declared is not None, f"{where} declares no {resp.status_code}: {resp.text[:500]}"
    content = declared.get("content", {})
    if not content:
        return
    media = resp.headers.get("Content-Type", "").split(";")[0].strip()
    assert media in content, f"{where} {resp.status_code}: Content-Type {media!r}, declared {sorted(content)}"
    if media == "application/json":
        _validator(content[media]["schema"]).validate(resp.json())


def validate_operation(operation_id, resp):
    """Validates a response against the schema its operation declares for its status."""
    _check_response(operation(operation_id), resp, operation_id)


def _segments(path):
    return [s for s in path.split("/") if s]


def _operations():
    """(method, segments of the full path, operation) for every operation of the document."""
    out = []
    for path, item in SPEC["paths"].items():
        at_root = [s.get("url") for s in item.get("servers", [])] == ["/"]
        full = path if at_root else "/v2" + path
        for method, op in item.items():
            if method != "servers" and isinstance(op, dict):
                out.append((method.upper(), _segments(full), op))
    return out


_OPERATIONS = _operations()


def find_operation(method, path):
    """The document's operation for a request as the router matches it (`{name}` matches one
    non-empty segment; empty segments and a trailing slash are ignored), or None."""
    segments = _segments(urlsplit(path).path)
    for op_method, pattern, op in _OPERATIONS:
        if op_method == method.upper() and len(pattern) == len(segments):
            if all(p.startswith("{") or p == s for p, s in zip(pattern, segments)):
                return op
    return None


def validate_response(method, path, resp):
    """Validates what a request got against the document: its operation's declared response, or
    for any other /v2 request that failed, the contract's error body. Other paths (the built-in S3
    endpoint) and HEAD answers are not validated."""
    if method.upper() == "HEAD":
        return
    op = find_operation(method, path)
    if op is None:
        if resp.status_code < 400 or not urlsplit(path).path.startswith("/v2"):
            return
        op = {"responses": {}}
    _check_response(op, resp, f"{method} {path}")


def check_asset(asset):
    missing = ASSET_FIELDS - asset.keys()
    assert not missing, f"asset lacks {missing}: {asset}"
    validate_schema("Asset", asset)
    assert HEX24.match(asset["_id"]), asset["_id"]
    assert HEX24.match(asset["project"]) and HEX24.match(asset["organization"]), asset
    assert ISO_MS.match(asset["createdAt"]), asset["createdAt"]
    assert asset["deleted"] is False
    assert len(asset["labelTasks"]) == 1 and HEX24.match(asset["labelTasks"][0]), asset
    assert all(HEX24.match(b) for b in asset["batches"]), asset["batches"]
    assert isinstance(asset["uploadLocal"], bool) and isinstance(asset["isPreLabeled"], bool)
    assert isinstance(asset["priority"], (int, float)) and not isinstance(asset["priority"], bool)


def check_project(project):
    missing = PROJECT_FIELDS - project.keys()
    assert not missing, f"project lacks {missing}: {project}"
    assert HEX24.match(project["_id"]) and HEX24.match(project["organization"]), project
    assert ISO_MS.match(project["createdAt"]) and ISO_MS.match(project["updatedAt"]), project
    assert isinstance(project["categorySchema"], dict), project
    assert isinstance(project["assetCount"], int), project
    for b in project["batches"]:
        assert set(b) >= {"_id", "name"} and HEX24.match(b["_id"]), b


def check_task(task):
    missing = TASK_FIELDS - task.keys()
    assert not missing, f"task lacks {missing}: {task}"
    for k in ("_id", "project", "asset"):
        assert HEX24.match(task[k]), task
    assert ISO_MS.match(task["createdAt"]), task
    assert isinstance(task["batches"], list) and all(HEX24.match(b) for b in task["batches"]), task


# --- the client -------------------------------------------------------------------------------


class Api:
    """requests against one server with one key. Methods return the raw Response; the helpers
    named after operations assert success and return the interesting part of `data`."""

    def __init__(self, url, key):
        self.url = url
        self.key = key
        self.session = requests.Session()
        self.session.headers["apikey"] = key

    def request(self, method, path, **kw):
        kw.setdefault("timeout", 120)
        params = kw.pop("params", None)
        if params:
            # %20 for a space: in a query string '+' is a literal plus (only form bodies differ).
            path += "?" + urlencode(params, quote_via=quote)
        resp = self.session.request(method, self.url + path, **kw)
        validate_response(method, path, resp)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def raw(self, method, target, body=None, headers=None, auth=True):
        """Sends `target` byte-exact (no re-quoting); returns a RawResponse."""
        h = {"apikey": self.key} if auth else {}
        h.update(headers or {})
        return raw_request(self.url, method, target, body, h)

    # -- operations --

    def create_project(self, name=None, **fields):
        body = {"name": name or unique("project"), "description": "", **fields}
        return ok(self.post("/v2/project", json=body))["project"]

    def get_project(self, pid):
        return ok(self.get(f"/v2/project/{pid}"))["project"]

    def import_assets(self, pid, assets, batches=None, status=201, **top):
        params = {"batches": json.dumps(batches)} if batches is not None else None
        resp = self.post(f"/v2/project/{pid}/cloud", params=params, json={"assets": assets, **top})
        return ok(resp, status)["assets"]

    def list_assets(self, pid, **params):
        if isinstance(params.get("filters"), (dict, list)):
            params["filters"] = json.dumps(params["filters"])
        return ok(self.get(f"/v2/project/{pid}/assets", params=params))

    def all_assets(self, pid, **params):
        """Every page (limit 100) of a listing, in order."""
        out, page = [], 1
        while True:
            data = self.list_assets(pid, page=page, limit=100, **params)
            out += data["assets"]
            if len(data["assets"]) < 100:
                assert len(out) == data["total"], (len(out), data["total"])
                return out
            page += 1

    def asset_by_external_id(self, pid, external_id):
        found = self.list_assets(pid, filters={"externalId": external_id}, limit=100)["assets"]
        assert len(found) == 1, found
        return found[0]

    def list_tasks(self, pid, **params):
        if isinstance(params.get("filter"), dict):
            params["filter"] = json.dumps(params["filter"])
        return ok(self.get(f"/v2/project/{pid}/tasks", params=params))

    def ids(self, pid, **params):
        return {a["_id"] for a in self.all_assets(pid, **params)}


def seed_assets(api, pid, n, prefix="a", batches=None, **extra):
    """Imports n simple assets with externalIds prefix-0000...; returns them as listed, oldest
    first."""
    assets = [
        {"data": f"https://example.com/{prefix}/{i}.jpg", "externalId": f"{prefix}-{i:04d}", **extra} for i in range(n)
    ]
    created = api.import_assets(pid, assets, batches=batches)
    assert created["assetsCreated"] == n
    return api.all_assets(pid, sort="createdAt")


# --- byte-exact requests ----------------------------------------------------------------------


class RawResponse:
    def __init__(self, status, headers, body):
        self.status_code = status
        self.headers = headers
        self.content = body
        self.text = body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.content)


class _Headers(dict):
    def get(self, k, default=None):
        for key, v in self.items():
            if key.lower() == k.lower():
                return v
        return default


def raw_request(base_url, method, target, body=None, headers=None):
    """One request with the request-target exactly as given; body str or bytes."""
    u = urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    try:
        if isinstance(body, str):
            body = body.encode()
        conn.putrequest(method, target, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        return RawResponse(r.status, _Headers(r.getheaders()), r.read())
    finally:
        conn.close()


def sdk_json(obj):
    """json.dumps as the SDK calls it (default separators ', ' and ': ')."""
    return json.dumps(obj)


def sdk_query_json(obj):
    """A JSON value as `requests` re-quotes an f-string URL: { } " [ ] and space escaped; : , kept."""
    return quote(json.dumps(obj), safe=":,/=&?")


def s3_client(url, creds):
    """A boto3 S3 client of the built-in endpoint at `url`, with the credentials `admin s3-credentials`
    prints: path-style SigV4, no retries (a failure must show)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=url,
        aws_access_key_id=creds["accessKeyId"],
        aws_secret_access_key=creds["secretAccessKey"],
        region_name=creds["region"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )


NODE_TESTS = REPO / "tests" / "node"


def run_node_tests(url, creds, target):
    """Runs `node --test target` (under tests/node, installed with `npm ci` when the lock file's
    packages are missing) against the endpoint at `url` with the credentials `admin
    s3-credentials` prints; returns its stdout once it passed."""
    if not (NODE_TESTS / "node_modules" / ".package-lock.json").exists() or (
        (NODE_TESTS / "package-lock.json").stat().st_mtime > (NODE_TESTS / "node_modules" / ".package-lock.json").stat().st_mtime
    ):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_TESTS, check=True, capture_output=True, timeout=600)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "ASSETD_S3_ENDPOINT": url,
        "ASSETD_S3_BUCKET": creds["bucket"],
        "ASSETD_S3_REGION": creds["region"],
        "ASSETD_S3_ACCESS_KEY": creds["accessKeyId"],
        "ASSETD_S3_SECRET_KEY": creds["secretAccessKey"],
    }
    done = subprocess.run(["node", "--test", str(target)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "# fail 0" in done.stdout
    return done.stdout


def client_env(creds, home):
    """The environment of a command-line S3 client (awscli, s3cmd) with the key pair `creds` (what
    `admin s3-credentials` prints) and nothing of the caller's own configuration."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_ACCESS_KEY_ID": creds["accessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["secretAccessKey"],
        "AWS_DEFAULT_REGION": creds["region"],
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def run(cmd, env, timeout=180):
    """Runs a client command, which must succeed; returns its stdout."""
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def s3cmd_command(endpoint, creds, home):
    """s3cmd with a configuration file (in `home`) for the path-style endpoint `endpoint` and the key
    pair `creds`."""
    host = urlsplit(endpoint).netloc
    config = home / "s3cfg"
    config.write_text(
        "[default]\n"
        f"access_key = {creds['accessKeyId']}\nsecret_key = {creds['secretAccessKey']}\n"
        f"host_base = {host}\nhost_bucket = {host}\nuse_https = False\n"
        f"bucket_location = {creds['region']}\nsignature_v2 = False\n"
    )
    return ["s3cmd", "-c", str(config), "--no-progress"]
