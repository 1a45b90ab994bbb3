"""Three assetd nodes on one PostgreSQL database and one S3 bucket, behind nginx: requests for the
same project arriving at different nodes at once leave exactly what a single node would.

Clients are spread over the nodes: one client per node plus one through nginx. Counts are checked
three ways: what the API lists, what every node says of the project, and a direct SQL count.
"""

import collections
import hashlib
import http.server
import json
import os
import random
import signal
import threading
import time
from urllib.parse import unquote, urlsplit

import pytest
import requests

from apilib import HEX24, ok, unique
from parallel import run_threads

SETTLE_S = 180  # a killed node's copy waits for its lease (3 s) and a claim on a busy machine


# --- helpers ----------------------------------------------------------------------------------


def sql_id(value):
    """An id as an SQL literal: ids are 24 hex digits, nothing to escape."""
    assert HEX24.match(value), value
    return f"'{value}'"


def live_count(cluster, project):
    return cluster.db.scalar(f"SELECT count(*) FROM assets WHERE project_id = {sql_id(project)} AND NOT deleted")


def batch_rows(cluster, project):
    """name -> how many batches of the project carry it."""
    rows = cluster.db.sql(f"SELECT name, count(*) FROM batches WHERE project_id = {sql_id(project)} GROUP BY name")
    return {name: int(n) for name, n in rows}


def live_members(cluster, project):
    """batch name -> live assets in it."""
    rows = cluster.db.sql(
        "SELECT b.name, count(*) FROM asset_batches ab JOIN batches b ON b.id = ab.batch_id"
        f" JOIN assets a ON a.id = ab.asset_id WHERE b.project_id = {sql_id(project)} AND NOT a.deleted GROUP BY b.name"
    )
    return {name: int(n) for name, n in rows}


def assert_counts_agree(cluster, apis, project, expected):
    """`total`, every node's `assetCount`, the task total and a direct count all equal `expected`."""
    assert live_count(cluster, project) == expected
    for api in apis:
        assert api.list_assets(project, limit=1)["total"] == expected, api.url
        assert api.get_project(project)["assetCount"] == expected, api.url
    assert apis[0].list_tasks(project, limit=1)["total"] == expected


def batch_ids_by_name(api, project):
    batches = api.get_project(project)["batches"]
    names = [b["name"] for b in batches]
    assert len(names) == len(set(names)), f"a batch name is listed twice: {names}"
    return {b["name"]: b["_id"] for b in batches}


# --- concurrent imports -----------------------------------------------------------------------

IMPORT_THREADS = 12
IMPORT_REQUESTS = 10
IMPORT_SIZE = 50


