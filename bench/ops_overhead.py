#!/usr/bin/python3
"""What the operations features cost: the same build with metrics, request ids and rate limits
on, beside it with them off.

"on" is the default serve configuration (per-route metrics, X-Request-Id on every answer, the
per-key token bucket consulted on every authenticated request and the per-address one on every
failed authentication), with the per-key limit raised so that the benchmark's own traffic is
never refused: the bucket is still taken on each request. "off" is `--metrics off
--request-ids off --rate-limit 0 --auth-fail-rate 0`.

Prints, for each round and as medians of the rounds, side by side:
- requests per second of GET /v2/health (wrk, loopback), on/off (target >= 0.95);
- requests per second of an authenticated read, GET /v2/project/{id} (wrk), on/off;
- the import rate (assets per second, 1,000 a request, 4 clients), on/off (target >= 0.95).
Both servers run side by side for the whole benchmark; each measurement is taken on one and
then the other (which goes first alternates), so a change of the machine's load skews one
pair, not the figure, and the figure is the median of the pairs' ratios. Each import goes into
a new project.

Usage: bench/ops_overhead.py [--build build] [--rounds 5] [--seconds 10] [--assets 200000]
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile

from benchlib import ROOT, port_of, run_import, start_server, stop_server, wrk_rate

ON = ["--rate-limit", "1000000000", "--rate-burst", "1000000000"]
OFF = ["--metrics", "off", "--request-ids", "off", "--rate-limit", "0", "--auth-fail-rate", "0"]


def new_project(ready):
    """A fresh project on the server, so each import run starts from the same state."""
    conn = http.client.HTTPConnection("127.0.0.1", port_of(ready), timeout=60)
    conn.request("POST", "/v2/project", body=json.dumps({"name": "bench"}),
                 headers={"apikey": ready["apiKey"], "Content-Type": "application/json"})
    response = conn.getresponse()
    body = json.loads(response.read())
    if response.status != 200:
        raise RuntimeError(f"creating a project failed: {body}")
    return body["data"]["project"]["_id"]


def measure(ready, what, args):
    base = ready["url"].rstrip("/")
    key = ready["apiKey"]
    if what == "health":
        return wrk_rate(f"{base}/v2/health", key, args.seconds)
    if what == "read":
        return wrk_rate(f"{base}/v2/project/{ready['projectId']}", key, args.seconds)
    return run_import(port_of(ready), key, new_project(ready), args.assets, 1000, 4)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--assets", type=int, default=200_000, help="assets imported per run")
    args = parser.parse_args()
    binary = os.path.join(args.build, "assetd")

    work = tempfile.mkdtemp(prefix="assetd-bench-ops-", dir=os.environ.get("BENCH_DIR"))
    ratios = {"health": [], "read": [], "import": []}
    servers = {}
    try:
        # Both servers run for the whole benchmark, idle while the other is measured.
        for name, flags in (("on", ON), ("off", OFF)):
            servers[name] = start_server(binary, os.path.join(work, name), flags)
        for _, ready in servers.values():  # warm-up: connections, caches, the worker pool
            wrk_rate(ready["url"].rstrip("/") + "/v2/health", ready["apiKey"], 1)
        for round_no in range(1, args.rounds + 1):
            print(f"round {round_no}:")
            for what, unit in (("health", "req/s"), ("read", "req/s"), ("import", "assets/s")):
                # Alternate which side goes first, so neither always gets the warmer machine.
                order = ["on", "off"] if round_no % 2 else ["off", "on"]
                got = {name: measure(servers[name][1], what, args) for name in order}
                on, off = got["on"], got["off"]
                ratios[what].append(on / off)
                print(f"  {what:7s} on {on:>10,.0f} {unit:8s} off {off:>10,.0f} {unit:8s} "
                      f"ratio {on / off:.3f}")
                sys.stdout.flush()
    finally:
        for proc, _ in servers.values():
            stop_server(proc)
        shutil.rmtree(work, ignore_errors=True)

    print(f"median of {args.rounds} rounds, on/off:")
    print(f"  GET /v2/health requests/s  ratio = {statistics.median(ratios['health']):.3f}"
          " (target >= 0.95)")
    print(f"  GET /v2/project/{{id}} req/s ratio = {statistics.median(ratios['read']):.3f}")
    print(f"  import assets/s            ratio = {statistics.median(ratios['import']):.3f}"
          " (target >= 0.95)")


if __name__ == "__main__":
    sys.exit(main())
