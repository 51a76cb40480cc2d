#!/usr/bin/env python3
"""Province-scale bulletin benchmark (run by hand; never part of the test suite).

Generates a province-sized campaign — 1,500 reporting units, 30,000 villages (20 per unit, each with one
path's target), 120 days of reports through the real HTTP API (every unit, every day but a few gaps) —
then times GET /api/v1/bulletins/{date} cold (first request after the data changed) and from cache.

    python3 benchmarks/province.py [--units 1500] [--villages-per-unit 20] [--days 120] [--keep DIR]

It builds the release binary (.build-release), writes a migrations folder (the repo's three plus one that
adds the units, their villages and a season naming them all), and starts the server with --test-clock.
"""
import argparse
import datetime as dt
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATHS = ["chp", "distributed_electric", "household_electric", "solar_plus", "gas", "biomass"]
SEASON_START = dt.date(2021, 7, 26)


def generate_migrations(folder, units, per_unit):
    os.makedirs(folder)
    for name in sorted(os.listdir(os.path.join(ROOT, "migrations"))):
        shutil.copy(os.path.join(ROOT, "migrations", name), folder)
    with open(os.path.join(ROOT, "migrations", "0003_season_2021.json"), encoding="utf-8") as f:
        season = json.load(f)["seasons"][0]
    ids = [f"p{u:04d}" for u in range(units)]
    season["reportingUnits"] = ids
    villages = []
    for u, unit in enumerate(ids):
        for v in range(per_unit):
            path = PATHS[(u + v) % len(PATHS)]
            villages.append({"id": f"{unit}-v{v:02d}", "name": f"第{u}乡第{v}村", "unit": unit,
                             "area": "rural", "targets": {path: 60 + (u * 7 + v * 13) % 240}})
    body = {"description": "benchmark: a province-sized campaign",
            "units": [{"id": unit, "name": f"第{u}乡", "kind": "township", "duties": []} for u, unit in enumerate(ids)],
            "seasons": [season], "villages": villages}
    with open(os.path.join(folder, "0004_province.json"), "w", encoding="utf-8") as f:
        json.dump(body, f, ensure_ascii=False)
    return ids, villages


class Client:
    def __init__(self, port, token):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method, path, body=None, headers=None):
        all_headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            all_headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=all_headers)
        response = self.conn.getresponse()
        return response.status, response.read(), response


