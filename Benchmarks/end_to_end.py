"""The end-to-end benchmarks of issue 7, with the real binaries on loopback.

Benchmarks/run calls it and merges the JSON object it prints into the run's result:

- hub ingest: N simulated nodes (`sync-bench push`, real libcurl and wire encoding, several OS
  processes) push their backlogs through `POST /v1/sync` to a real `district-hub serve`;
- agent drain: a real `commune-agent sync` drains a backlog of D changes to a fresh hub; the
  peak RSS of both processes is the kernel's high-water mark for them (VmHWM);
- many nodes: M nodes sync at once (threads in several processes); p99 exchange latency, 429s,
  errors, and the hub's throughput;
- slow link: a real agent's backlog through the project's fault-proxy shaping the link (rate,
  round trip, loss), against the bytes/bandwidth + round trips (handshake, one exchange) bound;
- evidence files (issue 14): a scan uploaded over the slow link against the same kind of bound,
  the bytes sent again when a cutting line forces resumes, and the hub's peak RSS while twenty
  25 MB uploads arrive at once;
- national (issue 17, only with `--only national`, from `Benchmarks/run --scale`): every
  commune of the country reconnecting at once after an outage, each with a 1,000-change
  backlog, to a hub under its unit's LimitNOFILE; its descriptors, memory and listen drops.

After every run the hub's audit is read back: every change sent must be there once
(applied, lost to a newer write, or rejected), so lost and duplicated changes are counted,
not assumed. Nothing here is a test; no number is asserted.
"""

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Every long-lived process started here, so that a benchmark that fails leaves none behind.
STARTED = []


def start(command, **options):
    process = subprocess.Popen(command, **options)
    STARTED.append(process)
    return process


