#!/usr/bin/env bash
# Merges the N shards of a scenario into reports/ci/SCENARIO/, compares the result with
# the committed baseline, and appends both to the job summary. Non-zero on a regression.
#   npm run ci:merge -- SCENARIO N
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:?usage: npm run ci:merge -- SCENARIO N}"
count="${2:?shard count}"
summary="${GITHUB_STEP_SUMMARY:-reports/ci/step-summary.md}"
shards=()
for ((i = 1; i <= count; i++)); do shards+=("reports/ci/$scenario-shard-$i"); done
mkdir -p reports/ci
npm run --silent pacebench -- merge "${shards[@]}" --out "reports/ci/$scenario" >> "$summary"
echo >> "$summary"
npm run --silent pacebench -- compare "reports/baseline/$scenario" "reports/ci/$scenario" >> "$summary"
