import FoundationEssentials
import InstanceWatchCore
import UptimeChecking
import Lambda
import AWS
import CurlHTTP

let function = FunctionDescription.instanceWatch(
    name: "UptimeChecker",
    summary: "On a schedule, finds instances running longer than allowed and notifies by SNS e-mail, Slack and Teams; weekly, reports what stops saved."
)

LambdaMain.run(function) { environment, logger in
    let configuration = try FunctionConfiguration.fromEnvironment(environment)
    try configuration.requireAlertChannel()
    let aws = try AWSClient.fromEnvironment(environment)
    // Rules per account and OU (POLICIES_PARAMETER), over the variables; a bad document stops the start.
    let policies = try PolicyRules.configured(configuration, aws: aws) { CurlHTTPClient(configuration: .fromEnvironment(environment)) }
    let dynamoDB = DynamoDBClient(aws: aws)
    let table = DynamoDBUptimeTable(dynamoDB: dynamoDB, tableName: configuration.tableName)
    // Every account and region watched: its own with its own credentials, the others through the member role.
    let fleet = EC2Fleet(
        access: OrganizationAccess(
            home: aws.environment,
            members: configuration.memberRoleName.map { MemberCredentials(roleName: $0, sessionName: "instance-watch-uptime-checker", clock: { Date() }) },
            // Stopping in a member account takes a role of its own, which only this function may assume.
            stoppers: policies.anyPlace(autoStop: .on)
                ? configuration.memberStopRoleName.map { MemberCredentials(roleName: $0, sessionName: "instance-watch-auto-stop", clock: { Date() }) } : nil
        ),
        concurrency: configuration.checkConcurrency, httpConfiguration: .fromEnvironment(environment)
    )
    // What alerts say an instance costs: on-demand prices from the Price List, Spot prices from EC2.
    let prices = configuration.pricing ? UptimeCheckHandler.Prices(
        book: PriceBook(clock: { Date() }),
        priceList: PriceListClient(aws: AWSClient(environment: aws.environment, http: aws.http, retryPolicy: PriceBook.retryPolicy))
    ) : nil
    let routes = try AlertChannels.configured(configuration, aws: aws, includeTopic: true, slackLedger: table) {
        CurlHTTPClient(configuration: .fromEnvironment(environment))
    }
    // What the start should say about where alerts go (direct e-mail left off, and why).
    for note in routes.notes { logger.warning("\(note)") }
    return UptimeCheckHandler(
        table: table,
        recorder: DynamoDBInstanceStateRecorder(dynamoDB: dynamoDB, tableName: configuration.tableName, ledger: configuration.ledger(dynamoDB: dynamoDB)),
        // The run's table work (repairs, claims, notes) through a pool as wide as the pairs' reads.
        executor: PooledRunExecutor.dynamoDB(aws.environment, configuration: configuration,
                                             concurrency: configuration.checkConcurrency, httpConfiguration: .fromEnvironment(environment)),
        fleet: fleet,
        // In Slack app mode each alert's message is noted on its record, to be closed in place once the instance ends.
        routes: routes,
        prices: prices,
        configuration: configuration,
        policies: policies,
        region: aws.environment.region,
        // Where the weekly report ({"report": "weekly"}) reads what stops saved.
        ledger: DynamoDBLedgerStore(dynamoDB: dynamoDB, tableName: configuration.ledgerTableName),
        // The checker's own clock decides what is overdue: never an event's time.
        clock: { Date() }
    )
}
