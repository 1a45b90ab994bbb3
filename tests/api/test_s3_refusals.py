"""What the built-in S3 endpoint does with S3 features it has not: every bucket and object
sub-resource boto3 can call answers either a configuration that is true of the store (ACLs,
versioning, CORS, object tags) or S3's 501 NotImplemented naming the operation, and leaves the
bucket untouched; writes asking for encryption, tags, Object Lock, a storage class or a public
ACL are refused before anything is stored; and the listing edge cases (max-keys=0, an empty
continuation token, fetch-owner).

Each test runs against the built-in endpoint and against Swift's s3api. Where Swift answers
differently (it implements a feature, or does not know a sub-resource and serves the request as
a listing, a GET of the object or a DeleteBucket), the Swift half runs the request, and skips
naming what Swift answered."""

import botocore.exceptions
import botocore.parsers
import pytest
import requests

from apilib import unique

pytestmark = pytest.mark.builtin_store


def outcome(call):
    """What a boto3 call answered: ("ok", response), (status, S3 error code, message), or
    ("unparseable", text) when the answer is not the operation's document."""
    try:
        return ("ok", call())
    except botocore.exceptions.ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("Code"),
                e.response["Error"].get("Message", ""))
    except botocore.parsers.ResponseParserError as e:
        return ("unparseable", str(e)[:120])


def swift_differs(target, call, why):
    """On Swift: runs `call` and skips, naming what Swift answered."""
    if target.builtin:
        return
    got = outcome(call)
    shown = got if got[0] != "ok" else "success"
    pytest.skip(f"{target.name}: {why} (answered {shown})")


def not_implemented(target, call, operation):
    got = outcome(call)
    assert got[:2] == (501, "NotImplemented"), got
    if target.builtin:  # the message names the operation
        assert operation in got[2], got


def snapshot(target, key):
    """What a refused call must leave as it was: the listing, the object's bytes and ETag, and the
    bucket's versioning and ACL."""
    c = target.client
    listing = [(o["Key"], o["ETag"]) for o in c.list_objects_v2(Bucket=target.bucket).get("Contents", [])]
    body = c.get_object(Bucket=target.bucket, Key=key)["Body"].read()
    versioning = {k: v for k, v in c.get_bucket_versioning(Bucket=target.bucket).items() if k != "ResponseMetadata"}
    grants = c.get_bucket_acl(Bucket=target.bucket)["Grants"]
    return listing, body, versioning, grants


@pytest.fixture(scope="module")
def seeded(s3_target):
    key = unique("refusals/seed") + ".txt"
    s3_target.client.put_object(Bucket=s3_target.bucket, Key=key, Body=b"seed bytes")
    return key


# --- bucket sub-resources -------------------------------------------------------------------------

