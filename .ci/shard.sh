#!/usr/bin/env bash
# Part I of N of a scenario's backtest, into reports/ci/SCENARIO-shard-I/ (the folder a
# follow-up job merges).
#   npm run ci:shard -- SCENARIO I N
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:?usage: npm run ci:shard -- SCENARIO I N}"
index="${2:?shard index}"
count="${3:?shard count}"
npm run --silent pacebench -- backtest --scenario "$scenario" --informed --shard "$index/$count" --out "reports/ci/$scenario-shard-$index"
