import InstanceWatchCore

let function = FunctionDescription(
    name: "StateChangeHandler",
    summary: "Records EC2 instance state changes in DynamoDB and warns in Slack about Spot interruptions."
)

LambdaMain.run(function) { environment, _ in
    let configuration = try FunctionConfiguration.fromEnvironment(environment)
    let aws = try AWSClient.fromEnvironment(environment)
    let webhook = try configuration.slackWebhook.map { try SlackWebhook.resolve($0, ssm: SSMClient(aws: aws)) }
    return StateChangeEventHandler(
        recorder: DynamoDBInstanceStateRecorder(dynamoDB: DynamoDBClient(aws: aws), tableName: configuration.tableName),
        instances: EC2Client(aws: aws),
        slack: webhook.map { SlackWebhookClient(webhookURL: $0, http: CurlHTTPClient(configuration: .fromEnvironment(environment))) },
        slackChannel: configuration.slackChannel
    )
}
