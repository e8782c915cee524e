import FoundationEssentials
import Support

/// A digest posted with actions (Slack app mode) in which nothing can be acted on any more: every
/// instance it listed has stopped, ended, or started again since it was posted (its menu is about
/// the run the digest listed, and is refused for a later one). Left as it is, it keeps offering
/// actions that can only be refused; the checker closes it in place, and its records forget it.
public struct EndedDigest: Sendable, Equatable {
    public var channel: String
    public var ts: String
    /// The instances the table still ties to it, each with how it ended: `i-…: stopped`.
    public var instances: [(id: String, ending: String)]

    public static func == (lhs: EndedDigest, rhs: EndedDigest) -> Bool {
        lhs.channel == rhs.channel && lhs.ts == rhs.ts && lhs.instances.map(\.id) == rhs.instances.map(\.id)
            && lhs.instances.map(\.ending) == rhs.instances.map(\.ending)
    }

    /// Gathers, as the table is scanned, the digests its records name; `ended` tells which have
    /// nothing left to act on. Holds two strings per record that names a digest, nothing more.
    public struct Gathering: Sendable {
        private var digests: [String: (channel: String, actionable: [String], instances: [(id: String, ending: String)])] = [:]

        public init() {}

        /// - Parameter runningInEC2: EC2 lists it running though the table may say otherwise (a missed
        ///   event, repaired this run): it can still be acted on.
        public mutating func add(_ record: InstanceRecord, runningInEC2: Bool = false) {
            guard let ts = record.digestTs, let channel = record.digestChannel else { return }
            let ending = runningInEC2 && !record.saysRunning ? nil : EndedDigest.ending(of: record, postedAt: ts)
            var digest = digests[ts] ?? (channel, [], [])
            if let ending { digest.instances.append((record.instanceId, ending)) } else { digest.actionable.append(record.instanceId) }
            digests[ts] = digest
        }

        /// Digests whose every instance has ended (oldest first).
        public var ended: [EndedDigest] { ended(endingNow: [:]) }

        /// The same, with the instances this run has just learned ended (its repairs: instance →
        /// `stopped` or `terminated`), which the table did not yet say when it was scanned.
        public func ended(endingNow: [String: String]) -> [EndedDigest] {
            digests.compactMap { ts, digest in
                guard digest.actionable.allSatisfy({ endingNow[$0] != nil }) else { return nil }
                let instances = digest.instances + digest.actionable.map { (id: $0, ending: endingNow[$0] ?? "stopped") }
                return instances.isEmpty ? nil : EndedDigest(channel: digest.channel, ts: ts, instances: instances)
            }.sorted { $0.ts < $1.ts }
        }
    }

    /// How an instance in `state` (past running) ended, as a closed digest says it.
    public static func ending(_ state: InstanceState) -> String {
        StateTracking.terminalStates.contains(state) ? "terminated" : "stopped"
    }

    /// How the record's instance stopped being actionable in a digest posted at `postedAt` (Slack's
    /// `ts`, epoch seconds); nil while it still runs the run the digest listed.
    static func ending(of record: InstanceRecord, postedAt ts: String) -> String? {
        if !record.saysRunning { return ending(record.state.flatMap(InstanceState.init(rawValue:)) ?? .stopped) }
        guard let posted = Double(ts).map({ Int($0) }), let started = record.startedAt, started.epochSeconds > posted else { return nil }
        return "started again at \(started.extendedISO8601)"
    }
}
