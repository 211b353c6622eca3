#!/usr/bin/python3
"""Builds results.json and results.md of bench/algorithms/run.sh from the run folder's raw/ measurements:
raw/<algorithm>-<task>-pgml.json (train.sql's line, or skipped / error), -sklearn.json (sklearn_train.py's line),
-pgbench.json (the alternated floor / predict runs). Called by run.sh; can be re-run on a folder."""
import argparse
import json
import os
import statistics

METRIC_NAMES = {"regression": "r2", "classification": "f1", "clustering": "silhouette",
                "decomposition": "cumulative_explained_variance"}
METRIC_SHOWN = {"r2": "r2", "f1": "f1 macro", "silhouette": "silhouette", "cumulative_explained_variance": "cum. expl. var."}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def mb(kb):
    return None if kb is None else round(kb / 1024, 1)


def parse_spec(text):
    items = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            continue
        limit = parts[3] if len(parts) > 3 else ""
        items.append((parts[0], parts[1].split(), json.loads(parts[2]), int(limit) if limit else None))
    return items


def first_line(text):
    for line in (text or "").splitlines():
        if "ERROR" in line or "Error" in line:
            return line.split("ERROR:", 1)[-1].strip()
    return (text or "").strip().splitlines()[-1] if (text or "").strip() else ""


