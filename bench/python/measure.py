#!/usr/bin/python3
"""The harness's bookkeeping (Python standard library only).

  measure.py pgbench RUN_DIR TAG_JSON STDOUT_FILE LOG_PREFIX   -> appends a serving row to RUN_DIR/serving.jsonl
  measure.py ab      RUN_DIR TAG_JSON STDOUT_FILE PERCENT_CSV  -> the same from ab's output and its -e percentiles
  measure.py mem     OUT_FILE SYSTEM NAME:PID [NAME:PID ...]   -> RSS (VmRSS) and Pss (smaps_rollup) of processes
  measure.py assemble RUN_DIR                                   -> RUN_DIR/results.json
  measure.py summary  RUN_DIR                                   -> key figures on stdout (and RUN_DIR/summary.txt)

A serving row: {"system", "protocol", "layout", "rtt_ms", "clients", "pgbouncer", "repetition", "requests",
"throughput", "latency_mean_ms", "latency_p50_ms", "latency_p99_ms", ...}. pgbench's latencies come from its
per-transaction log (-l: one line per transaction, latency in microseconds); ab's p50/p99 from its -e table
(percentiles with microsecond resolution) and its mean from "Time per request (mean)", which is
concurrency x elapsed / requests (Little's law for closed-loop clients; for pgbench the per-transaction mean and
this agree within a few percent).
"""
import glob
import json
import os
import re
import statistics
import sys


def fail(msg):
    print("measure.py: " + msg, file=sys.stderr)
    sys.exit(1)


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))   # nearest rank
    return sorted_values[k]


def append_row(run_dir, row):
    with open(os.path.join(run_dir, "serving.jsonl"), "a") as f:
        f.write(json.dumps(row) + "\n")


def describe(row):
    unit = "req/s" if row["protocol"] == "http" else "tps"
    return (f"{row['throughput']:>9,.0f} {unit}  mean {row['latency_mean_ms']:.3f} ms  p50 {row['latency_p50_ms']:.3f} ms  "
            f"p99 {row['latency_p99_ms']:.3f} ms  ({row['requests']:,} requests)")


def cmd_pgbench(run_dir, tag_json, stdout_file, log_prefix):
    row = json.loads(tag_json)
    out = open(stdout_file).read()
    m = re.search(r"number of transactions actually processed: (\d+)", out)
    tps = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
    if not m or not tps:
        fail(f"pgbench did not finish ({stdout_file}):\n{out[-2000:]}")
    failed = re.search(r"number of failed transactions: (\d+)", out)
    if "Run was aborted" in out or (failed and int(failed.group(1)) > 0):
        fail(f"pgbench reports errors ({stdout_file}):\n{out[-2000:]}")
    lat = []
    for path in glob.glob(log_prefix + ".*"):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6:
                    lat.append(int(parts[2]) / 1000.0)
    if not lat:
        fail(f"no pgbench per-transaction log at {log_prefix}.*")
    lat.sort()
    row.update({"requests": int(m.group(1)), "throughput": float(tps.group(1)),
                "latency_mean_ms": round(statistics.fmean(lat), 4), "latency_p50_ms": round(percentile(lat, 50), 4),
                "latency_p99_ms": round(percentile(lat, 99), 4), "logged_transactions": len(lat)})
    append_row(run_dir, row)
    print(describe(row))


def cmd_ab(run_dir, tag_json, stdout_file, perc_csv):
    row = json.loads(tag_json)
    out = open(stdout_file).read()

    def num(pattern, default=None):
        m = re.search(pattern, out)
        return float(m.group(1)) if m else default

    complete = num(r"Complete requests:\s+(\d+)")
    rps = num(r"Requests per second:\s+([0-9.]+)")
    mean = num(r"Time per request:\s+([0-9.]+) \[ms\] \(mean\)")
    if complete is None or rps is None:
        fail(f"ab did not finish ({stdout_file}):\n{out[-2000:]}")
    failed = num(r"Failed requests:\s+(\d+)", 0)
    non2xx = num(r"Non-2xx responses:\s+(\d+)", 0)
    if failed or non2xx or complete == 0:
        fail(f"ab: {int(complete)} complete, {int(failed)} failed, {int(non2xx)} non-2xx ({stdout_file}):\n{out[-1500:]}")
    perc = {}
    with open(perc_csv) as f:
        for line in f:
            parts = line.strip().split(",")
            if len(parts) == 2 and parts[0].isdigit():
                perc[int(parts[0])] = float(parts[1])
    row.update({"requests": int(complete), "throughput": rps, "latency_mean_ms": round(mean, 4),
                "latency_p50_ms": perc.get(50), "latency_p99_ms": perc.get(99),
                "keepalive_requests": int(num(r"Keep-Alive requests:\s+(\d+)", 0))})
    append_row(run_dir, row)
    print(describe(row))


