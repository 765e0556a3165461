#!/usr/bin/env bash
# Packs what the lent GPU machine needs into ddpm-bench/target/device, for the device tool to carry (it takes at most
# 64 MiB and the machine has no Maven and no network): a jlinked JDK 25 runtime, the CLI jar without the native
# libraries of other platforms and without the shipped model, and the OpenCL ICD loader in case the machine lacks one.
# Run from anywhere on the developer machine (JDK 25, binutils, zip); then run.sh there, carrying
# ddpm-bench/target/device.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
java_home=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
limit_mib=64
out=$root/ddpm-bench/target/device
jar=$root/ddpm-bench/target/ddpm.jar
if [ ! -f "$jar" ]; then
  (cd "$root" && JAVA_HOME=$java_home PATH=$java_home/bin:$PATH mvn -B -q package -DskipTests)
fi
rm -rf "$out"
mkdir -p "$out/lib"
# The modules `jdeps --print-module-deps` names for the jar, less java.desktop (charts and images: not used by
# check or bench), plus the management agent JMH's forks use.
"$java_home/bin/jlink" --add-modules java.base,java.logging,java.management,java.sql,jdk.incubator.vector,jdk.management,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --compress zip-9 --output "$out/jdk" 2>&1 | { grep -v "incubator modules" || true; }
strip --strip-unneeded "$out/jdk/lib/server/libjvm.so"
cp "$jar" "$out/ddpm.jar"
zip -q -d "$out/ddpm.jar" 'win/*' 'osx/*' 'linux/libaparapi_aarch64.so' 'linux/libaparapi_armhf.so' \
  'linux/libaparapi_x86.so' 'models/*' > /dev/null
loader=$(ldconfig -p | awk '/libOpenCL\.so\.1 .*x86-64/ {print $NF; exit}')
if [ -z "$loader" ]; then
  echo "pack.sh: no libOpenCL.so.1 here (apt-get install ocl-icd-libopencl1)" >&2
  exit 1
fi
cp -L "$loader" "$out/lib/libOpenCL.so.1"
size_mib=$(du -sm "$out" | cut -f1)
echo "pack.sh: $out holds ${size_mib} MiB (the device tool carries at most ${limit_mib})"
if [ "$size_mib" -gt "$limit_mib" ]; then
  echo "pack.sh: too large to carry" >&2
  exit 1
fi
# The tool's limit holds for the tracked files and the carried folder together, and the shipped model, the golden
# files and the results are tracked: say how much there is to hold out of the index for the call.
tracked_bytes=$(git -C "$root" ls-files -z | (cd "$root" && xargs -0 stat -c %s 2>/dev/null || true) \
  | awk '{s += $1} END {print s + 0}')
tracked_mib=$(( (tracked_bytes + 1048575) / 1048576 ))
if [ $(( size_mib + tracked_mib )) -gt "$limit_mib" ]; then
  echo "pack.sh: with the ${tracked_mib} MiB of tracked files the call would send $(( size_mib + tracked_mib )) MiB:" \
    "move the largest tracked folders out of the working tree and 'git rm -r --cached' them for the call, then" \
    "move them back and 'git reset' (docs/benchmarks.md says which)" >&2
fi
