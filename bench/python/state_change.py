"""The StateChangeHandler as most such Lambdas are written today: boto3, clients made at import."""
import json
import os
import urllib.request

import boto3

dynamodb = boto3.client("dynamodb")
ec2 = boto3.client("ec2")
TABLE = os.environ.get("TABLE_NAME", "instance_operating_time_table")
WEBHOOK = os.environ.get("SLACK_WEBHOOK_URL")


def handler(event, context):
    detail_type = event.get("detail-type")
    if event.get("source") != "aws.ec2":
        return {"action": "ignored"}
    instance_id = event["detail"]["instance-id"]
    time = event["time"]
    if detail_type == "EC2 Instance State-change Notification":
        state = event["detail"]["state"]
        if state == "pending":
            return {"action": "ignored", "instanceId": instance_id}
        if state == "running":
            update = "SET #state = :state, last_event_time = :time, start_time = :time, stop_time = :empty"
        else:
            update = "SET #state = :state, last_event_time = :time, stop_time = :time"
        try:
            dynamodb.update_item(
                TableName=TABLE, Key={"instance_id": {"S": instance_id}}, UpdateExpression=update,
                ConditionExpression="attribute_not_exists(last_event_time) OR last_event_time < :time",
                ExpressionAttributeNames={"#state": "state"},
                ExpressionAttributeValues={":state": {"S": state}, ":time": {"S": time}, ":empty": {"S": ""}}
                if state == "running" else {":state": {"S": state}, ":time": {"S": time}})
        except dynamodb.exceptions.ConditionalCheckFailedException:
            return {"action": "stale-ignored", "instanceId": instance_id}
        return {"action": "recorded-start" if state == "running" else "recorded-stop", "instanceId": instance_id}
    if detail_type in ("EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation"):
        reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
        instance = reservations[0]["Instances"][0] if reservations else {}
        name = next((t["Value"] for t in instance.get("Tags", []) if t["Key"] == "Name"), "(no Name tag)")
        text = f"{detail_type}: {instance_id} ({name}) {instance.get('PrivateIpAddress')} {instance.get('InstanceType')}"
        request = urllib.request.Request(WEBHOOK, data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=10).read()
        return {"action": "slack-notified", "instanceId": instance_id}
    return {"action": "ignored"}
