#!/usr/bin/env python3
"""After `make test`: what the AWS API model check saw (Tests/Peers/aws_model_check.py).

Each peer that checks requests (moto's server, the Price List peer) leaves a `.started` mark when
it starts and its counts in a `.json` file when it ends; this waits (briefly) for every started peer's
counts, then prints how many of the product's requests were held to botocore's models, in how many
operations, and fails when:
  - a request of the product's was refused (the test that sent it may have tolerated the error: a
    price or an activity figure is optional, a malformed request never is), or
  - an operation the three functions call was never checked (the suite lost the test that covered it).

usage: model-check-report.py FOLDER
"""
import glob
import json
import os
import sys
import time

# Every AWS operation the three functions call, as "service:Operation" (botocore's service names).
OPERATIONS = [
    "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:UpdateItem", "dynamodb:PutItem",
    "ec2:DescribeInstances", "ec2:StopInstances", "ec2:DescribeSpotPriceHistory",
    "sns:PublishBatch", "ses:SendEmail", "ses:SendRawEmail", "ssm:GetParameter",
    "sts:AssumeRole", "sts:GetCallerIdentity", "cloudwatch:GetMetricData", "pricing:GetProducts",
    "organizations:ListParents", "organizations:DescribeOrganizationalUnit",
]


def main(folder):
    started = glob.glob(os.path.join(folder, "*.started"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(not os.path.exists(path[:-len(".started")] + ".json") for path in started):
        time.sleep(0.2)
    checked, refusals, fixture_requests, missing_reports = {}, [], 0, 0
    for path in started:
        report_path = path[:-len(".started")] + ".json"
        if not os.path.exists(report_path):
            missing_reports += 1
            continue
        with open(report_path) as file:
            report = json.load(file)
        for operation, count in report["checked"].items():
            checked[operation] = checked.get(operation, 0) + count
        refusals += report["refusals"]
        fixture_requests += report["fixtureRequests"]
    on_purpose = [r for r in refusals if "model-check-probe" in r["userAgent"]]
    unexpected = [r for r in refusals if r not in on_purpose]
    total = sum(checked.values())
    print(f"==> AWS API models (botocore's service definitions): {total} requests of the functions' clients in {len(checked)} operations "
          f"held to them, and {fixture_requests} of the fixtures'; {len(on_purpose)} malformed on purpose and refused "
          f"(AWSModelCheckTests), {len(unexpected)} refused otherwise")
    for operation in sorted(checked):
        print(f"    {operation:<36} {checked[operation]}")
    problems = []
    if missing_reports:
        problems.append(f"{missing_reports} peer(s) left no counts (killed before their stdin closed?)")
    uncovered = [op for op in OPERATIONS if op not in checked]
    if uncovered:
        problems.append(f"never checked: {', '.join(uncovered)} (no test sent them)")
    for refusal in unexpected:
        problems.append(f"refused: {refusal['message']}")
    for problem in problems:
        print(f"model check: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
