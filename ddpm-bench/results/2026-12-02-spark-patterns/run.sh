#!/usr/bin/env bash
# Issue 22: Spark's two data-parallel patterns against each other and against one process, on this 2-core machine:
# the ch 32 U-Net on Fashion-MNIST at batch 32, 2 workers x 1 thread (local[2]), one process with 2 threads; each
# round runs the three once, 3 warm-up and 10 timed steps each. Writes run.log and steps.csv here.
# Usage: bash run.sh [rounds]   (DDPM_JAR may name a jar copy, with spark.classpath beside it)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
"$repo/ddpm" bench spark --spark-master 'local[2]' --rounds "${1:-3}" --csv "$here/steps.csv" 2>&1 \
  | grep --line-buffered -v -e ' WARN ' -e '^WARNING' | tee "$here/run.log"
