import AWS
import Support

/// What a weekly report measured that the ledger alone cannot tell later: what overdue instances
/// cost in its period, overall and by owner. Kept in the ledger table as an item of its own
/// (`instance_id` = `#weekly-report`, `stopped_at` = the period's end), so the chart's older weeks
/// show what was measured then. Never an instance's item: ids of instances start with `i-`.
public struct ReportSummary: Sendable, Equatable {
    public static let itemId = "#weekly-report"

    public var periodEnd: UTCDateTime
    public var overdueUSD: Double
    public var savingsUSD: Double
    public var overdueByOwner: [String: Double]

    public init(periodEnd: UTCDateTime, overdueUSD: Double, savingsUSD: Double, overdueByOwner: [String: Double]) {
        self.periodEnd = periodEnd
        self.overdueUSD = overdueUSD
        self.savingsUSD = savingsUSD
        self.overdueByOwner = overdueByOwner
    }

    /// The overdue cost of the period for `owner` (lower-cased; nil: everyone's).
    public func overdueCost(owner: String?) -> Double {
        guard let owner else { return overdueUSD }
        return overdueByOwner[owner] ?? 0
    }

    public var attributes: DynamoDBItem {
        func number(_ value: Double) -> AttributeValue { .n(String((value * 10_000).rounded() / 10_000)) }
        return ["instance_id": .s(Self.itemId), "stopped_at": .s(periodEnd.extendedISO8601), "overdue_usd": number(overdueUSD),
                "savings_usd": number(savingsUSD), "overdue_by_owner": .m(overdueByOwner.mapValues(number)),
                "expires_at": .number(periodEnd.epochSeconds + DynamoDBLedgerStore.retentionSeconds)]
    }

    /// A summary item, or nil for anything else (an instance's item, or a summary that cannot be read).
    public static func read(_ item: DynamoDBItem) -> ReportSummary? {
        guard item["instance_id"]?.stringValue == itemId, let end = item["stopped_at"]?.stringValue.flatMap(UTCDateTime.parse) else { return nil }
        guard let overdue = item["overdue_usd"]?.amount else { return nil }
        var byOwner: [String: Double] = [:]
        if case .m(let map)? = item["overdue_by_owner"] { for (owner, value) in map { byOwner[owner] = value.amount } }
        return ReportSummary(periodEnd: end, overdueUSD: overdue, savingsUSD: item["savings_usd"]?.amount ?? 0, overdueByOwner: byOwner)
    }
}