class Hub:
    """`district-hub serve` on a free loopback port, over a store with the notice's tasks and
    `nodes` enrolled nodes (one commune each, tokens in `tokens`)."""

    def __init__(self, binaries, work, name, nodes, profile=None, nofile=None):
        self.db = os.path.join(work, name + ".sqlite")
        self.tokens = os.path.join(work, name + ".tokens")
        hub = os.path.join(binaries, "district-hub")
        subprocess.run([hub, "tasks", "import", "--db", self.db, os.path.join(REPOSITORY, "config/tasks.json")],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([os.path.join(binaries, "sync-bench"), "enroll", str(nodes), "--db", self.db,
                        "--tokens", self.tokens], check=True)
        self.log = open(os.path.join(work, name + ".log"), "w")
        # `nofile`: the hub under that file limit, as its systemd unit's LimitNOFILE sets it.
        limit = ["prlimit", f"--nofile={nofile}:{nofile}", "--"] if nofile else []
        self.process = start(limit + [hub, "serve", "--db", self.db, "--listen", "127.0.0.1:0"],
                                        stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        if "listening on " not in line:
            raise SystemExit("district-hub did not start; see " + self.log.name)
        self.url = line.split("listening on ", 1)[1].strip()
        # `--profile DIR`: perf samples the hub's stacks while it serves (perf report -i DIR/NAME.perf).
        # DWARF unwinding: SQLite has no frame pointers, so `-g` could not tell which Swift
        # caller its samples belong to.
        self.perf = profile and start(
            ["perf", "record", "-F", "299", "--call-graph", "dwarf,16384", "-o", os.path.join(profile, name + ".perf"),
             "-p", str(self.process.pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def token_lines(self):
        with open(self.tokens) as tokens:
            return [line.strip() for line in tokens if line.strip()]

    def cpu_seconds(self):
        """User and system CPU time the hub has used so far."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        """SIGTERM, wait; returns the hub's peak RSS in MB while it served."""
        if self.perf:
            self.perf.send_signal(signal.SIGINT)
            self.perf.wait()
        peak = peak_rss_mb(self.process.pid)
        self.process.send_signal(signal.SIGTERM)
        self.process.wait()
        self.log.close()
        if self.process.returncode != 0:
            raise SystemExit(f"district-hub exited with {self.process.returncode}; see {self.log.name}")
        return peak


def peak_rss_mb(pid):
    """The process's peak resident set (VmHWM) so far, in MB, or None once it has gone.

    Not `wait4`'s ru_maxrss: a child's ru_maxrss starts from its parent's size at fork (the
    kernel carries the old address space's high-water mark across exec), and this Python
    process is large after filling a backlog."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


def run_watching_rss(command):
    """Runs `command` to its end; returns (exit status, seconds, peak RSS in MB). The
    high-water mark is read every 20 ms; the last reading before exit is the peak."""
    started = time.monotonic()
    process = start(command, stdout=subprocess.DEVNULL)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, peak_rss_mb(process.pid) or 0.0)
        time.sleep(0.02)
    return process.returncode, time.monotonic() - started, peak


def push(binaries, work, hub, tokens, processes, changes, batch):
    """Runs `processes` sync-bench push processes sharing `tokens`, each node pushing `changes`;
    all start together. Returns their merged tallies."""
    slices = [tokens[index::processes] for index in range(processes)]
    start_at = int(time.time() * 1000) + 1000 + 3 * len(tokens)
    children = []
    for index, part in enumerate(slice for slice in slices if slice):
        path = os.path.join(work, f"push-{index}.tokens")
        with open(path, "w") as file:
            file.write("\n".join(part) + "\n")
        children.append(start(
            [os.path.join(binaries, "sync-bench"), "push", str(changes), "--hub", hub.url, "--tokens", path,
             "--batch", str(batch), "--start-at", str(start_at)], stdout=subprocess.PIPE, text=True))
    results = []
    for child in children:
        output, _ = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"sync-bench push exited with {child.returncode}")
        results.append(json.loads(output.strip().splitlines()[-1]))
    merged = {key: sum(result[key] for result in results)
              for key in ("acked", "exchanges", "slow_down", "errors", "gave_up", "cpu_s")}
    merged["seconds"] = (max(r["ended_ms"] for r in results) - min(r["started_ms"] for r in results)) / 1000
    merged["latencies_ms"] = sorted(latency for result in results for latency in result["latencies_ms"])
    return merged


def audit_check(db, nodes, expected_per_node):
    """Reads the hub's audit: (changes missing, changes recorded more than once, rejected)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    found = {node: (0, 0, 0) for node in nodes}
    for node, rows, distinct, rejected in connection.execute(
            "SELECT node, count(*), count(DISTINCT seq), sum(outcome = 'rejected') FROM audit "
            "WHERE seq IS NOT NULL AND outcome <> 'duplicate' GROUP BY node"):
        if node in found:
            found[node] = (rows, distinct, rejected)
    connection.close()
    missing = sum(expected_per_node - distinct for _, distinct, _ in found.values())
    doubled = sum(rows - distinct for rows, distinct, _ in found.values())
    rejected = sum(rejected for _, _, rejected in found.values())
    return missing, doubled, rejected


def node_ids(tokens):
    return [token.split(".", 1)[0] for token in tokens]


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def hub_ingest(args):
    """N nodes in several processes push `ingest_changes` each to one hub."""
    hub = Hub(args.bin, args.work, "ingest", args.ingest_nodes, args.profile)
    tokens = hub.token_lines()
    cpu = hub.cpu_seconds()
    tally = push(args.bin, args.work, hub, tokens, args.ingest_processes, args.ingest_changes, args.batch)
    cpu = hub.cpu_seconds() - cpu
    rss = hub.stop()
    missing, doubled, rejected = audit_check(hub.db, node_ids(tokens), args.ingest_changes)
    sent = args.ingest_nodes * args.ingest_changes
    return {
        "hub_ingest_changes_per_s": round(sent / tally["seconds"]),
        "hub_ingest_changes": sent,
        "hub_ingest_nodes": args.ingest_nodes,
        "hub_ingest_exchange_p50_ms": round(percentile(tally["latencies_ms"], 0.5), 1),
        "hub_ingest_nodes_rss_mb": round(rss, 1),
        "hub_ingest_lost": missing,
        "hub_ingest_duplicated": doubled,
        "hub_ingest_rejected": rejected,
        "hub_ingest_errors": tally["errors"],
        "hub_ingest_unacked": sent - tally["acked"],
        "hub_ingest_seconds": round(tally["seconds"], 2),
        "hub_ingest_hub_cpu_s": round(cpu, 2),
        "hub_ingest_clients_cpu_s": round(tally["cpu_s"], 2),
    }


def fill_agent(db, count, node):
    """A backlog of `count` progress edits, written the way `AgentStore.record` writes them (field,
    outbox row, clock high-water) but in transactions of 100,000: the per-write API takes
    minutes for a million, and the drain is what is measured here."""
    actor = "Nguyễn Văn An"
    first_wall = 1_700_000_000_000
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA journal_mode = WAL")
    commune = connection.execute("SELECT value FROM meta WHERE key = 'agent.commune'").fetchone()[0]

    def change(index):
        task = f"4.{index % 5 + 1}"
        if index % 2 == 0:
            return (f"{commune}/{task}", "note", f"Đã thực hiện bước {index}")
        return (f"{commune}/{task}", "percent", index % 101)

    now = int(time.time() * 1000)
    for start in range(0, count, 100_000):
        rows = [("progress", *change(index), first_wall + index, 0, actor, now)
                for index in range(start, min(start + 100_000, count))]
        with connection:
            connection.executemany("INSERT INTO outbox(collection, record, field, value, wall, counter, actor, created_at) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    latest = {}
    for index in range(max(0, count - 10), count):
        record, field, value = change(index)
        latest[(record, field)] = (value, first_wall + index)
    with connection:
        for (record, field), (value, wall) in latest.items():
            connection.execute("INSERT OR REPLACE INTO fields(collection, record, field, value, wall, counter, node, actor) "
                               "VALUES ('progress', ?, ?, ?, ?, 0, ?, ?)", (record, field, value, wall, node, actor))
        connection.execute("UPDATE clock SET wall = max(wall, ?), counter = 0 WHERE id = 1", (first_wall + count,))
    connection.close()


def agent_store(args, hub, url, name, token_index=0):
    """A real agent store initialised for `hub`'s node `token_index`, syncing through `url`;
    returns (the agent binary, its store, its node id)."""
    token = hub.token_lines()[token_index]
    node, commune, _ = token.split(".")
    token_file = os.path.join(args.work, name + ".token")
    with open(os.open(token_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as file:
        file.write(token + "\n")
    agent = os.path.join(args.bin, "commune-agent")
    db = os.path.join(args.work, name + ".sqlite")
    subprocess.run([agent, "init", "--db", db, "--hub", url, "--commune", commune, "--token-file", token_file],
                   check=True, stdout=subprocess.DEVNULL)
    return agent, db, node


def backlogged_agent(args, hub, url, name, changes):
    """An agent store of `hub`'s first node with a backlog of `changes`."""
    agent, db, node = agent_store(args, hub, url, name)
    fill_agent(db, changes, node)
    return agent, db, node


def agent_drain(args):
    """A real agent drains a backlog of `drain` changes to a fresh hub."""
    hub = Hub(args.bin, args.work, "drain", 1, args.profile)
    agent, db, node = backlogged_agent(args, hub, hub.url, "agent", args.drain)
    cpu = hub.cpu_seconds()
    status, seconds, agent_rss = run_watching_rss([agent, "sync", "--db", db])
    cpu = hub.cpu_seconds() - cpu
    if status != 0:
        raise SystemExit(f"commune-agent sync exited with {status}")
    hub_rss = hub.stop()
    missing, doubled, rejected = audit_check(hub.db, [node], args.drain)
    return {
        "agent_drain_rss_mb": round(agent_rss, 1),
        "agent_drain_changes": args.drain,
        "agent_drain_changes_per_s": round(args.drain / seconds),
        "hub_ingest_rss_mb": round(hub_rss, 1),
        "agent_drain_seconds": round(seconds, 1),
        "agent_drain_hub_cpu_s": round(cpu, 2),
        "agent_drain_lost": missing,
        "agent_drain_duplicated": doubled,
        "agent_drain_rejected": rejected,
    }


def hub_body_bytes(hub):
    """The sync bodies the hub received and sent so far, as they crossed the wire (gzip'd),
    from its /metrics."""
    with urllib.request.urlopen(hub.url + "/metrics") as reply:
        text = reply.read().decode()
    total = 0
    for line in text.splitlines():
        if line.startswith("sync_body_bytes_total"):
            total += float(line.split()[-1])
    return total


def slow_link(args):
    """An agent's backlog of `slow_changes` over a shaped link: the project's fault-proxy at
    `slow_kbit` each way, `slow_rtt_ms` round trip and `slow_loss_percent` of segments lost.
    The bound is what no exchange over TCP can beat on that link: the sync bodies of both
    directions (gzip'd, as the hub counted them; HTTP headers left out, so the bound is if
    anything too low) at the link's rate, plus two round trips: the TCP handshake and one
    request and its answer."""
    hub = Hub(args.bin, args.work, "slow", 1, args.profile)
    proxy_log = open(os.path.join(args.work, "slow-proxy.log"), "w")
    host_port = hub.url.split("://", 1)[1]
    proxy = start([os.path.join(args.bin, "fault-proxy"), "--target", host_port, "--seed", "7",
                   "--rate-kbit", str(args.slow_kbit), "--rtt-ms", str(args.slow_rtt_ms),
                   "--loss-percent", str(args.slow_loss_percent)],
                  stdout=subprocess.PIPE, stderr=proxy_log, text=True)
    port = int(proxy.stdout.readline())
    agent, db, node = backlogged_agent(args, hub, f"http://127.0.0.1:{port}", "slow-agent", args.slow_changes)
    before = hub_body_bytes(hub)
    started = time.monotonic()
    sync = subprocess.run([agent, "sync", "--db", db, "--verbose"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - started
    if sync.returncode != 0:
        raise SystemExit(f"commune-agent sync over the slow link exited with {sync.returncode}: {sync.stderr[-2000:]}")
    exchanges = sync.stderr.count("sync.exchange")
    body_bytes = hub_body_bytes(hub) - before
    bound = body_bytes * 8 / (args.slow_kbit * 1000) + 2 * args.slow_rtt_ms / 1000
    proxy.terminate()
    proxy.wait()
    proxy_log.close()
    hub.stop()
    missing, doubled, rejected = audit_check(hub.db, [node], args.slow_changes)
    return {
        "slow_link_s": round(seconds, 2),
        "slow_link_bound_s": round(bound, 2),
        "slow_link_ratio_to_bound": round(seconds / bound, 2),
        "slow_link_changes": args.slow_changes,
        "slow_link_exchanges": exchanges,
        "slow_link_body_bytes": int(body_bytes),
        "slow_link_lost": missing,
        "slow_link_duplicated": doubled,
        "slow_link_rejected": rejected,
    }


def make_pdf(path, megabytes, seed):
    """A scan-like file: the PDF signature, then incompressible bytes (a scan does not gzip)."""
    with open(path, "wb") as file:
        file.write(b"%PDF-1.4\n")
        file.write(random_bytes(int(megabytes * 1_048_576) - 9, seed))


def random_bytes(count, seed):
    import random
    return random.Random(seed).randbytes(count)


def attached_agent(args, hub, url, name, megabytes, token_index=0):
    """An agent of `hub`'s node `token_index`, synced once straight to the hub (it has its
    tasks), with a file of `megabytes` attached to 4.1, then pointed at `url`; returns (agent
    binary, store, file size)."""
    agent, db, _ = agent_store(args, hub, hub.url, name, token_index)
    subprocess.run([agent, "sync", "--db", db], check=True, stdout=subprocess.DEVNULL)
    if url != hub.url:
        # `init` again changes only the hub's address.
        agent_store(args, hub, url, name, token_index)
    scan = os.path.join(args.work, name + ".pdf")
    make_pdf(scan, megabytes, token_index)
    subprocess.run([agent, "attach", "4.1", scan, "--db", db, "--by", "Nguyễn Văn An"], check=True, stdout=subprocess.DEVNULL)
    return agent, db, os.path.getsize(scan)


def hub_metric(hub, name):
    with urllib.request.urlopen(hub.url + "/metrics") as reply:
        text = reply.read().decode()
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name))


def shaped_proxy(args, hub, name, extra=()):
    log = open(os.path.join(args.work, name + "-proxy.log"), "w")
    proxy = start([os.path.join(args.bin, "fault-proxy"), "--target", hub.url.split("://", 1)[1], "--seed", "7", *extra],
                  stdout=subprocess.PIPE, stderr=log, text=True)
    return proxy, int(proxy.stdout.readline()), log


def attach_upload(args):
    """A scan of `attach_mb` attached offline, then one `commune-agent sync` over the slow link
    (the slow-link benchmark's rate, round trip and loss): the records, then the file in
    256 kB chunks. The bound: the file's bytes at the link's rate, plus a round trip for the
    TCP handshake and for each request (the sync exchange, HEAD, POST, each PATCH)."""
    hub = Hub(args.bin, args.work, "attach", 1, args.profile)
    proxy, port, log = shaped_proxy(args, hub, "attach", ["--rate-kbit", str(args.slow_kbit), "--rtt-ms", str(args.slow_rtt_ms),
                                                         "--loss-percent", str(args.slow_loss_percent)])
    agent, db, size = attached_agent(args, hub, f"http://127.0.0.1:{port}", "attach-agent", args.attach_mb)
    started = time.monotonic()
    sync = subprocess.run([agent, "sync", "--db", db, "--verbose"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - started
    if sync.returncode != 0:
        raise SystemExit(f"commune-agent sync of an attachment exited with {sync.returncode}: {sync.stderr[-2000:]}")
    requests = sync.stderr.count("upload.patch") + 2 + sync.stderr.count("sync.exchange")
    bound = size * 8 / (args.slow_kbit * 1000) + (requests + 1) * args.slow_rtt_ms / 1000
    proxy.terminate()
    proxy.wait()
    log.close()
    stored = hub_metric(hub, "file_upload_bytes_total")
    hub.stop()
    return {
        "attach_upload_s": round(seconds, 2),
        "attach_upload_bound_s": round(bound, 2),
        "attach_upload_ratio_to_bound": round(seconds / bound, 2),
        "attach_upload_bytes": size,
        "attach_upload_requests": requests,
        "attach_upload_stored_bytes": int(stored),
    }


def attach_resume(args):
    """The same upload over a line that cuts a connection at a random byte with probability
    0.3, synced again until the file is at the hub: the overhead is what the agent put into
    PATCHes beyond the file's size (an upper bound on what went over the line twice; the hub
    keeps every byte it received, so it never asks for one again)."""
    hub = Hub(args.bin, args.work, "resume", 1, args.profile)
    proxy, port, log = shaped_proxy(args, hub, "resume", ["--cut-probability", "0.3"])
    agent, db, size = attached_agent(args, hub, f"http://127.0.0.1:{port}", "resume-agent", args.attach_mb)
    patched = 0
    for _ in range(1000):
        sync = subprocess.run([agent, "sync", "--db", db, "--verbose"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        patched += sum(int(line.split("upload.bytes=", 1)[1].split()[0]) for line in sync.stderr.splitlines() if "upload.patch" in line)
        if sync.returncode == 0:
            break
    cuts = 0
    log.flush()
    proxy.terminate()
    proxy.wait()
    log.close()
    with open(log.name) as text:
        cuts = text.read().count("fault=cut")
    stored = hub_metric(hub, "file_upload_bytes_total")
    hub.stop()
    return {
        "attach_resume_overhead_bytes": patched - size,
        "attach_resume_cuts": cuts,
        "attach_resume_stored_bytes": int(stored),
        "attach_resume_bytes": size,
    }


def attach_hub_rss(args):
    """`attach_uploads` agents upload a file of `attach_big_mb` each to one hub, all at once; the
    hub's peak RSS (it streams chunks to disk, never a whole file in memory)."""
    hub = Hub(args.bin, args.work, "uploads", args.attach_uploads, args.profile)
    agents = [attached_agent(args, hub, hub.url, f"upload-{index}", args.attach_big_mb, index) for index in range(args.attach_uploads)]
    started = time.monotonic()
    children = [start([agent, "sync", "--db", db], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                for agent, db, _ in agents]
    failed = sum(1 for child in children if child.wait() != 0)
    seconds = time.monotonic() - started
    stored = hub_metric(hub, "file_upload_bytes_total")
    rss = hub.stop()
    return {
        "attach_hub_rss_mb": round(rss, 1),
        "attach_hub_uploads": args.attach_uploads,
        "attach_hub_upload_mb": args.attach_big_mb,
        "attach_hub_seconds": round(seconds, 2),
        "attach_hub_stored_bytes": int(stored),
        "attach_hub_errors": failed,
    }


def listen_overflows():
    """The kernel's count of connections dropped because a listen queue was full (every
    socket of the machine; nothing else listens much during a run)."""
    with open("/proc/net/netstat") as netstat:
        names, values = [line.split() for line in netstat if line.startswith("TcpExt:")][:2]
    return int(values[names.index("ListenOverflows")])


def many_nodes(args):
    """`many_nodes` nodes sync `many_changes` each, all at once."""
    hub = Hub(args.bin, args.work, "many", args.many_nodes, args.profile)
    tokens = hub.token_lines()
    overflows, cpu = listen_overflows(), hub.cpu_seconds()
    tally = push(args.bin, args.work, hub, tokens, args.many_processes, args.many_changes, args.batch)
    overflows, cpu = listen_overflows() - overflows, hub.cpu_seconds() - cpu
    hub.stop()
    missing, doubled, rejected = audit_check(hub.db, node_ids(tokens), args.many_changes)
    return {
        "many_nodes": args.many_nodes,
        "many_nodes_p50_ms": round(percentile(tally["latencies_ms"], 0.5), 1),
        "many_nodes_p99_ms": round(percentile(tally["latencies_ms"], 0.99), 1),
        "many_nodes_changes_per_s": round(args.many_nodes * args.many_changes / tally["seconds"]),
        "many_nodes_seconds": round(tally["seconds"], 2),
        "many_nodes_hub_cpu_s": round(cpu, 2),
        "many_nodes_clients_cpu_s": round(tally["cpu_s"], 2),
        "many_nodes_429": tally["slow_down"],
        "many_nodes_listen_overflows": overflows,
        "many_nodes_errors": tally["errors"],
        "many_nodes_gave_up": tally["gave_up"],
        "many_nodes_unacked": args.many_nodes * args.many_changes - tally["acked"],
        "many_nodes_lost": missing,
        "many_nodes_duplicated": doubled,
        "many_nodes_rejected": rejected,
    }


def unit_setting(name):
    """A setting of the hub's systemd unit, as shipped."""
    with open(os.path.join(REPOSITORY, "config/systemd/district-hub.service")) as unit:
        return next(line.split("=", 1)[1].strip() for line in unit if line.startswith(name + "="))


class DescriptorWatch(threading.Thread):
    """Counts a process's open file descriptors five times a second; keeps the most seen."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()
        self.start()

    def run(self):
        while not self.done.wait(0.2):
            try:
                self.peak = max(self.peak, len(os.listdir(f"/proc/{self.pid}/fd")))
            except FileNotFoundError:
                return

    def stop(self):
        self.done.set()
        self.join()
        return self.peak


def national(args):
    """Every commune of the country (`national_nodes`, 3,321) reconnecting at once after an
    outage, each with a backlog of `national_changes`, to one hub running under its unit's
    file limit. Every node must drain (push all, pull until the hub has nothing more); the
    hub's descriptors, memory and the kernel's listen-queue drops are read while they do."""
    nofile = int(unit_setting("LimitNOFILE"))
    hub = Hub(args.bin, args.work, "national", args.national_nodes, args.profile, nofile=nofile)
    tokens = hub.token_lines()
    watch = DescriptorWatch(hub.process.pid)
    overflows, cpu = listen_overflows(), hub.cpu_seconds()
    tally = push(args.bin, args.work, hub, tokens, args.national_processes, args.national_changes, args.batch)
    overflows, cpu = listen_overflows() - overflows, hub.cpu_seconds() - cpu
    descriptors = watch.stop()
    rss = hub.stop()
    missing, doubled, rejected = audit_check(hub.db, node_ids(tokens), args.national_changes)
    return {
        "national_nodes": args.national_nodes,
        "national_changes_per_node": args.national_changes,
        "national_drained": args.national_nodes - tally["gave_up"],
        "national_p50_ms": round(percentile(tally["latencies_ms"], 0.5), 1),
        "national_p99_ms": round(percentile(tally["latencies_ms"], 0.99), 1),
        "national_changes_per_s": round(args.national_nodes * args.national_changes / tally["seconds"]),
        "national_seconds": round(tally["seconds"], 2),
        "national_hub_cpu_s": round(cpu, 2),
        "national_429": tally["slow_down"],
        "national_errors": tally["errors"],
        "national_gave_up": tally["gave_up"],
        "national_unacked": args.national_nodes * args.national_changes - tally["acked"],
        "national_lost": missing,
        "national_duplicated": doubled,
        "national_rejected": rejected,
        "national_hub_fds_peak": descriptors,
        "national_hub_fd_limit": nofile,
        "national_hub_rss_mb": round(rss, 1),
        "national_listen_overflows": overflows,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True, help="the folder of district-hub, commune-agent and sync-bench")
    parser.add_argument("--work", required=True, help="an empty folder for the stores")
    parser.add_argument("--batch", type=int, default=10_000, help="changes per exchange of the simulated nodes (as many as the agent sends)")
    parser.add_argument("--ingest-nodes", type=int, default=8)
    parser.add_argument("--ingest-processes", type=int, default=4)
    parser.add_argument("--ingest-changes", type=int, default=125_000, help="per node")
    parser.add_argument("--drain", type=int, default=1_000_000)
    parser.add_argument("--many-nodes", type=int, default=1000)
    parser.add_argument("--many-processes", type=int, default=4)
    parser.add_argument("--many-changes", type=int, default=50, help="per node")
    parser.add_argument("--national-nodes", type=int, default=3321, help="every commune of the country")
    parser.add_argument("--national-processes", type=int, default=4)
    parser.add_argument("--national-changes", type=int, default=1000, help="each node's backlog")
    parser.add_argument("--slow-changes", type=int, default=10_000)
    parser.add_argument("--slow-kbit", type=float, default=256)
    parser.add_argument("--slow-rtt-ms", type=float, default=300)
    parser.add_argument("--slow-loss-percent", type=float, default=2)
    parser.add_argument("--attach-mb", type=float, default=10, help="the scan uploaded over the slow link and the cut one")
    parser.add_argument("--attach-uploads", type=int, default=20, help="uploads at once to one hub")
    parser.add_argument("--attach-big-mb", type=float, default=25, help="the size of each of those")
    parser.add_argument("--profile", help="a folder for perf profiles of the hub (perf record --call-graph dwarf)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a change was lost, recorded twice or refused, or a node gave up (the CI smoke)")
    parser.add_argument("--only", choices=["ingest", "drain", "many", "slow", "attach", "national"],
                        help="run one benchmark (national only runs when asked for)")
    args = parser.parse_args()
    result = {}
    try:
        benchmarks = (("ingest", hub_ingest), ("drain", agent_drain), ("many", many_nodes), ("slow", slow_link),
                      ("attach", attach_upload), ("attach", attach_resume), ("attach", attach_hub_rss), ("national", national))
        for name, benchmark in benchmarks:
            if args.only == name or (args.only is None and name != "national"):
                print(f"end_to_end: {name}", file=sys.stderr)
                # The ingest and the drain leave hundreds of MB of dirty pages; flushed while
                # the next benchmark runs, they took its fsyncs and CPU (the 1,000-node p99 was
                # 2.6 s after them, 1.5-1.8 s alone).
                os.sync()
                result.update(benchmark(args))
    finally:
        for process in STARTED:
            if process.poll() is None:
                process.kill()
                process.wait()
    print(json.dumps(result, sort_keys=True))
    # Not a timing: a benchmark that loses or doubles a change has found a bug.
    wrong = {key: value for key, value in result.items()
             if key.endswith(("_lost", "_duplicated", "_rejected", "_gave_up", "_errors", "_unacked")) and value}
    if args.check and wrong:
        raise SystemExit(f"end_to_end: changes went wrong: {wrong}")


if __name__ == "__main__":
    main()
