import FoundationEssentials
import InstanceWatchCore
import Lambda
import AWS
import CurlHTTP

let function = FunctionDescription.instanceWatch(
    name: "StateChangeHandler",
    summary: "Records EC2 instance state changes in DynamoDB and warns in Slack and Teams about Spot interruptions."
)

LambdaMain.run(function) { environment, _ in
    let configuration = try FunctionConfiguration.fromEnvironment(environment)
    let aws = try AWSClient.fromEnvironment(environment)
    // A member account's instance is looked up in that account, through the member role.
    let organization = OrganizationAccess(
        home: aws.environment,
        members: configuration.memberRoleName.map { MemberCredentials(roleName: $0, sessionName: "instance-watch-state-change", clock: { Date() }) }
    )
    let dynamoDB = DynamoDBClient(aws: aws)
    return StateChangeEventHandler(
        // Every stop the product takes credit for goes into the savings ledger as it is recorded.
        recorder: DynamoDBInstanceStateRecorder(dynamoDB: dynamoDB, tableName: configuration.tableName, ledger: configuration.ledger(dynamoDB: dynamoDB)),
        instances: OrganizationInstanceLookUp(access: organization, http: aws.http),
        // Spot and rebalance warnings go to the chat channels; the SNS topic is the checker's.
        routes: try AlertChannels.configured(configuration, aws: aws, includeTopic: false) {
            CurlHTTPClient(configuration: .fromEnvironment(environment))
        }
    )
}
