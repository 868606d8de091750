#!/usr/bin/env python3
"""Several client hosts: does `llmbench run --client K/N` + `llmbench merge` give the run one
client would have made? A figure, not a test: it serves one simulator (`llmbench sim`, its own
process), runs the same open-loop and closed-loop levels once from one client and once from N
client processes started together (as CI's matrix jobs would be), merges those, and prints both.
On one machine the clients share its cores, so this checks the merge, not more capacity.

  ci/client-hosts-bench.py                 # idle, 2 clients
  ci/client-hosts-bench.py --hog core1     # a busy loop pinned to core 1 for the whole run
  ci/client-hosts-bench.py --clients 3 --rate 1000 --requests 5000
"""
import argparse, datetime, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def scenario(port, rate, requests, concurrency):
    return (f'schema = 1\n[engines.target]\nprotocol = "openai-chat"\nurl = "http://127.0.0.1:{port}"\n'
            f'model = "m"\n[classes.c]\ninput_tokens = 32\noutput_tokens = 4\n[load]\n'
            f'concurrency = [{concurrency}]\nrate = [{rate}]\narrival = "poisson"\nrequests = {requests}\n'
            f'warmup = 0\nrepetitions = 1\nmax_concurrency = 2000\ntimeout = "20s"\n')


def levels(results_dir):
    case = json.load(open(os.path.join(results_dir, "results.json")))["cases"][0]
    return [l["summary"] for l in case["levels"]]


def row(name, s):
    lvl, d = s["level"], s["distributions"]
    lag = d.get("schedule_lag", {})
    what = f"r={s['rate']:g}" if "rate" in s else f"c={s.get('concurrency', '?')}"
    print(f"  {name:<10} {what:>8} {s['requests']:>6} {lvl.get('send_rate', float('nan')):>10.1f} "
          f"{lvl['request_throughput']:>10.1f} {d['ttft']['p50']:>8.2f} {d['ttft']['p99']:>8.2f} "
          f"{lag.get('p50', float('nan')):>8.3f} {lag.get('p99', float('nan')):>8.3f}  "
          f"{'valid' if not s.get('invalid') else 'INVALID: ' + s['invalid'][:60]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--llmbench", default=os.path.join(ROOT, "build/harness/llmbench"))
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--rate", type=float, default=500)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--hog", choices=["none", "core1"], default="none")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="llmbench-hosts-")
    sim = subprocess.Popen([a.llmbench, "sim", "--port", "0", "--port-file", f"{tmp}/port", "--set", "max_batch=4096",
                            "--set", "prefill_base=2ms", "--set", "prefill_per_token=0ns", "--set", "decode_step=2ms",
                            "--set", "decode_per_seq=0ns", "--set", "jitter=0"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hog = None
    try:
        for _ in range(100):
            if os.path.exists(f"{tmp}/port") and open(f"{tmp}/port").read().strip():
                break
            time.sleep(0.05)
        port = open(f"{tmp}/port").read().strip()
        path = f"{tmp}/s.toml"
        open(path, "w").write(scenario(port, a.rate, a.requests, a.concurrency))
        if a.hog == "core1":
            hog = subprocess.Popen(["taskset", "-c", "1", "sh", "-c", "while :; do :; done"], start_new_session=True)
        print(f"client hosts bench, {a.clients} clients, hog = {a.hog}, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        print(f"  Poisson {a.rate:g} req/s and concurrency {a.concurrency}, {a.requests} requests each, 4-token "
              f"answers from a simulator with room for all")
        one = subprocess.run([a.llmbench, "run", path, "--out", f"{tmp}/one"], capture_output=True, text=True)
        if one.returncode not in (0, 77):
            sys.exit(f"one client: exit {one.returncode}\n{one.stdout}\n{one.stderr}")
        slot = max(10.0, 2.0 * a.requests / a.rate + 5)
        start = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        hosts = [subprocess.Popen([a.llmbench, "run", path, "--client", f"{k}/{a.clients}", "--start-at", start,
                                   "--slot", f"{slot:g}s", "--out", f"{tmp}/h{k}"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for k in range(1, a.clients + 1)]
        for k, h in enumerate(hosts, 1):
            out, _ = h.communicate()
            if h.returncode not in (0, 77):
                sys.exit(f"client {k}: exit {h.returncode}\n{out}")
        merge = subprocess.run([a.llmbench, "merge", path] + [f"{tmp}/h{k}" for k in range(1, a.clients + 1)] +
                               ["--out", f"{tmp}/merged"], capture_output=True, text=True)
        if merge.returncode not in (0, 77):
            sys.exit(f"merge: exit {merge.returncode}\n{merge.stdout}\n{merge.stderr}")
        print(f"  {'run':<10} {'level':>8} {'req':>6} {'sent/s':>10} {'served/s':>10} {'TTFT p50':>8} {'p99 ms':>8} "
              f"{'lag p50':>8} {'p99 ms':>8}")
        for s in levels(f"{tmp}/one"):
            row("1 client", s)
        for s in levels(f"{tmp}/merged"):
            row(f"{a.clients} merged", s)
    finally:
        if hog:
            os.killpg(hog.pid, 9)
        sim.terminate()
        sim.wait()


if __name__ == "__main__":
    main()
