"""Issue 17's pages on big and small stores: does each dashboard page cost what an index
lookup costs, however many years of audit the hub holds?

For each size, `sync-bench scale-store` builds a hub store through the hub's own code paths
(170 communes with 3 PCs each, a 60-task plan and a PAR INDEX criteria set a year for 4 years,
progress and equipment reports, self-assessment scores, evidence files' metadata, lost and
refused writes), then a release `district-hub serve` answers a signed-in
HTTP client: each page is fetched `--requests` times after two warm-ups, and its p95 is
reported for the big store (`scale_<page>_p95_ms`) and the small one (`small_<page>_p95_ms`),
with their ratio. Both hubs run at once and the requests alternate between them, so the
machine's swings in speed fall on both sides of each ratio. The audit's pages are each filter and a deep page (keyset, half way down).

On the big store it also exports about a million audit rows (a date range) as CSV and as
.xlsx, streamed to nowhere, timing each against `sqlite3 -csv` dumping the same rows from
the same store just before and just after it (`sqlite_export_rows_per_s`,
`sqlite_export_xlsx_rows_per_s`), and reads the hub's peak memory (VmHWM) after. `--reuse` keeps a store built by an earlier
run (its build figures are kept beside it). `Benchmarks/run --scale` calls it;
nothing here is a test.
"""

import argparse
import datetime
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

PAGES = {
    "overview": ["/"],
    "commune": ["/communes/xa-007"],
    "task": ["/tasks/1.2-2026"],
    "equipment": ["/equipment"],
    # Beyond the list: the PAR INDEX results and a commune's self-assessment with its history.
    "assessment": ["/assessment?year=2026", "/assessment/communes/xa-007?year=2026"],
    "audit_filter": ["/audit?commune=xa-007", "/audit?collection=equipment", "/audit?field=cost", "/audit?outcome=lost",
                     "/audit?outcome=rejected", "/audit?from=2024-03-01&to=2024-03-31", "/audit?after={middle}",
                     "/audit?commune=xa-007&after={middle}", "/audit?collection=equipment&after={middle}"],
}
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))


def vietnam_millis(day):
    return int(datetime.datetime.fromisoformat(day).replace(tzinfo=VIETNAM).timestamp() * 1000)


def drain(response):
    """Reads a response to its end; returns the bytes read."""
    total = 0
    while chunk := response.read(1 << 20):
        total += len(chunk)
    return total


