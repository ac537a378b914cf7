"""Per-change totals of a callgrind_annotate listing (stdin): by class, or by function with a perf map.
usage: callgrind_annotate out | python3 summarize.py <changes> [perf-PID.map]   (TOP=n: rows per function, default 40)"""
import bisect, os, re, signal, sys

# a reader that stops early (`| head`) ends the output quietly
signal.signal(signal.SIGPIPE, signal.SIG_DFL)

changes = int(sys.argv[1])
code = []
if len(sys.argv) > 2:
    for line in open(sys.argv[2]):
        parts = line.rstrip("\n").split(" ", 2)
        if len(parts) == 3:
            code.append((int(parts[0], 16), int(parts[1], 16), parts[2]))
code.sort()
starts = [c[0] for c in code]

def js_name(addr):
    i = bisect.bisect_right(starts, addr) - 1
    return code[i][2] if i >= 0 and addr < code[i][0] + code[i][1] else "JIT code"

def klass(name):
    if name.startswith("???:0x") or "Builtins_" in name: return "js"
    # libc's copies serve JS builtins (array slices and growth: CloneFastJSArray, GrowFast...) and
    # the compiler alike; until the eighth session they were counted as "jit", which hid the JS
    # code's copies (a 100k update's entity-index leaves: ~2.5 last-level read misses per change)
    if re.search(r"memset|memcpy|memmove", name): return "mem"
    if re.search(r"compiler::|Compiler|Parser|Scanner|Zone|Deoptim|interpreter|Bytecode|Maglev|baseline|malloc|free", name): return "jit"
    if re.search(r"heap::|Heap|Scaveng|Mark|Sweep|Evacuat|GC|Collector|Remembered|Slot", name): return "gc"
    return "other"

events, rows = None, {}
cell = re.compile(r"\s*(?:(\d[\d,]*)(?: \(\s*[\d.]+%\))?|(\.))")
for line in sys.stdin:
    if line.startswith("Events shown:"):
        events = line.split()[2:]
        continue
    if events is None or "PROGRAM TOTALS" in line: continue
    pos, vals = 0, []
    for _ in events:
        m = cell.match(line, pos)
        if not m: break
        vals.append(int(m.group(1).replace(",", "")) if m.group(1) else 0)
        pos = m.end()
    if len(vals) != len(events): continue
    name = re.sub(r" \[.*\]$", "", line[pos:].strip())
    m = re.match(r"\?\?\?:0x([0-9a-f]+)", name)
    key = (js_name(int(m.group(1), 16)) if m else name) if code else klass(name)
    acc = rows.setdefault(key, [0] * len(events))
    for i, v in enumerate(vals): acc[i] += v

show = [e for e in ("Ir", "D1mr", "D1mw", "DLmr", "DLmw") if e in events]
print(f"{'':>8}" + "".join(f"{e:>9}" for e in show) + "   per change")
for key, v in sorted(rows.items(), key=lambda kv: -kv[1][events.index("Ir")])[: int(os.environ.get("TOP", 40)) if code else 10]:
    print(f"{'':>8}" + "".join(f"{v[events.index(e)] / changes:9.1f}" for e in show) + f"   {key[:100]}")
