#!/usr/bin/python3
"""Scale-out benchmark: N assets into one project over PostgreSQL with several nodes, beside the
same on the embedded SQLite default, each against its database's own limit measured in the same
run.

PostgreSQL (a temporary cluster started with tests/services/postgres.sh):
- assetd: `--nodes` `assetd serve` processes on one fresh database; N assets imported through
  `POST /v2/project/{id}/cloud`, `--per-request` a request, `--clients` concurrent clients
  spread over the nodes;
- limit: the rows that import wrote (projects, assets, label tasks) are dumped, then loaded with
  `COPY` (one transaction) into a scratch database migrated by `assetd migrate`, so indexes and
  foreign keys are the real ones;
- listing: after `ANALYZE` (what autovacuum does soon after a bulk load), page 1 and page
  `--deep-page` (limit 100), without and with a metadata filter (half the assets match), median
  of `--runs` requests each.
SQLite: bench/raw_sqlite_insert as the limit, then the same import (one node, same clients) and
listing. Everything started is stopped at the end.

Usage: bench/scale_out.py [--assets 1000000] [--nodes 2] [--clients 8] [--deep-page 5000]
                          [--build build] [--pg-port PORT] [--skip-sqlite]
"""
import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

from benchlib import ROOT, list_latencies, port_of, run_import, start_server, stop_server

