"""The built-in S3-compatible endpoint, black-box: presigned URLs (boto3's and an independent
signer's), every refusal with S3's XML, ranges, CORS, an upload cut off mid-body, and real S3
clients: awscli (multipart past 8 MiB), s3cmd and @aws-sdk/client-s3 (tests/node)."""

import datetime
import hashlib
import hmac
import json
import os
import socket
import stat
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import boto3
import botocore.exceptions
from boto3.s3.transfer import TransferConfig
import pytest
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from prometheus_client.parser import text_string_to_metric_families

from apilib import client_env, run, run_node_tests, s3_client, s3cmd_command, unique

pytestmark = pytest.mark.builtin_store

REPO = Path(__file__).resolve().parents[2]
NODE_TESTS = REPO / "tests" / "node"
MIB = 1 << 20


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def creds(server):
    return server.admin_json("s3-credentials")


@pytest.fixture(scope="module")
def s3(server, creds):
    return s3_client(server.url, creds)


def presign(method, url, access_key, secret, when=None, expires=600, region="us-east-1"):
    """SigV4 query signing written from the AWS documentation, independent of the server's code and
    of boto3, with a chosen signing time."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    parts = urlsplit(url)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{region}/s3/aws4_request"
    params = parse_qsl(parts.query, keep_blank_values=True) + [
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Credential", f"{access_key}/{scope}"),
        ("X-Amz-Date", amz_date),
        ("X-Amz-Expires", str(expires)),
        ("X-Amz-SignedHeaders", "host"),
    ]
    enc = lambda s: quote(s, safe="-_.~")  # noqa: E731
    query = "&".join(f"{k}={v}" for k, v in sorted((enc(k), enc(v)) for k, v in params))
    path = quote(unquote(parts.path), safe="/-_.~")
    canonical = "\n".join([method, path, query, f"host:{parts.netloc}\n", "host", "UNSIGNED-PAYLOAD"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for piece in (amz_date[:8], region, "s3", "aws4_request"):
        key = hmac.new(key, piece.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{parts.scheme}://{parts.netloc}{path}?{query}&X-Amz-Signature={signature}"


def s3_error(resp, status, code):
    """Asserts S3's XML error document with this status and code; returns its fields."""
    assert resp.status_code == status, f"{resp.status_code}: {resp.text}"
    assert resp.headers["Content-Type"] == "application/xml"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    root = ET.fromstring(resp.content)
    assert root.tag == "Error"
    fields = {child.tag: child.text or "" for child in root}
    assert fields["Code"] == code, resp.text
    assert fields["RequestId"] == resp.headers["x-amz-request-id"]
    assert set(fields) >= {"Code", "Message", "Resource", "RequestId"}
    return fields


def tmp_files(server):
    """Files of uploads in progress (or left behind) in the data directory; not the record a
    completed upload leaves for a repeated Complete."""
    objects = server.data_dir / "objects"
    return [p for d in (".tmp", ".uploads") if (objects / d).exists() for p in (objects / d).rglob("*")
            if p.is_file() and p.name != "completed"]


