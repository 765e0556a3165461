#!/usr/bin/env bash
# Issue 20's side-by-side run: ddpm4j and PyTorch train the same U-Net (ch 32, mult 1,2,2, attention at 16x16,
# dropout 0.1) on all 60 000 Fashion-MNIST images padded to 32x32, batch 32, 4000 steps, Adam 2e-4, clipping at 1,
# flips, EMA 0.9999 (warmed up), T = 1000 linear beta, L_simple. Both run at the same time with one thread each, so
# the machine's drift hits both alike; each resumes from its last checkpoint (every 250 steps) if stopped.
#
#   RUN=/work/runs/fm4000 bash run.sh train      # start, or resume, both trainings in the background
#   RUN=/work/runs/fm4000 bash run.sh evaluate   # after both reached 4000 steps: bound, samples, quality, plot
#   RUN=/work/runs/fm4000 bash run.sh spread     # after evaluate: the same quality for more sampling seeds
#
# SAMPLES (default 1000) sets how many images each side samples and how many test images they are compared with; a
# bound already measured (its log ends in the JSON line) is not measured again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
py="$repo/ddpm-bench/src/main/python"
RUN=${RUN:?set RUN to a folder outside the repository for checkpoints}
mkdir -p "$RUN"
export GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736

case "${1:-}" in
train)
  # A private copy of the jar: rebuilding the repository must not change the classes of a running JVM.
  cp "$repo/ddpm-bench/target/ddpm.jar" "$RUN/ddpm.jar"
  resume=(); [ -f "$RUN/ours.safetensors" ] && resume=(--resume)
  segments=("$RUN"/ours-segment-*.log); [ -e "${segments[0]}" ] || segments=()
  segment=${#segments[@]}
  DDPM_JAR="$RUN/ddpm.jar" nohup "$repo/ddpm" train --steps 4000 --batch 32 --channels 32 --threads 1 --seed 0 \
    --checkpoint "$RUN/ours.safetensors" --checkpoint-every 250 --samples "$RUN/ours-samples.png" \
    --loss-log "$RUN/ours-loss.csv" --json "${resume[@]}" > "$RUN/ours-segment-$segment.log" 2>&1 &
  presume=(); [ -f "$RUN/pytorch/state.pt" ] && presume=(--resume)
  OMP_NUM_THREADS=1 nohup /usr/bin/python3 "$py/pytorch_train.py" --threads 1 --steps 4000 --checkpoint-every 250 \
    --out "$RUN/pytorch" "${presume[@]}" >> "$RUN/pytorch.log" 2>&1 &
  ;;
evaluate)
  ddpm="$repo/ddpm"
  n=${SAMPLES:-1000}
  /usr/bin/python3 "$py/pytorch_export.py" "$RUN/pytorch/state.pt" "$RUN/pytorch.safetensors"
  "$ddpm" export --checkpoint "$RUN/ours.safetensors" --out "$RUN/ours-ema.safetensors"
  for who in ours pytorch; do
    ckpt="$RUN/$who-ema.safetensors"; [ "$who" = pytorch ] && ckpt="$RUN/pytorch.safetensors"
    tail -1 "$here/bound-$who.log" 2>/dev/null | grep -q '^{' && continue
    "$ddpm" eval --checkpoint "$ckpt" --n 1000 --timesteps 50 --threads 2 --json > "$here/bound-$who.log"
  done
  # Samples: ours from ddpm4j's sampler (batches of 100 from one stream), PyTorch's from its own; both measured by
  # the same Java evaluator.
  "$ddpm" sample --checkpoint "$RUN/ours-ema.safetensors" --n "$n" --batch 100 --steps 100 --threads 2 --seed 1 \
    --out "$RUN/samples-ours.png" --npy "$RUN/samples-ours.npy" --json > "$here/sample-ours.log"
  "$ddpm" sample --checkpoint "$RUN/ours-ema.safetensors" --n 64 --steps 100 --threads 2 --seed 1 \
    --out "$here/samples-ours.png" > /dev/null
  OMP_NUM_THREADS=2 /usr/bin/python3 "$py/pytorch_sample.py" "$RUN/pytorch/state.pt" "$RUN/samples-pytorch.npy" \
    --n "$n" --steps 100 --threads 2 --grid "$here/samples-pytorch.png" > "$here/sample-pytorch.log"
  [ -f "$RUN/classifier.safetensors" ] || "$ddpm" classifier --out "$RUN/classifier.safetensors" --json \
    > "$here/classifier.log"
  for who in ours pytorch; do
    "$ddpm" quality --images "$RUN/samples-$who.npy" --classifier "$RUN/classifier.safetensors" --n "$n" \
      --threads 2 --json > "$here/quality-$who.log"
  done
  cp "$RUN/ours-loss.csv" "$here/loss-ours.csv"; cp "$RUN/pytorch/loss.csv" "$here/loss-pytorch.csv"
  "$ddpm" plot-loss ddpm4j="$here/loss-ours.csv" pytorch="$here/loss-pytorch.csv" --out "$here/loss.png"
  ;;
spread)
  # How much of the Fréchet distance gap is sampling noise: each side samples again with other seeds (SEEDS, default
  # "2 3"), one thread each, side by side, and the same evaluator scores them against the same test images.
  n=${SAMPLES:-1000}
  cp "$repo/ddpm-bench/target/ddpm.jar" "$RUN/ddpm-spread.jar"
  export DDPM_JAR="$RUN/ddpm-spread.jar"
  for seed in ${SEEDS:-2 3}; do
    "$repo/ddpm" sample --checkpoint "$RUN/ours-ema.safetensors" --n "$n" --batch 100 --steps 100 --threads 1 \
      --seed "$seed" --out "$RUN/samples-ours-seed$seed.png" --npy "$RUN/samples-ours-seed$seed.npy" --json \
      > "$here/sample-ours-seed$seed.log" &
    OMP_NUM_THREADS=1 /usr/bin/python3 "$py/pytorch_sample.py" "$RUN/pytorch/state.pt" \
      "$RUN/samples-pytorch-seed$seed.npy" --n "$n" --steps 100 --threads 1 --seed "$seed" \
      > "$here/sample-pytorch-seed$seed.log" &
    wait
    for who in ours pytorch; do
      "$repo/ddpm" quality --images "$RUN/samples-$who-seed$seed.npy" --classifier "$RUN/classifier.safetensors" \
        --n "$n" --threads 2 --json > "$here/quality-$who-seed$seed.log"
    done
  done
  ;;
*) echo "usage: RUN=DIR bash run.sh train|evaluate|spread" >&2; exit 2 ;;
esac
