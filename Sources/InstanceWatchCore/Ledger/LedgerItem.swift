import AWS
import Support

/// One stop instance-watch takes credit for, as the savings ledger keeps it (design.md, "Savings
/// ledger and the weekly report"): when and how the instance was stopped, what it cost an hour then
/// (when known), and when it ran again or ended.
public struct LedgerItem: Sendable, Equatable {
    public var instanceId: String
    public var stoppedAt: UTCDateTime
    /// `auto-stop`, `slack:<user id>` or `after-alert`.
    public var stoppedBy: String
    /// The estimated price per hour at the stop; nil when unknown (the item counts hours, not dollars).
    public var hourlyUSD: Double?
    public var priceBasis: String?
    public var account: String?
    public var region: String?
    public var owner: String?
    public var name: String?
    public var instanceType: String?
    /// For `after-alert`: when the alert it answered went out.
    public var alertedAt: UTCDateTime?
    /// The instance's next start, or its termination: the end of what the stop saved.
    public var restartedAt: UTCDateTime?
    public var endedAt: UTCDateTime?

    public init(instanceId: String, stoppedAt: UTCDateTime, stoppedBy: String, hourlyUSD: Double? = nil, priceBasis: String? = nil) {
        self.instanceId = instanceId
        self.stoppedAt = stoppedAt
        self.stoppedBy = stoppedBy
        self.hourlyUSD = hourlyUSD
        self.priceBasis = priceBasis
    }

    /// Reads an item of the ledger table with care: nil, and why in `problem`, for an item without
    /// an instance id or a readable `stopped_at`. A price that is not a number, or is negative, is
    /// left out (the item counts hours) and named; so is a time that cannot be read.
    public static func read(_ item: DynamoDBItem) -> (item: LedgerItem?, problems: [String]) {
        var problems: [String] = []
        guard let id = item["instance_id"]?.stringValue, !id.isEmpty else { return (nil, ["a ledger item without an instance_id"]) }
        guard let stopped = item["stopped_at"]?.stringValue.flatMap(UTCDateTime.parse) else {
            return (nil, ["ledger item \(id): stopped_at is missing or not a time"])
        }
        func text(_ name: String) -> String? {
            guard let value = item[name]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        func time(_ name: String) -> UTCDateTime? {
            guard let raw = text(name) else { return nil }
            guard let time = UTCDateTime.parse(raw) else {
                problems.append("ledger item \(id) stopped at \(stopped.extendedISO8601): \(name) is not a time; left out")
                return nil
            }
            return time
        }
        var ledgerItem = LedgerItem(instanceId: id, stoppedAt: stopped, stoppedBy: text("stopped_by") ?? "unknown")
        if let price = item["hourly_usd"] {
            if let hourly = price.amount {
                ledgerItem.hourlyUSD = hourly
            } else {
                problems.append("ledger item \(id) stopped at \(stopped.extendedISO8601): hourly_usd is not a price; its hours count, not dollars")
            }
        }
        ledgerItem.priceBasis = text("price_basis")
        ledgerItem.account = text("account")
        ledgerItem.region = text("region")
        ledgerItem.owner = text("owner")
        ledgerItem.name = text("name")
        ledgerItem.instanceType = text("instance_type")
        ledgerItem.alertedAt = time("alerted_at")
        ledgerItem.restartedAt = time("restarted_at")
        ledgerItem.endedAt = time("ended_at")
        return (ledgerItem, problems)
    }
}

extension LedgerItem {
    /// What ends a stop's saving: the instance ran again, or ended.
    public enum End: String, Sendable {
        case restarted = "restarted_at"
        case ended = "ended_at"
    }

    /// The item as the ledger table keeps it (design.md's attributes; absent facts are left out).
    public var attributes: DynamoDBItem {
        var item: DynamoDBItem = ["instance_id": .s(instanceId), "stopped_at": .s(stoppedAt.extendedISO8601), "stopped_by": .s(stoppedBy)]
        func put(_ name: String, _ value: String?) { if let value, !value.isEmpty { item[name] = .s(value) } }
        if let hourly = AttributeValue.amount(hourlyUSD) { item["hourly_usd"] = hourly }
        put("price_basis", priceBasis)
        put("account", account)
        put("region", region)
        put("owner", owner)
        put("name", name)
        put("instance_type", instanceType)
        put("alerted_at", alertedAt?.extendedISO8601)
        put("restarted_at", restartedAt?.extendedISO8601)
        put("ended_at", endedAt?.extendedISO8601)
        return item
    }
}
