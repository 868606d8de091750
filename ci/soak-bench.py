#!/usr/bin/env python3
"""Soak benchmark: does `llmbench run`'s memory stay flat as a run grows? A figure, not a test.

  ci/soak-bench.py                       # 10,000 and 1,000,000 requests × 16 tokens, and 10,000 × 256
  ci/soak-bench.py --hog core1           # the same with a busy loop pinned to core 1
  ci/soak-bench.py --sizes 10000 100000  # other sizes (16-token answers)

Each run is `build/harness/llmbench run` against the embedded simulator (decode step 1 ms,
concurrency 128, one level, one repetition), in a fresh process. Its peak resident set
(ru_maxrss from wait4) is printed with the sizes of results.json and records.jsonl per request.
The peak cannot be lower than this script's own resident set when it spawned the run (Linux
keeps a fork's high-water mark across exec): that floor is printed too.
"""
import argparse, os, resource, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLMBENCH = os.path.join(ROOT, "build", "harness", "llmbench")

SCENARIO = """schema = 1
[engines.sim]
protocol = "sim"
[engines.sim.simulator]
decode_step = "1ms"
prefill_base = "1ms"
prefill_per_token = "0ms"
decode_per_seq = "0ms"
[classes.c]
input_tokens = 32
output_tokens = {tokens}
[load]
concurrency = [128]
requests = {requests}
warmup = 8
repetitions = 1
max_duration = "2h"
"""


def own_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(requests, tokens, work):
    d = os.path.join(work, f"r{requests}x{tokens}")
    os.makedirs(d, exist_ok=True)
    toml = os.path.join(d, "soak.toml")
    with open(toml, "w") as f:
        f.write(SCENARIO.format(requests=requests, tokens=tokens))
    floor = own_rss_mib()
    t0 = time.monotonic()
    p = subprocess.Popen([LLMBENCH, "run", toml, "--out", os.path.join(d, "out")], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"llmbench run failed ({p.returncode}): {p.stderr.read().decode()[-2000:]}")
    results = os.path.getsize(os.path.join(d, "out", "results.json"))
    records = os.path.getsize(os.path.join(d, "out", "records.jsonl"))
    peak = usage.ru_maxrss / 1024
    print(f"{requests:>10,} × {tokens:<4} {peak:>10.1f} {floor:>10.1f} {wall:>8.1f} {results:>14,} "
          f"{records / requests:>16.0f}", flush=True)
    subprocess.run(["rm", "-rf", d])
    return peak


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hog", choices=["none", "core1"], default="none")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    a = ap.parse_args()
    if not os.access(LLMBENCH, os.X_OK):
        sys.exit(f"{LLMBENCH} not built: run ci/build.sh first")
    hog = None
    if a.hog == "core1":
        hog = subprocess.Popen(["taskset", "-c", "1", "sh", "-c", "while :; do :; done"], start_new_session=True)
    print(f"soak bench, hog = {a.hog}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{'requests × tokens':>17} {'peak MiB':>10} {'floor MiB':>10} {'wall s':>8} {'results.json B':>14} "
          f"{'records B/request':>16}")
    try:
        with tempfile.TemporaryDirectory(prefix="llmbench-soak-") as work:
            peaks = [run(n, 16, work) for n in a.sizes]
            run(10_000, 256, work)
            if len(peaks) > 1:
                print(f"growth from {a.sizes[0]:,} to {a.sizes[-1]:,} requests: {peaks[-1] - peaks[0]:+.1f} MiB")
    finally:
        if hog:
            os.killpg(hog.pid, 9)


if __name__ == "__main__":
    main()
