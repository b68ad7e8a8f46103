#!/usr/bin/env bash
# One shipped scenario as CI runs it: backtest it, compare it with the committed baseline,
# and append both to the job summary. Exits non-zero on a regression (or any error).
#   npm run ci:backtest -- SCENARIO
set -euo pipefail
cd "$(dirname "$0")/.."
scenario="${1:?usage: npm run ci:backtest -- SCENARIO}"
out="reports/ci/$scenario"
summary="${GITHUB_STEP_SUMMARY:-reports/ci/step-summary.md}"
mkdir -p reports/ci
npm run --silent pacebench -- backtest --scenario "$scenario" --informed --out "$out" >> "$summary"
echo >> "$summary"
npm run --silent pacebench -- compare "reports/baseline/$scenario" "$out" >> "$summary"
