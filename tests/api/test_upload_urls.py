"""GET /v2/getUploadUrl and GET /v2/getSignedUrl: the contract's parameters and errors, the SDK's
literal request forms, and real round trips: through the server's own store, through an AWS storage
on a local OpenStack Swift s3api (which checks SigV4), and through an AZURE storage on azurite (which
checks the SAS)."""

import base64
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import time
from email.utils import formatdate
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests

from apilib import fail, missing_id, ok, unique, validate_operation

REPO = Path(__file__).resolve().parents[2]
SWIFT_SCRIPT = REPO / "tests" / "services" / "swift-s3.sh"
AZURITE_DIR = REPO / "tests" / "services" / "azurite"
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
TYPES = ["assets", "segmentationModels", "brushes", "medicalBrushes", "exports", "instructions"]


# --- helpers ----------------------------------------------------------------------------------


def upload_url(api, status=201, **params):
    resp = api.get("/v2/getUploadUrl", params=params)
    if status != 201:
        return resp
    validate_operation("getUploadUrl", resp)
    return ok(resp, 201)["uploadUrl"]


def signed_url(api, status=201, **params):
    resp = api.get("/v2/getSignedUrl", params=params)
    if status != 201:
        return resp
    validate_operation("getSignedUrl", resp)
    return ok(resp, 201)["signedUrl"]


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def base(url):
    return url.split("?")[0]


def create_storage(api, **body):
    body.setdefault("name", unique("storage"))
    return ok(api.post("/v2/storages", json=body))["storage"]


def aws_storage(api, **over):
    body = {"provider": "AWS", "publicKey": "AKIDEXAMPLE", "privateKey": "secret", "region": "eu-central-1"}
    body.update(over)
    return create_storage(api, **body)


