import AWS
import Support

/// Which stops the ledger takes credit for, and from what (design.md, "Savings ledger"). Whoever
/// stops an instance on the product's behalf notes it on the instance's record before asking EC2
/// (`stop_credit`, `stop_credit_at`: an auto-stop, a Slack Stop now); a delivered alert notes when
/// it went out (`alerted_at`). Both note what the ledger item keeps (`facts`). The state change of
/// the stop then reads the record in the same conditional write that records the stop, and this
/// decides, on values alone, whether that stop is the product's to count.
public enum StopCredit {
    /// What a ledger item keeps of the instance, as its alert said it.
    public struct Facts: Sendable, Equatable {
        public var hourlyUSD: Double?
        public var priceBasis: String?
        public var owner: String?
        public var name: String?
        public var instanceType: String?

        public init(hourlyUSD: Double? = nil, priceBasis: String? = nil, owner: String? = nil, name: String? = nil, instanceType: String? = nil) {
            self.hourlyUSD = hourlyUSD
            self.priceBasis = priceBasis
            self.owner = owner
            self.name = name
            self.instanceType = instanceType
        }
    }

    /// `auto-stop`, and `slack:<user id>` for Stop now.
    public static let autoStop = "auto-stop"
    public static func slack(user: String) -> String { "slack:\(user)" }
    public static let afterAlert = "after-alert"

    /// How far a noted intent may be from the stop it explains: EC2 reports the stop within seconds
    /// of the call; an intent older than this is a call that never became a stop.
    public static let intentWindow = 3600
    /// Clocks differ a little between Lambda and EC2: an intent or alert noted this much after the
    /// stop's time still explains it.
    public static let clockSlack = 600

    /// `SET stop_credit = …, stop_credit_at = …` and the facts: noted before the stop is asked for.
    public static func intent(by: String, at time: UTCDateTime, facts: Facts) -> DynamoDBExpression {
        noted(["stop_credit = :by", "stop_credit_at = :at"], [":by": .s(by), ":at": .s(time.extendedISO8601)], facts)
    }

    /// `SET alerted_at = …` and the facts: noted once an alert about the instance went out.
    public static func alerted(at time: UTCDateTime, facts: Facts) -> DynamoDBExpression {
        noted(["alerted_at = :at"], [":at": .s(time.extendedISO8601)], facts)
    }

    private static func noted(_ assignments: [String], _ values: DynamoDBItem, _ facts: Facts) -> DynamoDBExpression {
        var assignments = assignments, values = values, names: [String: String] = [:]
        func set(_ attribute: String, _ value: AttributeValue?) {
            guard let value else { return }
            names["#\(attribute)"] = attribute
            assignments.append("#\(attribute) = :\(attribute)")
            values[":\(attribute)"] = value
        }
        set("hourly_usd", .amount(facts.hourlyUSD))
        set("price_basis", facts.priceBasis.map { .s($0) })
        set("owner", facts.owner.map { .s(String($0.prefix(256))) })
        set("name", facts.name.map { .s(String($0.prefix(256))) })
        set("instance_type", facts.instanceType.map { .s($0) })
        return DynamoDBExpression("SET " + assignments.joined(separator: ", "), names: names, values: values)
    }

    /// Who the stop at `stoppedAt` is credited to, from the record as the stop found it; nil when the
    /// product has no part in it. An intent noted just before it wins; else an alert that went out
    /// within `window` before it.
    public static func creditedTo(record: DynamoDBItem, stoppedAt: UTCDateTime, window: Int) -> (by: String, alertedAt: UTCDateTime?)? {
        let stop = stoppedAt.epochSeconds
        func time(_ name: String) -> Int? { record[name]?.stringValue.flatMap(UTCDateTime.parse)?.epochSeconds }
        if let by = record["stop_credit"]?.stringValue, !by.isEmpty, let at = time("stop_credit_at"),
           at <= stop + clockSlack, stop - at <= intentWindow {
            return (by, nil)
        }
        // An auto-stop whose intent could not be noted is still recorded as the stop (`markStopped`).
        if let at = time("auto_stopped_at"), at <= stop + clockSlack, stop - at <= intentWindow { return (autoStop, nil) }
        if let at = time("alerted_at"), at <= stop + clockSlack, stop - at <= window {
            return (afterAlert, UTCDateTime(epochSeconds: at))
        }
        return nil
    }

    /// The ledger item for the stop recorded at `stoppedAt`, from the record just after the stop
    /// was written; nil when the stop is not the product's, or when the record's first stop of this
    /// run is an earlier one (`stopping` then `stopped`: one stop, one item).
    public static func item(record: DynamoDBItem, instanceId: String, stoppedAt: UTCDateTime, window: Int) -> LedgerItem? {
        guard let first = record[ledgerStop]?.stringValue, first == stoppedAt.extendedISO8601 else { return nil }
        guard let credit = creditedTo(record: record, stoppedAt: stoppedAt, window: window) else { return nil }
        var item = LedgerItem(instanceId: instanceId, stoppedAt: stoppedAt, stoppedBy: credit.by)
        item.hourlyUSD = record["hourly_usd"]?.amount
        item.priceBasis = record["price_basis"]?.stringValue
        item.account = record["account"]?.stringValue
        item.region = record["region"]?.stringValue
        item.owner = record["owner"]?.stringValue
        item.name = record["name"]?.stringValue
        item.instanceType = record["instance_type"]?.stringValue
        item.alertedAt = credit.alertedAt
        return item
    }

    /// The stop a start or termination ends, from the record before it: the key of a ledger item
    /// that may be open; nil when the record holds no stop the product could have counted.
    public static func stopToClose(record: DynamoDBItem, window: Int) -> UTCDateTime? {
        guard let stop = record[ledgerStop]?.stringValue.flatMap(UTCDateTime.parse),
              creditedTo(record: record, stoppedAt: stop, window: window) != nil else { return nil }
        return stop
    }

    /// The record's first stop since its last start (`SET ledger_stop = if_not_exists(…)` with each
    /// stop, removed by the next start): the one stop a run of the instance can be credited with.
    public static let ledgerStop = "ledger_stop"
}

extension StopCredit.Facts {
    /// What the run knows of the instance: its price (when priced), owner, Name and type.
    public init(_ instance: RunningInstance) {
        self.init(hourlyUSD: instance.price?.hourlyUSD, priceBasis: instance.price?.source.rawValue, owner: instance.owner,
                  name: instance.name, instanceType: instance.type)
    }
}
