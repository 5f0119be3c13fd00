#!/usr/bin/env bash
# Few rows: the default `cea discover` against one plain GES or PC fit on tables of n = 300.
#   CEA=.venv/bin/cea bash benchmarks/small_tables.sh [WORK_DIR]
# Prints one line per run: whole-command wall seconds, SHD, SHD against the true CPDAG, directed F1.
set -euo pipefail
CEA=${CEA:-cea}
WORK=${1:-results/small-tables}
mkdir -p "$WORK"
run() {  # run LABEL DIR [cea discover options...]
  local label=$1 dir=$2; shift 2
  local out="$WORK/run-$label" start end
  start=$(date +%s.%N)
  "$CEA" discover "$dir/data.csv" --out "$out" --quiet --no-cache "$@" 2> "$out.err"
  end=$(date +%s.%N)
  "$CEA" evaluate "$out/graph.json" --truth "$dir/truth.csv" --json | python3 -c "
import json, sys
m = json.load(sys.stdin)
print(f\"| $label | {$end - $start:.0f} | {m['shd']} | {m['shd_cpdag']} | {m['directed_f1']:.2f} |\")"
}
echo "| table / method | wall s | SHD | CPDAG SHD | directed F1 |"
echo "|---|---|---|---|---|"
for t in synth-linear-gaussian-er-d20 synth-linear-nongaussian-sf-d20 synth-nonlinear-er-d20 bn-child; do
  dir="$WORK/$t"
  "$CEA" datasets export "$t" --out "$dir" --n 300 --seed 5 > /dev/null
  run "$t-default" "$dir" --referee stats
  run "$t-ges" "$dir" --experts ges --bootstrap 0
  run "$t-pc" "$dir" --experts pc --bootstrap 0
done
