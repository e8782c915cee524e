#!/usr/bin/env python3
"""make bench: the Swift functions and a boto3 reference (bench/python/), measured side by side on
this machine, under the same Runtime API emulator and against the same local AWS (moto's server
behind a keep-alive proxy that counts connections).

For each implementation, BENCH_RUNS times (default 5), each run in fresh processes:
  - cold start: from spawning the process to its first GET /next (BENCH_COLD_STARTS spawns against
    one settled emulator), and, in each run, to its first answered invocation (a state change
    written to DynamoDB);
  - warm: BENCH_WARM invocations (default 1000) of an ignored event, then of state changes: the
    function process's own CPU time (utime+stime from /proc) and wall time per invocation;
  - checker: one tick over tables of 1,000 and 10,000 records: process CPU, wall, peak memory;
  - peak RSS (VmHWM) of every process, zip size, TCP connections opened per endpoint;
  - organisation scale (Swift only: the reference has no organisation-wide mode): one checker run over
    50 accounts x 4 regions (200 pairs), 3 instances each, 20,000 table records, with the pool at 1 and
    at its default size, side by side; moto answers every call, so its pace is measured and printed.
Prints a table (median [min..max], Swift/Python ratio pair by pair) and writes JSON to
.build/bench/results.json; checks the budgets (what every build promises) and exits 1 if one fails;
aims (what we work towards and do not promise) are reported beside them and never fail the run.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "Tests" / "Peers"
sys.path.insert(0, str(PEERS))
from peer_client import Peer, http  # noqa: E402
sys.path.insert(0, str(ROOT / "bench"))
import aws_scale  # noqa: E402

OUT = ROOT / ".build" / "bench"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
WARM = int(os.environ.get("BENCH_WARM", "1000"))
TICKS = os.sysconf("SC_CLK_TCK")
FUNCTIONS = {"StateChangeHandler": "state_change", "UptimeChecker": "uptime_checker"}
# Products without a reference handler: only their zip is measured (and held to the zip budget).
SWIFT_ONLY_PRODUCTS = ["SlackActionHandler"]
BUDGETS = [  # (metric, limit, unit, what)
    ("cold_to_first_next_ms", 5, "ms", "cold start to first GET /next, median"),
    ("peak_rss_mb", 16, "MB", "peak RSS of any Swift process, median of runs"),
    ("anon_mb", 2, "MB", "anonymous memory (RssAnon) of any Swift process at its end, median of runs"),
    ("warm_ignored_cpu_ms", 0.3, "ms", "warm ignored-event invocation CPU, median"),
    # The promise is a regression guard: measured 0.5-0.73 ms from one make bench to the next (a fifth
    # of noise), about half of it libcurl and the kernel's polls for three HTTP exchanges
    # (docs/development.md, "Benchmark"); 0.3 ms is an aim, below.
    ("warm_state_change_cpu_ms", 1.0, "ms", "warm state-change invocation CPU, median"),
    ("warm_connections_per_endpoint", 1, "", "connections per endpoint over a warm run (keep-alive endpoints)"),
    ("zip_mb", 8, "MB", "each zip"),
]
# An aim, not a budget: printed beside the budgets, with where the instructions go when it is missed.
AIMS = [("checker_10000_cpu_ms", 50, "ms", "checker process CPU at 10,000 records, median"),
        ("warm_state_change_cpu_ms", 0.3, "ms", "warm state-change invocation CPU, median (an HTTP client other than libcurl)")]
ORG_ACCOUNTS, ORG_REGIONS, ORG_INSTANCES, ORG_RECORDS = 50, ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"], 3, 20_000
ORG_RUNS = int(os.environ.get("BENCH_ORG_RUNS", "3"))
ORG_POOLS = [1, 32]  # 32: FunctionConfiguration.defaultCheckConcurrency
# At AWS's latencies (bench/aws_standin.py): (accounts, regions, pool, budget in seconds, overdue);
# pool None is the default. Every instance is new to the table (a first run in a new organisation);
# overdue: each has run 7 hours too, so its activity is asked and it is alerted (a digest).
SCALE_RUNS = [(1000, 4, 64, 60, False), (1000, 4, None, 120, False), (1000, 17, None, 300, False), (1000, 4, None, 120, True)]
SCALE_DEFAULT_POOL = 32
# Peak RSS of the largest run (1,000 x 17): a budget. Measured 79 MB (46 MB anonymous) while the
# plan held every pair's decisions beside the snapshot; 44 MB since it takes them and instances share their fields.
SCALE_RSS_BUDGET_MB = 64
ORG_BUDGET_S = 60


def say(text=""):
    print(text, flush=True)


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def iso(time_value):
    return time_value.strftime("%Y-%m-%dT%H:%M:%SZ")


class Implementation:
    def __init__(self, name):
        self.name = name

    def command(self, product):
        if self.name == "swift":
            # One static executable, as Lambda runs it.
            return [str(ROOT / ".build" / "lambda" / product / "bootstrap")], None
        return [sys.executable, "-u", "runtime.py", FUNCTIONS[product]], ROOT / "bench" / "python"

    def zip_mb(self, product):
        if self.name == "swift":
            return (ROOT / ".build" / "lambda" / f"{product}.zip").stat().st_size / 1e6
        # What a Python Lambda ships: its handler (boto3 comes with the runtime).
        path = OUT / f"{FUNCTIONS[product]}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(ROOT / "bench" / "python" / f"{FUNCTIONS[product]}.py", f"{FUNCTIONS[product]}.py")
        return path.stat().st_size / 1e6


class Process:
    """One function process under its own emulator, its AWS calls through its own counting proxy."""

    def __init__(self, implementation, product, environment, moto_url, first_events):
        self.emulator = Peer(PEERS / "runtime_api_emulator.py", "--timeout-ms", "600000")
        self.proxy = Peer(ROOT / "bench" / "keepalive_proxy.py", moto_url)
        if first_events:
            http("POST", f"{self.emulator.url}/test/invoke-many", first_events)
        argv, cwd = implementation.command(product)
        self.log = open(OUT / f"{implementation.name}-{product}.log", "a")
        env = {**environment, "AWS_ENDPOINT_URL": self.proxy.url, "AWS_LAMBDA_RUNTIME_API": self.emulator.url[len("http://"):]}
        # The two Python peers have just started on these two cores: let them settle, or the cold
        # start measures their start-up as much as the function's.
        time.sleep(0.3)
        self.started = time.time()
        self.process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.answered = 0

    def wait(self, count):
        results = http("GET", f"{self.emulator.url}/test/results?count={count}&timeoutMs=600000")
        if len(results) < count:
            raise RuntimeError(f"only {len(results)} of {count} answers; see {self.log.name}")
        failed = [r for r in results if r["kind"] != "response"]
        if failed:
            raise RuntimeError(f"{len(failed)} invocations failed, e.g. {failed[0]['body'][:300]}; see {self.log.name}")
        self.answered = count
        return results

    def run(self, events):
        """Queues events at once; returns (CPU seconds, wall seconds) of the process for all of them."""
        cpu_before, wall_before = cpu_seconds(self.process.pid), time.time()
        http("POST", f"{self.emulator.url}/test/invoke-many", events)
        results = self.wait(self.answered + len(events))
        return cpu_seconds(self.process.pid) - cpu_before, results[-1]["answeredAt"] - wall_before

    def stats(self):
        return http("GET", f"{self.emulator.url}/test/stats"), http("GET", f"{self.proxy.url}/__proxy/stats")

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.emulator.stop()
        self.proxy.stop()


def state_event(instance_id, state, at):
    return {"version": "0", "id": "bench", "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
            "account": "123456789012", "time": iso(at), "region": "eu-west-1", "resources": [],
            "detail": {"instance-id": instance_id, "state": state}}


IGNORED = {"version": "0", "id": "bench", "detail-type": "Object Created", "source": "aws.s3", "account": "123456789012",
           "time": "2026-11-21T08:00:00Z", "region": "eu-west-1", "resources": [], "detail": {}}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for log in OUT.glob("*.log"):
        log.unlink()
    implementations = [Implementation("swift"), Implementation("python")]
    samples = {}  # metric -> implementation -> [values]

    def record(metric, implementation, value):
        samples.setdefault(metric, {}).setdefault(implementation.name, []).append(value)

    say(f"==> make bench: {RUNS} runs, {WARM} warm invocations each, on {platform.node()} ({os.cpu_count()} cores)")
    moto = Peer(PEERS / "moto_peer.py", announced=("ACCESS_KEY_ID", "SECRET_ACCESS_KEY"))
    aging = None
    try:
        base = {"PATH": "/usr/bin:/bin", "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1",
                "AWS_ACCESS_KEY_ID": moto.values["ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": moto.values["SECRET_ACCESS_KEY"],
                "AWS_LAMBDA_LOG_LEVEL": "WARN"}
        topic = moto.command(op="create_topic", name="bench-alerts")["arn"]
        say("==> preparing the checker's tables (1,000 and 10,000 records; 5 of them running instances)")
        running = moto.command(op="run_instances", count=5, tags={"Name": "bench"})
        # The checker keeps its own clock: the running instances started seven hours ago, as their
        # records say and as EC2 says through the aging proxy (the tests' way of making time pass).
        aging = Peer(PEERS / "fault_server.py", "--upstream", moto.url.removeprefix("http://"))
        http("POST", f"{aging.url}/test/age", {"seconds": 7 * 3600 + 120})
        launched = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=7)
        tables = {}
        for size in (1000, 10000):
            name = f"bench-{size}"
            moto.command(op="create_table", name=name, key="instance_id")
            records = [{"instance_id": f"i-{index:017x}", "start_time": "2026-11-20T08:00:00Z", "stop_time": "2026-11-20T09:00:00Z"}
                       for index in range(size - 5)]
            records += [{"instance_id": i, "start_time": iso(launched), "stop_time": ""} for i in running["ids"]]
            moto.command(op="put_items", table=name, items=records)
            tables[size] = name
        tick = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
                "time": iso(launched + timedelta(hours=7)), "region": "eu-west-1", "resources": [], "detail": {}}
        checker_ec2 = {"AWS_ENDPOINT_URL_EC2": aging.url}

        say(f"==> cold starts: {COLD_STARTS} spawns of each function process against one Runtime API emulator")
        for implementation in implementations:
            for value in cold_starts(implementation, base):
                record("cold_to_first_next_ms", implementation, value)

        for run in range(RUNS):
            say(f"==> run {run + 1} of {RUNS}")
            for implementation in implementations:
                table = f"bench-states-{implementation.name}-{run}"
                moto.command(op="create_table", name=table, key="instance_id")
                environment = {**base, "TABLE_NAME": table}
                start = datetime(2026, 11, 21, 8, tzinfo=timezone.utc)
                process = Process(implementation, "StateChangeHandler", environment, moto.url,
                                  [state_event("i-0000000000000c01d", "running", start)])
                try:
                    first = process.wait(1)[0]
                    emulator_stats, _ = process.stats()
                    record("cold_in_run_to_first_next_ms", implementation, (emulator_stats["nextTimes"][0] - process.started) * 1000)
                    record("cold_to_first_answer_ms", implementation, (first["answeredAt"] - process.started) * 1000)
                    cpu, wall = process.run([IGNORED] * WARM)
                    record("warm_ignored_cpu_ms", implementation, cpu / WARM * 1000)
                    record("warm_ignored_wall_ms", implementation, wall / WARM * 1000)
                    changes = [state_event("i-0000000000000c01d", "stopped" if index % 2 == 0 else "running",
                                           start + timedelta(seconds=index + 1)) for index in range(WARM)]
                    cpu, wall = process.run(changes)
                    record("warm_state_change_cpu_ms", implementation, cpu / WARM * 1000)
                    record("warm_state_change_wall_ms", implementation, wall / WARM * 1000)
                    runtime_after, proxy_after = process.stats()
                    record("runtime_api_connections", implementation, runtime_after["runtimeConnections"])
                    record("aws_connections", implementation, proxy_after["connections"])
                    # Over the process's whole life, per endpoint: the Runtime API, and AWS (one endpoint here).
                    record("warm_connections_per_endpoint", implementation,
                           max(runtime_after["runtimeConnections"], proxy_after["connections"]))
                    memory = memory_mb(process.process.pid)
                    record("state_change_peak_rss_mb", implementation, memory["VmHWM"])
                    record("state_change_anon_mb", implementation, memory["RssAnon"])
                    record("state_change_file_mb", implementation, memory["RssFile"])
                finally:
                    process.stop()

                for size, table in tables.items():
                    process = Process(implementation, "UptimeChecker", {**base, "TABLE_NAME": table, "TOPIC_ARN": topic, **checker_ec2},
                                      moto.url, [tick])
                    try:
                        result = process.wait(1)[0]
                        answer = json.loads(result["body"])
                        if answer.get("scanned") != size or answer.get("overdue") != 5:
                            raise RuntimeError(f"{implementation.name} checker answered {result['body'][:300]}")
                        record(f"checker_{size}_cpu_ms", implementation, cpu_seconds(process.process.pid) * 1000)
                        record(f"checker_{size}_wall_ms", implementation, (result["answeredAt"] - process.started) * 1000)
                        memory = memory_mb(process.process.pid)
                        record(f"checker_{size}_peak_rss_mb", implementation, memory["VmHWM"])
                        record(f"checker_{size}_anon_mb", implementation, memory["RssAnon"])
                        record(f"checker_{size}_file_mb", implementation, memory["RssFile"])
                    finally:
                        process.stop()
    finally:
        if aging:
            aging.stop()
        moto.stop()

    organisation = organisation_scale()
    organisation["aws_latency"] = aws_latency_scale()

    for implementation in implementations:
        for product in FUNCTIONS:
            record(f"zip_mb_{product}", implementation, implementation.zip_mb(product))
    swift = next(i for i in implementations if i.name == "swift")
    for product in SWIFT_ONLY_PRODUCTS:
        record(f"zip_mb_{product}", swift, swift.zip_mb(product))
    for total, suffix in (("peak_rss_mb", "_peak_rss_mb"), ("anon_mb", "_anon_mb")):
        parts = [m for m in samples if m.endswith(suffix)]
        for implementation in implementations:
            per_run = zip(*(samples[m][implementation.name] for m in parts))
            samples.setdefault(total, {})[implementation.name] = [max(values) for values in per_run]
    report(samples, organisation)


COLD_STARTS = int(os.environ.get("BENCH_COLD_STARTS", "25"))


def cold_starts(implementation, environment):
    """Spawn to first GET /next, timed COLD_STARTS times against one emulator that has long settled:
    inside a run the emulator and proxy start a moment before the function, and on two cores their
    own start-up shows in the figure. Each process is ended by a 500 to its first next."""
    emulator = Peer(PEERS / "runtime_api_emulator.py", "--timeout-ms", "600000")
    try:
        time.sleep(0.5)
        argv, cwd = implementation.command("StateChangeHandler")
        env = {**environment, "TABLE_NAME": "bench-cold", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
               "AWS_LAMBDA_RUNTIME_API": emulator.url[len("http://"):]}
        values = []
        for _ in range(COLD_STARTS):
            seen = len(http("GET", f"{emulator.url}/test/stats")["nextTimes"])
            http("POST", f"{emulator.url}/test/next-status", {"status": 500})
            started = time.time()
            subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            values.append((http("GET", f"{emulator.url}/test/stats")["nextTimes"][seen] - started) * 1000)
        return values
    finally:
        emulator.stop()


def memory_mb(pid):
    """Peak RSS, and the anonymous and file-backed parts of the RSS now (KB lines of /proc/<pid>/status)."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmHWM", "RssAnon", "RssFile"):
            values[name] = int(rest.split()[0]) / 1024
    return values


