"""Browser form uploads (S3's POST Object with a SigV4 POST policy), black-box: boto3's
generate_presigned_post and requests' multipart forms, against the built-in endpoint and Swift's
s3api; policies of our own (a past expiration, tampered ones) are signed here from the AWS
documentation, independently of the server's code."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import socket
import time
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import botocore.exceptions
import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from apilib import NODE_TESTS, run_node_tests

pytestmark = pytest.mark.builtin_store

MIB = 1 << 20


@pytest.fixture
def target(s3_target):
    """The S3 service under test, if it implements POST Object."""
    s3_target.skip_unless(s3_target.builtin, "Swift's s3api does not implement POST Object (browser form "
                          "uploads): it answers a policy-signed form with 412 Bad URL")
    return s3_target


def s3_error(resp, status, code):
    assert resp.status_code == status, f"{resp.status_code}: {resp.text}"
    root = ET.fromstring(resp.content)
    fields = {child.tag: child.text or "" for child in root}
    assert fields["Code"] == code, resp.text
    return fields


def unique_key(prefix="post/"):
    return prefix + uuid.uuid4().hex[:12]


def presigned(target, key, fields=None, conditions=None, expires=600):
    return target.client.generate_presigned_post(
        target.bucket, key, Fields=fields, Conditions=conditions, ExpiresIn=expires)


def post(form, content=b"hello", filename="hello.txt", data=None, files=None, **kwargs):
    fields = dict(form["fields"])
    fields.update(data or {})
    files = files if files is not None else {"file": (filename, content)}
    return requests.post(form["url"], data=fields, files=files, allow_redirects=False, timeout=120,
                         **kwargs)


def signed_form(target, key, policy_doc, extra_fields=None, access_key=None, secret=None):
    """A form signed here: the policy as given, with the SigV4 fields added to it."""
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    credential = f"{access_key or target.access_key}/{amz_date[:8]}/{target.region}/s3/aws4_request"
    fields = {"key": key, "x-amz-algorithm": "AWS4-HMAC-SHA256", "x-amz-credential": credential,
              "x-amz-date": amz_date, **(extra_fields or {})}
    doc = dict(policy_doc)
    doc["conditions"] = list(doc["conditions"]) + [
        {"x-amz-algorithm": "AWS4-HMAC-SHA256"}, {"x-amz-credential": credential}, {"x-amz-date": amz_date}]
    policy = base64.b64encode(json.dumps(doc).encode()).decode()
    key_bytes = ("AWS4" + (secret or target.secret_key)).encode()
    for piece in (amz_date[:8], target.region, "s3", "aws4_request"):
        key_bytes = hmac.new(key_bytes, piece.encode(), hashlib.sha256).digest()
    fields["policy"] = policy
    fields["x-amz-signature"] = hmac.new(key_bytes, policy.encode(), hashlib.sha256).hexdigest()
    return {"url": f"{target.endpoint}/{target.bucket}", "fields": fields}


def expiration(seconds):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def stored(target, key):
    return target.client.get_object(Bucket=target.bucket, Key=key)


def absent(target, key):
    try:
        target.client.head_object(Bucket=target.bucket, Key=key)
    except botocore.exceptions.ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    return False


# --- success ---------------------------------------------------------------------------------------


def test_default_status_is_204_and_object_is_stored(target):
    key = unique_key()
    resp = post(presigned(target, key), content=b"form body")
    assert resp.status_code == 204, resp.text
    etag = '"' + hashlib.md5(b"form body").hexdigest() + '"'
    assert resp.headers["ETag"] == etag
    assert stored(target, key)["Body"].read() == b"form body"
    if target.builtin:
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        exposed = [h.strip().lower() for h in resp.headers["Access-Control-Expose-Headers"].split(",")]
        assert "etag" in exposed and "location" in exposed
        assert resp.headers["Location"].endswith(f"/{target.bucket}/{key}")


@pytest.mark.parametrize("status", ["200", "201", "204"])
def test_success_action_status(target, status):
    key = unique_key()
    form = presigned(target, key, fields={"success_action_status": status},
                     conditions=[{"success_action_status": status}])
    resp = post(form, content=b"status " + status.encode())
    assert resp.status_code == int(status), resp.text
    if status == "201":
        root = ET.fromstring(resp.content)
        assert root.tag.endswith("PostResponse")
        values = {child.tag.split("}")[-1]: child.text for child in root}
        assert values["Bucket"] == target.bucket
        assert values["Key"] == key
        assert values["ETag"] == '"' + hashlib.md5(b"status 201").hexdigest() + '"'
        assert values["Location"].endswith(key)
    assert stored(target, key)["Body"].read() == b"status " + status.encode()


def test_success_action_redirect(target):
    key = unique_key()
    target_url = "https://example.com/done?from=form"
    form = presigned(target, key, fields={"success_action_redirect": target_url},
                     conditions=[{"success_action_redirect": target_url}])
    resp = post(form, content=b"redirected")
    assert resp.status_code == 303, resp.text
    location = urlsplit(resp.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "example.com", "/done")
    query = parse_qs(location.query)
    assert query["from"] == ["form"]
    assert query["bucket"] == [target.bucket]
    assert query["key"] == [key]
    assert query["etag"] == ['"' + hashlib.md5(b"redirected").hexdigest() + '"']


def test_filename_substitution_and_starts_with_key(target):
    prefix = unique_key() + "/"
    form = presigned(target, prefix + "${filename}")  # boto3 makes it a starts-with condition
    assert ["starts-with", "$key", prefix] in json.loads(base64.b64decode(form["fields"]["policy"]))["conditions"]
    resp = post(form, content=b"named", filename="photo.jpg")
    assert resp.status_code == 204, resp.text
    assert stored(target, prefix + "photo.jpg")["Body"].read() == b"named"

    # A key outside the prefix is refused.
    form["fields"]["key"] = "elsewhere/" + uuid.uuid4().hex
    resp = post(form)
    fields = s3_error(resp, 403, "AccessDenied")
    if target.builtin:
        assert fields["Message"].startswith("Invalid according to Policy: Policy Condition failed:")
    assert absent(target, form["fields"]["key"])


def test_content_type_metadata_and_stored_headers(target):
    key = unique_key()
    fields = {"Content-Type": "image/png", "x-amz-meta-camera": "Nikon D850", "Cache-Control": "max-age=60",
              "Content-Disposition": 'attachment; filename="p.png"'}
    conditions = [["starts-with", "$Content-Type", "image/"], {"x-amz-meta-camera": "Nikon D850"},
                  {"Cache-Control": "max-age=60"}, ["starts-with", "$Content-Disposition", ""]]
    resp = post(presigned(target, key, fields=fields, conditions=conditions), content=b"\x89PNG")
    assert resp.status_code == 204, resp.text
    head = target.client.head_object(Bucket=target.bucket, Key=key)
    assert head["ContentType"] == "image/png"
    assert head["Metadata"] == {"camera": "Nikon D850"}
    assert head["CacheControl"] == "max-age=60"
    assert head["ContentDisposition"] == 'attachment; filename="p.png"'
    assert head["ContentLength"] == 4


def test_content_language_and_expires_fields_are_kept(target):
    key = unique_key()
    fields = {"Content-Language": "de-CH", "Expires": "Wed, 21 Oct 2037 07:28:00 GMT"}
    conditions = [{"Content-Language": "de-CH"}, {"Expires": "Wed, 21 Oct 2037 07:28:00 GMT"}]
    resp = post(presigned(target, key, fields=fields, conditions=conditions))
    assert resp.status_code == 204, resp.text
    head = target.client.head_object(Bucket=target.bucket, Key=key)
    assert head["ContentLanguage"] == "de-CH"
    assert head["ResponseMetadata"]["HTTPHeaders"]["expires"] == "Wed, 21 Oct 2037 07:28:00 GMT"


@pytest.mark.parametrize("field,value,status", [
    ("x-amz-server-side-encryption", "AES256", 501),
    ("x-amz-server-side-encryption", "aws:kms", 501),
    ("x-amz-server-side-encryption-customer-algorithm", "AES256", 501),
    ("tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>", 501),
    ("x-amz-storage-class", "GLACIER", 501),
    ("acl", "public-read", 501),
])
def test_fields_asking_for_what_the_store_would_not_honour_are_refused(target, field, value, status):
    """As on PutObject: a form that asks for encryption, tags, another storage class or a public ACL
    is refused, not stored as if it had been honoured."""
    key = unique_key()
    resp = post(presigned(target, key, fields={field: value}, conditions=[{field: value}]))
    s3_error(resp, status, "NotImplemented")
    assert absent(target, key)


# --- policy violations ------------------------------------------------------------------------------


def test_content_length_range(target):
    key = unique_key()
    form = presigned(target, key, conditions=[["content-length-range", 5, 10]])
    s3_error(post(form, content=b"1234"), 400, "EntityTooSmall")
    assert absent(target, key)
    s3_error(post(form, content=b"12345678901"), 400, "EntityTooLarge")
    assert absent(target, key)
    assert post(form, content=b"12345").status_code == 204
    assert post(form, content=b"1234567890").status_code == 204


def test_wrong_content_type(target):
    key = unique_key()
    form = presigned(target, key, fields={"Content-Type": "image/png"}, conditions=[{"Content-Type": "image/png"}])
    fields = s3_error(post(form, data={"Content-Type": "text/html"}), 403, "AccessDenied")
    if target.builtin:
        assert fields["Message"] == ('Invalid according to Policy: Policy Condition failed: '
                                     '["eq", "$Content-Type", "image/png"]')
    assert absent(target, key)


def test_extra_field_not_in_policy(target):
    key = unique_key()
    fields = s3_error(post(presigned(target, key), data={"x-amz-meta-sneaky": "1"}), 403, "AccessDenied")
    if target.builtin:
        assert fields["Message"] == "Invalid according to Policy: Extra input fields: x-amz-meta-sneaky"
    assert absent(target, key)
    # x-ignore-* fields need no condition.
    assert post(presigned(target, key), data={"x-ignore-note": "1"}).status_code == 204


def test_metadata_condition(target):
    key = unique_key()
    form = presigned(target, key, fields={"x-amz-meta-owner": "alice"},
                     conditions=[["starts-with", "$x-amz-meta-owner", "ali"]])
    s3_error(post(form, data={"x-amz-meta-owner": "bob"}), 403, "AccessDenied")
    assert absent(target, key)
    assert post(form, data={"x-amz-meta-owner": "alicia"}).status_code == 204
    assert stored(target, key)["Metadata"] == {"owner": "alicia"}


def test_expired_policy(target):
    key = unique_key()
    doc = {"expiration": expiration(-60), "conditions": [{"bucket": target.bucket}, {"key": key}]}
    fields = s3_error(post(signed_form(target, key, doc)), 403, "AccessDenied")
    if target.builtin:
        assert fields["Message"] == "Invalid according to Policy: Policy expired."
    assert absent(target, key)
    # The same policy with a future expiration, signed the same way, is accepted.
    doc["expiration"] = expiration(600)
    assert post(signed_form(target, key, doc)).status_code == 204


def test_tampered_policy_and_signature(target):
    key = unique_key()
    form = presigned(target, key)
    doc = json.loads(base64.b64decode(form["fields"]["policy"]))
    doc["conditions"] = [c for c in doc["conditions"] if not (isinstance(c, dict) and "key" in c)]
    doc["conditions"].append(["starts-with", "$key", ""])
    tampered = dict(form, fields=dict(form["fields"], policy=base64.b64encode(json.dumps(doc).encode()).decode()))
    s3_error(post(tampered), 403, "SignatureDoesNotMatch")
    signature = form["fields"]["x-amz-signature"]
    bad = "0" if signature[0] != "0" else "1"
    forged = dict(form, fields=dict(form["fields"], **{"x-amz-signature": bad + signature[1:]}))
    s3_error(post(forged), 403, "SignatureDoesNotMatch")
    assert absent(target, key)


def test_wrong_secret_and_unknown_key_id(target):
    key = unique_key()
    doc = {"expiration": expiration(600), "conditions": [{"bucket": target.bucket}, {"key": key}]}
    s3_error(post(signed_form(target, key, doc, secret="not-the-secret")), 403, "SignatureDoesNotMatch")
    s3_error(post(signed_form(target, key, doc, access_key="AKIDUNKNOWN0000000")), 403, "InvalidAccessKeyId")
    assert absent(target, key)


def test_invalid_policy_document(target):
    key = unique_key()
    form = signed_form(target, key, {"expiration": "not a time", "conditions": []})
    s3_error(post(form), 400, "InvalidPolicyDocument")
    assert absent(target, key)


# --- malformed forms ------------------------------------------------------------------------------


def test_missing_file(target):
    key = unique_key()
    form = presigned(target, key)
    resp = requests.post(form["url"], files={k: (None, v) for k, v in form["fields"].items()}, timeout=30)
    s3_error(resp, 400, "IncorrectNumberOfFilesInPostRequest")
    assert absent(target, key)


def test_two_files(target):
    key = unique_key()
    form = presigned(target, key)
    resp = post(form, files=[("file", ("a.txt", b"one")), ("file", ("b.txt", b"two"))])
    s3_error(resp, 400, "IncorrectNumberOfFilesInPostRequest")
    assert absent(target, key)


def test_missing_key_field(target):
    form = presigned(target, unique_key())
    del form["fields"]["key"]
    s3_error(post(form), 400, "InvalidArgument")


def test_fields_after_the_file_are_ignored(target):
    key = unique_key()
    form = presigned(target, key)
    parts = [(k, (None, v)) for k, v in form["fields"].items()]
    parts += [("file", ("a.txt", b"body")), ("x-amz-meta-late", (None, "ignored"))]
    resp = requests.post(form["url"], files=parts, timeout=30)
    assert resp.status_code == 204, resp.text
    assert stored(target, key)["Metadata"] == {}


def answered_posts(server):
    """POST requests the object endpoint has finished with (counted in /metrics once the handler
    has returned and its temporary files are gone)."""
    text = requests.get(f"{server.url}/metrics", timeout=30).text
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "assetd_http_requests_total" and s.labels.get("route") == "objects"
        and s.labels.get("method") == "POST")


def test_cut_off_upload_stores_nothing(server, target):
    key = unique_key()
    target.client.put_object(Bucket=target.bucket, Key=key, Body=b"old")
    form = presigned(target, key)
    boundary = "CutOffBoundary"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in form["fields"].items())
    body += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n'.encode()
    body += b"x" * (3 * MIB)
    before = answered_posts(server)
    url = urlsplit(form["url"])
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        head = (f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {len(body) + MIB}\r\n\r\n").encode()
        sock.sendall(head + body)
    deadline = time.monotonic() + 60
    while answered_posts(server) < before + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answered_posts(server) >= before + 1, "the server never finished the cut upload"
    spool = server.data_dir / "objects" / ".tmp"
    assert [p for p in spool.rglob("*") if p.is_file()] == []
    assert stored(target, key)["Body"].read() == b"old"  # the old object is untouched


# --- size ----------------------------------------------------------------------------------------------


def server_peak_rss(server):
    for line in (open(f"/proc/{server.proc.pid}/status").read().splitlines()):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_large_file_is_streamed(server, target, tmp_path):
    size = 64 * MIB
    path = tmp_path / "big.bin"
    chunk = os.urandom(MIB)
    digest = hashlib.md5()
    with open(path, "wb") as f:
        for i in range(size // MIB):
            piece = bytes([i % 256]) + chunk[1:]
            f.write(piece)
            digest.update(piece)
    key = unique_key()
    form = presigned(target, key, conditions=[["content-length-range", 0, size]])
    before = server_peak_rss(server) if target.builtin else 0
    with open(path, "rb") as f:
        resp = post(form, files={"file": ("big.bin", f)})
    assert resp.status_code == 204, resp.text
    assert resp.headers["ETag"] == f'"{digest.hexdigest()}"'
    head = target.client.head_object(Bucket=target.bucket, Key=key)
    assert head["ContentLength"] == size
    if target.builtin:
        grown = server_peak_rss(server) - before
        assert grown < 32 * MIB, f"the server's peak memory grew by {grown} bytes for a 64 MiB upload"


# --- CORS ----------------------------------------------------------------------------------------------


def test_preflight_allows_post(server):
    resp = requests.options(f"{server.url}/assetd", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST"}, timeout=30)
    assert resp.status_code == 200
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]


# --- @aws-sdk/s3-presigned-post ---------------------------------------------------------------------


def test_aws_sdk_presigned_post(server):
    out = run_node_tests(server.url, server.admin_json("s3-credentials"), NODE_TESTS / "form_upload.mjs")
    assert "# pass 1" in out


# --- rate limit ----------------------------------------------------------------------------------------


def test_bad_form_signatures_are_rate_limited(server_factory):
    s = server_factory.new(extra_args=["--auth-fail-rate", "0.01", "--auth-fail-burst", "3"])
    creds = s.admin_json("s3-credentials")
    target = type("Target", (), {"endpoint": s.url, "bucket": creds["bucket"], "region": creds["region"],
                                 "access_key": creds["accessKeyId"], "secret_key": creds["secretAccessKey"]})
    key = unique_key()
    doc = {"expiration": expiration(600), "conditions": [{"bucket": creds["bucket"]}, {"key": key}]}
    for _ in range(3):
        s3_error(post(signed_form(target, key, doc, secret="wrong")), 403, "SignatureDoesNotMatch")
    s3_error(post(signed_form(target, key, doc)), 503, "SlowDown")  # even a good one waits now
