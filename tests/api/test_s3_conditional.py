"""Conditional requests and exactly kept headers on the S3 endpoint, run against the built-in one
and against Swift's s3api (`s3_target`): If-Match / If-None-Match / If-Modified-Since /
If-Unmodified-Since on GET and HEAD with S3's precedence, conditional writes (PutObject,
CompleteMultipartUpload, DeleteObject, CopyObject's target) and a copy's source conditions;
Expires, Content-Language, Content-Encoding and user metadata answered byte for byte. Where
clients normalise headers (boto3, requests), the requests go over a raw socket, signed here."""

import datetime
import hashlib
import email.utils
import hmac
import re
import socket
import threading
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlsplit

import botocore.exceptions
import pytest
import requests

from apilib import NODE_TESTS, run_node_tests, s3_client, unique

pytestmark = pytest.mark.builtin_store

MIB = 1 << 20


# --- helpers ------------------------------------------------------------------------------------


def with_headers(client, operation, headers, call):
    """Runs `call()` with `headers` added to the request of `operation` before it is signed (the
    installed botocore has no IfMatch/IfNoneMatch parameters on writes)."""

    def add(request, **_):
        for name, value in headers.items():
            del request.headers[name]  # botocore's headers add a line per assignment
            request.headers[name] = value

    event = f"before-sign.s3.{operation}"
    client.meta.events.register_first(event, add)
    try:
        return call()
    finally:
        client.meta.events.unregister(event, add)


