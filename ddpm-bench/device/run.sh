#!/usr/bin/env bash
# Runs on the lent GPU machine, from the repository root, with ddpm-bench/target/device carried (pack.sh made it):
#   check    every op of the OpenCL backend, forward and backward, against the scalar reference, on the GPU, then
#            again with every product on the 64x64-tile GEMM kernel;
#   gpu      the U-Net (ch 64 and 32: training steps at batch 32 and 64, sampling forward at 64) on the GPU, its ch 64
#            training step at batch 32 op by op (`bench ops`: which kernels to fix next), the ch 64 one on 2 CPU threads
#            of the same machine (the engine issue's 20x aim compares the two), and last the GPU's op by op once more
#            with every product on the 32x32-tile kernel (ddpm.opencl.tiles=narrow: is the 64x64 one's choice right?);
#   scaling  the ch 32 U-Net on 2, 4, 8 and 16 CPU threads, its training step op by op at 2 and 16 (which ops do
#            not scale), and its work-span bound at 2 and 16 beside the step measured there (`bench spans`: how much
#            of what is lost is the split and how much the machine).
# Usage: ddpm-bench/device/run.sh [check] [gpu] [scaling]   (default: all three, estimated at under 10 minutes on a
# 16-core machine; DDPM_DEVICE_QUICK=1 for JMH's smoke settings). Everything goes to $OUT (./device-out without
# it): one file per command, its whole output, and machine.txt.
set -uo pipefail
dev=ddpm-bench/target/device
out=${OUT:-device-out}
mkdir -p "$out"
if [ ! -x "$dev/jdk/bin/java" ] || [ ! -f "$dev/ddpm.jar" ]; then
  echo "run.sh: $dev is missing: run ddpm-bench/device/pack.sh first and carry that folder" >&2
  exit 2
fi
phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(check gpu scaling)
for p in "${phases[@]}"; do
  case "$p" in check | gpu | scaling) ;; *) echo "run.sh: unknown phase '$p' (expected check, gpu or scaling)" >&2; exit 2 ;; esac
done

ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
# The ICD loader: the system's when it has one, else the carried copy.
if ! "$ldconfig" -p 2>/dev/null | grep -q 'libOpenCL\.so\.1 '; then
  export LD_LIBRARY_PATH="$PWD/$dev/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
# NVIDIA's driver may ship libnvidia-opencl.so.1 without registering it with the loader (containers often do):
# look in the linker's cache, then where drivers and container runtimes put it.
if ! grep -qs nvidia /etc/OpenCL/vendors/*.icd; then
  nvidia_lib=$("$ldconfig" -p 2>/dev/null | awk '/libnvidia-opencl\.so\.1 / {print $NF; exit}')
  if [ -z "$nvidia_lib" ]; then
    library_path=${LD_LIBRARY_PATH:-}
    nvidia_lib=$(find /usr/lib /usr/lib64 /usr/local/nvidia /usr/local/cuda ${library_path//:/ } \
      -name 'libnvidia-opencl.so.1' 2>/dev/null | head -n 1)
  fi
  if [ -n "$nvidia_lib" ]; then
    vendors=$(mktemp -d)
    echo "$nvidia_lib" > "$vendors/nvidia.icd"
    export OCL_ICD_VENDORS=$vendors
  fi
fi
export DDPM_REQUIRE_OPENCL=1

{
  date -u
  nproc
  grep -m1 'model name' /proc/cpuinfo
  nvidia-smi -L 2>&1
  echo "OCL_ICD_VENDORS=${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}: $(cat "${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}"/*.icd 2>/dev/null | tr '\n' ' ')"
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
} > "$out/machine.txt" 2>&1

java_options=("$dev/jdk/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -XX:+UseParallelGC)
ddpm=("${java_options[@]}" -jar "$dev/ddpm.jar")
ddpm_narrow=("${java_options[@]}" -Dddpm.opencl.tiles=narrow -jar "$dev/ddpm.jar")
ddpm_wide=("${java_options[@]}" -Dddpm.opencl.tiles=wide -jar "$dev/ddpm.jar")
if [ "${DDPM_DEVICE_QUICK:-0}" = 1 ]; then
  jmh=(--quick)
else
  jmh=(--forks 1 --warmup 2 --iterations 3)
fi
# One command per file; a failing one is recorded and the next still runs.
step() {
  local name=$1 limit=$2
  shift 2
  echo "== $name: $*" | tee -a "$out/steps.txt"
  timeout "$limit" "$@" > "$out/$name.txt" 2>&1
  local rc=$?
  echo "   rc=$rc" | tee -a "$out/steps.txt"
  tail -n 12 "$out/$name.txt"
}

for p in "${phases[@]}"; do
  case "$p" in
    check)
      step check-opencl 300 "${ddpm[@]}" check --backend opencl --json
      # The check's shapes are too small for the 64x64-tile kernel on a GPU: once more with every product on it.
      step check-opencl-wide 300 "${ddpm_wide[@]}" check --backend opencl --json
      ;;
    gpu)
      step unet-opencl 400 "${ddpm[@]}" bench unet --backend opencl "${jmh[@]}" --out "$out/unet-opencl.json"
      step ops-opencl-ch64-b32 200 "${ddpm[@]}" bench ops --backend opencl --channels 64 --batch 32 --steps 3 \
        --warmup-steps 2 --out "$out/ops-opencl-ch64-b32.json"
      step unet-ch64-simd-2threads 400 "${ddpm[@]}" bench unet --backend simd --threads 2 --channels 64 "${jmh[@]}" \
        --out "$out/unet-ch64-simd-2threads.json"
      step ops-opencl-ch64-b32-narrow 200 "${ddpm_narrow[@]}" bench ops --backend opencl --channels 64 --batch 32 \
        --steps 3 --warmup-steps 2 --out "$out/ops-opencl-ch64-b32-narrow.json"
      ;;
    scaling)
      for t in 2 4 8 16; do
        step "unet-ch32-simd-${t}threads" 300 "${ddpm[@]}" bench unet --backend simd --threads "$t" --channels 32 "${jmh[@]}" \
          --out "$out/unet-ch32-simd-${t}threads.json"
      done
      for t in 2 16; do
        step "ops-ch32-b32-simd-${t}threads" 120 "${ddpm[@]}" bench ops --backend simd --threads "$t" --channels 32 \
          --batch 32 --steps 3 --warmup-steps 3 --out "$out/ops-ch32-b32-simd-${t}threads.json"
      done
      step spans-ch32-b32 240 "${ddpm[@]}" bench spans --threads 2,16 --channels 32 --batch 32 --measured \
        --out "$out/spans-ch32-b32.json"
      ;;
  esac
done
