"""Storage integrations: GET/POST/DELETE /v2/storages per the contract, both request forms, the
validation of every field, organization scoping, and secrets that never come back out, neither in a
response nor in plain text in the database file."""

import json
import subprocess
from pathlib import Path

import pytest

from apilib import HEX24, ISO_MS, fail, missing_id, ok, unique

STORAGE_FIELDS = {"_id", "name", "provider", "bucket", "region", "createdAt"}
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def rsa_pem():
    """A fresh RSA private key in PEM (a service account's private_key)."""
    done = subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def create(api, body, status=200):
    resp = api.post("/v2/storages", json=body)
    if status != 200:
        return resp
    return ok(resp)["storage"]


def listed(api, **params):
    return ok(api.get("/v2/storages", params=params or None))["storages"]


def check_storage(s):
    assert STORAGE_FIELDS <= s.keys(), s
    assert HEX24.match(s["_id"]) and ISO_MS.match(s["createdAt"]), s
    assert s["provider"] in ("AWS", "GCP", "AZURE"), s
    assert not {"publicKey", "privateKey", "credentials", "secretAccessKey"} & s.keys(), s


def sdk_body(**over):
    body = {
        "name": unique("s3"),
        "provider": "AWS",
        "publicKey": "AKIDSDKEXAMPLE",
        "privateKey": "sdk-secret-" + unique(),
        "region": "eu-central-1",
        "credentials": None,
    }
    body.update(over)
    return body


def test_the_sdks_create_storage_body_with_a_trailing_slash(api):
    body = sdk_body()
    resp = api.post("/v2/storages/", json=body)
    s = ok(resp)["storage"]
    check_storage(s)
    assert (s["name"], s["provider"], s["region"], s["bucket"]) == (body["name"], "AWS", "eu-central-1", None)
    assert "endpoint" not in s
    assert body["privateKey"] not in resp.text and body["publicKey"] not in resp.text


def test_the_docs_body(api):
    secret = "docs-secret-" + unique()
    s = create(
        api,
        {
            "name": "docs",
            "type": "AWS",
            "bucket": "my-assets",
            "region": "us-west-2",
            "credentials": {"accessKeyId": "AKIDDOCS", "secretAccessKey": secret},
        },
    )
    check_storage(s)
    assert (s["provider"], s["bucket"], s["region"]) == ("AWS", "my-assets", "us-west-2")


def test_every_provider_and_the_s3_compatible_endpoint(api):
    swift = create(api, sdk_body(endpoint="http://127.0.0.1:9/", bucket="Media_1", publicKey="test:tester"))
    assert swift["endpoint"] == "http://127.0.0.1:9" and swift["bucket"] == "Media_1"
    gcs_hmac = create(api, sdk_body(provider="GCP", publicKey="GOOG1EXAMPLE", bucket="gcs-bucket"))
    assert gcs_hmac["provider"] == "GCP"
    account = {"type": "service_account", "client_email": "sa@p.iam.gserviceaccount.com", "private_key": rsa_pem()}
    for credentials in (json.dumps(account), account):
        gcs_sa = create(api, sdk_body(provider="GCP", publicKey=None, privateKey=None, credentials=credentials))
        assert gcs_sa["provider"] == "GCP"
    azure = create(
        api,
        sdk_body(
            provider="AZURE",
            publicKey="devstoreaccount1",
            privateKey=AZURITE_KEY,
            endpoint="http://127.0.0.1:10000/devstoreaccount1",
            bucket="cont",
        ),
    )
    assert azure["endpoint"] == "http://127.0.0.1:10000/devstoreaccount1"
    ids = {s["_id"] for s in listed(api)}
    assert {swift["_id"], gcs_hmac["_id"], azure["_id"]} <= ids


def test_list_and_lookup_by_id_as_the_sdk_does(api):
    a = create(api, sdk_body())
    b = create(api, sdk_body())
    all_ids = [s["_id"] for s in listed(api)]
    assert all_ids.index(a["_id"]) < all_ids.index(b["_id"])  # oldest first
    one = listed(api, _id=b["_id"])
    assert [s["_id"] for s in one] == [b["_id"]]
    check_storage(one[0])
    assert listed(api, _id=missing_id()) == []
    assert listed(api, _id="not-an-id") == []


def test_delete(api):
    s = create(api, sdk_body())
    assert ok(api.delete(f"/v2/storages/{s['_id']}")) == {"deleted": True}
    assert listed(api, _id=s["_id"]) == []
    fail(api.delete(f"/v2/storages/{s['_id']}"), 404, "storage")
    fail(api.delete(f"/v2/storages/{missing_id()}"), 404, "storage")


def test_another_organizations_storage_is_not_found(api, other_org):
    _, other = other_org
    theirs = create(other, sdk_body())
    assert listed(api, _id=theirs["_id"]) == []
    assert theirs["_id"] not in {s["_id"] for s in listed(api)}
    fail(api.delete(f"/v2/storages/{theirs['_id']}"), 404, "storage")
    assert [s["_id"] for s in listed(other, _id=theirs["_id"])] == [theirs["_id"]]


def test_unauthenticated(server):
    anonymous = server.api(key="wrong")
    fail(anonymous.get("/v2/storages"), 401)
    fail(anonymous.post("/v2/storages", json=sdk_body()), 401)