def read_mem(pid):
    rss = pss = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        return None
    return rss, pss


def cmd_mem(out_file, system, *name_pids):
    procs = []
    for item in name_pids:
        name, pid = item.rsplit(":", 1)
        m = read_mem(int(pid))
        if m and m[0] is not None:
            procs.append({"name": name, "pid": int(pid), "rss_bytes": m[0], "pss_bytes": m[1] or 0})
    entry = {"system": system, "rss_bytes": sum(p["rss_bytes"] for p in procs),
             "pss_bytes": sum(p["pss_bytes"] for p in procs), "processes": procs}
    with open(out_file, "w") as f:
        json.dump(entry, f)


def load_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


def load_jsonl(path):
    rows = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if line.strip():
                    rows.append(json.loads(line))
    return rows


def cmd_assemble(run_dir):
    run = load_json(os.path.join(run_dir, "run.json"), {})
    commands = []
    if os.path.exists(os.path.join(run_dir, "commands.txt")):
        for line in open(os.path.join(run_dir, "commands.txt")):
            line = line.rstrip("\n")
            if line and line not in commands:
                commands.append(line)
    run["commands"] = commands
    load = load_json(os.path.join(run_dir, "load.json"), {})
    training = [t for t in (load_json(os.path.join(run_dir, "training_pgml.json")),
                            load_json(os.path.join(run_dir, "training_python.json"))) if t]
    agreement = load_json(os.path.join(run_dir, "agreement.json"), [])
    serving = load_jsonl(os.path.join(run_dir, "serving.jsonl"))
    memory, memory_extra = [], []
    order = {"pgml": 0, "python": 1, "csharp": 2}
    for path in sorted(glob.glob(os.path.join(run_dir, "raw", "*", "memory.json"))):
        m = load_json(path)
        tag = load_json(os.path.join(os.path.dirname(path), "tag.json"), {})
        if m and tag.get("memory_report") in ("main", "extra"):
            m.update({k: tag[k] for k in ("clients", "pgbouncer", "protocol", "repetition") if k in tag})
            (memory if tag["memory_report"] == "main" else memory_extra).append(m)
    memory.sort(key=lambda m: order.get(m["system"], 9))
    memory_extra.sort(key=lambda m: order.get(m["system"], 9))
    notes = [line.rstrip("\n") for line in open(os.path.join(run_dir, "notes.txt"))] \
        if os.path.exists(os.path.join(run_dir, "notes.txt")) else []
    results = {"run": run, "load": load, "training": training, "agreement": agreement, "serving": serving,
               "memory": memory, "memory_extra": memory_extra, "netns": netns_summary(run_dir, serving), "notes": notes}
    with open(os.path.join(run_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(f"    results.json: {len(serving)} serving rows, {len(memory)} memory samples, {len(agreement)} agreement checks")


def netns_summary(run_dir, serving):
    """The delay proxy as measured: its own start-up line per RTT, and the round trip it added in fact: the median p50
    latency of the floor query (no predict) at 1 client, minus the same at RTT 0 (through the proxy, no delay)."""
    proxies = {}
    for path in sorted(glob.glob(os.path.join(run_dir, "raw", "proxy-rtt*.log"))):
        rtt = os.path.basename(path)[len("proxy-rtt"):-len(".log")]
        with open(path) as f:
            proxies[rtt] = f.readline().strip()
    p50 = {}
    for r in serving:
        if r["layout"] == "netns" and r["system"] == "floor" and r["clients"] == 1:
            p50.setdefault(r["rtt_ms"], []).append(r["latency_p50_ms"])
    base = med(p50.get(0, []))
    added = {str(rtt): round(med(v) - base, 3) for rtt, v in sorted(p50.items()) if rtt and base is not None}
    return {"proxy": proxies, "floor_1_client_p50_ms": {str(k): med(v) for k, v in sorted(p50.items())},
            "measured_added_rtt_ms": added} if proxies or p50 else {}


def med(values):
    return statistics.median(values) if values else None


def cmd_summary(run_dir):
    res = load_json(os.path.join(run_dir, "results.json"))
    lines = []
    p = lines.append
    run = res["run"]
    p(f"run {run.get('size')} ({run.get('rows'):,} rows, seed {run.get('seed')}), {run.get('started')} .. {run.get('finished')}")
    ld = res["load"]
    if ld:
        p(f"load: PostgreSQL COPY {ld.get('postgres_copy_seconds')} s ({ld.get('postgres_rows'):,} rows), "
          f"Redis {ld.get('redis_load_seconds')} s ({ld.get('redis_rows'):,} rows)")
    for t in res["training"]:
        p(f"training {t['system']:<6}: {t['seconds']:.2f} s, peak RSS {t['peak_rss_bytes'] / 2**20:.0f} MB, r2 {t['r2']:.4f}")
    groups = {}
    for r in res["serving"]:
        key = (r["layout"], r["rtt_ms"], r["clients"], r["pgbouncer"], r["system"], r["protocol"])
        groups.setdefault(key, []).append(r)
    p("serving (median over repetitions; min..max throughput):")
    p(f"  {'layout':<6} {'rtt':>4} {'clients':>7} {'pgb':>3} {'system':<7} {'protocol':<8} {'throughput':>10} "
      f"{'spread':>17} {'mean ms':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for key in sorted(groups, key=lambda k: (k[0] != "local", k[1], k[3], k[2], k[5], k[4])):
        rs = groups[key]
        tp = [r["throughput"] for r in rs]
        p(f"  {key[0]:<6} {key[1]:>4} {key[2]:>7} {'yes' if key[3] else 'no':>3} {key[4]:<7} {key[5]:<8} "
          f"{med(tp):>10,.0f} {min(tp):>8,.0f}..{max(tp):<8,.0f} {med([r['latency_mean_ms'] for r in rs]):>8.3f} "
          f"{med([r['latency_p50_ms'] for r in rs]):>8.3f} {med([r['latency_p99_ms'] for r in rs]):>8.3f}")

    def tput(layout, rtt, clients, pgb, system, protocol):
        rs = groups.get((layout, rtt, clients, pgb, system, protocol))
        return med([r["throughput"] for r in rs]) if rs else None

    p("ratios (median throughput):")
    for (layout, rtt, clients, pgb, system, protocol) in sorted(groups):
        if system != "pgml":
            continue
        pg = tput(layout, rtt, clients, pgb, "pgml", protocol)
        fl = tput(layout, rtt, clients, pgb, "floor", protocol)
        parts = []
        if fl:
            parts.append(f"pgml/floor {pg / fl:.0%}")
        for other in ("python", "csharp"):
            o = tput(layout, rtt, clients, False, other, "http")
            if o:
                parts.append(f"pgml/{other} {pg / o:.1f}x")
        p(f"  {layout} rtt {rtt} c={clients}{' pgbouncer' if pgb else ''} {protocol}: " + ", ".join(parts))
    for m in res["memory"] + res.get("memory_extra", []):
        p(f"memory {m['system']:<7} (c={m.get('clients')}{', pgbouncer' if m.get('pgbouncer') else ''}): "
          f"RSS {m['rss_bytes'] / 2**20:.1f} MB, Pss {m['pss_bytes'] / 2**20:.1f} MB over {len(m['processes'])} processes")
    ns = res.get("netns") or {}
    if ns.get("measured_added_rtt_ms"):
        p("netns: round trip added by the delay proxy, measured (floor query, 1 client, p50 minus RTT 0's): " +
          ", ".join(f"RTT {k} ms -> {v} ms" for k, v in ns["measured_added_rtt_ms"].items()))
    for n in res.get("notes", []):
        p("note: " + n)
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(run_dir, "summary.txt"), "w") as f:
        f.write(text + "\n")


def main():
    if len(sys.argv) < 2:
        fail(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"pgbench": cmd_pgbench, "ab": cmd_ab, "mem": cmd_mem, "assemble": cmd_assemble, "summary": cmd_summary}[cmd](*args)


if __name__ == "__main__":
    main()
