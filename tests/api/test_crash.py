"""Crash consistency: the server is killed with SIGKILL at random moments while 8 clients import
(cloud and chat), upload objects and queue background copies; after each of 20 rounds it is
started again on the same data and must hold every acknowledged import whole, no request in part,
no object half-written, `total` equal to what a full listing counts, and must finish the copies
that were pending. Runs on whichever backend the suite runs on (SQLite, or PostgreSQL)."""

import hashlib
import http.server
import json
import os
import random
import signal
import threading
import time
from urllib.parse import urlencode

import pytest
import requests

from apilib import s3_client
from conftest import free_port

pytestmark = pytest.mark.builtin_store

ROUNDS = 20
PER_IMPORT = 25
CHATS_PER_REQUEST = 4
SETTLE_S = 120


class Source(http.server.BaseHTTPRequestHandler):
    """The files uploadLocal copies: /<n>.bin is 64 KiB derived from n, sent in slow pieces so
    that kills land mid-copy."""

    protocol_version = "HTTP/1.1"

    @staticmethod
    def body(n):
        return hashlib.sha256(str(n).encode()).digest() * 2048

    def log_message(self, *args):
        pass

    def do_GET(self):
        try:
            n = int(self.path.strip("/").split(".")[0])
        except ValueError:
            self.send_error(404)
            return
        body = self.body(n)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(0, len(body), 16384):
                self.wfile.write(body[i : i + 16384])
                time.sleep(0.01)
        except OSError:
            pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a copy cut off by a kill resets its connection: expected here


