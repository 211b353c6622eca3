#!/usr/bin/python3
"""Synthetic flights for PostgresML's benchmark schema (flights_delay_mat), deterministic from a seed.

The original used Kaggle's "Flight Status Prediction" (BTS on-time data, 2018-2022) after unpublished
post-processing; it cannot be downloaded here, so this writes rows with the same columns and plausible
distributions instead:

* dates 2018-01-01 .. 2022-12-31, fewer flights from April 2020 to mid 2021, a little more in summer;
  dayofweek is BTS's (1 = Monday .. 7 = Sunday), quarter follows the month;
* a few hundred airports with BTS-like ids (10000-16999; 14869, Salt Lake City in BTS, is one of the hubs, and two
  rows are its flights on the dates of the original queries' keys, so those keys exist at any size), traffic concentrated on hubs (Zipf-like), a position for each airport and the
  great-circle distance in whole miles for each airport pair;
* flight numbers skewed to small numbers, a fleet of tail numbers (as numbers: the original turned the tail
  number string into a REAL by an unpublished method);
* depdelayminutes as BTS's DepDelayMinutes: 0 for flights that left on time (most of them), otherwise a heavy tail
  (log-normal body, Pareto tail up to about a day), more likely in summer, in December, on Fridays and Sundays, at
  congested airports and on long flights, less likely during the 2020 slump.

Every column is a whole number (as in BTS), written without a decimal point, so pandas reads them as integers and the
Redis loader's json.dumps keys look like the JSON body the services receive ([14869, 2021, 1, 22]).

Usage: gen_flights.py --rows N --seed S --out flights.csv [--meta meta.json]
"""
import argparse
import bisect
import datetime
import json
import math
import random
import sys
import time

COLUMNS = ["depdelayminutes", "year", "quarter", "month", "distance", "dayofweek", "dayofmonth",
           "flight_number_operating_airline", "originairportid", "destairportid", "tail_number"]
ORIGINAL_PGBENCH_KEY = [14869, 2019, 8, 31]   # pgbench.sql's WHERE clause
ORIGINAL_AB_KEY = [14869, 2021, 1, 22]        # ab.txt
HUB = 14869
AIRPORTS = 350
FLEET = 5000
SEASON = {1: 0.0, 2: 0.0, 3: 0.02, 4: 0.0, 5: 0.03, 6: 0.10, 7: 0.12, 8: 0.07, 9: -0.03, 10: -0.02, 11: 0.0, 12: 0.09}
DAY_SHOCK = {}


def build_world(rng):
    ids = set([HUB])
    while len(ids) < AIRPORTS:
        ids.add(rng.randint(10000, 16999))
    ids = sorted(ids)
    rng.shuffle(ids)
    # popularity by rank (Zipf-like); the hub gets rank 7
    ids.remove(HUB)
    ids.insert(6, HUB)
    weights = [1.0 / (rank + 3) ** 0.95 for rank in range(AIRPORTS)]
    airports = []
    for rank, airport_id in enumerate(ids):
        if rng.random() < 0.04:       # Alaska, Hawaii, territories
            lat, lon = rng.choice([(rng.uniform(55, 71), rng.uniform(-165, -135)),
                                   (rng.uniform(19, 22.5), rng.uniform(-160, -154.8)),
                                   (rng.uniform(17.7, 18.5), rng.uniform(-67.3, -64.5))])
        else:
            lat, lon = rng.uniform(25.5, 48.8), rng.uniform(-123.5, -68.5)
        congestion = rng.uniform(-0.08, 0.16) + (0.04 if rank < 30 else 0.0)
        airports.append({"id": airport_id, "lat": lat, "lon": lon, "congestion": congestion})
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    tails = rng.sample(range(100, 60000), FLEET)
    return airports, cum, total, tails


def miles(a, b):
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dp, dl = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return max(31, round(3958.8 * 2 * math.asin(math.sqrt(h))))


