"""Issue 17's pages on big and small stores: does each dashboard page cost what an index
lookup costs, however many years of audit the hub holds?

For each size, `sync-bench scale-store` builds a hub store through the hub's own code paths
(170 communes with 3 PCs each, a 60-task plan a year for 4 years, progress and equipment
reports, lost and refused writes), then a release `district-hub serve` answers a signed-in
HTTP client: each page is fetched `--requests` times after two warm-ups, and its p95 is
reported for the big store (`scale_<page>_p95_ms`) and the small one (`small_<page>_p95_ms`),
with their ratio. `Benchmarks/run --scale` calls it; nothing here is a test.
"""

import argparse
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
    "audit_filter": ["/audit?commune=xa-007", "/audit?collection=equipment", "/audit?field=cost", "/audit?outcome=lost",
                     "/audit?from=2024-03-01&to=2024-03-31"],
}


def p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def measure(binaries, work, name, rows, requests):
    db = os.path.join(work, name + ".sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    started = time.monotonic()
    built = json.loads(subprocess.run([os.path.join(binaries, "sync-bench"), "scale-store", str(rows), "--db", db],
                                      check=True, capture_output=True, text=True).stdout)
    build_seconds = time.monotonic() - started
    hub = os.path.join(binaries, "district-hub")
    password = os.path.join(work, "password")
    with open(password, "w") as f:
        f.write("mat-khau-do-hieu-nang\n")
    subprocess.run([hub, "user", "add", "--db", db, "--user", "bench", "--role", "admin", "--password-file", password],
                   check=True, stdout=subprocess.DEVNULL)
    log = open(os.path.join(work, name + ".log"), "w")
    process = subprocess.Popen([hub, "serve", "--db", db, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        line = process.stdout.readline()
        if "listening on " not in line:
            raise SystemExit("district-hub did not start; see " + log.name)
        url = line.split("listening on ", 1)[1].strip()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = opener.open(url + "/login").read().decode()
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        opener.open(url + "/login", data=urllib.parse.urlencode({"csrf": csrf, "user": "bench",
                                                                   "password": "mat-khau-do-hieu-nang"}).encode()).read()
        result = {name + "_audit_rows": built["scale_audit_rows"], name + "_store_bytes": built["scale_store_bytes"],
                  name + "_build_s": round(build_seconds, 1)}
        if name == "scale":
            result["scale_store"] = db
            result["store_bytes_per_year"] = built["store_bytes_per_year"]
        for key, paths in PAGES.items():
            samples = []
            for path in paths:
                for _ in range(2):
                    opener.open(url + path).read()
                for _ in range(requests):
                    started = time.monotonic()
                    response = opener.open(url + path)
                    response.read()
                    if response.status != 200:
                        raise SystemExit(f"{path}: HTTP {response.status}")
                    samples.append((time.monotonic() - started) * 1000)
            result[f"{name}_{key}_p95_ms"] = round(p95(samples), 1)
        return result
    finally:
        process.terminate()
        process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="the release build's binaries")
    parser.add_argument("--work", required=True)
    parser.add_argument("--audit-rows", type=int, default=10_000_000)
    parser.add_argument("--small-rows", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    arguments = parser.parse_args()
    result = measure(arguments.bin, arguments.work, "small", arguments.small_rows, arguments.requests)
    result.update(measure(arguments.bin, arguments.work, "scale", arguments.audit_rows, arguments.requests))
    for key in PAGES:
        result[f"ratio_{key}_p95"] = round(result[f"scale_{key}_p95_ms"] / max(result[f"small_{key}_p95_ms"], 0.1), 2)
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