def organisation_scale():
    """The checker over 200 account/region pairs and 20,000 records, its pool at 1 and at 8."""
    say(f"==> organisation scale: {ORG_ACCOUNTS} accounts x {len(ORG_REGIONS)} regions, {ORG_INSTANCES} instances each, "
        f"{ORG_RECORDS:,} records")
    moto = Peer(PEERS / "moto_peer.py", announced=("ACCESS_KEY_ID", "SECRET_ACCESS_KEY"))
    aging = None
    try:
        home = ORG_REGIONS[0]
        central = "123456789012"
        members = [f"{700000000000 + index:012d}" for index in range(ORG_ACCOUNTS - 1)]
        started = time.time()
        for member in members:
            moto.command(op="member_role", account=member, name="instance-watch-reader", actions=["ec2:DescribeInstances", "monitoring:GetMetricData"])
        table = "bench-organisation"
        moto.command(op="create_table", name=table, key="instance_id", region=home)
        topic = moto.command(op="create_topic", name="bench-organisation", region=home)["arn"]
        records = []
        launched = iso(datetime.now(timezone.utc) - timedelta(hours=7))
        for account in [central] + members:
            for region in ORG_REGIONS:
                member = {} if account == central else {"account": account}
                answer = moto.command(op="run_instances", count=ORG_INSTANCES, region=region, **member)
                records += [{"instance_id": i, "start_time": launched, "stop_time": "", "state": "running",
                             "last_event_time": launched, "account": account, "region": region} for i in answer["ids"]]
        pairs = [(account, region) for account in [central] + members for region in ORG_REGIONS]
        for index in range(ORG_RECORDS - len(records)):
            account, region = pairs[index % len(pairs)]
            records.append({"instance_id": f"i-{index:017x}", "start_time": "2026-11-20T08:00:00Z", "stop_time": "2026-11-20T09:00:00Z",
                            "state": "stopped", "last_event_time": "2026-11-20T09:00:00Z", "account": account, "region": region})
        moto.command(op="put_items", table=table, items=records, region=home)
        say(f"    prepared in {time.time() - started:.0f} s: {len(pairs)} pairs, {len(records):,} records")

        # moto's pace: the same call the checker makes most, timed from here.
        pace = moto.command(op="time_describe_instances", region=home, count=20)["median_ms"]
        began = time.time()
        moto.command(op="scan_all", table=table, region=home)
        scan_s = time.time() - began
        say(f"    moto answers a DescribeInstances in {pace:.1f} ms (median of 20) and a full scan of the table in {scan_s:.1f} s "
            f"(boto3, 1 MB pages): it sets the pace")

        tick_time = datetime.strptime(launched, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc) + timedelta(hours=7)
        tick = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events", "account": central,
                "time": iso(tick_time), "region": home, "resources": [], "detail": {}}
        aging = Peer(PEERS / "fault_server.py", "--upstream", moto.url.removeprefix("http://"))
        http("POST", f"{aging.url}/test/age", {"seconds": 7 * 3600 + 120})
        environment = {"PATH": "/usr/bin:/bin", "AWS_REGION": home, "AWS_ACCESS_KEY_ID": moto.values["ACCESS_KEY_ID"],
                       "AWS_SECRET_ACCESS_KEY": moto.values["SECRET_ACCESS_KEY"], "AWS_ENDPOINT_URL": moto.url,
                       "AWS_ENDPOINT_URL_EC2": aging.url,
                       "AWS_LAMBDA_LOG_LEVEL": "WARN", "TABLE_NAME": table, "TOPIC_ARN": topic, "NOTIFY_MODE": "digest",
                       "MEMBER_ROLE_NAME": "instance-watch-reader", "WATCHED_ACCOUNTS": ",".join(members),
                       "WATCHED_REGIONS": ",".join(ORG_REGIONS[1:])}
        results = {}
        for run in range(ORG_RUNS):
            for pool in ORG_POOLS:
                emulator = Peer(PEERS / "runtime_api_emulator.py", "--timeout-ms", "900000")
                http("POST", f"{emulator.url}/test/invoke-many", [tick])
                argv, cwd = Implementation("swift").command("UptimeChecker")
                log = open(OUT / f"organisation-pool-{pool}.log", "a")
                began = time.time()
                process = subprocess.Popen(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                           env={**environment, "CHECK_CONCURRENCY": str(pool),
                                                "AWS_LAMBDA_RUNTIME_API": emulator.url[len("http://"):]})
                try:
                    result = http("GET", f"{emulator.url}/test/results?count=1&timeoutMs=900000")[0]
                    answer = json.loads(result["body"])
                    if result["kind"] != "response" or len(answer.get("checked", [])) != len(pairs):
                        raise RuntimeError(f"organisation run (pool {pool}) answered {result['body'][:400]}")
                    memory = memory_mb(process.pid)
                    figures = {"wall_s": result["answeredAt"] - began, "cpu_ms": cpu_seconds(process.pid) * 1000,
                               "peak_rss_mb": memory["VmHWM"], "anon_mb": memory["RssAnon"], "file_mb": memory["RssFile"],
                               "checked": len(answer["checked"]), "overdue": answer["overdue"], "scanned": answer["scanned"],
                               "metric_data_calls": answer.get("metricDataCalls", 0)}
                    for name, value in figures.items():
                        results.setdefault(pool, {}).setdefault(name, []).append(value)
                    say(f"    run {run + 1}, pool {pool}: {figures['wall_s']:.1f} s, {figures['cpu_ms']:.0f} ms CPU, "
                        f"{figures['checked']} pairs checked, {figures['overdue']} overdue, {figures['metric_data_calls']} GetMetricData calls")
                finally:
                    process.kill()
                    process.wait()
                    log.close()
                    emulator.stop()
        return {"pairs": len(pairs), "records": len(records), "instances": len(pairs) * ORG_INSTANCES,
                "moto_describe_instances_ms": pace, "moto_scan_s": scan_s,
                "pools": {str(pool): {name: summary(values) for name, values in figures.items()} for pool, figures in results.items()}}
    finally:
        if aging:
            aging.stop()
        moto.stop()