def export(opener, url, db, pid, first_year, years):
    """About a million audit rows: the first 146 days of the last year, as CSV and as .xlsx
    from the hub, each between two runs of `sqlite3 -csv` dumping the same rows straight from
    the store, and compared with their rate over both: the machine's speed drifts within
    seconds, and a single run of `sqlite3` (two or three seconds) swung from 375,000 to 505,000
    rows/s between two exports."""
    start, end = f"{first_year + years - 1}-01-01", f"{first_year + years - 1}-05-27"
    low, high = vietnam_millis(start), vietnam_millis(end) + 86_400_000
    rows = int(subprocess.run(["sqlite3", db, f"SELECT count(*) FROM audit WHERE received_at >= {low} AND received_at < {high}"],
                              check=True, capture_output=True, text=True).stdout)

    def sqlite_seconds():
        started = time.monotonic()
        subprocess.run(["sqlite3", "-csv", db, f"SELECT * FROM audit WHERE received_at >= {low} AND received_at < {high} "
                        "ORDER BY received_at DESC, id DESC"], check=True, stdout=subprocess.DEVNULL)
        return time.monotonic() - started

    result = {"scale_export_rows": rows}
    sqlite_seconds()  # Untimed: the first read of the year's pages (some left the cache during the pages' run).
    for key, suffix in (("scale_export", "csv"), ("scale_export_xlsx", "xlsx")):
        before = sqlite_seconds()
        started = time.monotonic()
        result[key + "_bytes"] = drain(opener.open(f"{url}/export/audit.{suffix}?from={start}&to={end}"))
        result[key + "_rows_per_s"] = round(rows / (time.monotonic() - started))
        result[key.replace("scale_", "sqlite_") + "_rows_per_s"] = round(rows / ((before + sqlite_seconds()) / 2))
    with open(f"/proc/{pid}/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    result["scale_export_rss_mb"] = round(int(peak.split()[1]) / 1024, 1)
    return result


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


class Store:
    """One store, built (or reused) and served by a release hub with a signed-in client."""

    def __init__(self, binaries, work, name, rows, reuse):
        self.name = name
        self.db = os.path.join(work, name + ".sqlite")
        figures = os.path.join(work, name + ".json")
        if reuse and os.path.exists(self.db) and os.path.exists(figures):
            with open(figures) as f:
                self.built = json.load(f)
        else:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.db + suffix):
                    os.remove(self.db + suffix)
            started = time.monotonic()
            criteria = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "config", "criteria-example.json")
            self.built = json.loads(subprocess.run([os.path.join(binaries, "sync-bench"), "scale-store", str(rows), "--db", self.db,
                                                    "--criteria", criteria], check=True, capture_output=True, text=True).stdout)
            self.built["build_s"] = round(time.monotonic() - started, 1)
            with open(figures, "w") as f:
                json.dump(self.built, f)
        hub = os.path.join(binaries, "district-hub")
        password = os.path.join(work, "password")
        with open(password, "w") as f:
            f.write("mat-khau-do-hieu-nang\n")
        # The first open migrates a store an older hub built (a reused one): timed apart.
        started = time.monotonic()
        subprocess.run([hub, "user", "add", "--db", self.db, "--user", "bench", "--role", "admin", "--password-file", password],
                       check=True, stdout=subprocess.DEVNULL)
        self.open_s = time.monotonic() - started
        log = open(os.path.join(work, name + ".log"), "w")
        self.process = subprocess.Popen([hub, "serve", "--db", self.db, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                                        stderr=log, text=True)
        line = self.process.stdout.readline()
        if "listening on " not in line:
            self.stop()
            raise SystemExit("district-hub did not start; see " + log.name)
        self.url = line.split("listening on ", 1)[1].strip()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.opener.open(self.url + "/login").read().decode()
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        self.opener.open(self.url + "/login", data=urllib.parse.urlencode({"csrf": csrf, "user": "bench",
                                                                             "password": "mat-khau-do-hieu-nang"}).encode()).read()

    def figures(self):
        name, built = self.name, self.built
        result = {name + "_audit_rows": built["scale_audit_rows"], name + "_store_bytes": built["scale_store_bytes"],
                  name + "_build_s": built["build_s"], name + "_ingest_rows_per_s": round(built["scale_audit_rows"] / built["build_s"]),
                  name + "_first_open_s": round(self.open_s, 1)}
        if name == "scale":
            result["scale_store"] = self.db
            result["store_bytes_per_year"] = built["store_bytes_per_year"]
        return result

    def path(self, path):
        return path.format(middle=self.built["scale_audit_rows"] // 2)

    def timed(self, path):
        started = time.monotonic()
        response = self.opener.open(self.url + path)
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
        return (time.monotonic() - started) * 1000

    def stop(self):
        self.process.terminate()
        self.process.wait()


def pages(stores, requests):
    """Each page's p95 on every store, their requests taken in turn (small, big, small, ...) so
    that a change in the machine's speed, which swings from minute to minute, falls on both."""
    result = {}
    for key, paths in PAGES.items():
        samples = {store.name: [] for store in stores}
        for path in paths:
            for store in stores:
                for _ in range(2):
                    store.timed(store.path(path))
            for _ in range(requests):
                for store in stores:
                    samples[store.name].append(store.timed(store.path(path)))
        for store in stores:
            result[f"{store.name}_{key}_p95_ms"] = round(p95(samples[store.name]), 1)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the release build's binaries")
    parser.add_argument("--work", required=True)
    parser.add_argument("--audit-rows", type=int, default=10_000_000)
    parser.add_argument("--small-rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the stores an earlier run built")
    parser.add_argument("--no-export", action="store_true")
    arguments = parser.parse_args()
    stores = []
    try:
        stores.append(Store(arguments.bin, arguments.work, "small", arguments.small_rows, arguments.reuse))
        stores.append(Store(arguments.bin, arguments.work, "scale", arguments.audit_rows, arguments.reuse))
        result = {}
        for store in stores:
            result.update(store.figures())
        result.update(pages(stores, arguments.requests))
        if not arguments.no_export:
            big = stores[1]
            result.update(export(big.opener, big.url, big.db, big.process.pid, 2023, 4))
    finally:
        for store in stores:
            store.stop()
    for key in PAGES:
        result[f"ratio_{key}_p95"] = round(result[f"scale_{key}_p95_ms"] / max(result[f"small_{key}_p95_ms"], 0.1), 2)
    if "scale_export_rows_per_s" in result:
        for key in ("scale_export", "scale_export_xlsx"):
            result[f"ratio_{key}_to_sqlite"] = round(result[key + "_rows_per_s"] / result[key.replace("scale_", "sqlite_") + "_rows_per_s"], 2)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
