#!/usr/bin/env python3
"""make demo: the whole of instance-watch on this machine, with no AWS account.

Starts, on loopback: moto's server (DynamoDB, SNS, EC2, SSM, STS; signatures checked), one Lambda
Runtime API emulator per function, and a Slack webhook sink. Runs the real Lambda bundles
(.build/lambda/<Product>/bootstrap) as Lambda would, organisation-wide: a central account and two
member accounts, in two regions. The story: instances start in the central account and in a member
account (its events forwarded to the central bus), a Spot instance is warned and ends, one is
stopped, another member's instance runs without anyone having been told, and a schedule tick seven
hours later finds and reports every instance left running, by account. Then shows the table, the
SNS e-mail and the Slack messages. Last, Slack app mode: a local Slack API receives alerts with
buttons, a click on Snooze 1 day is signed as Slack signs it and delivered to the SlackActionHandler
as a Function URL delivers it, the table and the replaced message show the snooze, and the next
check leaves the instance out and closes the alert of one that stopped. Everything it started stops
at the end, on Ctrl-C and on failure.

The functions keep their own clock, as in production, so "seven hours later" is made the way the
tests make it: the story's events are dated seven hours back, and EC2 is reached through a proxy in
front of moto that moves each instance's launchTime seven hours into the past.
"""
import base64
import hashlib
import hmac
import json
import uuid
import signal
import time
import urllib.parse
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "Peers"))
from peer_client import Peer, http  # noqa: E402

BUNDLES = ROOT / ".build" / "lambda"
LOGS = ROOT / ".build" / "demo"
REGION = "eu-west-1"
OTHER_REGION = "us-east-1"
ACCOUNT = "123456789012"
TEAM_A = "111111111111"
TEAM_B = "222222222222"
MEMBER_ROLE = "instance-watch-reader"
STORY_HOURS = 7
TABLE = "instance_operating_time_table"
LEDGER = "instance_watch_ledger"
WEBHOOK_PARAMETER = "/instance-watch/slack-webhook"
BOT_TOKEN_PARAMETER = "/instance-watch/slack-bot-token"
SIGNING_SECRET_PARAMETER = "/instance-watch/slack-signing-secret"
BOT_TOKEN = "xoxb-test-token"  # what the local Slack API accepts
SIGNING_SECRET = "demo-signing-secret-0123456789abcdef"

BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


def say(text=""):
    print(text, flush=True)


def heading(text):
    say()
    say(f"{BOLD}== {text} {'=' * max(0, 76 - len(text))}{RESET}")