LIFECYCLE = {"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}}]}
REPLICATION = {"Role": "arn:aws:iam::1:role/r",
               "Rules": [{"Status": "Enabled", "Prefix": "", "Destination": {"Bucket": "arn:aws:s3:::other"}}]}
AS_CREATE_BUCKET = "Swift's s3api does not know this sub-resource and serves the PUT as CreateBucket"
AS_DELETE_BUCKET = "Swift's s3api does not know this sub-resource and serves the DELETE as DeleteBucket"
AS_LISTING = "Swift's s3api does not know this sub-resource and answers the bucket listing"

# (boto3 method, its arguments besides Bucket, S3's operation name, None when Swift refuses it
# too, else why the Swift half is skipped)
BUCKET_REFUSALS = [
    ("put_bucket_acl", {"ACL": "public-read"}, "PutBucketAcl", "Swift's s3api implements bucket ACLs"),
    ("put_bucket_policy", {"Policy": '{"Version":"2012-10-17","Statement":[]}'}, "PutBucketPolicy", None),
    ("get_bucket_policy", {}, "GetBucketPolicy", None),
    ("delete_bucket_policy", {}, "DeleteBucketPolicy", None),
    ("get_bucket_policy_status", {}, "GetBucketPolicyStatus", AS_LISTING),
    ("put_bucket_versioning", {"VersioningConfiguration": {"Status": "Enabled"}}, "PutBucketVersioning", None),
    ("list_object_versions", {}, "ListObjectVersions", "Swift's s3api implements ListObjectVersions"),
    ("put_bucket_lifecycle_configuration", {"LifecycleConfiguration": LIFECYCLE}, "PutBucketLifecycleConfiguration",
     AS_CREATE_BUCKET),
    ("get_bucket_lifecycle_configuration", {}, "GetBucketLifecycleConfiguration", AS_LISTING),
    ("delete_bucket_lifecycle", {}, "DeleteBucketLifecycle", AS_DELETE_BUCKET),
    ("put_bucket_encryption",
     {"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}},
     "PutBucketEncryption", AS_CREATE_BUCKET),
    ("get_bucket_encryption", {}, "GetBucketEncryption", AS_LISTING),
    ("delete_bucket_encryption", {}, "DeleteBucketEncryption", AS_DELETE_BUCKET),
    ("put_object_lock_configuration", {"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}},
     "PutObjectLockConfiguration", AS_CREATE_BUCKET),
    ("get_object_lock_configuration", {}, "GetObjectLockConfiguration", AS_LISTING),
    ("put_bucket_website", {"WebsiteConfiguration": {"IndexDocument": {"Suffix": "index.html"}}}, "PutBucketWebsite", None),
    ("get_bucket_website", {}, "GetBucketWebsite", None),
    ("delete_bucket_website", {}, "DeleteBucketWebsite", None),
    ("put_bucket_logging", {"BucketLoggingStatus": {}}, "PutBucketLogging", None),
    ("get_bucket_logging", {}, "GetBucketLogging", "Swift's s3api implements GetBucketLogging (an empty status)"),
    ("put_public_access_block", {"PublicAccessBlockConfiguration": {"BlockPublicAcls": True}}, "PutPublicAccessBlock",
     AS_CREATE_BUCKET),
    ("get_public_access_block", {}, "GetPublicAccessBlock", AS_LISTING),
    ("delete_public_access_block", {}, "DeletePublicAccessBlock", AS_DELETE_BUCKET),
    ("put_bucket_ownership_controls", {"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}},
     "PutBucketOwnershipControls", AS_CREATE_BUCKET),
    ("get_bucket_ownership_controls", {}, "GetBucketOwnershipControls", AS_LISTING),
    ("delete_bucket_ownership_controls", {}, "DeleteBucketOwnershipControls", AS_DELETE_BUCKET),
    ("put_bucket_notification_configuration", {"NotificationConfiguration": {}}, "PutBucketNotificationConfiguration", None),
    ("get_bucket_notification_configuration", {}, "GetBucketNotificationConfiguration", None),
    ("put_bucket_request_payment", {"RequestPaymentConfiguration": {"Payer": "Requester"}}, "PutBucketRequestPayment", None),
    ("get_bucket_request_payment", {}, "GetBucketRequestPayment", None),
    ("put_bucket_tagging", {"Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}, "PutBucketTagging", None),
    ("get_bucket_tagging", {}, "GetBucketTagging", "Swift's s3api implements GetBucketTagging (an empty TagSet)"),
    ("delete_bucket_tagging", {}, "DeleteBucketTagging", None),
    ("put_bucket_cors", {"CORSConfiguration": {"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]}},
     "PutBucketCors", None),
    ("delete_bucket_cors", {}, "DeleteBucketCors", None),
    ("put_bucket_replication", {"ReplicationConfiguration": REPLICATION}, "PutBucketReplication", AS_CREATE_BUCKET),
    ("get_bucket_replication", {}, "GetBucketReplication", AS_LISTING),
    ("delete_bucket_replication", {}, "DeleteBucketReplication", AS_DELETE_BUCKET),
    ("put_bucket_accelerate_configuration", {"AccelerateConfiguration": {"Status": "Enabled"}},
     "PutBucketAccelerateConfiguration", AS_CREATE_BUCKET),
    ("get_bucket_accelerate_configuration", {}, "GetBucketAccelerateConfiguration", AS_LISTING),
    ("get_bucket_analytics_configuration", {"Id": "a"}, "GetBucketAnalyticsConfiguration", AS_LISTING),
    ("get_bucket_inventory_configuration", {"Id": "a"}, "GetBucketInventoryConfiguration", AS_LISTING),
    ("get_bucket_metrics_configuration", {"Id": "a"}, "GetBucketMetricsConfiguration", AS_LISTING),
    ("get_bucket_intelligent_tiering_configuration", {"Id": "a"}, "GetBucketIntelligentTieringConfiguration", AS_LISTING),
    ("delete_bucket", {}, "DeleteBucket", "Swift's s3api implements DeleteBucket (this bucket is not empty)"),
]


@pytest.mark.parametrize("method,args,operation,swift", BUCKET_REFUSALS, ids=[c[0] for c in BUCKET_REFUSALS])
def test_bucket_subresources_not_implemented_answer_501_and_change_nothing(s3_target, seeded, method, args, operation,
                                                                          swift):
    call = lambda: getattr(s3_target.client, method)(Bucket=s3_target.bucket, **args)  # noqa: E731
    if swift:
        swift_differs(s3_target, call, swift)
    before = snapshot(s3_target, seeded)
    not_implemented(s3_target, call, operation)
    assert snapshot(s3_target, seeded) == before


def test_bucket_acl_versioning_and_location_answer_what_is_true(s3_target, seeded):
    c = s3_target.client
    acl = c.get_bucket_acl(Bucket=s3_target.bucket)
    assert len(acl["Grants"]) == 1
    assert acl["Grants"][0]["Permission"] == "FULL_CONTROL"
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    assert acl["Grants"][0]["Grantee"]["ID"] == acl["Owner"]["ID"]
    # A bucket never versioned: an empty configuration, no Status.
    versioning = c.get_bucket_versioning(Bucket=s3_target.bucket)
    assert "Status" not in versioning and "MFADelete" not in versioning
    assert c.get_bucket_location(Bucket=s3_target.bucket).get("LocationConstraint") in (None, "", s3_target.region)
    # The owner of the bucket is the owner ListBuckets names.
    assert c.list_buckets()["Owner"]["ID"] == acl["Owner"]["ID"]


def test_bucket_cors_is_the_rule_the_preflight_applies(s3_target, seeded):
    c = s3_target.client
    swift_differs(s3_target, lambda: c.get_bucket_cors(Bucket=s3_target.bucket),
                  "Swift's s3api does not implement GetBucketCors")
    rules = c.get_bucket_cors(Bucket=s3_target.bucket)["CORSRules"]
    assert len(rules) == 1
    rule = rules[0]
    assert rule["AllowedOrigins"] == ["*"]
    assert rule["AllowedHeaders"] == ["*"]
    assert set(rule["AllowedMethods"]) == {"GET", "PUT", "POST", "DELETE", "HEAD"}
    # A browser's preflight for each allowed method, from any origin, with any headers.
    for method in rule["AllowedMethods"]:
        pre = requests.options(s3_target.url(seeded), headers={
            "Origin": "https://app.example", "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type,x-amz-date,x-custom"})
        assert pre.status_code == 200
        assert pre.headers["Access-Control-Allow-Origin"] == "*"
        allowed = [m.strip() for m in pre.headers["Access-Control-Allow-Methods"].split(",")]
        assert allowed == rule["AllowedMethods"]
        assert pre.headers["Access-Control-Allow-Headers"] == "content-type,x-amz-date,x-custom"
        assert int(pre.headers["Access-Control-Max-Age"]) == rule["MaxAgeSeconds"]
    # What a cross-origin GET may read is exactly what the rule exposes.
    url = c.generate_presigned_url("get_object", Params={"Bucket": s3_target.bucket, "Key": seeded})
    got = requests.get(url, headers={"Origin": "https://app.example"})
    assert got.status_code == 200 and got.headers["Access-Control-Allow-Origin"] == "*"
    exposed = [h.strip() for h in got.headers["Access-Control-Expose-Headers"].split(",")]
    assert exposed == rule["ExposeHeaders"]
    assert {"ETag", "x-amz-request-id"} <= set(exposed)


def test_unknown_methods_on_subresources_are_not_served_by_another_handler(s3_target, seeded):
    """A POST or DELETE of a sub-resource S3 has no such operation for answers 405, not DeleteBucket
    or DeleteObjects; a HEAD of one is not a HeadBucket."""
    s3_target.skip_unless(s3_target.builtin, "raw requests signed for the built-in endpoint only")
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    def send(method, query):
        req = AWSRequest(method=method, url=f"{s3_target.url()}?{query}", data=b"")
        S3SigV4Auth(Credentials(s3_target.access_key, s3_target.secret_key), "s3", s3_target.region).add_auth(req)
        return requests.request(method, req.url, headers=dict(req.headers), data=b"")

    before = snapshot(s3_target, seeded)
    for method, query in [("POST", "acl"), ("DELETE", "versioning"), ("DELETE", "acl"), ("POST", "policy")]:
        got = send(method, query)
        assert got.status_code == 405, (method, query, got.text)
        assert "<Code>MethodNotAllowed</Code>" in got.text
    assert send("HEAD", "policy").status_code == 405
    assert snapshot(s3_target, seeded) == before


# --- object sub-resources -------------------------------------------------------------------------

AS_GET_OBJECT = "Swift's s3api does not know this sub-resource and answers the object's bytes"

OBJECT_REFUSALS = [
    ("put_object_acl", {"ACL": "public-read"}, "PutObjectAcl", None),
    ("put_object_tagging", {"Tagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}, "PutObjectTagging", None),
    ("delete_object_tagging", {}, "DeleteObjectTagging", None),
    ("get_object_retention", {}, "GetObjectRetention", AS_GET_OBJECT),
    ("put_object_retention", {"Retention": {"Mode": "GOVERNANCE", "RetainUntilDate": "2030-01-01T00:00:00Z"}},
     "PutObjectRetention", "Swift's s3api does not know ?retention and serves the PUT as PutObject"),
    ("get_object_legal_hold", {}, "GetObjectLegalHold", AS_GET_OBJECT),
    ("get_object_attributes", {"ObjectAttributes": ["ETag"]}, "GetObjectAttributes", AS_GET_OBJECT),
    ("get_object_torrent", {}, "GetObjectTorrent", None),
    ("restore_object", {"RestoreRequest": {"Days": 1}}, "RestoreObject", None),
]


@pytest.mark.parametrize("method,args,operation,swift", OBJECT_REFUSALS, ids=[c[0] for c in OBJECT_REFUSALS])
def test_object_subresources_not_implemented_answer_501_and_change_nothing(s3_target, seeded, method, args, operation,
                                                                          swift):
    call = lambda key=seeded: getattr(s3_target.client, method)(Bucket=s3_target.bucket, Key=key, **args)  # noqa: E731
    if swift:  # on an object of its own: Swift may serve the request as a PutObject
        throwaway = unique("refusals/swift")
        s3_target.client.put_object(Bucket=s3_target.bucket, Key=throwaway, Body=b"x")
        swift_differs(s3_target, lambda: call(throwaway), swift)
    before = snapshot(s3_target, seeded)
    not_implemented(s3_target, call, operation)
    assert snapshot(s3_target, seeded) == before


def test_object_acl_and_tags_answer_what_is_true(s3_target, seeded):
    c = s3_target.client
    acl = c.get_object_acl(Bucket=s3_target.bucket, Key=seeded)
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["ID"] == acl["Owner"]["ID"]
    assert c.get_object_tagging(Bucket=s3_target.bucket, Key=seeded)["TagSet"] == []
    missing = unique("refusals/missing")
    assert outcome(lambda: c.get_object_acl(Bucket=s3_target.bucket, Key=missing))[:2] == (404, "NoSuchKey")
    if s3_target.builtin:  # Swift's s3api answers an empty TagSet for a missing object too
        assert outcome(lambda: c.get_object_tagging(Bucket=s3_target.bucket, Key=missing))[:2] == (404, "NoSuchKey")


# --- headers of writes ----------------------------------------------------------------------------

SSE_C = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k" * 32}
SWIFT_STORES = "Swift's s3api (without its encryption middleware) stores it and answers success"

# (case id, boto3 method, arguments besides Bucket and Key, expected (status, code), why Swift's
# half is skipped or None)
WRITE_REFUSALS = [
    ("put-sse-c", "put_object", dict(Body=b"secret", **SSE_C), (501, "NotImplemented"), SWIFT_STORES),
    ("put-sse-kms", "put_object", {"Body": b"secret", "ServerSideEncryption": "aws:kms"}, (501, "NotImplemented"), None),
    ("put-sse-kms-key", "put_object", {"Body": b"secret", "ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "k1"},
     (501, "NotImplemented"), None),
    ("put-sse-s3", "put_object", {"Body": b"secret", "ServerSideEncryption": "AES256"}, (501, "NotImplemented"), None),
    ("put-tagging", "put_object", {"Body": b"x", "Tagging": "team=a"}, (501, "NotImplemented"), None),
    ("put-glacier", "put_object", {"Body": b"x", "StorageClass": "GLACIER"}, (501, "NotImplemented"), None),
    ("put-bad-class", "put_object", {"Body": b"x", "StorageClass": "NO_SUCH_CLASS"}, (400, "InvalidStorageClass"), None),
    ("put-public-read", "put_object", {"Body": b"x", "ACL": "public-read"}, (501, "NotImplemented"),
     "Swift's s3api implements canned ACLs"),
    ("put-grant", "put_object", {"Body": b"x", "GrantRead": 'id="someone"'}, (501, "NotImplemented"),
     "Swift's s3api implements grants"),
    ("put-redirect", "put_object", {"Body": b"x", "WebsiteRedirectLocation": "/other"}, (501, "NotImplemented"), None),
    ("put-legal-hold", "put_object", {"Body": b"x", "ObjectLockLegalHoldStatus": "ON"}, (501, "NotImplemented"),
     "Swift's s3api ignores x-amz-object-lock-legal-hold and stores the object"),
    ("create-sse-kms", "create_multipart_upload", {"ServerSideEncryption": "aws:kms"}, (501, "NotImplemented"), None),
    ("create-sse-c", "create_multipart_upload", dict(SSE_C), (501, "NotImplemented"),
     "Swift's s3api accepts SSE-C without encrypting"),
    ("create-tagging", "create_multipart_upload", {"Tagging": "team=a"}, (501, "NotImplemented"), None),
    ("copy-tagging", "copy_object", {"Tagging": "team=a", "TaggingDirective": "REPLACE"}, (501, "NotImplemented"), None),
    ("copy-sse-kms", "copy_object", {"ServerSideEncryption": "aws:kms"}, (501, "NotImplemented"), None),
    ("copy-source-sse-c", "copy_object",
     {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": "k" * 32}, (400, "InvalidRequest"),
     "Swift's s3api ignores SSE-C parameters for a plain source and copies it"),
]


def uploads_of(target, key):
    return [u for u in target.client.list_multipart_uploads(Bucket=target.bucket).get("Uploads", []) if u["Key"] == key]


@pytest.mark.parametrize("case,method,args,expected,swift", WRITE_REFUSALS, ids=[c[0] for c in WRITE_REFUSALS])
def test_writes_asking_for_what_is_not_honoured_are_refused_and_store_nothing(s3_target, seeded, case, method, args,
                                                                             expected, swift):
    key = unique(f"refusals/{case}")
    if method == "copy_object":
        args = dict(args, CopySource={"Bucket": s3_target.bucket, "Key": seeded})
    call = lambda: getattr(s3_target.client, method)(Bucket=s3_target.bucket, Key=key, **args)  # noqa: E731
    if swift:
        swift_differs(s3_target, call, swift)
    got = outcome(call)
    if s3_target.builtin:
        assert got[:2] == expected, got
    else:  # refused too, with a code of its own (GLACIER: InvalidStorageClass or 501)
        assert got[0] != "ok", got
    assert outcome(lambda: s3_target.client.head_object(Bucket=s3_target.bucket, Key=key))[0] == 404
    assert uploads_of(s3_target, key) == []


@pytest.mark.parametrize("acl", ["private", "bucket-owner-full-control"])
def test_canned_acls_that_change_nothing_are_accepted(s3_target, acl):
    key = unique("refusals/acl")
    s3_target.client.put_object(Bucket=s3_target.bucket, Key=key, Body=b"owned", ACL=acl)
    assert s3_target.client.get_object(Bucket=s3_target.bucket, Key=key)["Body"].read() == b"owned"
    grants = s3_target.client.get_object_acl(Bucket=s3_target.bucket, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]


def test_standard_storage_class_and_copy_tagging_directive_are_accepted(s3_target, seeded):
    c = s3_target.client
    key = unique("refusals/standard")
    c.put_object(Bucket=s3_target.bucket, Key=key, Body=b"std", StorageClass="STANDARD")
    copy = unique("refusals/copied")
    c.copy_object(Bucket=s3_target.bucket, Key=copy, CopySource={"Bucket": s3_target.bucket, "Key": seeded},
                  TaggingDirective="COPY")
    assert c.get_object(Bucket=s3_target.bucket, Key=copy)["Body"].read() == b"seed bytes"


def test_a_refused_body_is_not_read_when_the_client_waits_for_continue(s3_target):
    """The refusal comes before the body: a client that sends `Expect: 100-continue` gets the 501
    without sending a byte of it."""
    s3_target.skip_unless(s3_target.builtin, "raw requests signed for the built-in endpoint only")
    import socket
    from urllib.parse import urlsplit
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    key = unique("refusals/continue")
    req = AWSRequest(method="PUT", url=s3_target.url(key), headers={
        "x-amz-server-side-encryption": "aws:kms", "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        "Content-Length": str(1 << 20), "Expect": "100-continue"})
    S3SigV4Auth(Credentials(s3_target.access_key, s3_target.secret_key), "s3", s3_target.region).add_auth(req)
    parts = urlsplit(req.url)
    head = f"PUT {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in req.headers.items() if k.lower() != "host") + "\r\n"
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head.encode())
        answer = b""
        while b"</Error>" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 501"), answer[:200]
    assert b"<Code>NotImplemented</Code>" in answer
    assert outcome(lambda: s3_target.client.head_object(Bucket=s3_target.bucket, Key=key))[0] == 404


# --- reads with SSE-C parameters ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get_object", "head_object"])
def test_sse_c_key_for_a_plain_object_is_refused(s3_target, seeded, method):
    c = s3_target.client
    call = lambda: getattr(c, method)(Bucket=s3_target.bucket, Key=seeded, **SSE_C)  # noqa: E731
    swift_differs(s3_target, call, "Swift's s3api ignores SSE-C parameters on reads and answers the object")
    got = outcome(call)
    assert got[0] == 400, got
    if method == "get_object":
        assert got[1] == "InvalidRequest"
    # The key of a missing object is a 404 like any other.
    missing = unique("refusals/missing")
    assert outcome(lambda: getattr(c, method)(Bucket=s3_target.bucket, Key=missing, **SSE_C))[0] == 404


def test_upload_part_with_sse_c_is_refused(s3_target):
    c = s3_target.client
    key = unique("refusals/part")
    upload = c.create_multipart_upload(Bucket=s3_target.bucket, Key=key)["UploadId"]
    try:
        call = lambda: c.upload_part(Bucket=s3_target.bucket, Key=key, UploadId=upload, PartNumber=1,  # noqa: E731
                                     Body=b"part", **SSE_C)
        swift_differs(s3_target, call, "Swift's s3api accepts SSE-C parameters on parts without encrypting")
        got = outcome(call)
        assert got[:2] == (400, "InvalidRequest"), got
        assert c.list_parts(Bucket=s3_target.bucket, Key=key, UploadId=upload).get("Parts", []) == []
    finally:
        c.abort_multipart_upload(Bucket=s3_target.bucket, Key=key, UploadId=upload)


# --- listing edge cases ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def listed(s3_target):
    prefix = unique("listing") + "/"
    for name in ["a", "b", "c"]:
        s3_target.client.put_object(Bucket=s3_target.bucket, Key=prefix + name, Body=name.encode())
    return prefix


def test_max_keys_zero_is_an_empty_untruncated_list(s3_target, listed):
    c = s3_target.client
    v2 = c.list_objects_v2(Bucket=s3_target.bucket, Prefix=listed, MaxKeys=0)
    assert v2["KeyCount"] == 0 and v2["MaxKeys"] == 0
    assert "Contents" not in v2 and "CommonPrefixes" not in v2
    assert v2["IsTruncated"] is False and "NextContinuationToken" not in v2
    v1 = c.list_objects(Bucket=s3_target.bucket, Prefix=listed, MaxKeys=0, Delimiter="/")
    assert v1["MaxKeys"] == 0 and "Contents" not in v1
    assert v1["IsTruncated"] is False and "NextMarker" not in v1


def test_an_empty_continuation_token_is_echoed_and_lists_from_the_start(s3_target, listed):
    page = s3_target.client.list_objects_v2(Bucket=s3_target.bucket, Prefix=listed, ContinuationToken="")
    assert page["ContinuationToken"] == ""
    assert [o["Key"] for o in page["Contents"]] == [listed + n for n in ["a", "b", "c"]]


def test_owner_is_named_by_v1_always_and_by_v2_with_fetch_owner(s3_target, listed):
    c = s3_target.client
    owner = c.list_buckets()["Owner"]["ID"]
    plain = c.list_objects_v2(Bucket=s3_target.bucket, Prefix=listed)["Contents"]
    assert all("Owner" not in o for o in plain)
    fetched = c.list_objects_v2(Bucket=s3_target.bucket, Prefix=listed, FetchOwner=True)["Contents"]
    assert [o["Owner"]["ID"] for o in fetched] == [owner] * 3
    v1 = c.list_objects(Bucket=s3_target.bucket, Prefix=listed)["Contents"]
    assert [o["Owner"]["ID"] for o in v1] == [owner] * 3
    # Paging through V2 with fetch-owner keeps naming it.
    first = c.list_objects_v2(Bucket=s3_target.bucket, Prefix=listed, FetchOwner=True, MaxKeys=2)
    rest = c.list_objects_v2(Bucket=s3_target.bucket, Prefix=listed, FetchOwner=True,
                             ContinuationToken=first["NextContinuationToken"])
    assert [o["Key"] for o in rest["Contents"]] == [listed + "c"] and rest["Contents"][0]["Owner"]["ID"] == owner


def test_max_uploads_and_max_parts_zero_list_nothing(s3_target):
    c = s3_target.client
    key = unique("refusals/zero")
    upload = c.create_multipart_upload(Bucket=s3_target.bucket, Key=key)["UploadId"]
    try:
        c.upload_part(Bucket=s3_target.bucket, Key=key, UploadId=upload, PartNumber=1, Body=b"part")
        uploads = c.list_multipart_uploads(Bucket=s3_target.bucket, MaxUploads=0)
        parts = c.list_parts(Bucket=s3_target.bucket, Key=key, UploadId=upload, MaxParts=0)
        assert "Uploads" not in uploads and uploads["MaxUploads"] == 0
        assert "Parts" not in parts and parts["MaxParts"] == 0
        # Swift's s3api calls these lists truncated; assetd answers them as ListObjects answers
        # max-keys=0 (empty, complete), so a client paging them does not loop on an empty page.
        if s3_target.builtin:
            assert uploads["IsTruncated"] is False and parts["IsTruncated"] is False
    finally:
        c.abort_multipart_upload(Bucket=s3_target.bucket, Key=key, UploadId=upload)
