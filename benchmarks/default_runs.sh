#!/usr/bin/env bash
# The default `cea discover` (no options but --descriptions and --no-cache) on a few tables with known truth:
# wall time and the metrics of `cea evaluate`, one markdown row per table. Run it on an idle machine:
#   bash benchmarks/default_runs.sh [OUT_DIR]
set -euo pipefail
CEA=${CEA:-cea}
OUT=${1:-results/default-runs}
mkdir -p "$OUT"
echo "| table | wall s | SHD | SHD vs CPDAG | directed F1 | skeleton F1 | ECE (all pairs) |"
echo "|---|---|---|---|---|---|---|"
for spec in "synth-linear-gaussian-er-d10:1000" "synth-linear-gaussian-er-d20:1000" "sachs:" "bn-child:2000"; do
  name=${spec%%:*}
  n=${spec##*:}
  args=()
  if [ -n "$n" ]; then args=(--n "$n"); fi
  "$CEA" datasets export "$name" --out "$OUT/data-$name" --seed 7 "${args[@]}" > /dev/null
  start=$(date +%s.%N)
  "$CEA" discover "$OUT/data-$name/data.csv" --descriptions "$OUT/data-$name/descriptions.json" \
    --out "$OUT/out-$name" --quiet --no-cache 2> "$OUT/stderr-$name.txt"
  end=$(date +%s.%N)
  "$CEA" evaluate "$OUT/out-$name/graph.json" --truth "$OUT/data-$name/truth.csv" --json \
    | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(f\"| $name | {$end - $start:.0f} | {d['shd']} | {d['shd_cpdag']} | {d['directed_f1']:.2f} | {d['skeleton_f1']:.2f} | {d['ece']:.3f} |\")"
done