def free_port_block(n):
    """A port P with P..P+n-1 all free on 127.0.0.1 right now."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            start = s.getsockname()[1]
        if start + n > 65000:
            continue
        try:
            socks = []
            for p in range(start, start + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return start
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port block")


# --- the server's own store -------------------------------------------------------------------


def test_the_sdks_literal_upload_request(server, api, project):
    org = server.bootstrap["organizationId"]
    resp = api.raw("GET", f"/v2/getUploadUrl?name=f.png&project={project}&type=assets")
    url = ok(resp, 201)["uploadUrl"]
    assert base(url) == f"{server.store_url}/assets/{org}/{project}/f.png"
    q = query(url)
    assert q["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert q["X-Amz-Expires"] == "3600"
    assert q["X-Amz-SignedHeaders"] == "host"


def test_upload_with_no_headers_then_signed_read(server, api, project):
    body = os.urandom(4096)
    url = upload_url(api, name=f"{unique()}.bin", project=project, type="assets")
    put = requests.put(url, data=body, timeout=30)  # what the SDK does: no Content-Type
    assert put.status_code == 200, put.text
    stored = base(url)
    # The SDK's form (name, project, type) and the seed's (url).
    for params in ({"name": stored, "project": project, "type": "assets"}, {"url": stored}):
        got = requests.get(signed_url(api, **params), timeout=30)
        assert got.status_code == 200 and got.content == body


def test_signed_url_strips_an_earlier_signature(server, api, project):
    name = f"{unique()}.txt"
    url = upload_url(api, name=name, project=project)
    assert requests.put(url, data=b"hello", timeout=30).status_code == 200
    # The SDK does not encode `name`: an earlier signature's parameters arrive split apart.
    resp = api.raw("GET", f"/v2/getSignedUrl?name={url}&project={project}&type=assets")
    fresh = ok(resp, 201)["signedUrl"]
    assert base(fresh) == base(url) and query(fresh)["X-Amz-Signature"] != query(url)["X-Amz-Signature"]
    assert requests.get(fresh, timeout=30).content == b"hello"
    # Encoded whole, with the query inside the value, it is stripped the same way.
    again = signed_url(api, url=url)
    assert base(again) == base(url) and "PUT" not in again
    assert requests.get(again, timeout=30).content == b"hello"


def test_the_signed_read_url_does_not_allow_a_write(api, project):
    url = upload_url(api, name=f"{unique()}.txt", project=project)
    assert requests.put(url, data=b"v1", timeout=30).status_code == 200
    read = signed_url(api, url=base(url))
    assert requests.put(read, data=b"v2", timeout=30).status_code == 403
    assert requests.get(read, timeout=30).content == b"v1"


def test_content_type_is_signed_so_the_put_must_carry_it(api, project):
    url = upload_url(api, name=f"{unique()}.png", project=project, contentType="image/png")
    assert query(url)["X-Amz-SignedHeaders"] == "content-type;host"
    assert requests.put(url, data=b"x", timeout=30).status_code == 403
    assert requests.put(url, data=b"x", headers={"Content-Type": "text/html"}, timeout=30).status_code == 403
    assert requests.put(url, data=b"png", headers={"Content-Type": "image/png"}, timeout=30).status_code == 200


@pytest.mark.parametrize("file_type", TYPES)
def test_each_type_names_the_key_prefix(server, api, project, file_type):
    org = server.bootstrap["organizationId"]
    url = upload_url(api, name="f.png", project=project, type=file_type)
    assert base(url) == f"{server.store_url}/{file_type}/{org}/{project}/f.png"


def test_expiry(api, project):
    assert query(upload_url(api, name="f", project=project))["X-Amz-Expires"] == "3600"
    assert query(upload_url(api, name="f", project=project, expiresIn=60))["X-Amz-Expires"] == "60"
    assert query(upload_url(api, name="f", project=project, expiresIn=604800))["X-Amz-Expires"] == "604800"
    stored = base(upload_url(api, name="f", project=project))
    assert query(signed_url(api, url=stored, expiresIn=5))["X-Amz-Expires"] == "5"
    for bad in ("0", "604801", "-1", "abc", "1.5", ""):
        fail(upload_url(api, 400, name="f", project=project, expiresIn=bad), 400, "expiresIn")
        fail(signed_url(api, 400, url=stored, expiresIn=bad), 400, "expiresIn")


def test_names_are_plain_encoded_file_names(server, api, project):
    org = server.bootstrap["organizationId"]
    url = upload_url(api, name="a b+c%.png", project=project)
    assert base(url) == f"{server.store_url}/assets/{org}/{project}/a%20b%2Bc%25.png"
    assert requests.put(url, data=b"odd", timeout=30).status_code == 200
    assert requests.get(signed_url(api, url=base(url)), timeout=30).content == b"odd"


@pytest.mark.parametrize(
    "raw_name,fragment",
    [
        ("", "name: required"),
        ("a/b.png", "name: must be a plain file name"),
        ("%2Fetc%2Fpasswd", "name: must be a plain file name"),
        ("..", "name: must not contain '..'"),
        ("%2e%2e", "name: must not contain '..'"),
        ("a%5Cb", "name: must be a plain file name"),
        ("a%00b", "name: must not contain control characters"),
        ("a%0Ab", "name: must not contain control characters"),
        ("a%7Fb", "name: must not contain control characters"),
        ("%FF.png", "name: must be UTF-8"),
        ("x" * 1025, "name: must be at most 1024 bytes"),
    ],
)
def test_bad_names_are_refused(api, project, raw_name, fragment):
    fail(api.raw("GET", f"/v2/getUploadUrl?name={raw_name}&project={project}"), 400, fragment)


def test_missing_parameters(api, project):
    fail(api.raw("GET", f"/v2/getUploadUrl?project={project}"), 400, "name: required")
    fail(api.raw("GET", "/v2/getUploadUrl?name=f.png"), 400, "project: required")
    fail(api.raw("GET", f"/v2/getUploadUrl?name=f.png&project={project}&type=videos"), 400, "type: must be one of")
    fail(api.raw("GET", "/v2/getSignedUrl"), 400, "url: required")
    fail(api.raw("GET", "/v2/getSignedUrl?url="), 400, "url: required")


def test_unauthenticated(server, project):
    anonymous = server.api(key="nope")
    fail(upload_url(anonymous, 401, name="f", project=project), 401)
    fail(signed_url(anonymous, 401, url="http://x/y"), 401)


def test_foreign_or_unknown_projects_are_not_found(api, other_org, project):
    _, other = other_org
    theirs = other.create_project()["_id"]
    fail(upload_url(api, 404, name="f", project=theirs), 404, "project")
    fail(upload_url(api, 404, name="f", project=missing_id()), 404, "project")
    fail(upload_url(api, 404, name="f", project="P1"), 404, "project")
    stored = base(upload_url(api, name="f", project=project))
    fail(signed_url(api, 404, name=stored, project=theirs, type="assets"), 404, "project")


def test_another_organizations_object_is_not_found(api, other_org, project):
    _, other = other_org
    theirs = other.create_project()["_id"]
    url = upload_url(other, name=f"{unique()}.txt", project=theirs)
    assert requests.put(url, data=b"private", timeout=30).status_code == 200
    fail(signed_url(api, 404, url=base(url)), 404, "object")
    # Their own key signs it.
    assert requests.get(signed_url(other, url=base(url)), timeout=30).content == b"private"


@pytest.mark.parametrize(
    "foreign",
    [
        "https://example.com/{bucket}/assets/{org}/x.png",
        "https://b/k.png",
        "s3://{bucket}/assets/{org}/x.png",
        "not a url",
        "{server}/otherbucket/assets/{org}/x.png",
        "{store}/",
        "{store}",
        "{store}/assets/{org}/../x.png",
        "{store}/assets/{org}/%2E%2E/%2E%2E/assets/x.png",
        "{store}/assets/{org}//x.png",
    ],
)
def test_urls_outside_the_store_are_400(server, api, foreign):
    store = server.store_url
    url = foreign.format(
        server=server.url, store=store, bucket=store.rsplit("/", 1)[1], org=server.bootstrap["organizationId"]
    )
    fail(signed_url(api, 400, url=url), 400, "url: not a URL of this server's store")


def test_a_bucket_other_than_the_servers_is_400(server, api, project):
    fail(upload_url(api, 400, name="f", project=project, bucket="other"), 400, "bucket")
    assert upload_url(api, name="f", project=project, bucket=server.store_url.rsplit("/", 1)[1])


def test_content_type_must_be_a_media_type(api, project):
    for bad in ("png", "image/png\r\nx-amz-acl: public-read", ""):
        fail(upload_url(api, 400, name="f", project=project, contentType=bad), 400, "contentType")


def test_unknown_or_foreign_storages_are_not_found(api, other_org, project):
    _, other = other_org
    theirs = aws_storage(other, bucket="their-bucket")
    for sid in (theirs["_id"], missing_id(), "S1"):
        fail(upload_url(api, 404, name="f", project=project, storageId=sid), 404, "storage")
        fail(signed_url(api, 404, url="https://their-bucket.s3.amazonaws.com/k", storageId=sid), 404, "storage")
    mine = aws_storage(api, bucket="my-bucket")
    ok(api.delete(f"/v2/storages/{mine['_id']}"))
    fail(upload_url(api, 404, name="f", project=project, storageId=mine["_id"]), 404, "storage")


# --- storages: URL composition per provider (no service needed) -------------------------------


def test_aws_storage_urls(server, api, project):
    org = server.bootstrap["organizationId"]
    s = aws_storage(api, bucket="media-bucket")
    url = upload_url(api, name="f.png", project=project, storageId=s["_id"])
    assert base(url) == f"https://media-bucket.s3.eu-central-1.amazonaws.com/assets/{org}/{project}/f.png"
    assert (
        query(url)["X-Amz-Credential"].startswith("AKIDEXAMPLE/")
        and "/eu-central-1/s3/" in query(url)["X-Amz-Credential"]
    )
    other = upload_url(api, name="f.png", project=project, storageId=s["_id"], bucket="other-bucket")
    assert base(other).startswith("https://other-bucket.s3.eu-central-1.amazonaws.com/")
    fail(upload_url(api, 400, name="f", project=project, storageId=s["_id"], bucket="Bad_Bucket"), 400, "bucket")
    read = signed_url(api, url=base(url), storageId=s["_id"])
    assert base(read) == base(url) and query(read)["X-Amz-Signature"] != query(url)["X-Amz-Signature"]


def test_a_storage_without_bucket_needs_one_per_request(api, project):
    s = aws_storage(api)  # the SDK's create_storage names no bucket
    fail(upload_url(api, 400, name="f", project=project, storageId=s["_id"]), 400, "bucket: required")
    assert "://given-bucket.s3." in upload_url(
        api, name="f", project=project, storageId=s["_id"], bucket="given-bucket"
    )
    # A signed URL names its bucket itself.
    read = signed_url(api, url="https://s3.eu-central-1.amazonaws.com/some.bucket/x/y.png", storageId=s["_id"])
    assert base(read) == "https://s3.eu-central-1.amazonaws.com/some.bucket/x/y.png"


def test_the_sdks_literal_signed_url_request(api, project):
    # Bucket "b" on an S3-compatible service, whose host name "b" is the bucket's own (a CNAME).
    s = aws_storage(api, bucket="b", endpoint="https://s3.example.com")
    resp = api.raw("GET", f"/v2/getSignedUrl?name=https://b/k.png&project={project}&type=assets&storageId={s['_id']}")
    url = ok(resp, 201)["signedUrl"]
    assert base(url) == "https://s3.example.com/b/k.png"
    assert query(url)["X-Amz-SignedHeaders"] == "host"


def test_gcs_storage_urls(api, project):
    s = create_storage(api, provider="GCP", publicKey="GOOG1EXAMPLEHMAC", privateKey="hmac-secret", bucket="gcs-bucket")
    url = upload_url(api, name="f.png", project=project, storageId=s["_id"], contentType="image/png")
    assert base(url).startswith("https://storage.googleapis.com/gcs-bucket/assets/")
    q = query(url)
    assert q["X-Goog-Algorithm"] == "GOOG4-HMAC-SHA256" and q["X-Goog-SignedHeaders"] == "content-type;host"
    for form in (
        "https://storage.googleapis.com/gcs-bucket/a/b.png",
        "https://gcs-bucket.storage.googleapis.com/a/b.png",
        "gs://gcs-bucket/a/b.png",
    ):
        read = signed_url(api, url=form, storageId=s["_id"])
        assert base(read) == "https://storage.googleapis.com/gcs-bucket/a/b.png", form
        assert query(read)["X-Goog-Expires"] == "3600"
    fail(signed_url(api, 400, url="https://example.com/a.png", storageId=s["_id"]), 400, "not a URL of the storage")


def test_azure_storage_urls(api, project):
    s = create_storage(api, provider="AZURE", publicKey="acct1", privateKey=AZURITE_KEY, bucket="cont")
    url = upload_url(api, name="f.png", project=project, storageId=s["_id"])
    assert base(url).startswith("https://acct1.blob.core.windows.net/cont/assets/")
    q = query(url)
    assert (q["sp"], q["sr"]) == ("cw", "b") and q["sig"]
    read = signed_url(
        api, url="https://acct1.blob.core.windows.net/cont/x.png?sv=2020-01-01&sig=old", storageId=s["_id"]
    )
    assert base(read) == "https://acct1.blob.core.windows.net/cont/x.png" and query(read)["sp"] == "r"
    assert query(read)["sig"] != "old"


def test_a_url_of_the_servers_store_is_signed_even_with_a_storage_named(server, api, project):
    s = aws_storage(api, bucket="media-bucket")
    url = upload_url(api, name=f"{unique()}.txt", project=project)
    assert requests.put(url, data=b"own", timeout=30).status_code == 200
    read = signed_url(api, name=base(url), project=project, type="assets", storageId=s["_id"])
    assert base(read) == base(url) and requests.get(read, timeout=30).content == b"own"


def test_chat_and_cloud_import_check_the_storage(api, project, other_org):
    _, other = other_org
    s = aws_storage(api, bucket="media-bucket")
    theirs = aws_storage(other, bucket="their-bucket")
    ok(api.post(f"/v2/project/{project}/chat", data={"numberOfConversations": "1", "storageId": s["_id"]}), 201)
    resp = api.post(f"/v2/project/{project}/chat", data={"numberOfConversations": "1", "storageId": theirs["_id"]})
    fail(resp, 400, "storageId")
    body = {"assets": [{"data": "https://media-bucket.s3.amazonaws.com/a.png", "storage": s["_id"]}]}
    ok(api.post(f"/v2/project/{project}/cloud", json=body), 201)
    body["assets"][0]["storage"] = theirs["_id"]
    fail(api.post(f"/v2/project/{project}/cloud", json=body), 400, "assets[0].storage")


# --- a real S3-compatible service: OpenStack Swift s3api --------------------------------------


@pytest.fixture(scope="module")
def swift(tmp_path_factory):
    """Swift with s3api on 127.0.0.1: the one scripts/test.sh runs (ASSETD_TEST_S3_*), else one
    started here by the project's script and stopped after."""
    if os.environ.get("ASSETD_TEST_S3_ENDPOINT"):
        yield {
            "S3_ENDPOINT": os.environ["ASSETD_TEST_S3_ENDPOINT"].rstrip("/"),
            "S3_REGION": os.environ.get("ASSETD_TEST_S3_REGION", "us-east-1"),
            "S3_ACCESS_KEY": os.environ.get("ASSETD_TEST_S3_ACCESS_KEY", "test:tester"),
            "S3_SECRET_KEY": os.environ.get("ASSETD_TEST_S3_SECRET_KEY", "testing"),
        }
        return
    work = tmp_path_factory.mktemp("swift")
    errors = []
    for _ in range(3):  # another process may take one of the five ports between check and bind
        port = free_port_block(5)
        done = subprocess.run(
            ["bash", str(SWIFT_SCRIPT), "start", str(work), str(port)], capture_output=True, text=True, timeout=180
        )
        if done.returncode == 0:
            break
        errors.append(done.stderr)
    assert done.returncode == 0, "swift did not start:\n" + "\n".join(errors)
    env = dict(line.split("=", 1) for line in done.stdout.split() if "=" in line)
    try:
        yield env
    finally:
        subprocess.run(["bash", str(SWIFT_SCRIPT), "stop", str(work), str(port)], capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def swift_bucket(swift):
    import boto3
    from botocore.config import Config

    s3 = boto3.client(
        "s3",
        endpoint_url=swift["S3_ENDPOINT"],
        region_name=swift["S3_REGION"],
        aws_access_key_id=swift["S3_ACCESS_KEY"],
        aws_secret_access_key=swift["S3_SECRET_KEY"],
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10}),
    )
    name = "assetd-" + unique("b").lower()
    s3.create_bucket(Bucket=name)
    return name