POSTGRES_SH = os.path.join(ROOT, "tests", "services", "postgres.sh")
PSQL = "/usr/lib/postgresql/15/bin/psql"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def with_database(url, name):
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def psql(url, *commands, single_transaction=False):
    args = [PSQL, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-d", url]
    if single_transaction:
        args.append("-1")
    for command in commands:
        args += ["-c", command]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def migrate(binary, url, data_dir):
    subprocess.run([binary, "migrate", "--data-dir", data_dir, "--database", url], check=True,
                   capture_output=True)


def copy_limit(url, copy_url, project, work):
    """Dumps the rows the import wrote and times COPY of them into the scratch database.
    Returns rows (assets) per second."""
    files = {table: os.path.join(work, f"{table}.copy") for table in ("assets", "tasks")}
    psql(url, f"\\copy organizations TO '{work}/organizations.copy'",
         f"\\copy (SELECT * FROM projects WHERE id = '{project}') TO '{work}/projects.copy'",
         *(f"\\copy (SELECT * FROM {t} WHERE project_id = '{project}' ORDER BY seq) TO '{f}'"
           for t, f in files.items()))
    psql(copy_url, f"\\copy organizations FROM '{work}/organizations.copy'",
         f"\\copy projects FROM '{work}/projects.copy'",
         "UPDATE projects SET asset_count = 0, next_seq = 1, last_asset_at = 0",
         "CHECKPOINT")
    count = int(psql(url, f"SELECT count(*) FROM assets WHERE project_id = '{project}'"))
    begin = time.perf_counter()
    # One transaction, as an import request is; the project's counters move once.
    psql(copy_url, *(f"\\copy {t} FROM '{f}'" for t, f in files.items()),
         f"UPDATE projects SET asset_count = asset_count + {count}, next_seq = next_seq + {count}"
         f" WHERE id = '{project}'", single_transaction=True)
    elapsed = time.perf_counter() - begin
    for f in files.values():
        os.remove(f)
    return count / elapsed


def postgres_run(args, binary, url, work):
    copy_url = with_database(url, "assetd_copy_limit")
    psql(with_database(url, "postgres"), "CREATE DATABASE assetd_copy_limit")
    migrate(binary, url, os.path.join(work, "migrate"))
    migrate(binary, copy_url, os.path.join(work, "migrate"))
    # Nodes sharing a database share the key that seals storage credentials.
    env = {"ASSETD_MASTER_KEY": secrets.token_hex(32)}
    nodes = []
    try:
        for i in range(args.nodes):
            nodes.append(start_server(binary, os.path.join(work, f"node{i}"),
                                      ["--database", url], env))
        ready = nodes[0][1]
        key, project = ready["apiKey"], ready["projectId"]
        ports = [port_of(r) for _, r in nodes]
        rate = run_import(ports, key, project, args.assets, args.per_request, args.clients)
        # What autovacuum does soon after a bulk load; lists are measured in that steady state.
        psql(url, "ANALYZE assets", "ANALYZE tasks")
        lat = list_latencies(ports[0], key, project, args.assets, args.deep_page, args.runs)
    finally:
        for proc, _ in nodes:
            stop_server(proc)
    limit = copy_limit(url, copy_url, project, work)
    return {"limit": limit, "rate": rate, **lat}


def sqlite_run(args, binary, work):
    raw = subprocess.run(
        [os.path.join(args.build, "raw_sqlite_insert"), "--db", os.path.join(work, "raw.db"),
         "--count", str(args.assets)], check=True, capture_output=True, text=True).stdout
    limit = float(re.search(r"raw_rows_per_second=([0-9.]+)", raw).group(1))
    os.remove(os.path.join(work, "raw.db"))
    proc, ready = start_server(binary, os.path.join(work, "sqlite"))
    try:
        port = port_of(ready)
        rate = run_import(port, ready["apiKey"], ready["projectId"], args.assets,
                          args.per_request, args.clients)
        lat = list_latencies(port, ready["apiKey"], ready["projectId"], args.assets,
                             args.deep_page, args.runs)
    finally:
        stop_server(proc)
    return {"limit": limit, "rate": rate, **lat}


def report(args, results):
    names = list(results)
    rows = [
        ("limit (PostgreSQL: COPY; SQLite: raw insert), rows/s", lambda r: f"{r['limit']:,.0f}"),
        ("assetd import, assets/s", lambda r: f"{r['rate']:,.0f}"),
        ("import / limit (target >= 0.50)", lambda r: f"{r['rate'] / r['limit']:.2f}"),
        ("unfiltered page 1, ms", lambda r: f"{r['first']:.2f}"),
        (f"unfiltered page {args.deep_page}, ms", lambda r: f"{r['deep']:.2f}"),
        ("unfiltered deep / first (target < 2)", lambda r: f"{r['deep'] / r['first']:.2f}"),
        ("metadata filter page 1, ms", lambda r: f"{r['filtered_first']:.2f}"),
        (f"metadata filter page {results[names[0]]['filtered_deep_page']}, ms",
         lambda r: f"{r['filtered_deep']:.2f}"),
        ("filtered deep / first", lambda r: f"{r['filtered_deep'] / r['filtered_first']:.2f}"),
    ]
    print(f"import: {args.assets:,} assets into one project, {args.per_request}/request, "
          f"{args.clients} clients; list: limit 100, median of {args.runs}")
    width = max(len(label) for label, _ in rows) + 2
    print("".join([" " * width] + [f"{n:>22}" for n in names]))
    for label, cell in rows:
        print("".join([f"{label:<{width}}"] + [f"{cell(results[n]):>22}" for n in names]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--per-request", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--deep-page", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--pg-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    binary = os.path.join(args.build, "assetd")

    started = time.perf_counter()
    work = tempfile.mkdtemp(prefix="assetd-scale-out-", dir=os.environ.get("BENCH_DIR"))
    os.chmod(work, 0o755)  # the cluster runs as the postgres user when this runs as root
    pg_dir, pg_port = os.path.join(work, "pg"), str(args.pg_port or free_port())
    results = {}
    try:
        try:
            url = subprocess.run([POSTGRES_SH, "start", pg_dir, pg_port], check=True,
                                 capture_output=True, text=True).stdout.strip()
            results[f"PostgreSQL, {args.nodes} nodes"] = postgres_run(args, binary, url, work)
        finally:  # also after a failed start: stop does nothing when nothing runs
            subprocess.run([POSTGRES_SH, "stop", pg_dir, pg_port], check=False)
        if not args.skip_sqlite:
            results["SQLite, 1 node"] = sqlite_run(args, binary, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, results)
    print(f"whole run: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
