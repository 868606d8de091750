#!/usr/bin/env python3
"""Open-loop benchmark: how well llmbench keeps an arrival schedule, whether its invalid flag names
the right culprit, and whether the SLO search finds the simulator's capacity. A figure, not a
test: it prints what it measured (each run against the embedded simulator, in-process).

  ci/open-loop-bench.py                    # idle
  ci/open-loop-bench.py --hog core1        # a busy loop pinned to core 1 for the whole run
  ci/open-loop-bench.py --part accuracy    # one part: accuracy | poisson | culprit | search

accuracy: constant arrivals at 50, 500 and 5,000 req/s (4 s each, 4-token answers from a
          simulator with room for all of them): achieved send rate / configured, lag p50 / p99.
poisson:  Poisson arrivals at 500 req/s: Kolmogorov-Smirnov p-values of the intended gaps and of
          the gaps between the actual sends against the exponential.
culprit:  an engine too slow for the rate (queueing; with a concurrency cap: dropped arrivals,
          invalid, "the engine did not keep up") vs a rate the client cannot send ("the client
          fell behind").
search:   [load.slo_search] on a simulator with 4 slots of 90 ms (capacity 44.4 req/s), SLO TTFT
          200 ms for 90 % of 400 constant arrivals per probe, vs the same model computed here.
"""
import argparse, json, math, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SIM = """schema = 1
[engines.sim]
protocol = "sim"
[engines.sim.simulator]
prefill_base = "{prefill}"
prefill_per_token = "0ns"
decode_step = "{step}"
decode_per_seq = "0ns"
max_batch = {slots}
[classes.c]
input_tokens = 32
output_tokens = {out}
"""


def run(llmbench, tmp, name, text):
    path = os.path.join(tmp, name + ".toml")
    open(path, "w").write(text)
    out = os.path.join(tmp, name)
    t0 = time.time()
    p = subprocess.run([llmbench, "run", path, "--out", out], capture_output=True, text=True)
    if p.returncode not in (0, 77):
        sys.exit(f"{name}: llmbench exited {p.returncode}\n{p.stdout}\n{p.stderr}")
    results = json.load(open(os.path.join(out, "results.json")))
    return results["cases"][0], out, time.time() - t0


def ks_exponential(gaps, rate):
    """Kolmogorov-Smirnov p-value (asymptotic, Stephens' correction) of gaps vs Exp(rate)."""
    x = sorted(gaps)
    n = len(x)
    d = 0.0
    for i, v in enumerate(x):
        f = 1 - math.exp(-rate * v)
        d = max(d, (i + 1) / n - f, f - i / n)
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    q = sum(2 * (-1) ** (j - 1) * math.exp(-2 * j * j * lam * lam) for j in range(1, 101))
    return d, min(1.0, max(0.0, q))


def accuracy(llmbench, tmp):
    print("accuracy: constant arrivals, 4 s per level, simulator 1 ms prefill + 3 × 1 ms decode")
    print(f"  {'rate':>8} {'sends':>6} {'sent req/s':>11} {'ratio':>7} {'lag p50':>9} {'lag p99':>9} {'late':>5} "
          f"{'dropped':>7}  valid")
    for rate in (50, 500, 5000):
        n = rate * 4
        text = SIM.format(prefill="1ms", step="1ms", slots=100000, out=4) + (
            f'[load]\nrate = [{rate}]\narrival = "constant"\nrequests = {n}\nwarmup = 0\nrepetitions = 1\n'
            f'max_concurrency = 2000\ntimeout = "20s"\n')
        case, _, _ = run(llmbench, tmp, f"accuracy-{rate}", text)
        s = case["levels"][0]["summary"]
        lag = s["distributions"].get("schedule_lag", {})
        sent = s["level"].get("send_rate", float("nan"))
        print(f"  {rate:>8} {s['requests']:>6} {sent:>11.2f} {sent / rate:>7.4f} {lag.get('p50', float('nan')):>7.3f}ms "
              f"{lag.get('p99', float('nan')):>7.3f}ms {s.get('late_sends', 0):>5} {s.get('dropped', 0):>7}  "
              f"{'yes' if not s.get('invalid') else 'NO: ' + s['invalid']}")


def poisson(llmbench, tmp):
    rate, n = 500, 2000
    text = SIM.format(prefill="1ms", step="1ms", slots=100000, out=4) + (
        f'[load]\nrate = [{rate}]\narrival = "poisson"\nrequests = {n}\nwarmup = 0\nrepetitions = 1\nseed = 1\n')
    _, out, _ = run(llmbench, tmp, "poisson", text)
    recs = [json.loads(line) for line in open(os.path.join(out, "records.jsonl"))]
    recs = [r for r in recs if not r["warmup"]]
    intended = sorted(r["intended_ns"] for r in recs)
    sent = sorted(r["scheduled_ns"] for r in recs)
    gi = [(b - a) / 1e9 for a, b in zip(intended, intended[1:])]
    gs = [(b - a) / 1e9 for a, b in zip(sent, sent[1:])]
    di, pi = ks_exponential(gi, rate)
    ds, ps = ks_exponential(gs, rate)
    print(f"poisson: {n} arrivals at {rate} req/s, seed 1: KS vs Exp({rate}/s): intended gaps D = {di:.4f}, "
          f"p = {pi:.3f}; actual send gaps D = {ds:.4f}, p = {ps:.3f}; mean gap {sum(gs) / len(gs) * 1e3:.3f} ms "
          f"(1/rate = {1e3 / rate:.3f} ms)")


