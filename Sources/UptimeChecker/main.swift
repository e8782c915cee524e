import InstanceWatchCore
import Lambda
import AWS
import CurlHTTP

let function = FunctionDescription.instanceWatch(
    name: "UptimeChecker",
    summary: "On a schedule, finds instances running longer than allowed and notifies by SNS e-mail and Slack."
)

LambdaMain.run(function) { environment, _ in
    let configuration = try FunctionConfiguration.fromEnvironment(environment)
    try configuration.requireAlertChannel()
    let aws = try AWSClient.fromEnvironment(environment)
    let webhook = try configuration.slackWebhook.map { try SlackWebhook.resolve($0, ssm: SSMClient(aws: aws)) }
    let dynamoDB = DynamoDBClient(aws: aws)
    // Every account and region watched: its own with its own credentials, the others through the member role.
    let fleet = EC2Fleet(
        access: OrganizationAccess(
            home: aws.environment,
            members: configuration.memberRoleName.map { MemberCredentials(roleName: $0, sessionName: "instance-watch-uptime-checker") },
            // Stopping in a member account takes a role of its own, which only this function may assume.
            stoppers: configuration.autoStop == .on
                ? configuration.memberStopRoleName.map { MemberCredentials(roleName: $0, sessionName: "instance-watch-auto-stop") } : nil
        ),
        concurrency: configuration.checkConcurrency, httpConfiguration: .fromEnvironment(environment)
    )
    // What alerts say an instance costs: on-demand prices from the Price List, Spot prices from EC2.
    let prices = configuration.pricing ? UptimeCheckHandler.Prices(
        book: PriceBook(),
        priceList: PriceListClient(aws: AWSClient(environment: aws.environment, http: aws.http, retryPolicy: PriceBook.retryPolicy))
    ) : nil
    return UptimeCheckHandler(
        table: DynamoDBUptimeTable(dynamoDB: dynamoDB, tableName: configuration.tableName),
        recorder: DynamoDBInstanceStateRecorder(dynamoDB: dynamoDB, tableName: configuration.tableName),
        fleet: fleet,
        channels: .init(
            sns: configuration.topicArn.map { (publisher: SNSClient(aws: aws), topicArn: $0) },
            slack: webhook.map { SlackWebhookClient(webhookURL: $0, http: CurlHTTPClient(configuration: .fromEnvironment(environment))) }
        ),
        prices: prices,
        configuration: configuration,
        region: aws.environment.region
    )
}
