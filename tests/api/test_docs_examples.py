"""Every ```sh example of docs/api.md runs against a live server and succeeds, and every route has
one, so the documentation cannot drift from the server."""

import json
import re
import shutil
import subprocess

from pathlib import Path

import pytest

from conftest import LocalBlobs

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
MARK = "@@HTTP_STATUS@@"
# curl as the examples call it, but silent, failing loudly on transport errors, and printing
# each response's status after its body.
PRELUDE = "curl() { command curl -sS -w '\\n%s %%{http_code}\\n' \"$@\"; }\n" % MARK

ROUTES = [
    ("GET", "/v2/health"),
    ("POST", "/v2/project"),
    ("GET", "/v2/project/$PROJECT"),
    ("POST", "/v2/project/$PROJECT"),
    ("DELETE", "/v2/project/$PROJECT"),
    ("GET", "/v2/listProjects"),
    ("POST", "/v2/batches/$PROJECT"),
    ("POST", "/v2/project/$PROJECT/cloud"),
    ("POST", "/v2/project/$PROJECT/chat"),
    ("GET", "/v2/project/$PROJECT/assets"),
    ("DELETE", "/v2/project/$PROJECT/assets"),
    ("POST", "/v2/assets/$ASSET"),
    ("POST", "/v2/assignBatches"),
    ("GET", "/v2/project/$PROJECT/tasks"),
    ("GET", "/v2/task/$TASK"),
    ("GET", "/v2/getUploadUrl"),
    ("GET", "/v2/getSignedUrl"),
    ("POST", "/v2/storages"),
    ("GET", "/v2/storages"),
    ("DELETE", "/v2/storages/$STORAGE"),
    ("GET", "/v2/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/redoc.standalone.js"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
]


def sh_blocks():
    text = DOC.read_text()
    return re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M)


def method_and_path(block):
    """(method, path) of each curl call in a block, the path up to its query string."""
    calls = []
    for cmd in re.split(r"\n(?=curl )", block.replace("\\\n", " ")):
        if "curl" not in cmd:
            continue
        m = re.search(r"-X\s+([A-Z]+)", cmd)
        if m:
            method = m.group(1)
        elif re.search(r"(^|\s)(-G|--get)\s", cmd):
            method = "GET"
        elif re.search(r"(^|\s)(-d|--data\S*|-F|--form\S*|--json)\s", cmd):
            method = "POST"
        else:
            method = "GET"
        url = re.search(r"\$ASSETD(/[^\s\"'?]*)", cmd)
        if not url and uses_presigned_urls(cmd):
            continue  # a PUT or GET of the file itself, at a presigned URL
        assert url, f"no $ASSETD URL in: {cmd}"
        calls.append((method, url.group(1)))
    return calls


def test_every_route_has_an_example():
    documented = {call for block in sh_blocks() for call in method_and_path(block)}
    missing = [r for r in ROUTES if r not in documented]
    assert not missing, f"docs/api.md has no example for {missing}"


@pytest.fixture
def variables(server, api):
    """Fresh records for each example, so that a DELETE in one cannot break the next."""
    project = api.create_project(
        categorySchema={
            "tools": [{"tool": "bounding-box", "title": "car", "schemaId": "car"}],
            "classifications": [],
            "relations": [],
        }
    )["_id"]
    api.import_assets(
        project,
        [
            {"data": "https://example.com/cat.jpg", "externalId": "cat.jpg"},
            {"data": "https://example.com/dog.jpg", "externalId": "dog.jpg"},
        ],
        batches=["first"],
    )
    asset = api.asset_by_external_id(project, "cat.jpg")
    objects = server.admin_json("s3-credentials")
    storage = api.post(
        "/v2/storages",
        json={
            "name": "docs",
            "provider": "AWS",
            "bucket": "my-media",
            "region": "eu-central-1",
            "publicKey": "AKIAIOSFODNN7EXAMPLE",
            "privateKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        },
    ).json()["data"]["storage"]["_id"]
    return {
        "BUCKET": objects["bucket"],
        "REGION": objects["region"],
        "S3_KEY": objects["accessKeyId"],
        "S3_SECRET": objects["secretAccessKey"],
        "ASSETD": server.url,
        "KEY": api.key,
        "PROJECT": project,
        "ASSET": asset["_id"],
        "TASK": asset["labelTasks"][0],
        "BATCH": asset["batches"][0],
        "STORAGE": storage,
    }


@pytest.fixture(scope="module")
def builtin_store_server(server, server_factory):
    """The server whose built-in S3 endpoint the object-store examples use: the module's own, or,
    when its objects are on an external service (which keeps that endpoint off), one of the same
    backend with its objects in the built-in store."""
    if server.blobs.name == "local":
        return server
    return server_factory.new(blobs=LocalBlobs())


def is_object_store_example(block):
    """Examples of the built-in S3 endpoint (docs/api.md, "Object store") name the bucket."""
    return "$BUCKET" in block


def is_reference_example(block):
    """Examples of the API reference and the operators' routes: the document, the page and the
    metrics text are no success envelopes."""
    return re.search(r"\$ASSETD/(v2/openapi\.json|docs|metrics)\b", block) is not None


def uses_presigned_urls(block):
    """Examples that PUT or GET file bodies at URLs from getUploadUrl/getSignedUrl."""
    return "$upload_url" in block or "$signed_url" in block


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
@pytest.mark.parametrize("block", sh_blocks(), ids=lambda b: " ".join(b.split()[:6])[:60])
def test_example_succeeds(block, variables, builtin_store_server, tmp_path):
    if is_object_store_example(block):
        # The examples of the built-in S3 endpoint name only it, its bucket and its key pair.
        objects = builtin_store_server.admin_json("s3-credentials")
        variables = {
            **variables,
            "ASSETD": builtin_store_server.url,
            "BUCKET": objects["bucket"],
            "REGION": objects["region"],
            "S3_KEY": objects["accessKeyId"],
            "S3_SECRET": objects["secretAccessKey"],
        }
    done = subprocess.run(
        ["bash", "-euc", PRELUDE + block],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr}\n{done.stdout}"
    if is_object_store_example(block) or uses_presigned_urls(block) or is_reference_example(block):
        # S3 answers are XML or empty, the reference is a document and a page: every curl call
        # must succeed, every other command exit 0.
        for status in re.findall(rf"{MARK} (\d+)\n", done.stdout):
            assert 200 <= int(status) < 300, f"{status}:\n{done.stdout}"
        return
    pieces = re.split(rf"\n{MARK} (\d+)\n", done.stdout)
    assert len(pieces) >= 3 and pieces[-1] == "", f"no response seen:\n{done.stdout}"
    for body, status in zip(pieces[0::2], pieces[1::2]):
        assert 200 <= int(status) < 300, f"{status}: {body}"
        parsed = json.loads(body)
        assert parsed["status"] == "success" and isinstance(parsed["data"], dict), parsed


def test_sh_blocks_exist():
    assert len(sh_blocks()) >= len(ROUTES)
