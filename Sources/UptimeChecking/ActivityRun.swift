import FoundationEssentials
import InstanceWatchCore
import Logging
import AWS
import Support

/// The activity evidence of one run: for each instance that is overdue or due to stop, and only
/// those, `AWS/EC2` `CPUUtilization` (Maximum) and `NetworkIn` + `NetworkOut` (Sum), hourly, over its
/// uptime capped at `IDLE_LOOKBACK` (at least an hour), asked of CloudWatch in each instance's own
/// account and region, batched (at most 500 queries and 100,800 datapoints a call). A run gives it
/// a share of its deadline; a failure costs the alerts only their activity line.
struct ActivityRun {
    /// At most this long for all of a run's activity queries, unless it has many pairs to ask: an
    /// organisation with thousands of overdue instances makes a call per pair (measured at AWS's
    /// latencies: 4,004 pairs in 6.5 s, 17,017 in 27 s at the default pool), and a fixed few seconds
    /// would leave most of its alerts without their evidence. Then it has `perCall` for each round
    /// of the pool (five times the 50 ms measured), within `runShare` of the time left. A
    /// CloudWatch that stalls costs the run no more than that.
    static let runBudget: TimeInterval = 8
    static let perCall: TimeInterval = 0.25
    static let runShare = 0.3

    /// The time the run's activity queries may take, for `pairs` pairs.
    func budget(pairs: Int) -> TimeInterval {
        let rounds = (Double(pairs) / Double(max(1, configuration.checkConcurrency))).rounded(.up)
        let wanted = max(Self.runBudget, rounds * Self.perCall)
        return min(wanted, max(Self.runBudget, deadline.timeIntervalSinceNow * Self.runShare))
    }

    let configuration: FunctionConfiguration
    let fleet: any FleetInventory
    let ownAccount: String?
    let now: UTCDateTime
    let deadline: Date
    let logger: Logger

    struct Outcome {
        var activity: [String: Activity] = [:]
        var problems: [String] = []
        /// GetMetricData calls made (CloudWatch bills the metrics asked for).
        var calls = 0
    }

    func run(_ instances: [RunningInstance]) -> Outcome {
        var outcome = Outcome()
        guard !instances.isEmpty else { return outcome }
        let end = UTCDateTime(epochSeconds: now.epochSeconds / 60 * 60)
        let own = ownAccount ?? ""
        let byPair = Dictionary(grouping: instances.map { ($0, windowHours($0)) }) { AccountRegion(account: $0.0.account ?? own, region: $0.0.region) }
        let pairs = byPair.keys.sorted()
        let deadline = min(self.deadline, Date().addingTimeInterval(budget(pairs: pairs.count)))
        let configuration = self.configuration
        // Several pairs at once, as EC2 is read: an organisation's pairs each make their own call.
        let parts = fleet.forEachPairMetrics(pairs, ownAccount: own, deadline: deadline) { pair, access in
            Self.evidence(for: byPair[pair] ?? [], in: pair, access: access, end: end, configuration: configuration, deadline: deadline)
        }
        for (pair, part) in zip(pairs, parts) {
            outcome.activity.merge(part.activity) { _, new in new }
            outcome.calls += part.calls
            if let failure = part.failure {
                outcome.problems.append("\(pair): activity left out of this run's alerts: \(failure)")
                logger.warning("activity left out of this run's alerts for \(pair): \(failure)")
            }
        }
        return outcome
    }

    /// One pair's evidence: its batches of queries, each instance judged on its own window.
    struct PairEvidence: Sendable {
        var activity: [String: Activity] = [:]
        var calls = 0
        var failure: String?
    }

