import FoundationEssentials
import InstanceWatchCore
import SlackActions
import Lambda
import AWS
import CurlHTTP

let function = FunctionDescription.instanceWatch(
    name: "SlackActionHandler",
    summary: "Behind a Function URL, takes the Snooze and Stop now buttons of instance-watch's Slack alerts, verified by Slack's signature."
)

LambdaMain.run(function) { environment, _ in
    let configuration = try FunctionConfiguration.fromEnvironment(environment)
    let aws = try AWSClient.fromEnvironment(environment)
    let secret = try configuration.requireSigningSecret()
    return SlackActionHandler(
        signingSecret: try SlackSignature.checkedSecret(secret.resolve(ssm: SSMClient(aws: aws), deadline: SecretSource.lookUpDeadline())),
        table: DynamoDBSlackActionTable(dynamoDB: DynamoDBClient(aws: aws), tableName: configuration.tableName),
        // Stop now in a member account takes a role of its own there, which only this function may assume.
        fleet: EC2Fleet(
            access: OrganizationAccess(
                home: aws.environment, members: nil,
                stoppers: configuration.slackStop
                    ? configuration.memberRoleName.map { MemberCredentials(roleName: $0 + "-slack-stop", sessionName: "instance-watch-slack-stop", clock: { Date() }) } : nil
            ),
            concurrency: 1, httpConfiguration: .fromEnvironment(environment)
        ),
        responder: SlackResponseClient(http: CurlHTTPClient(configuration: .fromEnvironment(environment))),
        permissions: SlackActionHandler.Permissions(stop: configuration.slackStop, stopUsers: Set(configuration.slackStopUsers),
                                                    snoozeUsers: Set(configuration.slackActionUsers),
                                                    teamId: configuration.slackTeamId, appId: configuration.slackAppId),
        plainHTTP: configuration.plainHTTP,
        // Slack's five-minute window is judged by this function's clock.
        clock: { Date() }
    )
}