def main():
    ap = argparse.ArgumentParser()
    for a in ("run", "spec", "pgml-version", "cpu", "postgres", "shared-buffers", "omp"):
        ap.add_argument("--" + a, required=a in ("run", "spec"))
    for a in ("rows", "svm-rows", "seconds", "rounds", "mem-mb", "elapsed", "clk-tck"):
        ap.add_argument("--" + a, type=int)
    args = ap.parse_args()
    raw = os.path.join(args.run, "raw")
    selected = None
    if os.path.exists(os.path.join(raw, "selected.txt")):
        selected = open(os.path.join(raw, "selected.txt")).read().split()
    prepare = load(os.path.join(raw, "prepare.json")) or {}

    results = []
    for algorithm, tasks, hp, limit in parse_spec(args.spec):
        if selected is not None and algorithm not in selected:
            continue
        for task in tasks:
            key = f"{algorithm}-{task}"
            pg = load(os.path.join(raw, key + "-pgml.json")) or {"error": "no measurement"}
            sk = load(os.path.join(raw, key + "-sklearn.json")) or {"error": "no measurement"}
            pb = load(os.path.join(raw, key + "-pgbench.json"))
            loadavg = load(os.path.join(raw, key + "-loadavg.json")) or {}
            private = load(os.path.join(raw, key + "-pgml-private.json")) or {}
            metric = METRIC_NAMES[task]
            r = {"algorithm": algorithm, "task": task, "hyperparams": hp,
                 "rows": limit and min(limit, args.rows or limit) or args.rows, "metric": metric}
            if "skipped" in pg:
                r["pgml"] = {"status": "skipped", "reason": pg["skipped"]}
            elif "error" in pg:
                r["pgml"] = {"status": "failed", "error": first_line(pg["error"]), "detail": pg["error"]}
            else:
                m = pg.get("metrics") or {}
                r["pgml"] = {"status": "ok", "train_seconds": round(pg["seconds"], 3),
                             "fit_time": m.get("fit_time"), "score_time": m.get("score_time"),
                             "cpu_seconds": round(pg["cpu_ticks"] / (args.clk_tck or 100), 2),
                             "loadavg_before": loadavg.get("pgml"),
                             "peak_rss_mb": mb(pg["peak_kb"]), "rss_before_mb": mb(pg["rss_before_kb"]),
                             "peak_delta_mb": mb(pg["peak_kb"] - pg["rss_before_kb"]),
                             "rss_shmem_after_mb": mb(pg.get("rss_shmem_after_kb")),
                             "private_before_mb": mb(private.get("anon_before_kb")),
                             "private_peak_mb": mb(private.get("anon_peak_kb") or None),
                             "private_delta_mb": mb(private["anon_peak_kb"] - private["anon_before_kb"])
                             if private.get("anon_peak_kb") and private.get("anon_before_kb") is not None else None,
                             "metric": m.get(metric), "model_id": pg.get("model_id"), "backend_pid": pg.get("pid"),
                             "deployed": pg.get("deployed"), "metrics": m}
            if "skipped" in sk:
                r["sklearn"] = {"status": "skipped", "reason": sk["skipped"]}
            elif "error" in sk:
                r["sklearn"] = {"status": "failed", "error": first_line(sk["error"]), "detail": sk["error"]}
            else:
                r["sklearn"] = {"status": "ok", "estimator": sk["estimator"], "fit_seconds": sk["fit_seconds"],
                                "fit_cpu_seconds": sk.get("fit_cpu_seconds"), "loadavg_before": loadavg.get("sklearn"),
                                "load_seconds": sk["load_seconds"], "score_seconds": sk["score_seconds"],
                                "peak_rss_mb": mb(sk["peak_rss_kb"]), "rss_before_mb": mb(sk["rss_before_kb"]),
                                "peak_delta_mb": mb(sk["peak_rss_kb"] - sk["rss_before_kb"]),
                                "peak_rss_fit_mb": mb(sk["peak_rss_fit_kb"]), "rss_loaded_mb": mb(sk["rss_loaded_kb"]),
                                "metric": sk["value"], "train_rows": sk["train_rows"], "test_rows": sk["test_rows"],
                                "warnings": sk.get("warnings", [])}
            if pb:
                def mean(kind, field):
                    v = [x[field] for x in pb["runs"] if x["kind"] == kind]
                    return round(statistics.mean(v), 2) if v else None
                p, f = mean("predict", "warm_tps"), mean("floor", "warm_tps")
                r["pgbench"] = {"query": pb["query"], "seconds": pb["seconds"], "predict_tps": p, "floor_tps": f,
                                "ratio": round(p / f, 3) if p and f else None,
                                "predict_first_ms": max(x["first_ms"] for x in pb["runs"] if x["kind"] == "predict"),
                                "runs": pb["runs"]}
            results.append(r)

    doc = {"benchmark": "bench/algorithms", "rows": args.rows, "svm_rows": args.svm_rows, "test_size": 0.25,
           "split": "first 75% of rows by id train, last 25% test, on both sides (pgml: test_sampling 'last' on views "
                    "ordered by id); the rows are i.i.d. in id order, so this is one random split, the same on both sides",
           "pgbench": {"seconds": args.seconds, "rounds": args.rounds, "clients": 1, "mode": "prepared",
                       "tps": "warm: transactions after the first / their time, from pgbench's per-transaction log"},
           "machine": {"cpu": args.cpu, "memory_mb": args.mem_mb}, "postgres": args.postgres,
           "shared_buffers": args.shared_buffers, "pgml_version": args.pgml_version,
           "python_omp_wait_policy": args.omp,
           "python_load": prepare, "elapsed_seconds": args.elapsed, "results": results}
    with open(os.path.join(args.run, "results.json"), "w") as f:
        json.dump(doc, f, indent=1)

    def num(v, fmt="{:.2f}"):
        return "–" if v is None else fmt.format(v)

    lines = [f"# pgml vs scikit-learn, per algorithm ({args.rows:,} rows, 10 features)", "",
             f"pgml {args.pgml_version}, PostgreSQL {args.postgres} (shared_buffers {args.shared_buffers}); "
             f"{args.cpu}, {args.mem_mb:,} MB RAM. Train on the first 75% of rows by id, test on the last 25%, "
             f"both sides. svm (kernel): first {args.svm_rows:,} rows only, both sides. Python ran with "
             f"OMP_WAIT_POLICY={args.omp} (pgml's server sets PASSIVE). "
             f"pgbench: -M prepared -c 1, {args.seconds} s per run, {args.rounds} round(s) of floor then predict; "
             "tps is warm (the first transaction, which loads the model, left out).", "",
             "| algorithm | task | rows | pgml train s (fit; CPU) | pgml private peak MB (Δ) | pgml peak RSS MB (Δ) "
             "| sklearn fit s (CPU) | sklearn peak RSS MB (Δ) | metric | pgml | sklearn | predict tps | floor tps | ratio |",
             "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"]
    notes = []
    cpus = os.cpu_count() or 1
    for r in results:
        pg, sk, pb = r["pgml"], r["sklearn"], r.get("pgbench") or {}
        if pg["status"] == "ok":
            pg_time = f"{pg['train_seconds']:.2f} ({num(pg['fit_time'])}; {num(pg['cpu_seconds'])})"
            pg_mem = f"{pg['peak_rss_mb']:.0f} (+{pg['peak_delta_mb']:.0f})"
            pg_private = (f"{pg['private_peak_mb']:.0f} (+{pg['private_delta_mb']:.0f})"
                          if pg.get("private_delta_mb") is not None else "–")
            pg_metric = num(pg["metric"], "{:.4f}")
        else:
            pg_time = pg_mem = pg_private = pg_metric = pg["status"]
            notes.append(f"- {r['algorithm']} / {r['task']}: pgml {pg['status']}: {pg.get('reason') or pg.get('error')}")
        if sk["status"] == "ok":
            sk_time = f"{sk['fit_seconds']:.2f} ({num(sk['fit_cpu_seconds'])})"
            sk_mem = f"{sk['peak_rss_mb']:.0f} (+{sk['peak_delta_mb']:.0f})"
            sk_metric = num(sk["metric"], "{:.4f}")
            for w in sk["warnings"]:
                notes.append(f"- {r['algorithm']} / {r['task']}: scikit-learn warned: {w}")
        else:
            sk_time = sk_mem = sk_metric = sk["status"]
            notes.append(f"- {r['algorithm']} / {r['task']}: scikit-learn {sk['status']}: {sk.get('reason') or sk.get('error')}")
        for side in ("pgml", "sklearn"):
            load_before = r[side].get("loadavg_before")
            if load_before is not None and load_before > cpus:
                notes.append(f"- {r['algorithm']} / {r['task']}: the machine was busy before {side}'s measurement "
                             f"(load average {load_before} on {cpus} CPUs): its times are not comparable")
        lines.append(f"| {r['algorithm']} | {r['task']} | {r['rows']:,} | {pg_time} | {pg_private} | {pg_mem} | {sk_time} | {sk_mem} "
                     f"| {METRIC_SHOWN[r['metric']]} | {pg_metric} | {sk_metric} | {num(pb.get('predict_tps'), '{:.0f}')} "
                     f"| {num(pb.get('floor_tps'), '{:.0f}')} | {num(pb.get('ratio'))} |")
    lines += ["", "pgml train s: wall time of the pgml.train call (reading the view, fitting, scoring the test rows, saving "
              "and deploying), then fit_time from pgml.models.metrics and the backend's CPU time for the whole call. "
              "sklearn fit s: estimator.fit only, then its CPU time (the "
              "arrays are already in memory; loading and scoring are in results.json). Peak RSS: VmHWM of the pgml "
              "backend (engine loaded before) and ru_maxrss of the Python process (imports done before); Δ is over "
              "the RSS just before the data is read. The backend's RSS also counts the shared_buffers pages it touched "
              "(results.json: rss_shmem_after_mb; the table alone is ~80 MB), which are PostgreSQL's cache, not the "
              "backend's own: pgml private peak is the backend's RssAnon sampled every 20 ms during the call, Δ over "
              "its value before, the figure to set against scikit-learn's Δ. ratio: predict tps / floor tps (the same lookup without predicting)."]
    if notes:
        lines += ["", "Notes:", ""] + notes
    with open(os.path.join(args.run, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
