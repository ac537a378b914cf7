#!/bin/bash
# Instructions and simulated cache misses per change of one step of the join workload (README.md).
# usage: bench/callgrind/measure.sh <mode> <distDir> <warm> <measured> [entities]   (SYMBOLS=1: per function)
# entities: the workload's size (default 100000; the engine mode counts per change at any size)
set -e
here=$(cd "$(dirname "$0")" && pwd)
mode=$1; dist=$(cd "$2" && pwd); warm=$3; meas=$4; size=${5:-100000}
case $mode in
  store-update) per=$((5000 * meas)) ;;
  store-tiny) per=$((6000 * meas)) ;;
  session) per=5000 ;;
  engine) per=$((size / 10 * meas)) ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
out=$(mktemp /tmp/callgrind.XXXXXX)
flags="--expose-gc --single-threaded-gc"
[ -n "$SYMBOLS" ] && flags="$flags --perf-basic-prof"
valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes --D1=32768,8,64 --LL=33554432,16,64 \
  --callgrind-out-file="$out" node $flags "$here/drive.mjs" "$mode" "$dist" "$warm" "$meas" "$size" > /dev/null 2> "$out.log"
map=""
[ -n "$SYMBOLS" ] && map=$(ls -t /tmp/perf-*.map | head -1)
callgrind_annotate --threshold=100 "$out" | python3 "$here/summarize.py" "$per" $map
rm -f "$out" "$out.log"