def aws_latency_scale():
    """The organisation at AWS's latencies: one run of each of SCALE_RUNS (bench/aws_scale.py)."""
    say("==> organisation scale at AWS's latencies (a local stand-in: STS 100 ms, EC2 150 ms, DynamoDB 10 ms)")
    argv, cwd = Implementation("swift").command("UptimeChecker")
    runs = []
    for accounts, regions, pool, budget, overdue in SCALE_RUNS:
        with open(OUT / "aws-latency.log", "a") as log:
            figures = aws_scale.measure(argv, cwd, accounts, regions, pool or SCALE_DEFAULT_POOL, log=log, overdue=overdue)
        figures["budget_s"] = budget
        say(f"    {aws_scale.describe(figures)}")
        runs.append(figures)
    return runs


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def report(samples, organisation):
    metrics = {}
    say()
    say(f"{'metric':<32} {'swift median [min..max]':>30} {'python median [min..max]':>32} {'swift/python':>13}")
    for metric, by_implementation in samples.items():
        swift = summary(by_implementation["swift"])
        python = summary(by_implementation["python"]) if "python" in by_implementation else None
        # Ratios pair by pair (run i of Swift with run i of Python), then their median.
        ratios = [s / p for s, p in zip(swift["values"], python["values"]) if p] if python else []
        ratio = statistics.median(ratios) if ratios else None
        metrics[metric] = {"swift": swift, "python": python, "ratio": ratio}

        def cell(s):
            if s is None:
                return "-"
            return f"{s['median']:.3f} [{s['min']:.3f}..{s['max']:.3f}]"
        say(f"{metric:<32} {cell(swift):>30} {cell(python):>32} {(f'{ratio:.3f}' if ratio is not None else '-'):>13}")

    say()
    budgets, failed = [], 0
    for metric, limit, unit, what in BUDGETS:
        if metric == "zip_mb":
            value = max(metrics[m]["swift"]["max"] for m in metrics if m.startswith("zip_mb_"))
        elif metric == "warm_connections_per_endpoint":
            value = metrics[metric]["swift"]["max"]
        else:
            value = metrics[metric]["swift"]["median"]
        passed = value <= limit
        failed += not passed
        budgets.append({"metric": metric, "what": what, "limit": limit, "value": value, "pass": passed})
        say(f"budget {'PASS' if passed else 'FAIL'}  {what}: {value:.3f} {unit} (at most {limit} {unit})")
    for metric, limit, unit, what in AIMS:
        value = metrics[metric]["swift"]["median"]
        budgets.append({"metric": metric, "what": what, "limit": limit, "value": value, "pass": value <= limit, "aim": True})
        say(f"aim    {'MET ' if value <= limit else 'MISS'}  {what}: {value:.3f} {unit} (aim: at most {limit} {unit})")

    say()
    say(f"organisation scale: {organisation['pairs']} account/region pairs, {organisation['records']:,} records, "
        f"{organisation['instances']} instances (Swift only; moto sets the pace: a DescribeInstances in "
        f"{organisation['moto_describe_instances_ms']:.1f} ms, a full scan of the table in {organisation['moto_scan_s']:.1f} s)")
    say(f"{'pool':<6} {'wall s':>22} {'process CPU ms':>24} {'peak RSS MB':>22} {'anon MB':>10} {'file MB':>10}")
    for pool, figures in organisation["pools"].items():
        def cell(name, digits=1):
            s = figures[name]
            return f"{s['median']:.{digits}f} [{s['min']:.{digits}f}..{s['max']:.{digits}f}]"
        say(f"{pool:<6} {cell('wall_s'):>22} {cell('cpu_ms', 0):>24} {cell('peak_rss_mb'):>22} "
            f"{figures['anon_mb']['median']:>10.1f} {figures['file_mb']['median']:>10.1f}")
    default_pool = organisation["pools"][str(ORG_POOLS[-1])]
    wall = default_pool["wall_s"]["max"]
    passed = wall <= ORG_BUDGET_S
    failed += not passed
    budgets.append({"metric": "organisation_wall_s", "what": f"{organisation['pairs']} pairs checked, pool {ORG_POOLS[-1]}, slowest run",
                    "limit": ORG_BUDGET_S, "value": wall, "pass": passed})
    say(f"budget {'PASS' if passed else 'FAIL'}  {organisation['pairs']} pairs checked with the default pool, slowest run: "
        f"{wall:.1f} s (at most {ORG_BUDGET_S} s)")

    say()
    say("at AWS's latencies (bench/aws_standin.py: STS 100 ms, EC2 150 ms, DynamoDB 10 ms), every instance new to the table:")
    for figures in organisation["aws_latency"]:
        say(f"    {aws_scale.describe(figures)}")
    for figures in organisation["aws_latency"]:
        passed = figures["wall_s"] <= figures["budget_s"]
        failed += not passed
        what = (f"{figures['accounts']:,} accounts x {figures['regions']} regions at AWS's latencies, pool {figures['pool']}"
                + (", every instance overdue" if figures.get("overdue") else ""))
        budgets.append({"metric": "aws_latency_wall_s", "what": what, "limit": figures["budget_s"], "value": figures["wall_s"], "pass": passed})
        say(f"budget {'PASS' if passed else 'FAIL'}  {what}: {figures['wall_s']:.1f} s (at most {figures['budget_s']} s)")
    largest = max(organisation["aws_latency"], key=lambda figures: figures["pairs"])
    passed = largest["peak_rss_mb"] <= SCALE_RSS_BUDGET_MB
    failed += not passed
    budgets.append({"metric": "aws_latency_peak_rss_mb", "what": "peak RSS at the largest run", "limit": SCALE_RSS_BUDGET_MB,
                    "value": largest["peak_rss_mb"], "pass": passed})
    say(f"budget {'PASS' if passed else 'FAIL'}  peak RSS at {largest['pairs']:,} pairs: "
        f"{largest['peak_rss_mb']:.1f} MB, {largest['anon_mb']:.1f} MB anonymous (at most {SCALE_RSS_BUDGET_MB} MB)")

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    result = {"commit": commit, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": platform.node(),
              "cores": os.cpu_count(), "runs": RUNS, "warm_invocations": WARM, "metrics": metrics, "organisation": organisation,
              "budgets": budgets}
    (OUT / "results.json").write_text(json.dumps(result, indent=2))
    say(f"\nJSON: {(OUT / 'results.json').relative_to(ROOT)} (commit {commit}); logs of the processes in {OUT.relative_to(ROOT)}/")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