def day_weight(d):
    w = 1.0
    if datetime.date(2020, 4, 1) <= d <= datetime.date(2020, 12, 31):
        w = 0.45
    elif datetime.date(2021, 1, 1) <= d <= datetime.date(2021, 6, 30):
        w = 0.7
    if d.month in (6, 7, 8):
        w *= 1.1
    return w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    ap.add_argument("--meta")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()

    airports, cum, total, tails = build_world(rng)
    first = datetime.date(2018, 1, 1)
    days = [first + datetime.timedelta(days=i) for i in range((datetime.date(2022, 12, 31) - first).days + 1)]
    day_cum = []
    t = 0.0
    for d in days:
        t += day_weight(d)
        day_cum.append(t)
    day_total = t
    # per-day facts, computed once
    day_facts = [(d.year, (d.month - 1) // 3 + 1, d.month, d.isoweekday(), d.day) for d in days]
    distance_cache = {}

    hub_keys = {}
    # two rows (a third and two thirds of the way in) are flights from the hub on the dates of the original's keys,
    # so pgbench.sql's WHERE clause and ab.txt's body find a row at every size; their other columns are drawn as usual
    hub_index = next(k for k, a in enumerate(airports) if a["id"] == HUB)
    forced = {}
    if args.rows >= 2:
        forced[args.rows // 3] = (datetime.date(*ORIGINAL_PGBENCH_KEY[1:]) - first).days
        forced[2 * args.rows // 3] = (datetime.date(*ORIGINAL_AB_KEY[1:]) - first).days
    progress_every = max(1, args.rows // 10)
    with open(args.out, "w", newline="") as f:
        f.write(",".join(COLUMNS) + "\n")
        buf = []
        for i in range(args.rows):
            o = bisect.bisect_left(cum, rng.random() * total)
            if i in forced:   # the original queries' flights: one departure from 14869 on each of their two dates
                o = hub_index
            origin = airports[min(o, AIRPORTS - 1)]
            while True:   # destinations by popularity, nearer ones more likely (mean distance near BTS's ~800 miles)
                d_ = bisect.bisect_left(cum, rng.random() * total)
                if d_ == o:
                    continue
                dest = airports[min(d_, AIRPORTS - 1)]
                pair = (origin["id"], dest["id"]) if origin["id"] < dest["id"] else (dest["id"], origin["id"])
                distance = distance_cache.get(pair)
                if distance is None:
                    distance = distance_cache[pair] = miles(origin, dest)
                if rng.random() < 1.0 / (1.0 + distance / 700.0):
                    break
            year, quarter, month, dow, dom = day_facts[min(bisect.bisect_left(day_cum, rng.random() * day_total), len(days) - 1)]
            if i in forced:
                year, quarter, month, dow, dom = day_facts[forced[i]]
            flight = 1 + int(rng.random() ** 1.7 * 7999)
            tail = tails[int(rng.random() ** 1.3 * FLEET) % FLEET]

            # how likely a departure is late, and how late: the airports' congestion, the season, the weekday, the
            # 2020 slump, longer flights; plus bad days (weather) at an airport, the same for all its flights that day
            season = SEASON[month]
            bad_day = DAY_SHOCK.get((origin["id"], year, month, dom))
            if bad_day is None:
                bad_day = DAY_SHOCK[(origin["id"], year, month, dom)] = rng.random() < 0.08
            p = 0.22 + 2.0 * origin["congestion"] + 0.5 * dest["congestion"] + season + (0.05 if dow in (5, 7) else 0)
            p += (0.25 if bad_day else 0) - (0.12 if year == 2020 and month >= 4 else 0) + min(distance, 3000) / 3000 * 0.06
            if rng.random() < p:
                mu = 2.3 + 6 * origin["congestion"] + 3 * season + (0.9 if bad_day else 0)
                if rng.random() < 0.01 + (0.02 if bad_day else 0):
                    delay = 90 + int(rng.paretovariate(2.2) * 45)   # the far tail: hours
                else:
                    delay = int(rng.lognormvariate(mu, 0.8))
                delay = min(max(delay, 1), 1800)
            else:
                delay = 0

            if origin["id"] == HUB:
                key = (HUB, year, month, dom)
                hub_keys[key] = hub_keys.get(key, 0) + 1
            buf.append(f"{delay},{year},{quarter},{month},{distance},{dow},{dom},{flight},{origin['id']},{dest['id']},{tail}\n")
            if len(buf) >= 10000:
                f.writelines(buf)
                buf.clear()
            if (i + 1) % progress_every == 0 and args.rows >= 100000:
                print(f"    generated {i + 1:,} rows ({time.monotonic() - started:.1f} s)", file=sys.stderr, flush=True)
        f.writelines(buf)

    def pick(original):
        if tuple(original) in hub_keys:
            return original, True
        # the busiest key of the hub (earliest first among equals): it exists in PostgreSQL and Redis alike
        best = max(sorted(hub_keys), key=lambda k: hub_keys[k])
        return list(best), False

    pgbench_key, pg_orig = pick(ORIGINAL_PGBENCH_KEY)
    ab_key, ab_orig = pick(ORIGINAL_AB_KEY)
    meta = {"rows": args.rows, "seed": args.seed, "airports": AIRPORTS, "airport_pairs_used": len(distance_cache),
            "fleet": FLEET, "pgbench_key": pgbench_key, "pgbench_key_is_original": pg_orig,
            "ab_key": ab_key, "ab_key_is_original": ab_orig, "seconds": round(time.monotonic() - started, 3)}
    if args.meta:
        with open(args.meta, "w") as m:
            json.dump(meta, m, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
