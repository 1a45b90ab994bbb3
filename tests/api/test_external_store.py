"""The server's own objects on an external S3 service (`--blob s3://…`): what stops the start, where
the URLs point, that the built-in endpoint is off, and that the bucket outlives a restart.

The tests that talk to a service use the one scripts/test.sh starts (OpenStack Swift's s3api, named
in ASSETD_TEST_S3_*); run alone without it, they are skipped.
"""

import os
import subprocess

import pytest
import requests

from apilib import ok, unique
from conftest import assetd_binary

S3 = os.environ.get("ASSETD_TEST_S3_ENDPOINT", "").rstrip("/")
REGION = os.environ.get("ASSETD_TEST_S3_REGION", "us-east-1")
ACCESS_KEY = os.environ.get("ASSETD_TEST_S3_ACCESS_KEY", "test:tester")
SECRET_KEY = os.environ.get("ASSETD_TEST_S3_SECRET_KEY", "testing")
needs_s3 = pytest.mark.skipif(not S3, reason="ASSETD_TEST_S3_ENDPOINT is not set (scripts/test.sh sets it)")


def location(bucket, endpoint=None):
    return f"s3://{bucket}?endpoint={endpoint or S3}&region={REGION}&path_style=true"


def clean_env(**extra):
    """The environment without any object-store setting of the caller's, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSETD_BLOB")}
    env.update(extra)
    return env


def refused_start(tmp_path, *args, **env):
    """Runs `assetd serve` that must refuse to start: returns its stderr."""
    cmd = [str(assetd_binary()), "serve", "--data-dir", str(tmp_path / "data"), "--listen", "127.0.0.1:0", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=clean_env(**env))
    assert "assetd ready" not in done.stdout
    assert done.returncode == 1, done.stderr
    return done.stderr


def test_a_location_that_is_not_s3_stops_the_start(tmp_path):
    err = refused_start(tmp_path, "--blob", "gs://bucket")
    assert "blob: must be 'local' or s3://BUCKET?endpoint=" in err


def test_a_bad_parameter_is_named(tmp_path):
    err = refused_start(
        tmp_path, "--blob", "s3://assetd-x?regoin=us-east-1", "--blob-access-key", "k", "--blob-secret-key", "s"
    )
    assert "blob.regoin: unknown parameter" in err
    err = refused_start(tmp_path, "--blob", "s3://Bad_Bucket?endpoint=http://127.0.0.1:1")
    assert "blob.bucket: 'Bad_Bucket' is not a bucket name" in err


def test_keys_are_required_and_only_with_an_external_store(tmp_path):
    err = refused_start(tmp_path, "--blob", "s3://assetd-x?endpoint=http://127.0.0.1:1")
    assert "--blob s3://… needs --blob-access-key and --blob-secret-key" in err
    err = refused_start(tmp_path, "--blob-access-key", "k", "--blob-secret-key", "s")
    assert "apply only to --blob s3://…" in err


def test_an_unreachable_service_stops_the_start(tmp_path):
    err = refused_start(
        tmp_path,
        "--blob",
        location("assetd-x", "http://127.0.0.1:1"),
        "--blob-access-key",
        "k",
        "--blob-secret-key",
        "s",
    )
    assert "object store unreachable: GET http://127.0.0.1:1/assetd-x" in err


@needs_s3
def test_wrong_keys_stop_the_start_with_the_services_answer(tmp_path):
    bucket = unique("assetd-keys")
    err = refused_start(
        tmp_path,
        ASSETD_BLOB=location(bucket),
        ASSETD_BLOB_ACCESS_KEY=ACCESS_KEY,
        ASSETD_BLOB_SECRET_KEY="not-the-secret",
    )
    assert f"object store refused GET {bucket}?location (checking the bucket): SignatureDoesNotMatch (HTTP 403)" in err


@needs_s3
def test_objects_live_in_the_bucket_and_urls_point_at_the_service(server_factory):
    bucket = unique("assetd-ext")
    server = server_factory.new(
        extra_args=["--blob", location(bucket), "--blob-access-key", ACCESS_KEY, "--blob-secret-key", SECRET_KEY]
    )
    api = server.api()
    pid = server.bootstrap["projectId"]
    base = f"{S3}/{bucket}/assets/{server.bootstrap['organizationId']}/{pid}/"

    # A file written by the server itself (a chat conversation) is named by the service's URL.
    ok(api.post(f"/v2/project/{pid}/chat", data={"numberOfConversations": "1"}), 201)
    data = api.list_assets(pid, filters={"editorType": "llm"})["assets"][0]["data"]
    assert data.startswith(base) and data.endswith(".json")

    # The SDK's flow: upload and read URLs go straight to the service, which checks them.
    upload = ok(api.get("/v2/getUploadUrl", params={"name": "photo.png", "project": pid}), 201)["uploadUrl"]
    assert upload.startswith(base + "photo.png?") and "X-Amz-Signature=" in upload
    assert requests.put(upload, data=b"png bytes", timeout=30).status_code == 200
    assert requests.put(upload.replace("photo.png", "other.png"), data=b"x", timeout=30).status_code == 403

    def read(url):
        signed = ok(api.get("/v2/getSignedUrl", params={"url": url}), 201)["signedUrl"]
        assert signed.startswith(url + "?")
        return requests.get(signed, timeout=30)

    assert read(base + "photo.png").content == b"png bytes"
    assert read(data).content == b"[]"

    # The built-in S3 endpoint is off: the server answers its paths as unknown routes.
    builtin = requests.get(
        f"{server.url}/assetd/assets/{server.bootstrap['organizationId']}/{pid}/photo.png", timeout=30
    )
    assert builtin.status_code == 404 and "<Error>" not in builtin.text

    # The bucket is found again after a restart, objects and all.
    assert server.stop() == 0
    server.start()
    api = server.api()
    assert read(base + "photo.png").content == b"png bytes"
    assert read(data).content == b"[]"