def failure(call):
    """(HTTP status, S3 error code) of a boto3 call that must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    response = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"].get("Code")


def outcome_of(call):
    """failure(call), or None when the call succeeds (a service that ignores the condition)."""
    try:
        return failure(call)
    except pytest.fail.Exception:
        return None


def http_date(when):
    return email.utils.format_datetime(when.astimezone(datetime.timezone.utc), usegmt=True)


def signing_key(secret, day, region):
    key = ("AWS4" + secret).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def signed_head(target, method, key, headers, length, query=""):
    """The head of a request of `length` body bytes with header values as the exact bytes given (a
    list of (name, bytes); a repeated name goes out as separate lines), SigV4-signed here over
    those bytes with UNSIGNED-PAYLOAD, for sending over a raw socket. `query`: one parameter
    without a value ("uploads") or "name=value"."""
    parts = urlsplit(target.endpoint)
    path = "/" + target.bucket + "/" + quote(key, safe="/~")
    amz_date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{target.region}/s3/aws4_request"
    lines = list(headers) + [("host", parts.netloc.encode()), ("x-amz-date", amz_date.encode()),
                             ("x-amz-content-sha256", b"UNSIGNED-PAYLOAD")]
    names = sorted({n for n, _ in lines})
    # SigV4's canonical value: trimmed, runs of spaces as one, several lines joined with ','.
    canonical_headers = b"".join(
        n.encode() + b":" + b",".join(re.sub(rb" +", b" ", v.strip())
                                      for m, v in lines if m == n) + b"\n" for n in names)
    canonical_query = query if "=" in query or not query else query + "="
    canonical = b"\n".join([method.encode(), path.encode(), canonical_query.encode(), canonical_headers,
                            ";".join(names).encode(),
                            b"UNSIGNED-PAYLOAD"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical).hexdigest()])
    signature = hmac.new(signing_key(target.secret_key, amz_date[:8], target.region), to_sign.encode(),
                         hashlib.sha256).hexdigest()
    lines.append(("authorization", f"AWS4-HMAC-SHA256 Credential={target.access_key}/{scope}, "
                                   f"SignedHeaders={';'.join(names)}, Signature={signature}".encode()))
    lines.append(("content-length", str(length).encode()))
    target_line = path + ("?" + query if query else "")
    return f"{method} {target_line} HTTP/1.1\r\n".encode() + b"".join(n.encode() + b": " + v + b"\r\n"
                                                               for n, v in lines) + b"\r\n"


def read_all(sock):
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def raw_request(target, method, key, headers=(), body=b"", query=""):
    """One signed request (see signed_head) on a fresh connection. Returns (status,
    [(lower-case name, value bytes)], body)."""
    parts = urlsplit(target.endpoint)
    head = signed_head(target, method, key, list(headers) + [("connection", b"close")], len(body), query)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        sock.sendall(head + body)
        data = read_all(sock)
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.split(b"\r\n")
    got = []
    for line in header_lines:
        name, _, value = line.partition(b":")
        got.append((name.decode().lower(), value.strip(b" \t")))
    return int(status_line.split()[1]), got, rest


def values(headers, name):
    return [v for n, v in headers if n == name]


def presigned_get(target, key, headers):
    url = target.client.generate_presigned_url("get_object", Params={"Bucket": target.bucket, "Key": key})
    return requests.get(url, headers=headers, timeout=20)


def presigned_head(target, key, headers):
    url = target.client.generate_presigned_url("head_object", Params={"Bucket": target.bucket, "Key": key})
    return requests.head(url, headers=headers, timeout=20)


def put(target, key, body, **kw):
    return target.client.put_object(Bucket=target.bucket, Key=key, Body=body, **kw)


def body_of(target, key):
    return target.client.get_object(Bucket=target.bucket, Key=key)["Body"].read()


# --- reads: GET and HEAD ------------------------------------------------------------------------


def test_if_modified_since_and_if_unmodified_since_on_get_and_head(s3_target):
    key = unique("cond") + ".txt"
    etag = put(s3_target, key, b"dated")["ETag"]
    modified = s3_target.client.head_object(Bucket=s3_target.bucket, Key=key)["LastModified"]
    same, before = http_date(modified), http_date(modified - datetime.timedelta(seconds=1))
    after = http_date(modified + datetime.timedelta(seconds=1))
    for request in (presigned_get, presigned_head):
        # Not modified since the second Last-Modified names, nor since later: 304 with the
        # validators and no body.
        for date in (same, after):
            resp = request(s3_target, key, {"If-Modified-Since": date})
            assert resp.status_code == 304, (request.__name__, date, resp.status_code)
            assert resp.content == b"" and "Transfer-Encoding" not in resp.headers
            assert resp.headers["ETag"] == etag
            assert resp.headers["Last-Modified"] == same
        assert request(s3_target, key, {"If-Modified-Since": before}).status_code == 200
        # Modified after the date: 412.
        assert request(s3_target, key, {"If-Unmodified-Since": before}).status_code == 412
        for date in (same, after):
            assert request(s3_target, key, {"If-Unmodified-Since": date}).status_code == 200
    resp = presigned_get(s3_target, key, {"If-Unmodified-Since": before})
    assert ET.fromstring(resp.content).findtext("Code") == "PreconditionFailed"
    # boto3's own parameters reach the same answers.
    assert failure(lambda: s3_target.client.get_object(Bucket=s3_target.bucket, Key=key,
                                                       IfModifiedSince=modified))[0] == 304
    assert failure(lambda: s3_target.client.head_object(
        Bucket=s3_target.bucket, Key=key, IfUnmodifiedSince=modified - datetime.timedelta(seconds=1))) == (
        412, "412")
    got = s3_target.client.get_object(Bucket=s3_target.bucket, Key=key, IfUnmodifiedSince=modified)
    assert got["Body"].read() == b"dated"


def test_all_three_http_date_forms_are_understood(s3_target):
    key = unique("cond") + ".txt"
    put(s3_target, key, b"old forms")
    modified = s3_target.client.head_object(Bucket=s3_target.bucket, Key=key)["LastModified"]
    later = (modified + datetime.timedelta(seconds=5)).astimezone(datetime.timezone.utc)
    earlier = (modified - datetime.timedelta(seconds=5)).astimezone(datetime.timezone.utc)
    for when, status in ((later, 304), (earlier, 200)):
        forms = [http_date(when), when.strftime("%A, %d-%b-%y %H:%M:%S GMT"),
                 when.strftime("%a %b ") + f"{when.day:>2}" + when.strftime(" %H:%M:%S %Y")]
        for form in forms:
            assert presigned_get(s3_target, key, {"If-Modified-Since": form}).status_code == status, form
    # What is no HTTP-date is no condition.
    assert presigned_get(s3_target, key, {"If-Modified-Since": "tomorrow"}).status_code == 200
    assert presigned_get(s3_target, key, {"If-Unmodified-Since": "2001-01-01"}).status_code == 200


def test_entity_tags_take_precedence_over_dates_as_s3_documents(s3_target):
    key = unique("cond") + ".txt"
    etag = put(s3_target, key, b"precedence")["ETag"]
    modified = s3_target.client.head_object(Bucket=s3_target.bucket, Key=key)["LastModified"]
    before = http_date(modified - datetime.timedelta(seconds=10))
    after = http_date(modified + datetime.timedelta(seconds=10))
    common = [
        # If-None-Match false and If-Modified-Since true: 304, as S3 documents.
        ({"If-None-Match": etag, "If-Modified-Since": before}, 304),
        # Lists and "*".
        ({"If-Match": f'"0000", {etag}'}, 200),
        ({"If-None-Match": f'"0000", {etag}'}, 304),
        ({"If-None-Match": "*"}, 304),
    ]
    ordered = [
        # If-Match true and If-Unmodified-Since false: 200, as S3 documents.
        ({"If-Match": etag, "If-Unmodified-Since": before}, 200),
        # If-None-Match true decides; RFC 9110 ignores If-Modified-Since beside it: 200.
        ({"If-None-Match": '"0000"', "If-Modified-Since": after}, 200),
        # A failed If-Match comes first: 412 where If-None-Match alone would be 304.
        ({"If-Match": '"0000"', "If-None-Match": etag}, 412),
        ({"If-Unmodified-Since": before, "If-Modified-Since": after}, 412),
    ]
    for request in (presigned_get, presigned_head):
        for headers, status in common:
            assert request(s3_target, key, headers).status_code == status, (request.__name__, headers)
    answers = [(request.__name__, headers, status, request(s3_target, key, headers).status_code)
               for request in (presigned_get, presigned_head) for headers, status in ordered]
    differing = sorted({(" + ".join(headers), got) for _, headers, want, got in answers if got != want})
    s3_target.skip_unless(s3_target.builtin or not differing,
                          f"Swift's s3api decides these otherwise than RFC 9110's order: {differing}")
    assert not differing, answers


def test_a_failed_precondition_names_its_header(s3_target):
    key = unique("cond") + ".txt"
    put(s3_target, key, b"which one")
    resp = presigned_get(s3_target, key, {"If-Match": '"0000"'})
    assert resp.status_code == 412
    error = ET.fromstring(resp.content)
    assert error.findtext("Code") == "PreconditionFailed"
    s3_target.skip_unless(s3_target.builtin or error.findtext("Condition") is not None,
                          "Swift's s3api leaves <Condition> out of its PreconditionFailed")
    assert error.findtext("Condition") == "If-Match"
    modified = s3_target.client.head_object(Bucket=s3_target.bucket, Key=key)["LastModified"]
    resp = presigned_get(s3_target, key,
                         {"If-Unmodified-Since": http_date(modified - datetime.timedelta(seconds=1))})
    assert ET.fromstring(resp.content).findtext("Condition") == "If-Unmodified-Since"


# --- conditional writes -------------------------------------------------------------------------


def conditional_writes_supported(target):
    """Whether the service honours If-None-Match: * on PutObject (Swift's s3api answers 501); the
    built-in endpoint is never skipped."""
    if target.builtin:
        return True
    key = unique("probe")
    create = {"If-None-Match": "*"}
    try:
        with_headers(target.client, "PutObject", create, lambda: put(target, key, b"first"))
        with_headers(target.client, "PutObject", create, lambda: put(target, key, b"second"))
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"] == "PreconditionFailed" and body_of(target, key) == b"first"
    return False


def test_put_if_none_match_star_creates_only(s3_target):
    s3_target.skip_unless(conditional_writes_supported(s3_target),
                          "Swift's s3api does not implement conditional PutObject (501)")
    key = unique("cond") + ".txt"
    create = {"If-None-Match": "*"}
    etag = with_headers(s3_target.client, "PutObject", create, lambda: put(s3_target, key, b"one"))["ETag"]
    assert failure(lambda: with_headers(s3_target.client, "PutObject", create,
                                        lambda: put(s3_target, key, b"two"))) == (412, "PreconditionFailed")
    assert body_of(s3_target, key) == b"one"
    assert s3_target.client.head_object(Bucket=s3_target.bucket, Key=key)["ETag"] == etag


def test_put_if_match_replaces_only_the_version_named(s3_target):
    s3_target.skip_unless(conditional_writes_supported(s3_target),
                          "Swift's s3api does not implement conditional PutObject (501)")
    key = unique("cond") + ".txt"
    first = put(s3_target, key, b"v1")["ETag"]
    second = with_headers(s3_target.client, "PutObject", {"If-Match": first},
                          lambda: put(s3_target, key, b"v2"))["ETag"]
    assert body_of(s3_target, key) == b"v2"
    # The first version is gone: replacing it again fails, and the object stays.
    assert failure(lambda: with_headers(s3_target.client, "PutObject", {"If-Match": first},
                                        lambda: put(s3_target, key, b"v3"))) == (412, "PreconditionFailed")
    assert s3_target.client.head_object(Bucket=s3_target.bucket, Key=key)["ETag"] == second
    # If-Match on a key with no object: 404 NoSuchKey, nothing created.
    missing = unique("cond-missing")
    assert failure(lambda: with_headers(s3_target.client, "PutObject", {"If-Match": first},
                                        lambda: put(s3_target, missing, b"x"))) == (404, "NoSuchKey")
    assert failure(lambda: s3_target.client.head_object(Bucket=s3_target.bucket, Key=missing))[0] == 404


def test_parallel_creators_of_one_key_leave_one_winner(s3_target):
    s3_target.skip_unless(conditional_writes_supported(s3_target),
                          "Swift's s3api does not implement conditional PutObject (501)")
    key = unique("race") + ".bin"
    creators = 8
    barrier = threading.Barrier(creators)
    outcomes = [None] * creators
    bodies = [bytes([i]) * (256 * 1024) for i in range(creators)]

    def create(i):
        client = s3_client(s3_target.endpoint, s3_target.creds)  # its own event handlers
        barrier.wait()
        try:
            with_headers(client, "PutObject", {"If-None-Match": "*"},
                         lambda: client.put_object(Bucket=s3_target.bucket, Key=key, Body=bodies[i]))
            outcomes[i] = (200, None)
        except botocore.exceptions.ClientError as e:
            outcomes[i] = (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])

    threads = [threading.Thread(target=create, args=(i,)) for i in range(creators)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [i for i, o in enumerate(outcomes) if o == (200, None)]
    assert len(winners) == 1, outcomes
    for i, outcome in enumerate(outcomes):
        if i not in winners:
            assert outcome in ((412, "PreconditionFailed"), (409, "ConditionalRequestConflict")), outcomes
    assert body_of(s3_target, key) == bodies[winners[0]]


def test_a_write_that_loses_the_race_mid_body_is_a_conflict(s3_target):
    # The condition holds when the body starts and fails by its end, because another write came
    # first: the check at the commit refuses it (409), and the other write's object stays.
    s3_target.skip_unless(s3_target.builtin, "this interleaving is arranged for the built-in store, whose "
                          "answer to it (409 from the check at the commit) S3 leaves open")
    key = unique("conflict") + ".bin"
    total = 64 * MIB
    parts = urlsplit(s3_target.endpoint)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        sock.sendall(signed_head(s3_target, "PUT", key, [("if-none-match", b"*"), ("connection", b"close")], total))
        # More than socket buffers hold: once this is sent the server is reading the body, so
        # its early check has passed. The rival commits meanwhile.
        sock.sendall(b"\0" * (total // 2))
        put(s3_target, key, b"rival")
        sock.sendall(b"\0" * (total - total // 2))
        data = read_all(sock)
    assert data.startswith(b"HTTP/1.1 409"), data[:300]
    assert b"<Code>ConditionalRequestConflict</Code>" in data
    assert body_of(s3_target, key) == b"rival"


def test_a_failing_condition_is_refused_before_the_body(s3_target):
    # With Expect: 100-continue the client sends nothing until told to: the 412 comes first.
    s3_target.skip_unless(conditional_writes_supported(s3_target),
                          "Swift's s3api does not implement conditional PutObject (501)")
    key = unique("early") + ".bin"
    put(s3_target, key, b"exists")
    parts = urlsplit(s3_target.endpoint)
    request = signed_head(s3_target, "PUT", key, [("expect", b"100-continue"), ("if-none-match", b"*")], 64 * MIB)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data and (chunk := sock.recv(65536)):
            data += chunk
    assert data.startswith(b"HTTP/1.1 412"), data[:200]
    assert body_of(s3_target, key) == b"exists"


def multipart(target, key, body):
    upload = target.client.create_multipart_upload(Bucket=target.bucket, Key=key)["UploadId"]
    etag = target.client.upload_part(Bucket=target.bucket, Key=key, UploadId=upload, PartNumber=1,
                                     Body=body)["ETag"]
    return upload, {"Parts": [{"PartNumber": 1, "ETag": etag}]}


def complete(target, key, upload, parts, headers):
    return with_headers(target.client, "CompleteMultipartUpload", headers, lambda: target.client.complete_multipart_upload(
        Bucket=target.bucket, Key=key, UploadId=upload, MultipartUpload=parts))


def test_complete_multipart_upload_honours_write_conditions(s3_target):
    key = unique("cond-mpu") + ".bin"
    existing = put(s3_target, key, b"in the way")["ETag"]
    upload, parts = multipart(s3_target, key, b"assembled")
    outcome = outcome_of(lambda: complete(s3_target, key, upload, parts, {"If-None-Match": "*"}))
    s3_target.skip_unless(s3_target.builtin or outcome == (412, "PreconditionFailed"),
                          f"Swift's s3api answers a failed If-None-Match on CompleteMultipartUpload {outcome}")
    assert outcome == (412, "PreconditionFailed")
    assert body_of(s3_target, key) == b"in the way"
    assert failure(lambda: complete(s3_target, key, upload, parts, {"If-Match": '"0000"'})) == (
        412, "PreconditionFailed")
    done = complete(s3_target, key, upload, parts, {"If-Match": existing})
    assert body_of(s3_target, key) == b"assembled"
    assert s3_target.client.head_object(Bucket=s3_target.bucket, Key=key)["ETag"] == done["ETag"]
    # Creating only, on a fresh key.
    fresh = unique("cond-mpu-new") + ".bin"
    upload, parts = multipart(s3_target, fresh, b"new")
    complete(s3_target, fresh, upload, parts, {"If-None-Match": "*"})
    assert body_of(s3_target, fresh) == b"new"


def test_delete_if_match(s3_target):
    key = unique("cond-del") + ".txt"
    etag = put(s3_target, key, b"keep me")["ETag"]
    delete = lambda tag, k=key: with_headers(  # noqa: E731
        s3_target.client, "DeleteObject", {"If-Match": tag},
        lambda: s3_target.client.delete_object(Bucket=s3_target.bucket, Key=k))
    assert failure(lambda: delete('"0000"')) == (412, "PreconditionFailed")
    assert body_of(s3_target, key) == b"keep me"
    assert delete(etag)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert failure(lambda: s3_target.client.head_object(Bucket=s3_target.bucket, Key=key))[0] == 404
    # Without a condition deleting a missing key still succeeds.
    assert s3_target.client.delete_object(Bucket=s3_target.bucket, Key=key)["ResponseMetadata"][
        "HTTPStatusCode"] == 204
    # If-Match on a missing key names it missing.
    outcome = outcome_of(lambda: delete(etag))
    s3_target.skip_unless(s3_target.builtin or outcome is not None,
                          "Swift's s3api answers 204 to If-Match on a missing key (S3: 404 NoSuchKey)")
    assert outcome == (404, "NoSuchKey")


# --- copies: the source's conditions ------------------------------------------------------------


def test_copy_source_conditions(s3_target):
    source = unique("cond-src") + ".txt"
    etag = put(s3_target, source, b"source body")["ETag"]
    modified = s3_target.client.head_object(Bucket=s3_target.bucket, Key=source)["LastModified"]
    earlier, later = modified - datetime.timedelta(seconds=10), modified + datetime.timedelta(seconds=10)
    target = unique("cond-dst") + ".txt"

    def copy(**conditions):
        return s3_target.client.copy_object(Bucket=s3_target.bucket, Key=target,
                                            CopySource={"Bucket": s3_target.bucket, "Key": source}, **conditions)

    for refused in ({"CopySourceIfMatch": '"0000"'}, {"CopySourceIfNoneMatch": etag},
                    {"CopySourceIfModifiedSince": modified}, {"CopySourceIfModifiedSince": later},
                    {"CopySourceIfUnmodifiedSince": earlier},
                    # If-None-Match false and If-Modified-Since true: 412, as S3 documents.
                    {"CopySourceIfNoneMatch": etag, "CopySourceIfModifiedSince": earlier}):
        assert failure(lambda: copy(**refused)) == (412, "PreconditionFailed"), refused
        assert failure(lambda: s3_target.client.head_object(Bucket=s3_target.bucket, Key=target))[0] == 404
    for allowed in ({"CopySourceIfMatch": etag}, {"CopySourceIfNoneMatch": '"0000"'},
                    {"CopySourceIfModifiedSince": earlier}, {"CopySourceIfUnmodifiedSince": modified}):
        assert copy(**allowed)["CopyObjectResult"]["ETag"] == etag, allowed
    assert body_of(s3_target, target) == b"source body"
    # If-Match true and If-Unmodified-Since false: copied, as S3 documents.
    try:
        outcome = copy(CopySourceIfMatch=etag, CopySourceIfUnmodifiedSince=earlier)["CopyObjectResult"]["ETag"]
    except botocore.exceptions.ClientError as e:
        outcome = e.response["Error"]["Code"]
    s3_target.skip_unless(s3_target.builtin or outcome == etag,
                          f"Swift's s3api answers {outcome} where x-amz-copy-source-if-match holds and "
                          "-if-unmodified-since fails (S3 documents a copy)")
    assert outcome == etag


def test_copy_target_if_none_match(s3_target):
    source = unique("cond-src") + ".txt"
    put(s3_target, source, b"copied")
    target = unique("cond-dst") + ".txt"
    put(s3_target, target, b"already here")

    def copy():
        return with_headers(s3_target.client, "CopyObject", {"If-None-Match": "*"},
                            lambda: s3_target.client.copy_object(
                                Bucket=s3_target.bucket, Key=target,
                                CopySource={"Bucket": s3_target.bucket, "Key": source}))

    outcome = outcome_of(copy)
    s3_target.skip_unless(s3_target.builtin or outcome == (412, "PreconditionFailed"),
                          f"Swift's s3api does not implement If-None-Match on CopyObject {outcome}")
    assert outcome == (412, "PreconditionFailed")
    assert body_of(s3_target, target) == b"already here"


def test_upload_part_copy_source_conditions(s3_target):
    source = unique("cond-src") + ".bin"
    etag = put(s3_target, source, b"p" * 1024)["ETag"]
    key = unique("cond-mpu") + ".bin"
    upload = s3_target.client.create_multipart_upload(Bucket=s3_target.bucket, Key=key)["UploadId"]
    try:
        def part_copy(**conditions):
            return s3_target.client.upload_part_copy(
                Bucket=s3_target.bucket, Key=key, UploadId=upload, PartNumber=1,
                CopySource={"Bucket": s3_target.bucket, "Key": source}, **conditions)

        assert failure(lambda: part_copy(CopySourceIfMatch='"0000"')) == (412, "PreconditionFailed")
        assert failure(lambda: part_copy(CopySourceIfNoneMatch=etag)) == (412, "PreconditionFailed")
        got = part_copy(CopySourceIfMatch=etag)["CopyPartResult"]["ETag"]
        assert got == etag
    finally:
        s3_target.client.abort_multipart_upload(Bucket=s3_target.bucket, Key=key, UploadId=upload)


# --- headers kept exactly -----------------------------------------------------------------------


def test_expires_and_content_language_are_kept(s3_target):
    key = unique("hdr") + ".txt"
    expires = datetime.datetime(2037, 1, 1, tzinfo=datetime.timezone.utc)
    put(s3_target, key, b"kept", Expires=expires, ContentLanguage="de-CH", CacheControl="max-age=5")
    for got in (s3_target.client.head_object(Bucket=s3_target.bucket, Key=key),
                s3_target.client.get_object(Bucket=s3_target.bucket, Key=key)):
        assert got["ContentLanguage"] == "de-CH"
        assert got["Expires"] == expires
        assert got["CacheControl"] == "max-age=5"
    status, headers, _ = raw_request(s3_target, "GET", key)
    assert status == 200
    assert values(headers, "expires") == [b"Thu, 01 Jan 2037 00:00:00 GMT"]
    assert values(headers, "content-language") == [b"de-CH"]


def test_user_metadata_comes_back_byte_for_byte(s3_target):
    key = unique("hdr") + ".txt"
    sent = [("x-amz-meta-latin1", b"caf\xe9"), ("x-amz-meta-utf8", "café ☕".encode()),
            ("x-amz-meta-spaces", b"a  b")]
    status, _, body = raw_request(s3_target, "PUT", key, sent, b"meta")
    assert status == 200, body
    status, headers, _ = raw_request(s3_target, "GET", key)
    s3_target.skip_unless(s3_target.builtin or values(headers, "x-amz-meta-latin1") == [b"caf\xe9"],
                          "Swift's s3api answers metadata outside ASCII RFC 2047-encoded (=?UTF-8?B?…?=)")
    # Through a copy and a multipart upload too, which keep them elsewhere until they land.
    copy = unique("hdr-copy") + ".txt"
    s3_target.client.copy_object(Bucket=s3_target.bucket, Key=copy, CopySource={"Bucket": s3_target.bucket, "Key": key})
    assembled = unique("hdr-mpu") + ".txt"
    status, _, body = raw_request(s3_target, "POST", assembled, sent, query="uploads")
    assert status == 200, body
    upload = ET.fromstring(body).findtext("{*}UploadId")
    etag = s3_target.client.upload_part(Bucket=s3_target.bucket, Key=assembled, UploadId=upload, PartNumber=1,
                                        Body=b"meta")["ETag"]
    s3_target.client.complete_multipart_upload(Bucket=s3_target.bucket, Key=assembled, UploadId=upload,
                                               MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    for name in (key, copy, assembled):
        for method in ("GET", "HEAD"):
            status, headers, _ = raw_request(s3_target, method, name)
            assert status == 200
            for header, value in sent:
                assert values(headers, header) == [value], (name, method, header, headers)


def test_content_encoding_is_answered_as_sent(s3_target):
    key = unique("hdr") + ".gz"
    status, _, body = raw_request(s3_target, "PUT", key, [("content-encoding", b"deflate, gzip")], b"x")
    assert status == 200, body
    status, headers, _ = raw_request(s3_target, "GET", key)
    assert values(headers, "content-encoding") == [b"deflate, gzip"]
    # Sent on two lines, it is one list: the lines joined with ','.
    key = unique("hdr") + ".gz"
    status, _, body = raw_request(s3_target, "PUT", key,
                                  [("content-encoding", b"deflate"), ("content-encoding", b"gzip")], b"x")
    assert status == 200, body
    status, headers, _ = raw_request(s3_target, "HEAD", key)
    assert values(headers, "content-encoding") == [b"deflate,gzip"]


def test_aws_sdk_for_javascript(server):
    """The same with @aws-sdk/client-s3 (tests/node/conditions.test.mjs): conditional reads and
    writes, kept headers, listing details and refusals, as the JavaScript SDK sends and reads them."""
    out = run_node_tests(server.url, server.admin_json("s3-credentials"), NODE_TESTS / "conditions.test.mjs")
    assert "# pass 5" in out, out[-3000:]
