#!/usr/bin/env bash
# A local S3 endpoint that really verifies SigV4, for tests: OpenStack Swift (Debian's
# python3-swift) with its s3api and tempauth middleware, every process bound to 127.0.0.1.
#
# Usage: tests/services/swift-s3.sh start|stop|status DIR PORT
#   start   runs memcached and Swift's account, container, object and proxy servers, with
#           their configuration, data and logs under DIR; the S3 endpoint listens on PORT and
#           the others on PORT+1..PORT+4. Prints the endpoint as shell assignments on stdout:
#             S3_ENDPOINT=http://127.0.0.1:PORT
#             S3_REGION=us-east-1
#             S3_ACCESS_KEY=test:tester
#             S3_SECRET_KEY=testing
#           Already running: prints the same and leaves it alone.
#   stop    stops every process that `start` began on DIR (logs and data stay).
#   status  exits 0 when all of them are running.
#
# Addressing is path-style (http://127.0.0.1:PORT/BUCKET/KEY). tempauth looks S3 users up
# through the proxy's memcache client and refuses to work without one, so a private memcached
# runs beside Swift rather than sharing a system one.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status DIR PORT" >&2
  exit 2
}
[ $# -eq 3 ] || usage
action=$1
dir=$(realpath -m "$2")
port=$3
if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65530 ]; then usage; fi

python=/usr/bin/python3 # Debian's interpreter: python3-swift lives in its dist-packages
account_port=$((port + 1))
container_port=$((port + 2))
object_port=$((port + 3))
memcached_port=$((port + 4))
services=(memcached account container object proxy)

pid_file() { echo "$dir/run/$1.pid"; }

# The pid of a service we started on this DIR, if it still runs. The command line must name
# DIR, so a pid reused by an unrelated process is never taken for ours.
running_pid() {
  local file pid
  file=$(pid_file "$1")
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir/" || return 1
  echo "$pid"
}

all_running() {
  local s
  for s in "${services[@]}"; do running_pid "$s" >/dev/null || return 1; done
}

stop_all() {
  local s pid
  for s in "${services[@]}"; do
    if pid=$(running_pid "$s"); then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    fi
    rm -f "$(pid_file "$s")"
  done
}

print_endpoint() {
  echo "S3_ENDPOINT=http://127.0.0.1:$port"
  echo "S3_REGION=us-east-1"
  echo "S3_ACCESS_KEY=test:tester"
  echo "S3_SECRET_KEY=testing"
}

write_config() {
  local user n p
  user=$(id -un)
  cat >"$dir/etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = assetd-tests
swift_hash_path_prefix = assetd-tests
[storage-policy:0]
name = Policy-0
default = yes
[swift-constraints]
max_file_size = 5368709122
EOF
  for n in account:$account_port container:$container_port object:$object_port; do
    p=${n##*:}
    n=${n%%:*}
    cat >"$dir/etc/$n-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $p
workers = 0
user = $user
swift_dir = $dir/etc
devices = $dir/srv
mount_check = false
log_level = WARNING
[pipeline:main]
pipeline = $n-server
[app:$n-server]
use = egg:swift#$n
[$n-replicator]
[$n-updater]
[$n-auditor]
EOF
  done
  cat >"$dir/etc/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
user = $user
swift_dir = $dir/etc
log_level = WARNING
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true
# CORS on actual responses, so that a browser can PUT to a presigned URL
cors_allow_origin = *
strict_cors_mode = false
cors_expose_headers = ETag, x-amz-request-id
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
min_segment_size = 5242880
cors_preflight_allow_origin = *
[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached_port
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
EOF
  # One device, one replica: rings for a single-disk cluster.
  "$python" - "$dir/etc" "$account_port" "$container_port" "$object_port" <<'EOF'
import sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for name, port in zip(["account", "container", "object"], map(int, sys.argv[2:5])):
    builder = RingBuilder(part_power=6, replicas=1, min_part_hours=1)
    builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port,
                     "device": "d1", "weight": 100, "meta": ""})
    builder.rebalance()
    builder.get_ring().save("%s/%s.ring.gz" % (etc, name))
EOF
  cat >"$dir/etc/run_server.py" <<EOF
import sys
from swift.common import utils
utils.set_swift_dir("$dir/etc")
from swift.common import constraints, storage_policy
storage_policy.reload_storage_policies()
constraints.reload_constraints()
from swift.common.wsgi import run_wsgi
sys.exit(run_wsgi(sys.argv[1], sys.argv[2], verbose=True))
EOF
}

launch() { # launch NAME COMMAND...: starts one service in the background, logging under DIR
  local name=$1
  shift
  nohup "$@" >"$dir/log/$name.log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
}

answers_http() { # any HTTP status at all means the server is accepting requests
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1$2" || true)
  [ "$code" != "000" ] && [ -n "$code" ]
}

wait_ready() {
  local s
  for _ in $(seq 1 300); do
    for s in "${services[@]}"; do
      running_pid "$s" >/dev/null || {
        echo "swift-s3: $s exited during start" >&2
        return 1
      }
    done
    if (echo >"/dev/tcp/127.0.0.1/$memcached_port") 2>/dev/null &&
      answers_http "$account_port" / && answers_http "$container_port" / &&
      answers_http "$object_port" / &&
      [ "$(curl -s --max-time 2 "http://127.0.0.1:$port/healthcheck" || true)" = OK ]; then
      return 0
    fi
    sleep 0.2
  done
  echo "swift-s3: not ready after 60 s" >&2
  return 1
}

start() {
  if all_running; then
    print_endpoint
    return 0
  fi
  stop_all # whatever is left of an earlier, partial start
  if ! command -v memcached >/dev/null || ! "$python" -c 'import swift' 2>/dev/null; then
    echo "swift-s3: needs memcached and python3-swift (scripts/install-deps.sh test)" >&2
    return 1
  fi
  mkdir -p "$dir"/{etc,srv/d1,run,log}
  write_config
  local memcached_user=()
  [ "$(id -u)" -eq 0 ] && memcached_user=(-u root) # memcached refuses root unless told
  launch memcached memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 "${memcached_user[@]}" \
    -P "$dir/run/memcached.own.pid"
  local s
  for s in account container object proxy; do
    launch "$s" "$python" "$dir/etc/run_server.py" "$dir/etc/$s-server.conf" "$s-server"
  done
  if ! wait_ready; then
    for s in "${services[@]}"; do
      echo "--- $dir/log/$s.log" >&2
      tail -n 20 "$dir/log/$s.log" >&2 || true
    done
    stop_all
    return 1
  fi
  print_endpoint
}

case "$action" in
  start) start ;;
  stop) stop_all ;;
  status) all_running ;;
  *) usage ;;
esac
