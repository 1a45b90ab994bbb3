#!/usr/bin/env bash
# One command from a fresh machine to a running server on the embedded default (SQLite and
# the built-in object store in ./data). Extra arguments go to `assetd serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
ASSETD_TARGETS=assetd scripts/build.sh build  # the server alone: no tests, no benchmark tools
exec build/assetd serve "$@"