def test_concurrent_imports_with_the_same_new_batch_names(cluster):
    apis = cluster.apis()
    project = apis[-1].create_project()["_id"]
    names = [unique("batch") for _ in range(4)]
    acknowledged = {}  # externalId -> batch names it was imported with
    failures = []
    lock = threading.Lock()

    def importer(t):
        api = apis[t % len(apis)]
        rng = random.Random(t)
        for r in range(IMPORT_REQUESTS):
            common = rng.sample(names, rng.randint(1, 2))  # the `batches` query: every asset
            assets, expect = [], {}
            for i in range(IMPORT_SIZE):
                external_id = f"t{t}-r{r}-{i}"
                own = [rng.choice(names)] if i % 2 else []  # the asset's own `batches`
                assets.append(
                    {"data": f"https://example.com/{external_id}.jpg", "externalId": external_id, "batches": own}
                )
                expect[external_id] = set(common) | set(own)
            try:
                resp = api.post(
                    f"/v2/project/{project}/cloud", params={"batches": json.dumps(common)}, json={"assets": assets}
                )
            except requests.RequestException as e:
                with lock:
                    failures.append(f"{api.url}: {e}")
                continue
            with lock:
                if resp.status_code == 201 and resp.json()["data"]["assets"]["assetsCreated"] == IMPORT_SIZE:
                    acknowledged.update(expect)
                else:
                    failures.append(f"{api.url}: {resp.status_code} {resp.text[:300]}")

    run_threads([lambda t=t: importer(t) for t in range(IMPORT_THREADS)])

    # Every acknowledged asset exactly once, listed page by page through one node.
    listed = apis[1].all_assets(project)
    seen = collections.Counter(a["externalId"] for a in listed)
    twice = [e for e, n in seen.items() if n > 1]
    assert not twice, f"listed more than once: {twice[:10]}"
    missing = set(acknowledged) - set(seen)
    assert not missing, f"acknowledged but missing: {sorted(missing)[:10]}"
    sql_seen = cluster.db.sql(
        f"SELECT external_id, count(*) FROM assets WHERE project_id = {sql_id(project)} AND NOT deleted"
        " GROUP BY external_id HAVING count(*) > 1"
    )
    assert not sql_seen, f"stored more than once: {sql_seen[:10]}"
    assert not failures, f"{len(failures)} imports failed: {failures[:5]}"
    assert len(seen) == len(acknowledged) == IMPORT_THREADS * IMPORT_REQUESTS * IMPORT_SIZE
    assert_counts_agree(cluster, apis, project, len(acknowledged))

    # Each new name became exactly one batch, holding exactly the assets imported into it.
    assert batch_rows(cluster, project) == {n: 1 for n in names}
    ids = batch_ids_by_name(apis[2], project)
    assert sorted(ids) == sorted(names)
    expected = {n: sum(1 for b in acknowledged.values() if n in b) for n in names}
    assert live_members(cluster, project) == expected
    for n in names:
        assert apis[0].list_assets(project, limit=1, filters={"batches": [ids[n]]})["total"] == expected[n]
    by_external_id = {a["externalId"]: a for a in listed}
    for external_id, wanted in acknowledged.items():
        assert set(by_external_id[external_id]["batches"]) == {ids[n] for n in wanted}, external_id


# --- concurrent assignBatches and deletes -----------------------------------------------------

SEEDED = 400


def test_concurrent_assign_batches_and_deletes(cluster):
    apis = cluster.apis()
    project = apis[-1].create_project()["_id"]
    assets = [{"data": f"https://example.com/s{i}.jpg", "externalId": f"s{i:04d}"} for i in range(SEEDED)]
    assert apis[-1].import_assets(project, assets)["assetsCreated"] == SEEDED
    ids = [a["_id"] for a in apis[0].all_assets(project, sort="createdAt")]
    assert len(ids) == SEEDED
    names = [unique("batch") for _ in range(3)]
    # Deleters take overlapping ranges (each id up to twice): together ids[0:200].
    delete_ranges = [ids[k * 50 : k * 50 + 100] for k in range(3)]
    doomed = set(ids[:200])
    lock = threading.Lock()
    assigned = collections.defaultdict(set)  # batch name -> ids of accepted requests
    modified = collections.Counter()  # batch name -> sum of modifiedCount
    refused = []  # assignments refused: each must name a deleted asset
    deleted = failed = 0
    failures = []

    def assigner(t):
        api = apis[t % len(apis)]
        name = names[t % len(names)]  # two threads per batch name, on different nodes
        rng = random.Random(100 + t)
        for i in range(12):
            # Every other request also names two assets that the deleters are after.
            chunk = rng.sample(ids[200:], 18) + (rng.sample(ids[:200], 2) if i % 2 else [])
            resp = api.post("/v2/assignBatches", json={"assetIds": chunk, "batches": [name]})
            with lock:
                if resp.status_code == 200:
                    assigned[name].update(chunk)
                    modified[name] += resp.json()["data"]["assets"]["modifiedCount"]
                elif resp.status_code == 400 and "not found" in resp.text:
                    refused.append(chunk)
                else:
                    failures.append(f"assign via {api.url}: {resp.status_code} {resp.text[:300]}")

    def deleter(k):
        nonlocal deleted, failed
        api = apis[(k + 1) % len(apis)]
        batch = delete_ranges[k]
        for i in range(0, len(batch), 10):
            resp = api.delete(f"/v2/project/{project}/assets", json={"assets": batch[i : i + 10]})
            with lock:
                if resp.status_code == 200:
                    deleted += resp.json()["data"]["deleted"]
                    failed += resp.json()["data"]["failed"]
                else:
                    failures.append(f"delete via {api.url}: {resp.status_code} {resp.text[:300]}")

    run_threads([lambda t=t: assigner(t) for t in range(6)] + [lambda k=k: deleter(k) for k in range(3)])
    assert not failures, failures[:5]

    # Each id was deleted exactly once, whichever deleter got there first.
    assert deleted == len(doomed) and failed == 300 - len(doomed)
    survivors = set(ids) - doomed
    assert {a["_id"] for a in apis[2].all_assets(project)} == survivors
    assert_counts_agree(cluster, apis, project, len(survivors))

    # An assignment was refused only because it named an asset already deleted.
    for chunk in refused:
        assert doomed & set(chunk), chunk
    # Each asset entered a batch once: the accepted requests' modifiedCount adds up to that.
    for name in names:
        assert modified[name] == len(assigned[name]), name
    assert batch_rows(cluster, project) == {n: 1 for n in names if assigned[n]}
    batch_ids = batch_ids_by_name(apis[1], project)
    expected = {n: len(assigned[n] - doomed) for n in names if assigned[n] - doomed}
    assert live_members(cluster, project) == expected
    for n, count in expected.items():
        assert apis[-1].list_assets(project, limit=1, filters={"batches": [batch_ids[n]]})["total"] == count