@pytest.mark.parametrize(
    "change,fragment",
    [
        ({"name": None}, "name: required"),
        ({"name": ""}, "name: must be a non-empty string"),
        ({"provider": None}, "provider: required"),
        ({"provider": "FTP"}, "provider: must be AWS, GCP or AZURE"),
        ({"type": "GCP"}, "type: conflicts with provider"),
        ({"publicKey": None}, "publicKey: required"),
        ({"privateKey": None}, "privateKey: required"),
        ({"privateKey": 5}, "privateKey: must be a non-empty string"),
        ({"publicKey": "has/slash"}, "publicKey: must not contain '/'"),
        ({"bucket": "Not_Valid"}, "bucket: must be an S3 bucket name"),
        ({"region": "eu central"}, "region: must be"),
        ({"endpoint": "ftp://host"}, "endpoint: must be an http or https URL"),
        ({"endpoint": "not a url"}, "endpoint:"),
        ({"endpoint": "http://h/?x=1"}, "endpoint: must not have a query"),
        ({"credentials": {"accessKeyId": "a", "secretAccessKey": "b"}}, "credentials: give either"),
        ({"publicKey": None, "privateKey": None, "credentials": "{"}, "credentials: malformed JSON"),
        ({"extra": 1}, "extra: unknown field"),
        ({"provider": "AZURE", "publicKey": "Bad-Account"}, "publicKey: must be an Azure storage account name"),
        ({"provider": "AZURE", "publicKey": "acct", "privateKey": "not base64"}, "privateKey: must be the base64"),
        (
            {
                "provider": "GCP",
                "publicKey": None,
                "privateKey": None,
                "credentials": {"client_email": "a@b", "private_key": "x"},
            },
            "credentials.private_key",
        ),
    ],
)
def test_validation_names_the_field(api, change, fragment):
    body = sdk_body()
    for k, v in change.items():
        if v is None and k in ("name", "provider", "publicKey", "privateKey"):
            body.pop(k)
        else:
            body[k] = v
    before = len(listed(api))
    fail(create(api, body, status=400), 400, fragment)
    assert len(listed(api)) == before  # nothing written


@pytest.mark.parametrize("raw", ["", "[]", "{", "null", '"x"'])
def test_malformed_bodies(api, raw):
    resp = api.post("/v2/storages", data=raw, headers={"Content-Type": "application/json"})
    fail(resp, 400)


def test_secrets_never_appear_in_responses_or_in_the_database(server, api):
    secret = "Sup3rSecretValue-" + unique()
    key_id = "AKIDPLAIN" + unique().replace("-", "").upper()
    pem = rsa_pem()
    pem_line = pem.splitlines()[3]
    texts = []
    s1 = api.post("/v2/storages", json=sdk_body(publicKey=key_id, privateKey=secret))
    texts.append(s1.text)
    s2 = api.post(
        "/v2/storages",
        json=sdk_body(
            provider="GCP",
            publicKey=None,
            privateKey=None,
            credentials={
                "type": "service_account",
                "client_email": "hidden@x.iam.gserviceaccount.com",
                "private_key": pem,
            },
        ),
    )
    texts.append(s2.text)
    for sid in (ok(s1)["storage"]["_id"], ok(s2)["storage"]["_id"]):
        texts.append(api.get("/v2/storages", params={"_id": sid}).text)
    texts.append(api.get("/v2/storages").text)
    for text in texts:
        for needle in (secret, key_id, pem_line, "hidden@x"):
            assert needle not in text, f"{needle} leaked in {text[:300]}"
    # Sizes that would betray the secret's length are absent too: no field carries a mask.
    assert "***" not in "".join(texts)

    if server.backend.name != "sqlite":
        return  # the records are not in a file of the data directory
    data_dir = Path(server.data_dir)
    blobs = b"".join(p.read_bytes() for p in data_dir.glob("assetd.db*"))
    assert blobs, "no database files found"
    for needle in (secret, key_id, pem_line, "hidden@x"):
        assert needle.encode() not in blobs, f"{needle} is stored in plain text"


def test_storages_survive_a_restart_and_a_wrong_master_key_is_a_clear_500(server_factory, tmp_path):
    key = "ab" * 32
    s = server_factory.new(env={"ASSETD_MASTER_KEY": key})
    api = s.api()
    project = api.create_project()["_id"]
    storage = create(api, sdk_body(bucket="media"))
    assert not (Path(s.data_dir) / "master.key").exists()  # the environment's key is used

    def upload_url():  # through the current process: a restart brings a new port
        return s.api().get(
            "/v2/getUploadUrl", params={"name": "f.png", "project": project, "storageId": storage["_id"]}
        )

    ok(upload_url(), 201)
    s.stop()
    s.env["ASSETD_MASTER_KEY"] = key
    s.start()
    ok(upload_url(), 201)  # same key: the sealed credentials open again
    s.stop()
    s.env["ASSETD_MASTER_KEY"] = "cd" * 32
    s.start()
    resp = upload_url()
    fail(resp, 500, "wrong master key")
    assert listed(s.api(), _id=storage["_id"])  # the record itself is still readable
    s.stop()


def test_a_malformed_master_key_stops_the_start(server_factory):
    s = server_factory.new(env={"ASSETD_MASTER_KEY": "too-short"}, start=False)
    with pytest.raises(AssertionError, match="ASSETD_MASTER_KEY"):
        s.start()


def test_the_master_key_file_is_private(server):
    key_file = Path(server.data_dir) / "master.key"
    assert key_file.exists()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(key_file.read_text().strip()) == 64
