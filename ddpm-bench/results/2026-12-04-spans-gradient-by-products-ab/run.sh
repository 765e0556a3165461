#!/usr/bin/env bash
# The ch 32 U-Net's training step at batch 32, its work-span estimate at 8 and 16 threads, before and after the
# small planes' Winograd weight gradient was split by products, alternating the two builds three times.
# BEFORE and AFTER are the two builds' CLI jars (ddpm-bench/target/ddpm.jar at commits 4d5e7e5 and df87085).
# Run from the repository root.
set -euo pipefail
out=ddpm-bench/results/2026-12-04-spans-gradient-by-products-ab
for r in 1 2 3; do
  DDPM_JAR="$BEFORE" ./ddpm bench spans --threads 8,16 --steps 5 --top 0 --out "$out/before-round$r.json" \
    > "$out/before-round$r.txt"
  DDPM_JAR="$AFTER" ./ddpm bench spans --threads 8,16 --steps 5 --top 0 --out "$out/after-round$r.json" \
    > "$out/after-round$r.txt"
done
