import Support

/// What stops saved in a period, by the contract's rule: a stop saves from `stopped_at` until the
/// earliest of its instance's next start, its termination, `stopped_at` + `SAVINGS_CAP`, and the
/// end of the period, its hourly price per hour. Compute only: the instance's volumes are still
/// billed. An item without a price counts its hours, not dollars. Pure: values in, figures out.
public struct Savings: Sendable, Equatable {
    public var dollars = 0.0
    /// Hours saved by stops with a price, and by stops without one.
    public var pricedHours = 0.0
    public var unpricedHours = 0.0
    /// Stops that saved anything in the period.
    public var stops = 0
    /// Items left out, and why (an instance that started again before it stopped).
    public var leftOut: [String] = []

    public init() {}

    /// The default `SAVINGS_CAP`: a stopped instance nobody restarts stops being a saving.
    public static let defaultCap = 30 * 86_400

    /// The seconds `item` saved within `[start, end)`, or nil when the item cannot be right (it
    /// ended, or started again, before it stopped).
    public static func savedSeconds(_ item: LedgerItem, from start: UTCDateTime, to end: UTCDateTime, cap: Int) -> Int? {
        let stop = item.stoppedAt.epochSeconds
        let closes = [item.restartedAt, item.endedAt].compactMap { $0?.epochSeconds }
        if let earliest = closes.min(), earliest < stop { return nil }
        let until = (closes + [stop + cap, end.epochSeconds]).min() ?? end.epochSeconds
        return max(0, until - max(stop, start.epochSeconds))
    }

    /// The savings of `items` within `[start, end)`.
    public static func of(_ items: [LedgerItem], from start: UTCDateTime, to end: UTCDateTime, cap: Int = defaultCap) -> Savings {
        var savings = Savings()
        for item in items {
            guard let seconds = savedSeconds(item, from: start, to: end, cap: cap) else {
                savings.leftOut.append("ledger item \(item.instanceId) stopped at \(item.stoppedAt.extendedISO8601): it started again or ended before it stopped; left out")
                continue
            }
            guard seconds > 0 else { continue }
            let hours = Double(seconds) / 3600
            savings.stops += 1
            if let hourly = item.hourlyUSD {
                savings.pricedHours += hours
                savings.dollars += hours * hourly
            } else {
                savings.unpricedHours += hours
            }
        }
        return savings
    }
}
