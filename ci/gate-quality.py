#!/usr/bin/env python3
"""Gate quality: how often the regression gate falsely fails an unchanged case, and how often it
catches (or honestly calls inconclusive) a real slowdown, on an idle or a busy runner. A figure,
not a test: it prints every run's outcome and the shares with 95 % Wilson intervals.

  ci/gate-quality.py --runs 40 --change unchanged --hog none
  ci/gate-quality.py --runs 40 --change decode+10 --hog core1      # taskset -c 1 busy loop
  ci/gate-quality.py --runs 40 --change prefill+10 --hog toggle    # busy loop on 3 s, off 3 s
  ci/gate-quality.py --runs 20 --change unchanged --hog all        # both cores busy

--change edits the simulator of scenarios/quickstart.toml (a copy with the same name, so the
committed baselines apply): decode+N slows decode_step by N %, prefill+N prefill_base and
prefill_per_token. --class picks the prompt classes (default: all four). --keep DIR keeps every
run's results (ci/blessing-robustness.py judges them against blessings made from other runs).
"""
import argparse, json, math, os, re, shutil, signal, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wilson(k, n):
    if n == 0:
        return (0.0, 0.0)
    z, p = 1.96, k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def scaled(text, key, factor):
    def repl(m):
        value, unit = float(m.group(2)), m.group(3)
        return f'{m.group(1)}"{value * factor:g}{unit}"'
    return re.sub(rf'^({key}\s*=\s*)"([0-9.]+)([a-z]+)"', repl, text, flags=re.M)


def scenario_copy(change, tmp):
    text = open(os.path.join(ROOT, "scenarios/quickstart.toml")).read()
    m = re.fullmatch(r"(decode|prefill)\+(\d+)", change)
    if m:
        f = 1 + int(m.group(2)) / 100
        keys = ["decode_step"] if m.group(1) == "decode" else ["prefill_base", "prefill_per_token"]
        for k in keys:
            text = scaled(text, k, f)
    elif change != "unchanged":
        sys.exit(f"unknown --change {change}")
    path = os.path.join(tmp, "quickstart.toml")
    open(path, "w").write(text)
    return path


def start_hog(kind):
    loop = ["sh", "-c", "while :; do :; done"]
    if kind == "none":
        return []
    if kind == "core1":
        return [subprocess.Popen(["taskset", "-c", "1"] + loop, start_new_session=True)]
    if kind == "all":
        return [subprocess.Popen(loop, start_new_session=True), subprocess.Popen(loop, start_new_session=True)]
    if kind == "toggle":
        script = "while :; do sh -c 'while :; do :; done' & p=$!; sleep 3; kill $p; sleep 3; done"
        return [subprocess.Popen(["sh", "-c", script], start_new_session=True)]
    sys.exit(f"unknown --hog {kind}")


def stop_hogs(hogs):
    for h in hogs:
        try:
            os.killpg(h.pid, signal.SIGKILL)  # each hog leads its own session: its children go too
        except ProcessLookupError:
            pass
        h.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--change", default="unchanged")
    ap.add_argument("--hog", default="none")
    ap.add_argument("--class", dest="classes", action="append", default=[])
    ap.add_argument("--baselines", default=os.path.join(ROOT, "baselines"))
    ap.add_argument("--llmbench", default=os.path.join(ROOT, "build/harness/llmbench"))
    ap.add_argument("--keep", help="keep each run's output directory under this directory (run1, run2, …)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="llmbench-gate-quality-")
    scenario = scenario_copy(a.change, tmp)
    hogs = start_hog(a.hog)
    tally = {"passed": 0, "failed": 0, "inconclusive": 0, "other": 0}
    named = {}
    warned = {}
    cases = 0
    started = time.time()
    try:
        for i in range(1, a.runs + 1):
            out = os.path.join(a.keep or tmp, f"run{i}")
            cmd = [a.llmbench, "run", scenario, "--baselines", a.baselines, "--out", out]
            for c in a.classes:
                cmd += ["--class", c]
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            verdicts = json.load(open(os.path.join(out, "verdicts.json")))
            line = []
            for v in verdicts:
                cases += 1
                o = v["outcome"] if v["outcome"] in tally else "other"
                tally[o] += 1
                regressed = sorted({f'{c["metric"]}{"." + c["statistic"] if c["statistic"] else ""}'
                                    for c in v["comparisons"] if c["verdict"] == "regressed"})
                for r in regressed:
                    named[r] = named.get(r, 0) + 1
                for c in v["comparisons"]:
                    if c["verdict"] == "warn":
                        k = f'{c["metric"]}{"." + c["statistic"] if c["statistic"] else ""} {100 * c["change"]:+.1f}%'
                        warned.setdefault(c["metric"] + ("." + c["statistic"] if c["statistic"] else ""), []).append(k.split()[-1])
                line.append(f'{v["case"].split("/")[-1]}={o}{"(" + ",".join(regressed) + ")" if regressed else ""}'
                            f'{"@" + str(v.get("attempt", 1)) if v.get("attempt", 1) > 1 else ""}')
            load = os.getloadavg()[0]
            print(f"run {i}/{a.runs} load {load:.2f}: " + " ".join(line), flush=True)
            if not a.keep:
                shutil.rmtree(out, ignore_errors=True)
    finally:
        stop_hogs(hogs)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{a.change} on hog={a.hog}: {cases} case runs in {time.time() - started:.0f} s "
          f"({' '.join(a.classes) or 'all classes'}, baselines {a.baselines})")
    for k in ("passed", "failed", "inconclusive", "other"):
        lo, hi = wilson(tally[k], cases)
        print(f"  {k:<13} {tally[k]:>4} of {cases}  {100 * tally[k] / max(cases, 1):5.1f} %  (95 % CI {100 * lo:.1f}–{100 * hi:.1f} %)")
    if named:
        print("  regressed statistics: " + ", ".join(f"{k} ×{v}" for k, v in sorted(named.items())))
    if warned:
        print("  warned (worse, not beyond the tolerance and significant): " +
              "; ".join(f"{k} ×{len(v)} ({', '.join(v)})" for k, v in sorted(warned.items())))


if __name__ == "__main__":
    main()