def culprit(llmbench, tmp):
    print("culprit: which side set the pace")
    slow = SIM.format(prefill="20ms", step="10ms", slots=2, out=8)  # 2 slots of 90 ms: 22 req/s
    for label, load in (
        ("engine too slow, no cap (50 req/s on 22)", 'rate = [50]\nrequests = 100\n'),
        ("engine too slow, max_concurrency 8", 'rate = [50]\nrequests = 100\nmax_concurrency = 8\n'),
    ):
        case, _, _ = run(llmbench, tmp, "culprit-" + str(abs(hash(label)) % 1000),
                         slow + '[load]\narrival = "constant"\nwarmup = 0\nrepetitions = 1\n' + load)
        s = case["levels"][0]["summary"]
        print(f"  {label}: served {s['level']['request_throughput']:.1f} req/s, TTFT p95 "
              f"{s['distributions']['ttft']['p95']:.0f} ms, lag p99 {s['distributions']['schedule_lag']['p99']:.3f} ms, "
              f"dropped {s['dropped']}: {'valid' if not s['invalid'] else 'INVALID: ' + s['invalid']}")
    for rate in (10000, 20000):
        text = SIM.format(prefill="100us", step="100us", slots=100000, out=1) + (
            f'[load]\nrate = [{rate}]\narrival = "constant"\nrequests = {rate * 2}\nwarmup = 0\nrepetitions = 1\n'
            f'max_concurrency = 5000\n')
        case, _, _ = run(llmbench, tmp, f"client-{rate}", text)
        s = case["levels"][0]["summary"]
        print(f"  client at {rate} req/s (1-token answers): sent {s['level'].get('send_rate', 0):.0f} req/s, lag p50 "
              f"{s['distributions']['schedule_lag']['p50']:.2f} ms p99 {s['distributions']['schedule_lag']['p99']:.2f} ms,"
              f" dropped {s['dropped']}: {'valid' if not s['invalid'] else 'INVALID: ' + s['invalid']}")


def model_attainment(rate, n, slots, service_ms, prefill_ms, slo_ms):
    free = [0.0] * slots
    met = 0
    for i in range(n):
        arrive = i * 1000.0 / rate
        k = min(range(slots), key=lambda j: free[j])
        start = max(arrive, free[k])
        met += start - arrive + prefill_ms <= slo_ms
        free[k] = start + service_ms
    return met / n


def model_max_rate(attainment, n, slots, service_ms, prefill_ms, slo_ms):
    lo, hi = 1.0, 1000.0
    while hi / lo > 1.0001:
        mid = math.sqrt(lo * hi)
        if model_attainment(mid, n, slots, service_ms, prefill_ms, slo_ms) >= attainment:
            lo = mid
        else:
            hi = mid
    return lo


def search(llmbench, tmp):
    n, slots, service, prefill, slo, att = 400, 4, 90.0, 20.0, 200.0, 0.9
    text = SIM.format(prefill="20ms", step="10ms", slots=slots, out=8) + (
        '[slo]\nttft = "200ms"\n[load]\narrival = "constant"\nwarmup = 0\nrepetitions = 1\n'
        f'[load.slo_search]\nmin_rate = 20\nmax_rate = 100\nrequests = {n}\nprecision = "2%"\nattainment = "90%"\n')
    case, _, seconds = run(llmbench, tmp, "search", text)
    s = case["levels"][-1]["summary"]
    found = s["level"]["max_rate_under_slo"]
    model = model_max_rate(att, n, slots, service, prefill, slo)
    capacity = slots * 1000 / service
    print(f"search: found {found:.2f} req/s in {s['level']['search_probes']:.0f} probes ({seconds:.0f} s); the "
          f"model's {model:.2f} req/s for {n} arrivals per probe ({found / model - 1:+.1%}); the batching capacity "
          f"{capacity:.2f} req/s ({found / capacity - 1:+.1%})")
    for p in case["slo_search"]:
        print(f"    probe {p['rate']:7.2f} req/s: {p['slo_attainment']:.1%} met the SLO, model "
              f"{model_attainment(p['rate'], n, slots, service, prefill, slo):.1%} → {'holds' if p['holds'] else 'fails'}"
              f"{' (invalid: ' + p['invalid'] + ')' if p['invalid'] else ''}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--llmbench", default=os.path.join(ROOT, "build/harness/llmbench"))
    ap.add_argument("--hog", choices=["none", "core1"], default="none")
    ap.add_argument("--part", choices=["all", "accuracy", "poisson", "culprit", "search"], default="all")
    a = ap.parse_args()
    hog = None
    if a.hog == "core1":
        hog = subprocess.Popen(["taskset", "-c", "1", "sh", "-c", "while :; do :; done"], start_new_session=True)
    print(f"open-loop bench, hog = {a.hog}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    try:
        with tempfile.TemporaryDirectory(prefix="llmbench-openloop-") as tmp:
            for part, fn in (("accuracy", accuracy), ("poisson", poisson), ("culprit", culprit), ("search", search)):
                if a.part in ("all", part):
                    fn(a.llmbench, tmp)
    finally:
        if hog:
            os.killpg(hog.pid, 9)


if __name__ == "__main__":
    main()
