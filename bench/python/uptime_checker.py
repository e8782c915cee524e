"""The UptimeChecker as most such Lambdas are written today: boto3 paginators, one SNS mail each."""
import os
from datetime import datetime, timezone

import boto3

dynamodb = boto3.client("dynamodb")
ec2 = boto3.client("ec2")
sns = boto3.client("sns")
TABLE = os.environ.get("TABLE_NAME", "instance_operating_time_table")
TOPIC = os.environ["TOPIC_ARN"]
THRESHOLD_HOURS = 6


def handler(event, context):
    now = datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    names = {}
    for page in ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "instance-state-name", "Values": ["running"]}]):
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                names[instance["InstanceId"]] = next((t["Value"] for t in instance.get("Tags", []) if t["Key"] == "Name"), "")
    scanned, overdue = 0, []
    for page in dynamodb.get_paginator("scan").paginate(TableName=TABLE):
        for item in page["Items"]:
            scanned += 1
            if item.get("stop_time", {}).get("S"):
                continue
            started = datetime.strptime(item["start_time"]["S"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            hours = (now - started).total_seconds() / 3600
            if hours >= THRESHOLD_HOURS:
                overdue.append((item["instance_id"]["S"], hours))
    for instance_id, hours in overdue:
        sns.publish(TopicArn=TOPIC, Subject=f"{instance_id} ({names.get(instance_id, '')}) running {hours:.0f}h"[:100],
                    Message=f"{instance_id} ({names.get(instance_id, '')}) has been running for {hours:.1f} hours.")
    return {"scanned": scanned, "overdue": len(overdue), "notified": len(overdue),
            "overdueInstanceIds": [i for i, _ in overdue]}