@pytest.fixture(scope="module")
def source():
    httpd = QuietServer(("127.0.0.1", 0), Source)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class Ledger:
    """What the clients tried and what the server acknowledged, across rounds."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cloud_tried, self.cloud_acked = [], []  # lists of externalId lists
        self.chat_tried, self.chat_acked = [], []  # prefixes
        self.objects_tried, self.objects_acked = {}, set()  # key -> md5; keys
        self.copies_acked = []  # (externalId, n)
        self.unexpected = []  # answers that are neither success nor a dropped connection

    def note(self, resp, expected):
        if resp.status_code != expected:
            self.unexpected.append((resp.status_code, resp.text[:300]))
            return False
        return True


def client(kind, worker, round_no, api, s3, projects, source, ledger, stop):
    rng = random.Random(f"{kind}-{worker}-{round_no}")
    n = 0
    while not stop.is_set():
        tag = f"{kind}{worker}-r{round_no}-{n}"
        n += 1
        try:
            if kind == "cloud":
                ids = [f"{tag}-{i}" for i in range(PER_IMPORT)]
                with ledger.lock:
                    ledger.cloud_tried.append(ids)
                resp = api.post(
                    f"/v2/project/{projects['cloud']}/cloud",
                    json={"assets": [{"data": f"https://example.com/{x}.jpg", "externalId": x} for x in ids]},
                    timeout=30,
                )
                if ledger.note(resp, 201):
                    with ledger.lock:
                        ledger.cloud_acked.append(ids)
            elif kind == "chat":
                prefix = f"{tag}-"
                with ledger.lock:
                    ledger.chat_tried.append(prefix)
                fields = {
                    "conversations": json.dumps(
                        [{"messages": [{"role": "user", "content": f"{prefix}{i}"}]} for i in range(CHATS_PER_REQUEST)]
                    ),
                    "namingStrategy": json.dumps({"type": "sequential", "prefix": prefix}),
                }
                resp = api.post(
                    f"/v2/project/{projects['chat']}/chat",
                    data=urlencode(fields),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    timeout=30,
                )
                if ledger.note(resp, 201):
                    with ledger.lock:
                        ledger.chat_acked.append(prefix)
            elif kind == "object":
                body = os.urandom(rng.choice([100, 70_000, 1_500_000]))
                key = f"crash/{tag}.bin"
                with ledger.lock:
                    ledger.objects_tried[key] = hashlib.md5(body).hexdigest()
                s3.put_object(Bucket="assetd", Key=key, Body=body)
                with ledger.lock:
                    ledger.objects_acked.add(key)
            else:  # copies
                number = rng.randrange(1 << 30)
                external_id = f"{tag}-copy"
                resp = api.post(
                    f"/v2/project/{projects['copies']}/cloud",
                    json={"assets": [{"data": f"{source}/{number}.bin", "externalId": external_id}], "uploadLocal": True},
                    timeout=30,
                )
                if ledger.note(resp, 201):
                    with ledger.lock:
                        ledger.copies_acked.append((external_id, number))
        except (requests.ConnectionError, requests.Timeout):
            return  # the server was killed
        except Exception as e:  # boto3 wraps a dropped connection in its own errors
            if "Connection" in type(e).__name__ or "connect" in str(e).lower() or "Endpoint" in str(e):
                return
            ledger.unexpected.append(repr(e))
            return


KINDS = ["cloud"] * 3 + ["chat"] * 2 + ["object"] * 2 + ["copies"]  # 8 clients


def check(server, api, s3, projects, ledger):
    """The invariants, on a server just started again."""
    assert not ledger.unexpected, ledger.unexpected[:5]
    # Cloud imports: acknowledged ones whole, the others whole or absent; total = full listing.
    listed = api.all_assets(projects["cloud"])
    present = [a["externalId"] for a in listed]
    assert len(present) == len(set(present)), "an asset twice"
    present = set(present)
    for ids in ledger.cloud_acked:
        assert set(ids) <= present, ids[0]
    for ids in ledger.cloud_tried:
        assert set(ids) <= present or not set(ids) & present, f"import {ids[0]} present in part"
    assert present <= {x for ids in ledger.cloud_tried for x in ids}
    assert api.get_project(projects["cloud"])["assetCount"] == len(listed)
    # Chat imports: whole or absent by prefix, and every conversation file is there and whole.
    chats = api.all_assets(projects["chat"])
    by_prefix = {}
    for a in chats:
        prefix = next((p for p in ledger.chat_tried if a["externalId"].startswith(p)), None)
        assert prefix is not None, a["externalId"]
        by_prefix[prefix] = by_prefix.get(prefix, 0) + 1
    for prefix in ledger.chat_acked:
        assert by_prefix.get(prefix) == CHATS_PER_REQUEST, prefix
    assert all(v == CHATS_PER_REQUEST for v in by_prefix.values()), by_prefix
    for a in random.sample(chats, min(len(chats), 20)):
        key = a["data"].split("/assetd/", 1)[1]
        conversation = json.loads(s3.get_object(Bucket="assetd", Key=key)["Body"].read())
        assert conversation, a
    # Objects: acknowledged ones present; every object present is exactly one body that was sent.
    keys = set()
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket="assetd", Prefix="crash/"):
        keys |= {o["Key"] for o in page.get("Contents", [])}
    assert ledger.objects_acked <= keys, sorted(ledger.objects_acked - keys)[:5]
    for key in keys:
        body = s3.get_object(Bucket="assetd", Key=key)["Body"].read()
        assert hashlib.md5(body).hexdigest() == ledger.objects_tried[key], f"{key} half-written"


def test_kill_minus_nine_while_clients_write(server_factory, source):
    port = free_port()  # the same address every round: stored URLs name it
    server = server_factory.new(
        extra_args=["--copy-allow", "127.0.0.1/32", "--copy-lease-seconds", "2"], listen=f"127.0.0.1:{port}"
    )
    api = server.api()
    projects = {kind: api.create_project()["_id"] for kind in ("cloud", "chat", "copies")}
    creds = server.admin_json("s3-credentials")
    ledger = Ledger()
    rng = random.Random(20261203)
    for round_no in range(ROUNDS):
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=client,
                args=(kind, i, round_no, server.api(), s3_client(server.url, creds), projects, source, ledger, stop),
            )
            for i, kind in enumerate(KINDS)
        ]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.3, 1.5))
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        stop.set()
        for t in threads:
            t.join(timeout=60)
        server.start()
        check(server, api, s3_client(server.url, creds), projects, ledger)

    # Every kind of write was acknowledged, and kills cut some of each kind short.
    print(f"cloud {len(ledger.cloud_acked)}/{len(ledger.cloud_tried)}, chat {len(ledger.chat_acked)}/"
          f"{len(ledger.chat_tried)}, objects {len(ledger.objects_acked)}/{len(ledger.objects_tried)}, "
          f"copies {len(ledger.copies_acked)}")
    assert ledger.cloud_acked and ledger.chat_acked and ledger.objects_acked and ledger.copies_acked
    assert len(ledger.cloud_acked) < len(ledger.cloud_tried) and len(ledger.objects_acked) < len(ledger.objects_tried)
    # Every copy acknowledged in any round is finished by the servers that came after.
    deadline = time.monotonic() + SETTLE_S
    while True:
        copies = {a["externalId"]: a for a in api.all_assets(projects["copies"])}
        if all(copies[x].get("uploadStatus") == "done" for x, _ in ledger.copies_acked):
            break
        assert time.monotonic() < deadline, [copies[x] for x, _ in ledger.copies_acked if copies[x].get("uploadStatus") != "done"][:3]
        time.sleep(0.2)
    s3 = s3_client(server.url, creds)
    for external_id, number in ledger.copies_acked:
        key = copies[external_id]["data"].split("/assetd/", 1)[1]
        assert s3.get_object(Bucket="assetd", Key=key)["Body"].read() == Source.body(number)
    assert server.stop() == 0