def wait_for_no_tmp_files(server, limit_s=60):
    deadline = time.monotonic() + limit_s
    while tmp_files(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    return tmp_files(server)


# --- credentials --------------------------------------------------------------------------------


def test_admin_prints_the_endpoint_and_a_private_key_pair(server, creds):
    assert set(creds) == {"accessKeyId", "secretAccessKey", "region", "endpoint", "bucket"}
    assert creds["endpoint"] == server.url
    assert creds["bucket"] == "assetd" and creds["region"] == "us-east-1"
    assert len(creds["accessKeyId"]) >= 16 and len(creds["secretAccessKey"]) >= 32
    mode = stat.S_IMODE((server.data_dir / "s3-credentials.json").stat().st_mode)
    assert mode == 0o600


def test_the_key_pair_survives_a_restart_and_flags_override_it(server_factory):
    s = server_factory.new()
    first = s.admin_json("s3-credentials")
    s.stop()
    s.start()
    assert s.admin_json("s3-credentials")["secretAccessKey"] == first["secretAccessKey"]
    s.stop()

    override = server_factory.new(extra_args=["--s3-access-key", "AKIDSHAREDNODES0001", "--s3-secret-key", "shared-secret-of-the-cluster"])
    url = f"{override.url}/assetd/k"
    assert requests.put(presign("PUT", url, "AKIDSHAREDNODES0001", "shared-secret-of-the-cluster"), data=b"x").status_code == 200
    own = override.admin_json("s3-credentials")
    s3_error(requests.put(presign("PUT", url, own["accessKeyId"], own["secretAccessKey"]), data=b"x"), 403, "InvalidAccessKeyId")

    half = server_factory.new(start=False, extra_args=["--s3-access-key", "AKIDONLYHALF"])
    with pytest.raises(AssertionError, match="exited"):
        half.start()


# --- presigned URLs -----------------------------------------------------------------------------


def test_presigned_put_then_get_head_range_delete(server, creds, s3):
    body = os.urandom(300_000)
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "assetd", "Key": "photos/cat 1.jpg"}, ExpiresIn=600)
    put = requests.put(put_url, data=body)
    assert put.status_code == 200, put.text
    assert put.headers["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'

    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "assetd", "Key": "photos/cat 1.jpg"}, ExpiresIn=600)
    got = requests.get(get_url)
    assert got.status_code == 200 and got.content == body
    assert got.headers["ETag"] == put.headers["ETag"]
    assert got.headers["Accept-Ranges"] == "bytes"

    head = requests.head(s3.generate_presigned_url("head_object", Params={"Bucket": "assetd", "Key": "photos/cat 1.jpg"}))
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(body) and head.content == b""

    part = requests.get(get_url, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == body[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(body)}"
    tail = requests.get(get_url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == body[-10:]
    rest = requests.get(get_url, headers={"Range": f"bytes={len(body) - 5}-"})
    assert rest.status_code == 206 and rest.content == body[-5:]
    beyond = requests.get(get_url, headers={"Range": f"bytes={len(body)}-"})
    s3_error(beyond, 416, "InvalidRange")
    assert beyond.headers["Content-Range"] == f"bytes */{len(body)}"

    delete_url = s3.generate_presigned_url("delete_object", Params={"Bucket": "assetd", "Key": "photos/cat 1.jpg"})
    assert requests.delete(delete_url).status_code == 204
    assert requests.delete(delete_url).status_code == 204  # idempotent, as in S3
    s3_error(requests.get(get_url), 404, "NoSuchKey")


def test_independently_signed_url_and_signed_content_type(server, creds, s3):
    url = presign("PUT", f"{server.url}/assetd/indep/ü b+c.txt", creds["accessKeyId"], creds["secretAccessKey"])
    assert requests.put(url, data=b"independent").status_code == 200
    assert s3.get_object(Bucket="assetd", Key="indep/ü b+c.txt")["Body"].read() == b"independent"

    typed = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "assetd", "Key": "indep/typed.json", "ContentType": "application/json"}
    )
    s3_error(requests.put(typed, data=b"{}", headers={"Content-Type": "text/plain"}), 403, "SignatureDoesNotMatch")
    assert requests.put(typed, data=b"{}", headers={"Content-Type": "application/json"}).status_code == 200
    assert s3.head_object(Bucket="assetd", Key="indep/typed.json")["ContentType"] == "application/json"