# --- a node killed mid-copy -------------------------------------------------------------------


class SlowSource:
    """A local HTTP server whose first answer for a file stalls after half the body until `release`;
    later answers are whole. It notes the client port of every request."""

    def __init__(self):
        self.files = {}
        self.release = threading.Event()
        self.clients = collections.defaultdict(list)  # path -> client ports, in order
        self.lock = threading.Lock()
        source = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                path = urlsplit(self.path).path
                name = unquote(path).rsplit("/", 1)[-1]
                with source.lock:
                    source.clients[path].append(self.client_address[1])
                    first = len(source.clients[path]) == 1
                body = source.files.get(name)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if first:
                        self.wfile.write(body[: len(body) // 2])
                        self.wfile.flush()
                        source.release.wait(timeout=SETTLE_S)
                        self.wfile.write(body[len(body) // 2 :])
                    else:
                        self.wfile.write(body)
                except OSError:
                    pass  # the copier that asked is gone

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def requests_for(self, path):
        with self.lock:
            return list(self.clients[path])

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def slow_source():
    source = SlowSource()
    yield source
    source.close()


def socket_owner(local_port, pids):
    """Which of `pids` holds the TCP socket on local port `local_port` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == local_port and fields[9] != "0":
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
            except OSError:
                continue
    return None


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s"
        time.sleep(0.05)


def stored_bytes(api, url):
    signed = ok(api.get("/v2/getSignedUrl", params={"url": url}), 201)["signedUrl"]
    got = requests.get(signed, timeout=60)
    assert got.status_code == 200, got.text[:300]
    return got.content


def test_a_node_killed_mid_copy_leaves_the_copy_to_another(cluster, slow_source):
    apis = cluster.apis()
    project = apis[-1].create_project()["_id"]
    name = unique("slow") + ".bin"
    body = os.urandom(1 << 20)
    slow_source.files[name] = body
    path = f"/files/{name}"
    external_id = unique("x")
    created = apis[-1].import_assets(
        project, [{"data": slow_source.base + path, "externalId": external_id}], uploadLocal="true"
    )
    assert created["assetsCreated"] == 1
    wait_until(lambda: slow_source.requests_for(path), 60, "a node starts the copy")

    # The node whose socket is talking to the source holds the copy: kill it, mid-body.
    pids = {node.proc.pid: node for node in cluster.nodes}
    owner = socket_owner(slow_source.requests_for(path)[0], pids)
    assert owner is not None, "no node holds the copy's connection"
    victim = pids[owner]
    victim.stop(signal.SIGKILL)
    try:
        survivors = [n for n in cluster.nodes if n is not victim]
        survivor_apis = [n.api(cluster.key) for n in survivors]

        # nginx routes around the dead node meanwhile: reads and writes still succeed through it.
        through_nginx = apis[-1]
        for i in range(6):
            assert through_nginx.get_project(project)["_id"] == project
            item = {"data": f"https://example.com/during-{i}.jpg", "externalId": unique("during")}
            assert through_nginx.import_assets(project, [item])["assetsCreated"] == 1

        # Once the lease runs out a surviving node claims the copy again and finishes it.
        def settled():
            return survivor_apis[0].asset_by_external_id(project, external_id).get("uploadStatus") != "pending"

        wait_until(settled, SETTLE_S, "the copy settles on a surviving node")
        asset = survivor_apis[1].asset_by_external_id(project, external_id)
        assert asset["uploadStatus"] == "done", asset
        prefix = f"{cluster.blobs.store_url(victim)}/assets/{asset['organization']}/{project}/{asset['_id']}/"
        assert asset["data"] == prefix + name
        assert hashlib.sha256(stored_bytes(survivor_apis[1], asset["data"])).digest() == hashlib.sha256(body).digest()
        assert len(slow_source.requests_for(path)) >= 2  # the killed attempt, then another node's
    finally:
        if not victim.alive():
            victim.start()  # on its old port, where nginx expects it
    assert_counts_agree(cluster, cluster.apis(), project, 7)


# --- signed URLs across nodes -----------------------------------------------------------------


def test_signed_urls_made_by_one_node_work_through_another(cluster):
    a, b, c, through_nginx = cluster.apis()
    project = through_nginx.create_project()["_id"]
    body = os.urandom(70_000)
    name = unique("up") + ".bin"
    upload = ok(a.get("/v2/getUploadUrl", params={"name": name, "project": project}), 201)["uploadUrl"]
    assert requests.put(upload, data=body, timeout=60).status_code == 200
    stored = upload.split("?")[0]

    # Registered on another node: already in the server's store, so nothing to copy.
    created = b.import_assets(project, [{"data": stored, "externalId": name}], uploadLocal="true")
    assert created["assetsCreated"] == 1
    asset = c.asset_by_external_id(project, name)
    assert asset["data"] == stored and asset["uploadStatus"] == "done", asset
    assert stored_bytes(c, stored) == body
    assert stored_bytes(through_nginx, stored) == body

    # A storage integration created on one node: its credentials, sealed with the shared master
    # key, open on the others.
    s3 = cluster.blobs
    storage = ok(
        a.post(
            "/v2/storages",
            json={
                "name": unique("storage"),
                "provider": "AWS",
                "endpoint": s3.endpoint,
                "region": s3.region,
                "bucket": s3.bucket_name,
                "publicKey": s3.access_key,
                "privateKey": s3.secret_key,
            },
        )
    )["storage"]
    params = {"name": unique("int") + ".bin", "project": project, "storageId": storage["_id"]}
    upload = ok(b.get("/v2/getUploadUrl", params=params), 201)["uploadUrl"]
    assert requests.put(upload, data=body[:1000], timeout=60).status_code == 200
    read = ok(c.get("/v2/getSignedUrl", params={"url": upload.split("?")[0], "storageId": storage["_id"]}), 201)
    got = requests.get(read["signedUrl"], timeout=60)
    assert got.status_code == 200 and got.content == body[:1000]