def test_swift_round_trip(api, project, swift, swift_bucket):
    s = create_storage(
        api,
        provider="AWS",
        endpoint=swift["S3_ENDPOINT"],
        region=swift["S3_REGION"],
        bucket=swift_bucket,
        publicKey=swift["S3_ACCESS_KEY"],
        privateKey=swift["S3_SECRET_KEY"],
    )
    body = os.urandom(70000)
    url = upload_url(api, name=f"{unique()}.bin", project=project, type="assets", storageId=s["_id"])
    assert base(url).startswith(f"{swift['S3_ENDPOINT']}/{swift_bucket}/assets/")
    put = requests.put(url, data=body, timeout=60)
    assert put.status_code == 200, put.text
    read = signed_url(api, name=base(url), project=project, type="assets", storageId=s["_id"])
    got = requests.get(read, timeout=60)
    assert got.status_code == 200 and got.content == body


def test_swift_checks_what_we_sign(api, project, swift, swift_bucket):
    s = create_storage(
        api,
        provider="AWS",
        endpoint=swift["S3_ENDPOINT"],
        bucket=swift_bucket,
        publicKey=swift["S3_ACCESS_KEY"],
        privateKey=swift["S3_SECRET_KEY"],
    )
    url = upload_url(api, name=f"{unique()}.png", project=project, storageId=s["_id"], contentType="image/png")
    assert requests.put(url, data=b"x", timeout=60).status_code == 403  # content type missing
    assert requests.put(url, data=b"png", headers={"Content-Type": "image/png"}, timeout=60).status_code == 200
    read = signed_url(api, url=base(url), storageId=s["_id"])
    sig = query(read)["X-Amz-Signature"]
    tampered = read.replace(sig, ("0" if sig[0] != "0" else "1") + sig[1:])
    assert requests.get(tampered, timeout=60).status_code == 403
    assert requests.get(read, timeout=60).content == b"png"
    # A storage holding a wrong secret signs URLs that Swift refuses.
    wrong = create_storage(
        api,
        provider="AWS",
        endpoint=swift["S3_ENDPOINT"],
        bucket=swift_bucket,
        publicKey=swift["S3_ACCESS_KEY"],
        privateKey="wrong",
    )
    assert requests.get(signed_url(api, url=base(url), storageId=wrong["_id"]), timeout=60).status_code == 403