class Function:
    """A bundle under its own Runtime API emulator, started as Lambda starts a provided.al2023 function."""

    def __init__(self, product, environment, label=None):
        self.product = label or product
        self.emulator = Peer("runtime_api_emulator.py", "--function-arn",
                             f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:instance-watch-{product}")
        bundle = BUNDLES / product
        if not (bundle / "bootstrap").exists():
            raise RuntimeError(f"no bundle at {bundle}: make demo builds it with make build")
        self.log_path = LOGS / f"{self.product}.log"
        self.log = open(self.log_path, "w")
        # One static executable: it runs here as it runs on provided.al2023.
        self.process = subprocess.Popen(
            [str(bundle / "bootstrap")],
            env={**environment, "AWS_LAMBDA_RUNTIME_API": self.emulator.url.removeprefix("http://"),
                 "AWS_LAMBDA_FUNCTION_NAME": f"instance-watch-{product}"},
            stdout=self.log, stderr=subprocess.STDOUT)
        self.answered = 0

    def invoke(self, event):
        http("POST", f"{self.emulator.url}/test/invoke", event)
        self.answered += 1
        results = http("GET", f"{self.emulator.url}/test/results?count={self.answered}&timeoutMs=60000")
        if len(results) < self.answered:
            raise RuntimeError(f"{self.product} did not answer within 60 s; see {self.log_path}")
        result = results[-1]
        body = json.loads(result["body"]) if result["body"] else {}
        return result["kind"], body

    def stop(self):
        if self.process.poll() is None:
            try:
                http("POST", f"{self.emulator.url}/test/next-status", {"status": 500})  # how Lambda ends a runtime
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()
        self.log.close()
        self.emulator.stop()


def event(sample, instance_id, time, account=ACCOUNT, region=REGION, **detail):
    """A sample event as EventBridge delivers it on the central bus: forwarded events keep their account and region."""
    data = json.loads((ROOT / "events" / sample).read_text())
    # Every event EventBridge delivers has an id of its own; only Lambda's retries repeat one.
    data["id"] = str(uuid.uuid4())
    data["time"] = iso(time)
    data["account"], data["region"] = account, region
    if instance_id:
        data["detail"]["instance-id"] = instance_id
        data["resources"] = [f"arn:aws:ec2:{region}:{account}:instance/{instance_id}"]
    data["detail"].update(detail)
    return data


def iso(time):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(secret, timestamp, body):
    """Slack's request signature: v0= and the hex HMAC-SHA256 of v0:{timestamp}:{body}."""
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()


def click(slack, action_id, value, user=("U0ALICE", "alice"), signature=None):
    """The Function URL event (payload 2.0) Lambda builds when Slack posts a button click: a form body,
    base64-encoded, with Slack's signature headers."""
    payload = {"type": "block_actions", "user": {"id": user[0], "username": user[1], "name": user[1], "team_id": "T0DEMO"},
               "api_app_id": "A0DEMO", "channel": {"id": "COPS", "name": "ops"},
               "response_url": f"{slack.url}/response/demo-{action_id}-{value[-12:]}",
               "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value, "action_ts": f"{time.time():.6f}"}]}
    body = "payload=" + urllib.parse.quote(json.dumps(payload), safe="")
    timestamp = str(int(time.time()))
    return {"version": "2.0", "routeKey": "$default", "rawPath": "/", "rawQueryString": "",
            "headers": {"content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": timestamp,
                        "x-slack-signature": signature or sign(SIGNING_SECRET, timestamp, body)},
            "requestContext": {"http": {"method": "POST", "path": "/", "sourceIp": "203.0.113.9"}, "timeEpoch": int(time.time() * 1000)},
            "body": base64.b64encode(body.encode()).decode(), "isBase64Encoded": True}


def buttons(message):
    """A posted message's action buttons: action_id -> value."""
    blocks = message.get("attachments", [{}])[0].get("blocks", [])
    elements = [e for b in blocks if b.get("type") == "actions" for e in b.get("elements", [])]
    return {e["action_id"]: e["value"] for e in elements if "action_id" in e}


def slack_app_mode(moto, aws, fleet, names, started, deliver, state_change, where):
    """The alert as a Slack app posts it, a click on its Snooze button, and what follows."""
    heading("Slack app mode: Snooze and Stop now from the alert")
    slack = Peer("slack_api_peer.py")
    started.append(slack)
    moto.command(op="put_parameter", name=BOT_TOKEN_PARAMETER, value=BOT_TOKEN, type="SecureString")
    moto.command(op="put_parameter", name=SIGNING_SECRET_PARAMETER, value=SIGNING_SECRET, type="SecureString")
    say(f"  local Slack API    {slack.url}/api  (chat.postMessage, chat.update, response URLs; bot token checked)")
    app = {key: value for key, value in aws.items() if key != "SLACK_WEBHOOK_PARAMETER"}
    checker = Function("UptimeChecker", {**app, "SLACK_BOT_TOKEN_PARAMETER": BOT_TOKEN_PARAMETER, "SLACK_API_URL": f"{slack.url}/api",
                                         "SLACK_CHANNEL": "#ops", "SLACK_STOP": "on", "UPTIME_THRESHOLD": "6h",
                                         "WATCHED_ACCOUNTS": f"{TEAM_A},{TEAM_B}", "WATCHED_REGIONS": OTHER_REGION},
                       label="UptimeChecker-slack-app")
    started.append(checker)
    actions = Function("SlackActionHandler", {**app, "SLACK_SIGNING_SECRET_PARAMETER": SIGNING_SECRET_PARAMETER, "SLACK_STOP": "on"})
    started.append(actions)
    say(f"  an UptimeChecker in Slack app mode (SLACK_BOT_TOKEN_PARAMETER={BOT_TOKEN_PARAMETER}, SLACK_STOP=on), and the")
    say(f"  SlackActionHandler (SLACK_SIGNING_SECRET_PARAMETER={SIGNING_SECRET_PARAMETER}) behind its Runtime API emulator")

    now = datetime.now(timezone.utc)
    kind, result = deliver(checker, now, "schedule tick (Slack app mode)", event("scheduled-event.json", None, now))
    if kind != "response":
        raise RuntimeError(f"the Slack app mode check failed: {result}")
    posted = [r for r in http("GET", f"{slack.url}/test/requests") if r["path"] == "/api/chat.postMessage"]
    web = fleet["web-frontend"]
    say(f"  chat.postMessage to #ops: {len(posted)} alert{'s' if len(posted) != 1 else ''}, each with its buttons")
    for post in posted:
        say(f"    {post['body']['text']}")
        say(f"      buttons: {', '.join(buttons(post['body']))}")
    message = next((p["body"] for p in posted if web in p["body"]["text"]), None)
    if message is None or "snooze_1d" not in buttons(message):
        raise RuntimeError(f"no alert with a Snooze button about web-frontend ({web}) reached the local Slack")

    say()
    say(f"  alice clicks Snooze 1 day on the web-frontend alert; Slack signs the click and posts it to the Function URL")
    value = buttons(message)["snooze_1d"]
    forged = click(slack, "snooze_1d", value, signature="v0=" + "0" * 64)
    kind, answer = actions.invoke(forged)
    say(f"    first, the same click with a wrong signature -> HTTP {answer.get('statusCode')} (nothing read, nothing changed)")
    kind, answer = actions.invoke(click(slack, "snooze_1d", value))
    if kind != "response" or answer.get("statusCode") != 200:
        raise RuntimeError(f"the SlackActionHandler did not take the signed click: {kind} {answer}")
    say(f"    the signed click -> HTTP {answer['statusCode']}")
    record = next(i for i in moto.command(op="scan_all", table=TABLE)["items"] if i["instance_id"]["S"] == web)
    for column in ("snoozed_until", "snoozed_by", "last_action", "last_action_by"):
        say(f"    table: {column:<15} {record.get(column, {}).get('S', '(missing)')}")
    replaced = [r for r in http("GET", f"{slack.url}/test/requests") if r["path"].startswith("/response/")]
    if not replaced or "snoozed until" not in replaced[-1]["body"].get("text", ""):
        raise RuntimeError(f"the alert was not replaced through its response_url: {replaced}")
    say(f"    the alert, replaced through the click's response_url: {replaced[-1]['body']['text']}")

    # ml-training's job ends and its instance stops: the alert that asked about it can say so.
    account, region = where["ml-training"]
    moto.command(op="stop_instances", ids=[fleet["ml-training"]], account=account, region=region)
    stopped = datetime.now(timezone.utc)
    deliver(state_change, stopped, f"ml-training stopped (forwarded from {account})",
            event("state-change-stopped.json", fleet["ml-training"], stopped, account=account, region=region))
    later = datetime.now(timezone.utc)
    kind, result = deliver(checker, later, "schedule tick (Slack app mode), again", event("scheduled-event.json", None, later))
    if kind != "response" or web in result.get("notifiedInstanceIds", []) or not result.get("snoozed"):
        raise RuntimeError(f"the next check should have left the snoozed web-frontend out: {result}")
    for line in result.get("snoozed", []):
        say(f"         snoozed, not alerted: {line}")
    for line in result.get("closedAlerts", []):
        say(f"         closed in place with chat.update: {line} ({names.get(line.split(':')[0], '')})")
    if not any(line.startswith(fleet["ml-training"]) for line in result.get("closedAlerts", [])):
        raise RuntimeError(f"the alert of the stopped ml-training was not closed in place: {result}")
    return slack


def weekly_report(moto, aws, topic, slack, pricing, started, deliver):
    """The weekly report: the ledger the story left, a month before it, and the chart as Slack got it."""
    heading("The weekly report ({\"report\": \"weekly\"}, Mondays 08:00 UTC by the template's ReportSchedule)")
    items = moto.command(op="scan_all", table=LEDGER)["items"]
    say(f"  the story left {len(items)} ledger item{'s' if len(items) != 1 else ''} in {LEDGER}:")
    for item in items:
        say(f"    {item['instance_id']['S']}  stopped {item['stopped_at']['S']} by {item['stopped_by']['S']}"
            f"  at ${item.get('hourly_usd', {}).get('N', '?')}/h ({item.get('name', {}).get('S', '')})")
    # The weeks before the story, as a month of stops and reports would have left them (written here directly).
    now = datetime.now(timezone.utc).replace(microsecond=0)
    earlier = []
    for weeks_ago, hours, hourly, name, owner in ((6, 40, "0.0960", "etl-nightly", "data"), (5, 90, "0.1920", "gpu-notebook", "ml"),
                                                   (4, 60, "0.0960", "etl-nightly", "data"), (3, 110, "0.3840", "load-test", "web"),
                                                   (2, 70, "0.1920", "gpu-notebook", "ml"), (1, 120, "0.0960", "staging-db", "web")):
        stopped = now - timedelta(weeks=weeks_ago, hours=2)
        earlier.append({"instance_id": {"S": f"i-0{weeks_ago:02d}ea{hours:03d}rlier0"}, "stopped_at": {"S": iso(stopped)},
                        "stopped_by": {"S": "after-alert" if weeks_ago % 2 else "auto-stop"}, "hourly_usd": {"N": hourly},
                        "price_basis": {"S": "on-demand Linux price"}, "name": {"S": name}, "owner": {"S": owner},
                        "account": {"S": TEAM_A}, "region": {"S": OTHER_REGION}, "instance_type": {"S": "m5.large"},
                        "restarted_at": {"S": iso(stopped + timedelta(hours=hours))}})
    for weeks_ago, overdue in ((7, "41.20"), (6, "38.75"), (5, "52.10"), (4, "30.40"), (3, "22.95"), (2, "18.30"), (1, "12.60")):
        earlier.append({"instance_id": {"S": "#weekly-report"}, "stopped_at": {"S": iso(now - timedelta(weeks=weeks_ago))},
                        "overdue_usd": {"N": overdue}, "savings_usd": {"N": "0"}, "overdue_by_owner": {"M": {}}})
    moto.command(op="put_typed_items", table=LEDGER, items=earlier)
    say(f"  and, written here, the six weeks before: 6 stops and 7 weekly summaries, as earlier runs would have left them")
    app = {key: value for key, value in aws.items() if key != "SLACK_WEBHOOK_PARAMETER"}
    reporter = Function("UptimeChecker", {**app, "TOPIC_ARN": topic, "SLACK_BOT_TOKEN_PARAMETER": BOT_TOKEN_PARAMETER,
                                          "SLACK_API_URL": f"{slack.url}/api", "SLACK_CHANNEL": "#finops", "UPTIME_THRESHOLD": "6h",
                                          "AWS_ENDPOINT_URL_PRICING": pricing,
                                          "WATCHED_ACCOUNTS": f"{TEAM_A},{TEAM_B}", "WATCHED_REGIONS": OTHER_REGION},
                        label="UptimeChecker-report")
    started.append(reporter)
    kind, result = deliver(reporter, now, "the weekly report", {"report": "weekly"})
    if kind != "response" or "report" not in result:
        raise RuntimeError(f"the weekly report failed: {result}")
    figures = result["report"]
    say(f"         report: saved ${figures['savingsUSD']:.2f} this week, ${figures['savingsToDateUSD']:.2f} since the ledger began,"
        f" {figures['stops']} stop{'s' if figures['stops'] != 1 else ''}, {figures['overdueNow']} past their limit now; sent to {', '.join(figures['sentTo'])}")
    mail = next((m for m in moto.command(op="sns_messages", topic=topic)["messages"] if m["subject"].startswith("instance-watch weekly")), None)
    if mail is None:
        raise RuntimeError("the weekly report did not reach the SNS topic")
    say()
    say(f"  Subject: {mail['subject']}")
    say()
    for line in mail["message"].splitlines():
        say(f"  | {line}")
    files = http("GET", f"{slack.url}/test/files")
    if not files:
        raise RuntimeError("the chart was not uploaded into Slack")
    chart = LOGS / "weekly-report.png"
    chart.write_bytes(base64.b64decode(files[-1]["base64"]))
    say()
    say(f"  the chart, as uploaded into {files[-1]['channel']} (files.getUploadURLExternal, the bytes, files.completeUploadExternal):")
    say(f"    {chart.relative_to(ROOT)}  ({chart.stat().st_size:,} bytes)")


def main():
    started = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored
    LOGS.mkdir(parents=True, exist_ok=True)
    try:
        heading("Starting a local AWS (moto), two Runtime API emulators and a Slack webhook sink")
        moto = Peer("moto_peer.py", announced=("ACCESS_KEY_ID", "SECRET_ACCESS_KEY"))
        started.append(moto)
        slack = Peer("fault_server.py")
        started.append(slack)
        pricing = Peer("pricing_peer.py")
        started.append(pricing)
        http("POST", f"{slack.url}/test/default", {"status": 200, "body": "ok"})
        aging = Peer("fault_server.py", "--upstream", moto.url.removeprefix("http://"))
        started.append(aging)
        http("POST", f"{aging.url}/test/age", {"seconds": STORY_HOURS * 3600 + 120})
        say(f"  moto's server      {moto.url}  (SigV4 checked with a key made through its IAM)")
        say(f"  Slack webhook sink {slack.url}")
        say(f"  EC2 aging proxy    {aging.url}  (EC2 through it: every instance launched {STORY_HOURS} hours earlier)")
        say(f"  Price List peer    {pricing.url}  (moto has no Price List API; this one checks signatures too)")
        http("POST", f"{pricing.url}/test/keys", {moto.values["ACCESS_KEY_ID"]: moto.values["SECRET_ACCESS_KEY"]})
        http("POST", f"{pricing.url}/test/prices", [
            {"instanceType": "t3.micro", "regionCode": REGION, "usd": "0.0114000000"},
            {"instanceType": "t3.small", "regionCode": REGION, "usd": "0.0228000000"},
            {"instanceType": "m5.large", "regionCode": OTHER_REGION, "usd": "0.0960000000"},
            {"instanceType": "m5.large", "regionCode": REGION, "usd": "0.1070000000"}])

        moto.command(op="create_table", name=TABLE, key="instance_id")
        moto.command(op="create_table", name=LEDGER, key="instance_id", sort="stopped_at")
        topic = moto.command(op="create_topic", name="instance-watch-alerts")["arn"]
        webhook = f"{slack.url}/services/T0DEMO/B0DEMO/demo-secret"
        moto.command(op="put_parameter", name=WEBHOOK_PARAMETER, value=webhook, type="SecureString")
        # What member-template.yaml grants: the reading role in both; team B deployed it with
        # AllowAutoStop=true, which adds the stop role that only the checker assumes.
        for member in (TEAM_A, TEAM_B):
            moto.command(op="member_role", account=member, name=MEMBER_ROLE,
                         # cloudwatch:GetMetricData, as moto names it (the service of the signature's scope)
                         actions=["ec2:DescribeInstances", "ec2:DescribeSpotPriceHistory", "monitoring:GetMetricData"])
        moto.command(op="member_role", account=TEAM_B, name=f"{MEMBER_ROLE}-stop", actions=["ec2:DescribeInstances", "ec2:StopInstances"])
        fleet, where = {}, {}
        for name, account, region, options in (
                ("web-frontend", ACCOUNT, REGION, {}),
                ("batch-worker", TEAM_A, OTHER_REGION, {"spot": True, "type": "c5.large"}),
                ("analytics-db", ACCOUNT, REGION, {"type": "m5.large"}),
                ("ml-training", TEAM_A, OTHER_REGION, {"type": "m5.large"}),
                ("forgotten-sandbox", TEAM_B, REGION, {"type": "t3.small", "tags": {"instance-watch:stop-after": "6h"}})):
            member = {} if account == ACCOUNT else {"account": account}
            tags = {"Name": name, **options.pop("tags", {})}
            answer = moto.command(op="run_instances", count=1, tags=tags, region=region, **member, **options)
            fleet[name], where[name] = answer["ids"][0], (account, region)
        # What CloudWatch saw over the seven hours: the forgotten sandbox idle, the training job and
        # the web frontend busy (their own accounts and regions keep their own metrics).
        for name, cpu, network in (("forgotten-sandbox", 0.8, 20_000), ("ml-training", 92.0, 50_000_000), ("web-frontend", 35.0, 200_000_000)):
            account, region = where[name]
            member = {} if account == ACCOUNT else {"account": account}
            moto.command(op="instance_metrics", id=fleet[name], hours=STORY_HOURS, cpu=cpu, network_bytes_per_hour=network, region=region, **member)
        # The story starts seven hours ago (the aging proxy makes EC2 agree).
        launched = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=STORY_HOURS)
        say(f"  table {TABLE}, topic {topic.split(':')[-1]}, SSM SecureString {WEBHOOK_PARAMETER} (the webhook URL)")
        say(f"  central account {ACCOUNT} ({REGION}); members {TEAM_A} and {TEAM_B}, each with the role {MEMBER_ROLE}"
            f" ({TEAM_B} also with {MEMBER_ROLE}-stop)")
        for name, instance_id in fleet.items():
            account, region = where[name]
            note = "  (Spot)" if name == "batch-worker" else "  (tagged instance-watch:stop-after=6h)" if name == "forgotten-sandbox" else ""
            say(f"  EC2 instance {instance_id}  {account}/{region:<10} {name}{note}")
        say("  (member instances were launched with member credentials: the central account's own cannot see them)")

        aws = {"PATH": "/usr/bin:/bin", "AWS_REGION": REGION, "AWS_ENDPOINT_URL": moto.url, "AWS_ENDPOINT_URL_EC2": aging.url,
               "AWS_ACCESS_KEY_ID": moto.values["ACCESS_KEY_ID"], "AWS_SECRET_ACCESS_KEY": moto.values["SECRET_ACCESS_KEY"],
               "TABLE_NAME": TABLE, "LEDGER_TABLE_NAME": LEDGER, "SLACK_WEBHOOK_PARAMETER": WEBHOOK_PARAMETER, "AWS_LAMBDA_LOG_FORMAT": "Text",
               "MEMBER_ROLE_NAME": MEMBER_ROLE}
        state_change = Function("StateChangeHandler", aws)
        started.append(state_change)
        checker = Function("UptimeChecker", {**aws, "TOPIC_ARN": topic, "UPTIME_THRESHOLD": "6h", "NOTIFY_MODE": "digest",
                                             "AWS_ENDPOINT_URL_PRICING": pricing.url, "AUTO_STOP": "on",
                                             "WATCHED_ACCOUNTS": f"{TEAM_A},{TEAM_B}", "WATCHED_REGIONS": OTHER_REGION})
        started.append(checker)
        say(f"  StateChangeHandler and UptimeChecker bundles running (logs in {LOGS.relative_to(ROOT)}/)")

        heading("The story, as EventBridge would deliver it on the central bus")
        names = {instance_id: name for name, instance_id in fleet.items()}

        def deliver(function, at, description, payload):
            kind, answer = function.invoke(payload)
            outcome = answer.get("action") if kind == "response" else f"ERROR {answer.get('errorType')}: {answer.get('errorMessage')}"
            if function.product.startswith("UptimeChecker") and kind == "response":
                outcome = (f"scanned {answer['scanned']}, running {answer['running']}, overdue {answer['overdue']}, "
                           f"notified {answer['notified']}, repaired {answer['repaired']}, "
                           f"{len(answer.get('checked', []))} account/region pairs checked")
            say(f"  {at.strftime('%H:%M')}  {function.product:<23} {description:<50} -> {outcome}")
            return kind, answer

        for name in ("web-frontend", "batch-worker", "analytics-db", "ml-training"):
            account, region = where[name]
            origin = "" if account == ACCOUNT else f" (forwarded from {account})"
            deliver(state_change, launched, f"{name} running{origin}",
                    event("state-change-running.json", fleet[name], launched, account=account, region=region))
        warned = launched + timedelta(hours=1)
        deliver(state_change, warned, f"batch-worker Spot warning (forwarded from {TEAM_A})",
                event("spot-interruption-warning.json", fleet["batch-worker"], warned, account=TEAM_A, region=OTHER_REGION,
                      **{"instance-action": "terminate"}))
        moto.command(op="terminate_instances", ids=[fleet["batch-worker"]], account=TEAM_A, region=OTHER_REGION)
        ended = warned + timedelta(minutes=2)
        deliver(state_change, ended, f"batch-worker terminated (forwarded from {TEAM_A})",
                event("state-change-terminated.json", fleet["batch-worker"], ended, account=TEAM_A, region=OTHER_REGION))
        moto.command(op="stop_instances", ids=[fleet["analytics-db"]])
        stopped = launched + timedelta(hours=3)
        deliver(state_change, stopped, "analytics-db stopped", event("state-change-stopped.json", fleet["analytics-db"], stopped))
        say(f"         (forgotten-sandbox in {TEAM_B}/{REGION} started without anyone being told: no event)")
        tick = datetime.now(timezone.utc)
        kind, result = deliver(checker, tick, "schedule tick, now: 7 hours after the starts", event("scheduled-event.json", None, tick))
        expected = {fleet["web-frontend"], fleet["ml-training"], fleet["forgotten-sandbox"]}
        if kind != "response" or set(result.get("overdueInstanceIds", [])) != expected:
            raise RuntimeError(f"the UptimeChecker should have found web-frontend, ml-training and forgotten-sandbox overdue, and answered {result}")
        say(f"         checked: {', '.join(result['checked'])}")
        say(f"         idle by CloudWatch: {', '.join(names.get(i, i) for i in result.get('idle', [])) or 'none'};"
            f" busy: {', '.join(names.get(i, i) for i in result.get('busy', [])) or 'none'}")
        say(f"         stopped (AUTO_STOP=on, opted in by tag, idle): {', '.join(result.get('stopped', [])) or 'none'}")
        if fleet["forgotten-sandbox"] in result.get("stopped", []):
            # EC2 reports the stop; the StateChangeHandler records it and credits it to the auto-stop in the savings ledger.
            now = datetime.now(timezone.utc)
            deliver(state_change, now, f"forgotten-sandbox stopping (forwarded from {TEAM_B})",
                    event("state-change-stopped.json", fleet["forgotten-sandbox"], now, account=TEAM_B, region=REGION, state="stopping"))
        for repair in result.get("repairs", []):
            say(f"         repaired {repair}")

        heading(f"The table {TABLE}")
        items = moto.command(op="scan_all", table=TABLE)["items"]
        columns = (("instance_id", 20), ("account", 13), ("region", 10), ("state", 11), ("start_time", 21), ("stop_time", 21),
                   ("expires_at", 11))
        say("  " + "".join(f"{c:<{w}}" for c, w in columns) + "Name")
        for item in sorted(items, key=lambda i: i["instance_id"]["S"]):
            values = [next(iter(item[c].values())) if c in item else "" for c, _ in columns]
            say("  " + "".join(f"{v:<{w}}" for v, (_, w) in zip(values, columns)) + names.get(values[0], ""))

        heading("The SNS e-mail (as moto's SNS sent it)")
        for message in moto.command(op="sns_messages", topic=topic)["messages"]:
            say(f"  Subject: {message['subject']}")
            say()
            for line in message["message"].splitlines():
                say(f"  | {line}")

        heading("The Slack messages (as the webhook sink received them)")
        for post in http("GET", f"{slack.url}/test/requests"):
            payload = json.loads(post["body"])
            attachment = payload["attachments"][0]
            say(f"  [{attachment['color']}] {payload['text']}")
            for block in attachment["blocks"]:
                if block["type"] == "context" and block["elements"][0]["text"].startswith("*Account"):
                    say(f"    {block['elements'][0]['text'].replace('*', '')}")
                elif block["type"] == "section" and "text" in block and block["text"]["text"].startswith("*<"):
                    first, _, second = block["text"]["text"].partition("\n")
                    instance = first.split("|", 1)[1].split(">", 1)[0]
                    say(f"      {instance}  {first.split('*  ', 1)[-1]}; {second.replace('*', '')}")
                elif block["type"] == "section" and "fields" in block:
                    for field in block["fields"]:
                        label, _, value = field["text"].partition("\n")
                        say(f"      {label.strip('*'):<14} {value}")
                elif block["type"] == "actions":
                    say(f"      button: {block['elements'][0]['url']}")
            say()
        slack = slack_app_mode(moto, aws, fleet, names, started, deliver, state_change, where)
        weekly_report(moto, aws, topic, slack, pricing.url, started, deliver)
        say(f"{BOLD}Done.{RESET} The same bundles are what `sam build` puts in the Lambda zips (see docs/deploying.md).")
        return 0
    except KeyboardInterrupt:
        say("\ninterrupted: stopping everything")
        return 130
    except Exception as error:
        say(f"\nmake demo failed: {error}")
        return 1
    finally:
        for thing in reversed(started):
            thing.stop()


if __name__ == "__main__":
    sys.exit(main())
