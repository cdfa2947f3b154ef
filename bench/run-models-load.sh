#!/usr/bin/env bash
# The model registry's read path under load: registers 50 models x 20 versions on a fresh server, then times
# GET /api/v1/ml/models and one model's version list. Usage: bash bench/run-models-load.sh [duration-seconds].
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
port=5391
key="load-admin-key-0123456789abcdef"
# shellcheck source=bench/load-server.sh
source bench/load-server.sh

for connections in 1 16; do
  load --warmup 3 --connections "$connections" --mode models
done
