#!/usr/bin/env bash
# Issue 22: the per-step cost of Spark training on this 2-core machine, interleaved round by round.
#   A: one process, 2 threads, the whole batch of 32 at once (ddpm train --threads 2)
#   B: Spark local[2]: 2 workers x 1 thread, 16 samples each, driver on 1 thread (--spark-master local[2])
#   C: one process, 1 thread, the same 2 micro-batches one after the other (--micro-batches 2 --threads 1)
# Each configuration trains SHORT and LONG steps of the ch 32 U-Net on Fashion-MNIST; (t_LONG - t_SHORT)/(LONG-SHORT)
# is the time per step without start-up, JIT warm-up or the first job that ships the shards.
# Usage: bash run.sh [rounds]   (writes steps.csv and run.log here; DDPM_JAR may name a jar copy)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
rounds="${1:-3}"
SHORT=3 LONG=13
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "round,config,steps,train_seconds,bytes_sent,bytes_received" > "$here/steps.csv"
run() { # config steps args...
  local config=$1 steps=$2; shift 2
  local json
  json="$("$repo/ddpm" train --steps "$steps" --batch 32 --checkpoint "$work/$config.safetensors" --force \
    --samples "$work/$config.png" --sample-steps 1 --json "$@" 2>>"$here/run.log" | tail -1)"
  python3 - "$round" "$config" "$steps" "$json" >> "$here/steps.csv" <<'PY'
import json, sys
r, c, s, j = sys.argv[1:5]
d = json.loads(j)
print(f"{r},{c},{s},{d['train_seconds']:.3f},{d.get('spark_bytes_sent', 0)},{d.get('spark_bytes_received', 0)}")
PY
}
for round in $(seq 1 "$rounds"); do
  for steps in $SHORT $LONG; do
    run A "$steps" --threads 2
    run B "$steps" --threads 1 --spark-master 'local[2]' --worker-threads 1
    run C "$steps" --threads 1 --micro-batches 2
  done
done
python3 - "$here/steps.csv" "$SHORT" "$LONG" <<'PY' | tee "$here/summary.txt"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
short, long_ = int(sys.argv[2]), int(sys.argv[3])
per = {}
for r in {row["round"] for row in rows}:
    for c in "ABC":
        t = {int(row["steps"]): float(row["train_seconds"]) for row in rows if row["round"] == r and row["config"] == c}
        per.setdefault(c, []).append((t[long_] - t[short]) / (long_ - short))
names = {"A": "1 process x 2 threads", "B": "Spark local[2], 2 workers x 1 thread", "C": "1 process x 1 thread, 2 micro-batches"}
for c in "ABC":
    v = per[c]
    print(f"{names[c]}: {statistics.median(v):.3f} s/step (median of {len(v)} rounds, {min(v):.3f}-{max(v):.3f})")
b = [row for row in rows if row["config"] == "B" and int(row["steps"]) == long_][0]
print(f"Spark traffic per step: {int(b['bytes_sent']) / long_ / 1e6:.2f} MB of weights sent, "
      f"{int(b['bytes_received']) / long_ / 1e6:.2f} MB of gradients received")
ratios = [a / bb for a, bb in zip(per["A"], per["B"])]
print(f"A/B per round: median {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})")
PY