# --- a real Azure Blob service: azurite -------------------------------------------------------


def install_azurite():
    """azurite from the committed package.json/package-lock.json, into the test-local npm dir."""
    binary = AZURITE_DIR / "node_modules" / ".bin" / "azurite-blob"
    installed = AZURITE_DIR / "node_modules" / "azurite" / "package.json"
    lock = json.loads((AZURITE_DIR / "package-lock.json").read_text())
    wanted = lock["packages"]["node_modules/azurite"]["version"]
    if binary.exists() and installed.exists() and json.loads(installed.read_text())["version"] == wanted:
        return binary
    npm = shutil.which("npm")
    assert npm, "npm is needed to install azurite (scripts/install-deps.sh test)"
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=AZURITE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return binary


@pytest.fixture(scope="module")
def azurite(tmp_path_factory):
    binary = install_azurite()
    work = tmp_path_factory.mktemp("azurite")
    port = free_port_block(1)
    log = open(work / "azurite.log", "wb")
    proc = subprocess.Popen(
        [
            str(binary),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(port),
            "--location",
            str(work),
            "--silent",
            "--disableTelemetry",
            "--disableProductStyleUrl",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}/{AZURITE_ACCOUNT}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (work / "azurite.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "azurite did not listen in 60 s"
                time.sleep(0.1)
        yield endpoint
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def azure_create_container(endpoint, container):
    """PUT Container with Shared Key authorization (the account key signs the request)."""
    version = "2021-08-06"
    date = formatdate(usegmt=True)
    path = urlsplit(endpoint).path + "/" + container
    string_to_sign = (
        "PUT\n"
        + "\n" * 11
        + f"x-ms-date:{date}\nx-ms-version:{version}\n"
        + f"/{AZURITE_ACCOUNT}{path}\nrestype:container"
    )
    sig = base64.b64encode(
        hmac.new(base64.b64decode(AZURITE_KEY), string_to_sign.encode(), hashlib.sha256).digest()
    ).decode()
    resp = requests.put(
        f"{endpoint}/{container}?restype=container",
        headers={"x-ms-date": date, "x-ms-version": version, "Authorization": f"SharedKey {AZURITE_ACCOUNT}:{sig}"},
        timeout=30,
    )
    assert resp.status_code == 201, resp.text


@pytest.fixture(scope="module")
def azure_storage(server, azurite):
    container = "assetd-" + unique("c").lower()
    azure_create_container(azurite, container)
    return create_storage(
        server.api(),
        provider="AZURE",
        publicKey=AZURITE_ACCOUNT,
        privateKey=AZURITE_KEY,
        endpoint=azurite,
        bucket=container,
    )


def test_azure_round_trip(api, project, azurite, azure_storage):
    body = os.urandom(50000)
    url = upload_url(api, name=f"{unique()}.bin", project=project, storageId=azure_storage["_id"])
    assert base(url).startswith(f"{azurite}/{azure_storage['bucket']}/assets/")
    put = requests.put(url, data=body, headers={"x-ms-blob-type": "BlockBlob"}, timeout=60)
    assert put.status_code == 201, put.text
    read = signed_url(api, name=base(url), project=project, type="assets", storageId=azure_storage["_id"])
    got = requests.get(read, timeout=60)
    assert got.status_code == 200 and got.content == body


def test_azurite_checks_what_we_sign(api, project, azurite, azure_storage):
    url = upload_url(api, name=f"{unique()}.txt", project=project, storageId=azure_storage["_id"])
    assert requests.put(url, data=b"v1", headers={"x-ms-blob-type": "BlockBlob"}, timeout=60).status_code == 201
    read = signed_url(api, url=base(url), storageId=azure_storage["_id"])
    # The read URL cannot write, and a changed signature is refused.
    assert requests.put(read, data=b"v2", headers={"x-ms-blob-type": "BlockBlob"}, timeout=60).status_code == 403
    sig = query(read)["sig"]
    forged = base64.b64encode(b"\x00" * 32).decode()
    assert requests.get(read.replace(quote(sig, safe=""), quote(forged, safe="")), timeout=60).status_code == 403
    assert requests.get(read, timeout=60).content == b"v1"
