#!/usr/bin/env python3
"""Blessing robustness: make several independent baselines, each from its own sessions, and judge
the same unchanged and changed runs against each with `llmbench compare` (the gate's own judge).
A figure, not a test. Takes the run directories that `ci/gate-quality.py --keep DIR` leaves:

  ci/gate-quality.py --runs 40 --change unchanged --keep /tmp/gq/unchanged $CLASSES
  ci/gate-quality.py --runs 10 --change decode+10 --keep /tmp/gq/decode10 $CLASSES
  ci/blessing-robustness.py --sessions /tmp/gq/unchanged --blessings 10 --per 3 \\
      --changed /tmp/gq/decode10

Blessing b pools sessions run{3b+1..3b+3}; the unchanged runs judged are those no blessing used
(run{blessings*per+1..}). A judged run's confirming attempt is replayed as it was recorded: a run
that was not re-measured when it ran cannot be confirmed here, so this errs towards failing.
"""
import argparse, glob, json, math, os, re, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def runs_in(d):
    found = [p for p in glob.glob(os.path.join(d, "run*")) if os.path.exists(os.path.join(p, "results.json"))]
    return sorted(found, key=lambda p: int(re.sub(r"\D", "", os.path.basename(p))))


def judge(llmbench, baselines, run, tmp):
    out = os.path.join(tmp, "v.json")
    subprocess.run([llmbench, "compare", baselines, os.path.join(run, "results.json"), "--verdicts", out],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.load(open(out))


def regressed(v):
    return sorted({c["metric"] + ("." + c["statistic"] if c["statistic"] else "")
                   for c in v["comparisons"] if c["verdict"] == "regressed"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", required=True)
    ap.add_argument("--blessings", type=int, default=10)
    ap.add_argument("--per", type=int, default=3)
    ap.add_argument("--changed", action="append", default=[])
    ap.add_argument("--llmbench", default=os.path.join(ROOT, "build/harness/llmbench"))
    a = ap.parse_args()
    sessions = runs_in(a.sessions)
    used = a.blessings * a.per
    if len(sessions) <= used:
        raise SystemExit(f"{len(sessions)} sessions: need more than {used} (blessings × per) to judge any")
    unchanged = sessions[used:]
    changed = [r for d in a.changed for r in runs_in(d)]
    tmp = tempfile.mkdtemp(prefix="llmbench-blessings-")
    worst_fa, worst_catch = 0.0, 1.0
    for b in range(a.blessings):
        baselines = os.path.join(tmp, f"bless{b}")
        subprocess.run([a.llmbench, "baseline", "update", *sessions[b * a.per:(b + 1) * a.per], "--baselines", baselines],
                       check=True, stdout=subprocess.DEVNULL)
        fa = inc = n = 0
        for r in unchanged:
            for v in judge(a.llmbench, baselines, r, tmp):
                n += 1
                fa += v["outcome"] == "failed"
                inc += v["outcome"] == "inconclusive"
        caught = cinc = cn = 0
        for r in changed:
            for v in judge(a.llmbench, baselines, r, tmp):
                cn += 1
                caught += v["outcome"] == "failed" and "tpot.p50" in regressed(v)
                cinc += v["outcome"] == "inconclusive"
        worst_fa = max(worst_fa, fa / max(n, 1))
        if cn:
            worst_catch = min(worst_catch, caught / cn)
        print(f"blessing {b + 1:>2} (sessions {b * a.per + 1}–{(b + 1) * a.per}): unchanged {fa}/{n} failed, "
              f"{inc} inconclusive; changed {caught}/{cn} caught naming tpot.p50, {cinc} inconclusive", flush=True)
    print(f"\nworst blessing: {100 * worst_fa:.1f} % of unchanged case runs failed; "
          f"lowest catch rate of the changed runs: {100 * worst_catch:.1f} %")


if __name__ == "__main__":
    main()