    static func evidence(for instances: [(RunningInstance, Int)], in pair: AccountRegion, access: Result<any MetricReading, MemberAccessError>,
                         end: UTCDateTime, configuration: FunctionConfiguration, deadline: Date) -> PairEvidence {
        var part = PairEvidence()
        do {
            guard AccountRegion.isAccountId(pair.account) else { throw ActivityError.unknownAccount }
            let metrics = try access.get()
            for batch in batches(instances.map { (instance: $0.0, hours: $0.1) }) {
                let hours = batch.map(\.hours).max() ?? 1
                part.calls += 1
                let series = try metrics.metricData(queries(batch.map(\.instance)), start: UTCDateTime(epochSeconds: end.epochSeconds - hours * 3600),
                                                    end: end, deadline: deadline)
                for (index, entry) in batch.enumerated() {
                    let since = end.epochSeconds - entry.hours * 3600
                    func values(_ prefix: String) -> [Double] {
                        guard let found = series["\(prefix)\(index)"] else { return [] }
                        return zip(found.timestamps, found.values).filter { $0.0.epochSeconds >= since }.map(\.1)
                    }
                    part.activity[entry.instance.id] = ActivityRule.judge(
                        cpuMaxima: values("c"), networkBytes: values("i") + values("o"), windowHours: entry.hours,
                        cpuPercent: configuration.idleCPUPercent, networkMBPerDay: configuration.idleNetworkMBPerDay
                    )
                }
            }
        } catch {
            let reason = "CloudWatch did not answer (\(shortReason(error)))"
            for (instance, _) in instances where part.activity[instance.id] == nil { part.activity[instance.id] = .unknown(reason: reason) }
            part.failure = "\(error)"
        }
        return part
    }

    /// The whole hours the instance has run, capped at the look-back, at least one: the hours it
    /// ran throughout (a part-hour at its start would dilute the daily network average).
    func windowHours(_ instance: RunningInstance) -> Int {
        let hours = instance.uptimeSeconds(at: now) / 3600
        return min(max(1, hours), max(1, configuration.idleLookback / 3600))
    }

    /// Instances in calls of at most 500 queries (three each) and 100,800 datapoints.
    static func batches(_ instances: [(instance: RunningInstance, hours: Int)]) -> [[(instance: RunningInstance, hours: Int)]] {
        var batches: [[(instance: RunningInstance, hours: Int)]] = []
        var current: [(instance: RunningInstance, hours: Int)] = []
        for entry in instances {
            let hours = max(entry.hours, current.map(\.hours).max() ?? 0)
            if !current.isEmpty && ((current.count + 1) * 3 > CloudWatchClient.maximumQueries || (current.count + 1) * 3 * hours > CloudWatchClient.maximumDatapoints) {
                batches.append(current)
                current = []
            }
            current.append(entry)
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// Three hourly series an instance: `c<n>` CPU maximum, `i<n>` and `o<n>` network in and out sums.
    static func queries(_ instances: [RunningInstance]) -> [MetricQuery] {
        instances.enumerated().flatMap { index, instance in
            let dimensions = [(name: "InstanceId", value: instance.id)]
            return [
                MetricQuery(id: "c\(index)", namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: dimensions, statistic: "Maximum", periodSeconds: 3600),
                MetricQuery(id: "i\(index)", namespace: "AWS/EC2", metricName: "NetworkIn", dimensions: dimensions, statistic: "Sum", periodSeconds: 3600),
                MetricQuery(id: "o\(index)", namespace: "AWS/EC2", metricName: "NetworkOut", dimensions: dimensions, statistic: "Sum", periodSeconds: 3600),
            ]
        }
    }

    static func shortReason(_ error: any Error) -> String {
        switch error {
        case let error as MemberAccessError: return error.shortReason
        case AWSClientError.service(let service, _): return service.code
        case AWSClientError.deadlineExceeded: return "timed out"
        case AWSClientError.transport(_, _, let http, _): return http.description
        default: return "\(error)"
        }
    }

    enum ActivityError: Error, CustomStringConvertible {
        case unknownAccount
        var description: String { "the instance's account is unknown" }
    }
}