def counts(target, day, unit_index):
    """Monotone progress: every stage a share of the target growing with the day."""
    pace = 0.6 + (unit_index % 5) * 0.15
    share = min(1.0, (day + 1) / 120 * pace)
    installed = int(target * share)
    return {"confirmed": target, "signed": min(target, installed + target // 10), "installed": installed,
            "accepted": installed * 9 // 10, "operating": installed * 8 // 10}


def post_reports(port, token, day, ids, villages_by_unit, threads=12):
    date = (SEASON_START + dt.timedelta(days=day)).isoformat()
    work = [(i, unit) for i, unit in enumerate(ids) if (i * 31 + day) % 97 != 0]  # about 1% miss each day
    errors = []

    def worker(chunk):
        client = Client(port, token)
        for i, unit in chunk:
            rows = [{"village": v["id"], "path": p, **counts(t, day, i)}
                    for v in villages_by_unit[unit] for p, t in v["targets"].items()]
            report = {"date": date, "unit": unit, "villages": rows, "issues": [] if i % 50 else ["电网增容未完成"],
                      "nextDayPlan": "继续入户安装", "reporter": {"name": "统计员", "phone": "13800000000"}}
            status, data, _ = client.call("POST", "/api/v1/reports", report)
            if status not in (200, 201):
                errors.append((unit, date, status, data[:300]))

    chunks = [work[k::threads] for k in range(threads)]
    pool = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        sys.exit(f"report errors: {errors[:3]}")
    return len(work)


def start_server(binary, data, config, migrations):
    process = subprocess.Popen([binary, "serve", "--port", "0", "--data", data, "--config", config,
                                "--migrations", migrations, "--test-clock"],
                               stdout=subprocess.PIPE, stderr=open(data + ".log", "a"), text=True,
                               env={**os.environ, "CLEANHEAT_LOG_LEVEL": "warning"})
    line = process.stdout.readline()
    if "listening" not in line:
        sys.exit(f"server did not start: {line!r}; see {data}.log")
    return process, int(line.strip().rsplit(":", 1)[1])


def time_bulletins(client, dates, repeats=20):
    rows = []
    for date in dates:
        for fmt in ("json", "text", "csv"):
            start = time.perf_counter()
            status, body, response = client.call("GET", f"/api/v1/bulletins/{date}?format={fmt}")
            cold = (time.perf_counter() - start) * 1000
            assert status == 200, (status, body[:200])
            etag = response.getheader("ETag")
            start = time.perf_counter()
            for _ in range(repeats):
                status, _, _ = client.call("GET", f"/api/v1/bulletins/{date}?format={fmt}")
            warm = (time.perf_counter() - start) * 1000 / repeats
            start = time.perf_counter()
            status304, _, _ = client.call("GET", f"/api/v1/bulletins/{date}?format={fmt}", headers={"If-None-Match": etag})
            not_modified = (time.perf_counter() - start) * 1000
            rows.append((date, fmt, len(body), cold, warm, status304, not_modified))
    for date, fmt, size, cold, warm, s304, nm in rows:
        print(f"  {date} {fmt:4}  {size / 1024:8.0f} KiB  cold {cold:7.1f} ms  cached {warm:6.1f} ms  "
              f"If-None-Match {s304} {nm:5.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1500)
    parser.add_argument("--villages-per-unit", type=int, default=20)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--keep", help="keep the generated data folder here")
    args = parser.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--product", "cleanheat", "--scratch-path", ".build-release"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    binary = os.path.join(ROOT, ".build-release", "release", "cleanheat")
    work = args.keep or tempfile.mkdtemp(prefix="cleanheat-province.")
    os.makedirs(work, exist_ok=True)
    migrations = os.path.join(work, "migrations")
    ids, villages = generate_migrations(migrations, args.units, args.villages_per_unit)
    by_unit = {}
    for village in villages:
        by_unit.setdefault(village["unit"], []).append(village)
    config = os.path.join(work, "bench.json")
    with open(config, "w") as f:
        json.dump({"rateLimits": {"perTokenPerMinute": 0}}, f)
    data = os.path.join(work, "data")

    started = time.perf_counter()
    server, port = start_server(binary, data, config, migrations)
    print(f"== migrations with {len(ids)} units and {len(villages)} villages applied in "
          f"{time.perf_counter() - started:.1f} s")
    with open(os.path.join(data, "bootstrap-token")) as f:
        admin = Client(port, f.read().strip())
    try:
        started = time.perf_counter()
        total = 0
        for day in range(args.days):
            date = SEASON_START + dt.timedelta(days=day)
            admin.call("POST", "/api/v1/_test/clock", {"now": f"{date.isoformat()}T17:00:00+08:00"})
            total += post_reports(port, admin.token, day, ids, by_unit)
            if day % 20 == 19:
                print(f"   day {day + 1}: {total} reports, {total / (time.perf_counter() - started):.0f}/s")
        elapsed = time.perf_counter() - started
        print(f"== {total} reports ({args.villages_per_unit} village rows each) in {elapsed:.0f} s: {total / elapsed:.0f}/s")
        rss = subprocess.run(["ps", "-o", "rss=", "-p", str(server.pid)], capture_output=True, text=True).stdout.strip()
        print(f"== server RSS {int(rss) // 1024} MiB")
        last = SEASON_START + dt.timedelta(days=args.days - 1)
        dates = [(SEASON_START + dt.timedelta(days=d)).isoformat() for d in (29, 89)] + [last.isoformat()]
        print("== bulletins (cold = first request since the data changed; cached = mean of 20)")
        time_bulletins(admin, dates)
        admin.call("POST", "/api/v1/admin/checkpoint")
    finally:
        server.terminate()
        server.wait()
    size = subprocess.run(["du", "-sh", data], capture_output=True, text=True).stdout.split()[0]
    print(f"== data folder after checkpoint and shutdown: {size}")
    started = time.perf_counter()
    server, port = start_server(binary, data, config, migrations)
    print(f"== restart from the snapshot: listening after {time.perf_counter() - started:.1f} s")
    try:
        with open(os.path.join(data, "bootstrap-token")) as f:
            admin = Client(port, f.read().strip())
        print("== bulletins after the restart")
        time_bulletins(admin, dates[-1:])
    finally:
        server.terminate()
        server.wait()
    if not args.keep:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
