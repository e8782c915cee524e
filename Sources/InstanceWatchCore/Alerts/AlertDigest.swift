import FoundationEssentials
import Support

/// One message for a run: the alerts of every overdue instance, idle ones first and then the
/// others, each longest-running first, with the figures the run's channels all show. Each channel
/// renders it in its own way.
public struct AlertDigest: Sendable, Equatable {
    /// Longest-running first.
    public var alerts: [Alert]
    /// `2 instances running too long`.
    public var title: String
    /// `2 instances running too long, longest i-… (web) for 7h`.
    public var headline: String
    /// At most 100 characters of printable ASCII.
    public var subject: String
    /// What the priced instances cost so far in all, when any is priced.
    public var totalCost: String?
    /// What the idle instances cost an hour, when any idle one is priced.
    public var idleCost: String?
    /// The function's own clock when the check began.
    public var checkedAt: UTCDateTime
    /// Whose instances these are, when the digest is one owner's; nil for the default destination's.
    public var owner: String?
    /// Overdue instances snoozed from Slack, listed apart: `i-… (web): snoozed until … by @alice`.
    public var snoozed: [String] = []

    /// - Parameter built: the instances' alerts where the caller has them already (each is built
    ///   once: at 600 instances, a second set costs about a megabyte).
    public static func uptime(_ overdue: [RunningInstance], now: UTCDateTime, owner: String? = nil, built: [Alert] = []) -> AlertDigest {
        let count = (overdue.count == 1 ? "1 instance" : "\(overdue.count) instances") + (owner.map { " of \($0)" } ?? "")
        // Idle first: they are what a reader can stop without asking anyone. The order is stable,
        // so each part stays longest-running first; the longest overall still heads the subject.
        let ordered = overdue.filter { $0.activity?.isIdle == true } + overdue.filter { $0.activity?.isIdle != true }
        let longest = overdue.max { $0.uptimeSeconds(at: now) < $1.uptimeSeconds(at: now) }
        let subject = longest.map { longest in
            UptimeWording.fit(prefix: "instance-watch: \(count) running too long, longest \(longest.id)", name: longest.name,
                              suffixes: [" \(UptimeWording.uptime(longest, now))", ""])
        } ?? "instance-watch: no instance running too long"
        let longestText = longest.map { ", longest \($0.id) (\($0.displayName)) for \(UptimeWording.uptime($0, now))" } ?? ""
        let given = Dictionary(built.indices.map { (built[$0].instanceId, $0) }) { first, _ in first }
        return AlertDigest(
            alerts: ordered.map { instance in given[instance.id].map { built[$0] } ?? Alert.uptime(instance, now: now) }, title: "\(count) running too long",
            headline: "\(count) running too long\(longestText)", subject: subject,
            totalCost: UptimeWording.totalCostText(overdue, now), idleCost: Self.idleCost(overdue), checkedAt: now, owner: owner
        )
    }

    /// `about $0.45 an hour for the 3 idle instances priced`, or nil.
    static func idleCost(_ overdue: [RunningInstance]) -> String? {
        let priced = overdue.filter { $0.activity?.isIdle == true }.compactMap(\.price)
        guard !priced.isEmpty else { return nil }
        let total = priced.reduce(0.0) { $0 + $1.hourlyUSD }
        return "about \(InstancePrice.dollars(total)) an hour for the \(priced.count == 1 ? "idle instance" : "\(priced.count) idle instances") priced"
    }

    /// The alerts by account, in the order each account first appears (so the account holding the
    /// longest-running instance comes first); the order within an account is kept. Each group reads
    /// the alerts where they are: a digest of 17,000 instances is not copied to be grouped.
    public static func byAccount<Alerts: RandomAccessCollection<Alert>>(_ alerts: Alerts)
        -> [(account: String?, alerts: LazyMapCollection<[Alerts.Index], Alert>)] {
        var groups: [(account: String?, positions: [Alerts.Index])] = []
        var index: [String?: Int] = [:]
        for position in alerts.indices {
            let account = alerts[position].account
            if let group = index[account] {
                groups[group].positions.append(position)
            } else {
                index[account] = groups.count
                groups.append((account, [position]))
            }
        }
        return groups.map { group in (group.account, group.positions.lazy.map { alerts[$0] }) }
    }
}