def test_a_matching_if_none_match_answers_304_without_body_or_framing(server, s3):
    # A chunked 304 made Python's http.client (boto3, requests) wait for a chunk that never came.
    key = unique("cond") + ".txt"
    etag = s3.put_object(Bucket="assetd", Key=key, Body=b"conditional")["ETag"]
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "assetd", "Key": key})
    with requests.Session() as session:
        resp = session.get(url, headers={"If-None-Match": etag}, timeout=10)
        assert resp.status_code == 304 and resp.content == b""
        assert "Transfer-Encoding" not in resp.headers, resp.headers
        assert resp.headers["ETag"] == etag
        # The connection is still in step: the next request on it is answered normally.
        again = session.get(url, timeout=10)
        assert again.status_code == 200 and again.content == b"conditional"
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        s3.get_object(Bucket="assetd", Key=key, IfNoneMatch=etag)
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304


def test_refused_urls_answer_s3_xml(server, creds, s3):
    s3.put_object(Bucket="assetd", Key="guarded.txt", Body=b"secret")
    url = f"{server.url}/assetd/guarded.txt"
    good = presign("GET", url, creds["accessKeyId"], creds["secretAccessKey"])
    assert requests.get(good).content == b"secret"

    signature = good.rsplit("=", 1)[1]
    tampered = good[: -len(signature)] + ("0" if signature[0] != "0" else "1") + signature[1:]
    s3_error(requests.get(tampered), 403, "SignatureDoesNotMatch")
    s3_error(requests.get(good.replace("guarded.txt", "other.txt")), 403, "SignatureDoesNotMatch")

    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    expired = presign("GET", url, creds["accessKeyId"], creds["secretAccessKey"], when=past, expires=3600)
    fields = s3_error(requests.get(expired), 403, "AccessDenied")
    assert fields["Message"] == "Request has expired"

    s3_error(requests.get(presign("GET", url, creds["accessKeyId"], "not-the-secret")), 403, "SignatureDoesNotMatch")
    s3_error(requests.get(presign("GET", url, "AKIDNOBODYKNOWS00000", "x")), 403, "InvalidAccessKeyId")
    s3_error(requests.delete(good), 403, "SignatureDoesNotMatch")  # signed for GET, sent as DELETE
    s3_error(requests.put(good, data=b"overwrite"), 403, "SignatureDoesNotMatch")
    s3_error(requests.get(url), 403, "AccessDenied")  # not signed at all
    v2 = boto3.client(
        "s3", endpoint_url=server.url, aws_access_key_id=creds["accessKeyId"], aws_secret_access_key=creds["secretAccessKey"],
        config=Config(signature_version="s3", s3={"addressing_style": "path"}),
    ).generate_presigned_url("get_object", Params={"Bucket": "assetd", "Key": "guarded.txt"})
    s3_error(requests.get(v2), 400, "InvalidRequest")
    assert requests.get(good).content == b"secret"  # nothing above changed the object


def test_missing_objects_buckets_and_bad_keys(server, creds):
    sign = lambda method, path: presign(method, f"{server.url}{path}", creds["accessKeyId"], creds["secretAccessKey"])  # noqa: E731
    s3_error(requests.get(sign("GET", "/assetd/no/such/key")), 404, "NoSuchKey")
    s3_error(requests.get(sign("GET", "/other-bucket/key")), 404, "NoSuchBucket")
    # ".." is a part of the key like any other, never resolved as a path (sent with the dots
    # encoded, as HTTP clients would otherwise resolve them away).
    traversal = sign("PUT", "/assetd/dots/../b").replace("/dots/../b?", "/dots/%2E%2E/b?")
    assert requests.put(traversal, data=b"x").status_code == 200
    assert requests.get(sign("GET", "/assetd/dots/../b").replace("/dots/../b?", "/dots/%2E%2E/b?")).content == b"x"
    s3_error(requests.get(sign("GET", "/assetd/b")), 404, "NoSuchKey")
    s3_error(requests.put(sign("PUT", "/assetd/a%00b"), data=b"x"), 400, "InvalidArgument")
    s3_error(requests.put(sign("PUT", "/assetd/" + "k" * 1025), data=b"x"), 400, "KeyTooLongError")
    s3_error(requests.patch(sign("PATCH", "/assetd/key"), data=b"x"), 405, "MethodNotAllowed")
    assert requests.head(sign("HEAD", "/assetd/no/such/key")).status_code == 404


