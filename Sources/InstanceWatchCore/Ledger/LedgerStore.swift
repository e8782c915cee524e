import FoundationEssentials
import AWS
import Support

/// The savings ledger's table (`LEDGER_TABLE_NAME`): an item per stop the product takes credit for,
/// keyed by instance and stop time. Every write is conditional, so a duplicate or late state change,
/// or a retried invocation, neither doubles an item nor reopens a closed one.
public protocol LedgerStore {
    /// Writes the item unless it is there already; false when it was.
    @discardableResult
    func open(_ item: LedgerItem, deadline: Date?) throws(AWSClientError) -> Bool
    /// Closes the item of the stop at `stoppedAt`: the instance ran again (`restarted_at`) or ended
    /// (`ended_at`) at `time`. False when there is no such item, or it is closed already.
    @discardableResult
    func close(instanceId: String, stoppedAt: UTCDateTime, _ end: LedgerItem.End, at time: UTCDateTime, deadline: Date?) throws(AWSClientError) -> Bool
    /// Every item, page by page, as stored.
    func items(deadline: Date?, _ body: ([DynamoDBItem]) -> Void) throws(AWSClientError)
    /// Keeps what a weekly report measured, for the charts of the weeks after it.
    func keep(_ summary: ReportSummary, deadline: Date?) throws(AWSClientError)
}

public struct DynamoDBLedgerStore: LedgerStore {
    /// How long an item stays (the table's TTL, `expires_at`): a year of weekly reports and more.
    public static let retentionSeconds = 400 * 86_400

    let dynamoDB: DynamoDBClient
    let tableName: String

    public init(dynamoDB: DynamoDBClient, tableName: String) {
        self.dynamoDB = dynamoDB
        self.tableName = tableName
    }

    public func open(_ item: LedgerItem, deadline: Date?) throws(AWSClientError) -> Bool {
        var attributes = item.attributes
        attributes["expires_at"] = .number(item.stoppedAt.epochSeconds + Self.retentionSeconds)
        do {
            try dynamoDB.putItem(PutItemInput(tableName: tableName, item: attributes, condition: DynamoDBExpression("attribute_not_exists(instance_id)")),
                                 deadline: deadline)
            return true
        } catch .conditionalCheckFailed {
            return false
        }
    }

    public func close(instanceId: String, stoppedAt: UTCDateTime, _ end: LedgerItem.End, at time: UTCDateTime, deadline: Date?) throws(AWSClientError) -> Bool {
        do {
            try dynamoDB.updateItem(UpdateItemInput(
                tableName: tableName, key: ["instance_id": .s(instanceId), "stopped_at": .s(stoppedAt.extendedISO8601)],
                update: DynamoDBExpression("SET \(end.rawValue) = :time", values: [":time": .s(time.extendedISO8601)]),
                // Never reopened, never closed twice, never closed before it began.
                condition: DynamoDBExpression("attribute_exists(instance_id) AND attribute_not_exists(restarted_at) AND attribute_not_exists(ended_at) AND stopped_at <= :time",
                                              values: [":time": .s(time.extendedISO8601)])
            ), deadline: deadline)
            return true
        } catch .conditionalCheckFailed {
            return false
        }
    }

    public func keep(_ summary: ReportSummary, deadline: Date?) throws(AWSClientError) {
        try dynamoDB.putItem(PutItemInput(tableName: tableName, item: summary.attributes), deadline: deadline)
    }

    public func items(deadline: Date?, _ body: ([DynamoDBItem]) -> Void) throws(AWSClientError) {
        try dynamoDB.scanAllPages(ScanInput(tableName: tableName), deadline: deadline) { page in
            body(page.items)
            return true
        }
    }
}
