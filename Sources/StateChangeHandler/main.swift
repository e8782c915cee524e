import InstanceWatchCore
import Lambda
import AWS
import CurlHTTP

let function = FunctionDescription.instanceWatch(
    name: "StateChangeHandler",
    summary: "Records EC2 instance state changes in DynamoDB and warns in Slack about Spot interruptions."
)

LambdaMain.run(function) { environment, _ in
    let configuration = try FunctionConfiguration.fromEnvironment(environment)
    let aws = try AWSClient.fromEnvironment(environment)
    let webhook = try configuration.slackWebhook.map { try SlackWebhook.resolve($0, ssm: SSMClient(aws: aws)) }
    // A member account's instance is looked up in that account, through the member role.
    let organization = OrganizationAccess(
        home: aws.environment,
        members: configuration.memberRoleName.map { MemberCredentials(roleName: $0, sessionName: "instance-watch-state-change") }
    )
    return StateChangeEventHandler(
        recorder: DynamoDBInstanceStateRecorder(dynamoDB: DynamoDBClient(aws: aws), tableName: configuration.tableName),
        instances: OrganizationInstanceLookUp(access: organization, http: aws.http),
        slack: webhook.map { SlackWebhookClient(webhookURL: $0, http: CurlHTTPClient(configuration: .fromEnvironment(environment))) },
        slackChannel: configuration.slackChannel
    )
}