def test_paths_outside_v2_belong_to_the_endpoint(server):
    s3_error(requests.get(f"{server.url}/"), 403, "AccessDenied")
    s3_error(requests.get(f"{server.url}/v3/listProjects"), 403, "AccessDenied")
    assert requests.get(f"{server.url}/v2/health").json()["status"] == "success"


def test_cors_preflight_and_headers(server, s3):
    pre = requests.options(
        f"{server.url}/assetd/browser/upload.png",
        headers={
            "Origin": "https://labeling.example",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type,x-amz-date",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "PUT" in pre.headers["Access-Control-Allow-Methods"]
    assert pre.headers["Access-Control-Allow-Headers"] == "content-type,x-amz-date"
    assert int(pre.headers["Access-Control-Max-Age"]) > 0

    url = s3.generate_presigned_url("put_object", Params={"Bucket": "assetd", "Key": "browser/upload.png"})
    put = requests.put(url, data=b"png", headers={"Origin": "https://labeling.example"})
    assert put.status_code == 200
    assert put.headers["Access-Control-Allow-Origin"] == "*"
    exposed = {h.strip().lower() for h in put.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "x-amz-request-id"} <= exposed


# --- failure while uploading --------------------------------------------------------------------


def cut_upload(url, declared, sent):
    """A PUT that declares `declared` bytes, sends `sent` of them and closes the socket."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = f"PUT {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Length: {declared}\r\n\r\n"
        sock.sendall(head.encode() + b"x" * sent)


def answered_puts(server):
    """PUT requests the object endpoint has finished with, whatever their outcome (the server counts
    a request in /metrics once its handler has returned and its temporary files are gone)."""
    text = requests.get(f"{server.url}/metrics", timeout=30).text
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if s.name == "assetd_http_requests_total" and s.labels.get("route") == "objects" and s.labels.get("method") == "PUT"
    )


def test_an_interrupted_upload_leaves_nothing(server, s3):
    before = answered_puts(server)
    url = s3.generate_presigned_url("put_object", Params={"Bucket": "assetd", "Key": "cut/new.bin"})
    cut_upload(url, 5 * MIB, 1 * MIB)
    # The old version of an object survives an interrupted overwrite.
    s3.put_object(Bucket="assetd", Key="cut/old.bin", Body=b"old")
    cut_upload(s3.generate_presigned_url("put_object", Params={"Bucket": "assetd", "Key": "cut/old.bin"}), 2 * MIB, 100_000)

    # A cut upload is served after the client has gone: wait until the server is done with all
    # three, then nothing of the two cut ones may be left. (Waiting for the spool to be empty
    # alone could look between the first cut upload's end and the second one's start.)
    deadline = time.monotonic() + 60
    while answered_puts(server) < before + 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answered_puts(server) >= before + 3, "the server never finished the cut uploads"
    assert tmp_files(server) == []
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket="assetd", Key="cut/new.bin")
    assert s3.get_object(Bucket="assetd", Key="cut/old.bin")["Body"].read() == b"old"
    assert server.alive()
    assert requests.get(f"{server.url}/v2/health").status_code == 200


def test_a_payload_that_does_not_match_its_signed_hash_is_not_stored(server, creds, s3):
    url = f"{server.url}/assetd/hashed.bin"
    signed = AWSRequest(method="PUT", url=url, data=b"X" * 1000)
    S3SigV4Auth(Credentials(creds["accessKeyId"], creds["secretAccessKey"]), "s3", creds["region"]).add_auth(signed)
    headers = dict(signed.headers)
    assert headers["X-Amz-Content-SHA256"] == hashlib.sha256(b"X" * 1000).hexdigest()

    s3_error(requests.put(url, data=b"Y" * 1000, headers=headers), 400, "XAmzContentSHA256Mismatch")
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket="assetd", Key="hashed.bin")
    assert wait_for_no_tmp_files(server) == []
    assert requests.put(url, data=b"X" * 1000, headers=headers).status_code == 200


# --- listing and multipart with boto3 -------------------------------------------------------------


def test_list_objects_v2_pages_and_delimiters(s3):
    keys = [f"list/{d}/{i}.txt" for d in ("a", "b") for i in range(3)] + ["list/top.txt"]
    for key in keys:
        s3.put_object(Bucket="assetd", Key=key, Body=key.encode())
    seen = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="assetd", Prefix="list/", PaginationConfig={"PageSize": 2}):
        assert page["KeyCount"] <= 2
        seen += [o["Key"] for o in page.get("Contents", [])]
    assert seen == sorted(keys)
    folders = s3.list_objects_v2(Bucket="assetd", Prefix="list/", Delimiter="/")
    assert [p["Prefix"] for p in folders["CommonPrefixes"]] == ["list/a/", "list/b/"]
    assert [o["Key"] for o in folders["Contents"]] == ["list/top.txt"]
    after = s3.list_objects_v2(Bucket="assetd", Prefix="list/", StartAfter="list/b/0.txt")
    assert [o["Key"] for o in after["Contents"]] == ["list/b/1.txt", "list/b/2.txt", "list/top.txt"]
    assert s3.list_objects(Bucket="assetd", Prefix="list/a/", Marker="list/a/0.txt")["Contents"][0]["Key"] == "list/a/1.txt"


def test_multipart_upload_with_boto3(server, s3):
    key = "multi/part.bin"
    parts = [os.urandom(5 * MIB), os.urandom(123)]
    upload = s3.create_multipart_upload(Bucket="assetd", Key=key, ContentType="video/mp4")["UploadId"]
    etags = [
        s3.upload_part(Bucket="assetd", Key=key, UploadId=upload, PartNumber=n, Body=body)["ETag"]
        for n, body in enumerate(parts, start=1)
    ]
    done = s3.complete_multipart_upload(
        Bucket="assetd", Key=key, UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]},
    )
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert done["ETag"] == f'"{digest}-2"'
    got = s3.get_object(Bucket="assetd", Key=key)
    assert got["ContentType"] == "video/mp4" and got["Body"].read() == b"".join(parts)

    aborted = s3.create_multipart_upload(Bucket="assetd", Key="multi/aborted.bin")["UploadId"]
    s3.upload_part(Bucket="assetd", Key="multi/aborted.bin", UploadId=aborted, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket="assetd", Key="multi/aborted.bin", UploadId=aborted)
    with pytest.raises(s3.exceptions.ClientError) as error:
        s3.complete_multipart_upload(
            Bucket="assetd", Key="multi/aborted.bin", UploadId=aborted,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"00"'}]},
        )
    assert error.value.response["Error"]["Code"] == "NoSuchUpload"
    assert wait_for_no_tmp_files(server) == []


def test_upload_part_copy_with_boto3(server, s3):
    source_key = "copy/source file.bin"
    source = os.urandom(5 * MIB + 321)
    s3.put_object(Bucket="assetd", Key=source_key, Body=source, ContentType="video/mp4")
    key = "copy/joined.bin"
    upload = s3.create_multipart_upload(Bucket="assetd", Key=key, ContentType="video/mp4")["UploadId"]
    ranges = [(0, 5 * MIB - 1), (5 * MIB, len(source) - 1)]
    etags = []
    for n, (first, last) in enumerate(ranges, start=1):
        result = s3.upload_part_copy(
            Bucket="assetd", Key=key, UploadId=upload, PartNumber=n,
            CopySource={"Bucket": "assetd", "Key": source_key}, CopySourceRange=f"bytes={first}-{last}",
        )["CopyPartResult"]
        assert result["ETag"] == f'"{hashlib.md5(source[first:last + 1]).hexdigest()}"'
        assert isinstance(result["LastModified"], datetime.datetime)
        etags.append(result["ETag"])

    for bad_range in ("bytes=10-5", f"bytes=0-{len(source)}", "bytes=7-"):
        with pytest.raises(s3.exceptions.ClientError) as error:
            s3.upload_part_copy(
                Bucket="assetd", Key=key, UploadId=upload, PartNumber=3,
                CopySource={"Bucket": "assetd", "Key": source_key}, CopySourceRange=bad_range,
            )
        past_the_end = bad_range == f"bytes=0-{len(source)}"
        assert error.value.response["Error"]["Code"] == ("InvalidRange" if past_the_end else "InvalidArgument"), bad_range
    with pytest.raises(s3.exceptions.ClientError) as error:
        s3.upload_part_copy(
            Bucket="assetd", Key=key, UploadId=upload, PartNumber=3,
            CopySource={"Bucket": "assetd", "Key": "copy/absent.bin"},
        )
    assert error.value.response["Error"]["Code"] == "NoSuchKey"
    assert [p["PartNumber"] for p in s3.list_parts(Bucket="assetd", Key=key, UploadId=upload)["Parts"]] == [1, 2]

    done = s3.complete_multipart_upload(
        Bucket="assetd", Key=key, UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, start=1)]},
    )
    pieces = [source[first:last + 1] for first, last in ranges]
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in pieces)).hexdigest()
    assert done["ETag"] == f'"{digest}-2"'
    got = s3.get_object(Bucket="assetd", Key=key)
    assert got["ETag"] == done["ETag"] and got["Body"].read() == source

    # boto3's managed copy of a large object goes through UploadPartCopy.
    s3.copy({"Bucket": "assetd", "Key": source_key}, "assetd", "copy/managed.bin",
            Config=TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB))
    managed = s3.get_object(Bucket="assetd", Key="copy/managed.bin")
    assert managed["ETag"].endswith('-2"') and managed["Body"].read() == source
    assert wait_for_no_tmp_files(server) == []


def test_list_parts_and_multipart_uploads_with_boto3(s3):
    key = "listing/a.bin"
    upload = s3.create_multipart_upload(Bucket="assetd", Key=key)["UploadId"]
    etags = {n: s3.upload_part(Bucket="assetd", Key=key, UploadId=upload, PartNumber=n, Body=b"p" * n)["ETag"] for n in (3, 1, 2)}
    page = s3.list_parts(Bucket="assetd", Key=key, UploadId=upload, MaxParts=2)
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in page["Parts"]] == [(1, etags[1], 1), (2, etags[2], 2)]
    assert page["IsTruncated"] and page["NextPartNumberMarker"] == 2
    rest = s3.list_parts(Bucket="assetd", Key=key, UploadId=upload, PartNumberMarker=2)
    assert [p["PartNumber"] for p in rest["Parts"]] == [3] and not rest["IsTruncated"]
    for wrong_key, wrong_id in ((key, "0" * 32), ("listing/other.bin", upload)):
        with pytest.raises(s3.exceptions.ClientError) as error:
            s3.list_parts(Bucket="assetd", Key=wrong_key, UploadId=wrong_id)
        assert error.value.response["Error"]["Code"] == "NoSuchUpload"

    others = [s3.create_multipart_upload(Bucket="assetd", Key=k)["UploadId"] for k in ("listing/b.bin", "listing/sub/c.bin", "listing/sub/d.bin")]
    seen, markers = [], {}
    while True:
        page = s3.list_multipart_uploads(Bucket="assetd", Prefix="listing/", MaxUploads=1, **markers)
        seen += [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]
        assert all(u["Initiated"].year >= 2024 for u in page.get("Uploads", []))
        if not page["IsTruncated"]:
            break
        markers = {"KeyMarker": page["NextKeyMarker"], "UploadIdMarker": page["NextUploadIdMarker"]}
    assert seen == list(zip(["listing/a.bin", "listing/b.bin", "listing/sub/c.bin", "listing/sub/d.bin"], [upload, *others]))
    rolled = s3.list_multipart_uploads(Bucket="assetd", Prefix="listing/", Delimiter="/")
    assert [u["Key"] for u in rolled["Uploads"]] == ["listing/a.bin", "listing/b.bin"]
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["listing/sub/"]

    for k, u in seen:
        s3.abort_multipart_upload(Bucket="assetd", Key=k, UploadId=u)
    assert "Uploads" not in s3.list_multipart_uploads(Bucket="assetd", Prefix="listing/")


def test_abandoned_multipart_uploads_expire(server_factory):
    s = server_factory.new()
    creds = s.admin_json("s3-credentials")

    def client():
        return s3_client(s.url, creds)

    old = client().create_multipart_upload(Bucket="assetd", Key="old.bin")["UploadId"]
    client().upload_part(Bucket="assetd", Key="old.bin", UploadId=old, PartNumber=1, Body=b"x")
    young = client().create_multipart_upload(Bucket="assetd", Key="young.bin")["UploadId"]
    s.stop()
    # Two hours without activity, as a crashed client would leave it.
    then = time.time() - 2 * 3600
    for path in [*(s.data_dir / "objects" / ".uploads" / old).iterdir(), s.data_dir / "objects" / ".uploads" / old]:
        os.utime(path, (then, then))
    s.extra_args = ["--multipart-expiry-hours", "1"]
    s.start()
    deadline = time.time() + 30
    while time.time() < deadline and (s.data_dir / "objects" / ".uploads" / old).exists():
        time.sleep(0.1)
    listed = client().list_multipart_uploads(Bucket="assetd")
    assert [u["UploadId"] for u in listed["Uploads"]] == [young]
    s.stop()


def test_user_metadata_with_boto3(s3):
    key = "meta/photo.jpg"
    s3.put_object(
        Bucket="assetd", Key=key, Body=b"jpeg bytes", ContentType="image/jpeg",
        Metadata={"Camera": "Nikon D850", "taken-at": "2024-05-01"},
        CacheControl="max-age=60", ContentDisposition='attachment; filename="photo.jpg"',
    )
    kept = {"camera": "Nikon D850", "taken-at": "2024-05-01"}  # names come back lower-cased
    head = s3.head_object(Bucket="assetd", Key=key)
    assert head["Metadata"] == kept
    assert head["CacheControl"] == "max-age=60"
    assert head["ContentDisposition"] == 'attachment; filename="photo.jpg"'
    got = s3.get_object(Bucket="assetd", Key=key)
    assert got["Metadata"] == kept and got["Body"].read() == b"jpeg bytes"

    # CopyObject copies the source's metadata unless told to replace it.
    s3.copy_object(Bucket="assetd", Key="meta/copy.jpg", CopySource={"Bucket": "assetd", "Key": key})
    assert s3.head_object(Bucket="assetd", Key="meta/copy.jpg")["Metadata"] == kept
    s3.copy_object(
        Bucket="assetd", Key=key, CopySource={"Bucket": "assetd", "Key": key},
        Metadata={"camera": "edited"}, MetadataDirective="REPLACE", ContentType="image/jpeg",
    )
    replaced = s3.head_object(Bucket="assetd", Key=key)
    assert replaced["Metadata"] == {"camera": "edited"} and "CacheControl" not in replaced

    # A multipart upload keeps what CreateMultipartUpload named.
    upload = s3.create_multipart_upload(Bucket="assetd", Key="meta/multi.bin", Metadata={"batch": "7"})["UploadId"]
    etag = s3.upload_part(Bucket="assetd", Key="meta/multi.bin", UploadId=upload, PartNumber=1, Body=b"part")["ETag"]
    s3.complete_multipart_upload(
        Bucket="assetd", Key="meta/multi.bin", UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert s3.head_object(Bucket="assetd", Key="meta/multi.bin")["Metadata"] == {"batch": "7"}

    # S3's 2 KB limit on user metadata.
    with pytest.raises(s3.exceptions.ClientError) as error:
        s3.put_object(Bucket="assetd", Key="meta/too-much", Body=b"x", Metadata={"notes": "n" * 2100})
    assert error.value.response["Error"]["Code"] == "MetadataTooLarge"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket="assetd", Key="meta/too-much")
    s3.delete_objects(Bucket="assetd", Delete={"Objects": [{"Key": k} for k in (key, "meta/copy.jpg", "meta/multi.bin")]})


# --- standard clients ---------------------------------------------------------------------------


def test_awscli_copies_listing_and_removal(server, creds, tmp_path):
    env = client_env(creds, tmp_path)
    aws = ["aws", "--endpoint-url", server.url]
    source = tmp_path / "video.bin"
    source.write_bytes(os.urandom(20 * MIB))  # past awscli's 8 MiB threshold: a multipart upload

    run(aws + ["s3", "cp", "--no-progress", str(source), "s3://assetd/cli/video.bin"], env)
    head = json.loads(run(aws + ["s3api", "head-object", "--bucket", "assetd", "--key", "cli/video.bin"], env))
    assert head["ContentLength"] == 20 * MIB
    assert head["ETag"].endswith('-3"')  # three 8 MiB parts
    assert "video.bin" in run(aws + ["s3", "ls", "s3://assetd/cli/"], env)
    back = tmp_path / "back.bin"
    run(aws + ["s3", "cp", "--no-progress", "s3://assetd/cli/video.bin", str(back)], env)
    assert back.read_bytes() == source.read_bytes()
    run(aws + ["s3", "rm", "s3://assetd/cli/video.bin"], env)
    gone = subprocess.run(aws + ["s3api", "head-object", "--bucket", "assetd", "--key", "cli/video.bin"], env=env, capture_output=True, text=True)
    assert gone.returncode != 0 and "404" in gone.stderr
    assert wait_for_no_tmp_files(server) == []


def test_s3cmd_put_ls_get_del(server, creds, tmp_path):
    env = client_env(creds, tmp_path)
    s3cmd = s3cmd_command(server.url, creds, tmp_path)
    small = tmp_path / "small.txt"
    small.write_text("hello from s3cmd\n")
    large = tmp_path / "large.bin"
    large.write_bytes(os.urandom(17 * MIB))  # past s3cmd's 15 MiB chunks: multipart

    run(s3cmd + ["put", str(small), "s3://assetd/s3cmd/small.txt"], env)
    run(s3cmd + ["put", str(large), "s3://assetd/s3cmd/large.bin"], env)
    listing = run(s3cmd + ["ls", "s3://assetd/s3cmd/"], env)
    assert "s3://assetd/s3cmd/small.txt" in listing and "s3://assetd/s3cmd/large.bin" in listing
    back = tmp_path / "back.bin"
    run(s3cmd + ["get", "--force", "s3://assetd/s3cmd/large.bin", str(back)], env)
    assert back.read_bytes() == large.read_bytes()
    info = run(s3cmd + ["info", "s3://assetd/s3cmd/small.txt"], env)
    assert hashlib.md5(small.read_bytes()).hexdigest() in info
    run(s3cmd + ["del", "s3://assetd/s3cmd/small.txt", "s3://assetd/s3cmd/large.bin"], env)
    assert "s3cmd/" not in run(s3cmd + ["ls", "-r", "s3://assetd/s3cmd/"], env)


def test_aws_sdk_for_javascript(server, creds):
    assert "# pass 6" in run_node_tests(server.url, creds, NODE_TESTS / "object_store.test.mjs")
