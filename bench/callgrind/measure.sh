#!/bin/bash
# Instructions and simulated cache misses per change of one step of the join workload (README.md).
# usage: bench/callgrind/measure.sh <mode> <distDir> <warm> <measured> [entities]   (SYMBOLS=1: per function; TOP=n rows;
#        LL=bytes: the simulated last-level cache, default 33554432; README.md on LL=4194304)
# entities: the workload's size (default 100000; the engine mode counts per change at any size)
set -e
here=$(cd "$(dirname "$0")" && pwd)
mode=$1; dist=$(cd "$2" && pwd); warm=$3; meas=$4; size=${5:-100000}
case $mode in
  store-update) per=$((size / 20 * meas)) ;;
  store-tiny) per=$((6000 * meas)) ;;
  session) per=$((size / 20)) ;;
  engine) per=$((size / 10 * meas)) ;;
  engine-cold) per=$((size / 20)) ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
out=$(mktemp /tmp/callgrind.XXXXXX)
# --single-threaded: V8 compiles on the main thread, at the same point in every process (with
# background compilation, 2-6k JIT instructions per change landed in the window in some processes)
flags="--expose-gc --single-threaded"
[ -n "$SYMBOLS" ] && flags="$flags --perf-basic-prof"
# from /tmp: node writes its isolate-*.log files (SYMBOLS=1) into the working directory
cd /tmp
valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes --D1=32768,8,64 --LL=${LL:-33554432},16,64 \
  --callgrind-out-file="$out" node $flags "$here/drive.mjs" "$mode" "$dist" "$warm" "$meas" "$size" > /dev/null 2> "$out.log"
map=""
# the perf map of this process (valgrind's log lines start with ==pid==), not the newest in /tmp
[ -n "$SYMBOLS" ] && map=/tmp/perf-$(head -1 "$out.log" | sed -E 's/^==([0-9]+)==.*/\1/').map
callgrind_annotate --threshold=100 "$out" | python3 "$here/summarize.py" "$per" $map
rm -f "$out" "$out.log"
