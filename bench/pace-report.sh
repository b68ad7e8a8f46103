#!/usr/bin/env bash
# The backtests behind the pace section of the README and docs/pace.md: every shipped
# scenario, seeds 1 to 3, every registered engine plus the ablations of pace, against the
# best seed engine of seed 1; then pace with --carry-state against pace:pooling=0 (no population
# model: earlier openings' evidence simply added up) and pace:carry=0.
#   bash bench/pace-report.sh OUT_DIR && npx tsx bench/pace-table.ts OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/build.mjs > /dev/null
OUT="${1:?usage: bash bench/pace-report.sh OUT_DIR}"
mkdir -p "$OUT"
run() { # scenario seed baseline
  s=$1; seed=$2; b=$3
  node bin/pacebench.mjs backtest --scenario $s --seed $seed --engines exp,exp-decay,nbinomial,stoch-constraint,pace,all-at-once,pace:censoring=0,pace:money=0,pace:twoScales=0 --baseline $b -o "$OUT"/${s}_$seed --format json --no-html > /dev/null 2>"$OUT"/${s}_$seed.err
  node bin/pacebench.mjs backtest --scenario $s --seed $seed --engines pace,pace:pooling=0,pace:carry=0 --carry-state --baseline pace:carry=0 -o "$OUT"/carry_${s}_$seed --format json --no-html > /dev/null 2>>"$OUT"/${s}_$seed.err
  echo "done $s $seed $(date -u +%T)"
}
for seed in 1 2 3; do
  run cold_start $seed stoch-constraint &
  run tight_deadlines $seed stoch-constraint
  wait
  run scarce_pool $seed exp-decay &
  run slow_responders $seed exp-decay
  wait
  run mixed_segments $seed exp-decay &
  run trace_replay $seed exp-decay
  wait
done
for seed in 1 2 3; do run large_pools $seed stoch-constraint; done
