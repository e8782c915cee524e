import Lambda
import AWS
import CurlHTTP
import Support
/// What EC2 says, for the check: the running instances of this region, and the current state of
/// every instance the table calls running that is not among them.
public struct EC2View: Sendable, Equatable {
    public var running: [String: EC2Instance]
    /// By id; an id absent here is unknown to EC2 (terminated long enough ago to be forgotten).
    /// nil when that look-up failed: those records are then taken as the table has them.
    public var others: [String: EC2Instance]?

    public init(running: [EC2Instance], others: [EC2Instance]?) {
        self.running = Dictionary(running.map { ($0.id, $0) }) { first, _ in first }
        self.others = others.map { Dictionary($0.map { ($0.id, $0) }) { first, _ in first } }
    }
}

/// The UptimeChecker's decisions for one tick, made from values only: which records to repair so
/// the table matches EC2, which instances are running, and which of them are overdue.
public struct UptimeCheckPlan: Sendable, Equatable {
    /// A state change the table missed, written like any event (same conditional update), so a
    /// repair can never move a record backwards past a newer real event.
    public struct Repair: Sendable, Equatable {
        public var change: EC2Event.StateChange
        public var reason: String
        /// The record repaired, as the table held it. Kept in an array of none or one: a record is a
        /// few hundred bytes inline, and a first run in a new organisation makes 17,000 repairs of
        /// instances that have none.
        private var held: [InstanceRecord]
        public var record: InstanceRecord? { held.first }

        public init(change: EC2Event.StateChange, reason: String, record: InstanceRecord?) {
            self.change = change
            self.reason = reason
            self.held = record.map { [$0] } ?? []
        }
    }

    public var repairs: [Repair] = []
    public var running: [RunningInstance] = []
    /// Longest-running first.
    public var overdue: [RunningInstance] = []
    /// Stops an earlier run made but could not announce: announced this run.
    public var unannouncedStops: [RunningInstance] = []
    /// Things a person should know (a bad tag value, an unreadable start time), per instance.
    public var problems: [String] = []

    /// The records worth keeping from a scan: those the table calls running, and those EC2 reports
    /// running (the table may have missed their start). Everything else is stopped on both sides.
    public static func isRelevant(_ record: InstanceRecord, runningInEC2: Set<String>) -> Bool {
        record.saysRunning || runningInEC2.contains(record.instanceId) || record.stopAnnouncementDue != nil
    }

    /// Instances the table calls running in this region that EC2 did not list as running: their
    /// current state must be asked for before the table is corrected.
    public static func idsToLookUp(records: [InstanceRecord], runningInEC2: Set<String>, region: String) -> [String] {
        records.filter { $0.saysRunning && !runningInEC2.contains($0.instanceId) && ($0.region ?? region) == region }
            .map(\.instanceId).sorted()
    }

    /// The decisions for one (account, region) pair.
    /// - Parameters:
    ///   - records: the pair's relevant records.
    ///   - ec2: what the pair's EC2 says; nil when it could not be asked (the table alone is used, tags unknown).
    ///   - now: the function's own clock at the start of the run.
    ///   - rules: the policies and the function's variables: each instance's limit, and whether it
    ///     is to be stopped (an instance past its stop-after is overdue too, whatever its limit: its
    ///     alert announces the stop).
    ///   - region: the pair's region.
    ///   - account: the pair's account, for records the check adds.
    public static func make(records: [InstanceRecord], ec2: EC2View?, now: UTCDateTime, rules: PolicyBook,
                            region: String, account: String?) -> UptimeCheckPlan {
        var pair = PairPlanning(now: now, rules: rules, region: region, account: account)
        pair.owedAnnouncements(records)
        if let ec2 {
            let recordsById = Dictionary(records.map { ($0.instanceId, $0) }) { first, _ in first }
            for instance in ec2.running.values.sorted(by: { $0.id < $1.id }) {
                pair.judgeRunning(instance, record: recordsById[instance.id])
            }
            for record in records.sorted(by: { $0.instanceId < $1.instanceId }) where record.saysRunning && ec2.running[record.instanceId] == nil {
                pair.judgeNotListed(record, others: ec2.others)
            }
        } else {
            records.filter(\.saysRunning).sorted { $0.instanceId < $1.instanceId }.forEach { pair.fromTableOnly($0) }
        }
        pair.plan.overdue = overdue(pair.plan.running, now: now)
        return pair.plan
    }

    /// With the function's variables alone: `UPTIME_THRESHOLD` in seconds, and whether `AUTO_STOP` is on.
    public static func make(records: [InstanceRecord], ec2: EC2View?, now: UTCDateTime, threshold: Int,
                            region: String, account: String?, autoStop: Bool = false) -> UptimeCheckPlan {
        make(records: records, ec2: ec2, now: now, rules: .variables(threshold: threshold, autoStop: autoStop), region: region, account: account)
    }

    /// One pair's decisions in progress, a rule per function.
    private struct PairPlanning {
        let now: UTCDateTime
        let rules: PolicyBook
        let region: String
        let account: String?
        var plan = UptimeCheckPlan()

        init(now: UTCDateTime, rules: PolicyBook, region: String, account: String?) {
            self.now = now
            self.rules = rules
            self.region = region
            self.account = account
        }

        /// The settings of an instance of this account; its tags nil when EC2 did not describe it.
        mutating func policy(_ id: String, account: String?, tags: [String: String]?) -> InstancePolicy {
            let (policy, problems) = rules.resolve(account: account, tags: tags)
            plan.problems += problems.map { "\(id): \($0)" }
            return policy
        }

        /// Stops an earlier run made and could not announce.
        mutating func owedAnnouncements(_ records: [InstanceRecord]) {
            for record in records.sorted(by: { $0.instanceId < $1.instanceId }) {
                guard let due = record.stopAnnouncementDue, let stoppedAt = UTCDateTime.parse(due), let since = record.startedAt else { continue }
                var stopped = RunningInstance(id: record.instanceId, region: record.region ?? region, account: record.account ?? account,
                                              since: since, limit: .threshold(seconds: FunctionConfiguration.defaultUptimeThreshold), describedByEC2: false)
                stopped.policy = rules.resolve(account: stopped.account, tags: nil).policy
                stopped.stoppedAt = stoppedAt
                stopped.stop = .stopped(after: record.autoStopAfter ?? 0)
                // Where an earlier attempt of this tick announced it already (a retry sends the rest).
                stopped.alertTick = record.alertTick
                stopped.alertDelivered = record.alertDelivered
                plan.unannouncedStops.append(stopped)
            }
        }

        /// An instance EC2 lists as running, against what the table holds of it.
        mutating func judgeRunning(_ instance: EC2Instance, record: InstanceRecord?) {
            guard let launch = instance.launchTime.flatMap(UTCDateTime.parse) else {
                if let record, record.saysRunning { fromTableOnly(record) }
                plan.problems.append("\(instance.id): EC2 gives no readable LaunchTime")
                return
            }
            switch record {
            case nil:
                repair(instance.id, .running, at: launch, nil, "running since \(launch.extendedISO8601) but missing from the table")
                fromEC2(instance, since: launch, nil)
            case let record? where record.saysRunning:
                if let recorded = record.startedAt, recorded >= launch {
                    fromEC2(instance, since: recorded, record)
                } else {
                    repair(instance.id, .running, at: launch, record,
                           "started again at \(launch.extendedISO8601); the table said running since \(record.startTime ?? "an unknown time")")
                    fromEC2(instance, since: launch, record)
                }
            case let record?:
                if let state = record.state.flatMap(InstanceState.init(rawValue:)), state >= .shuttingDown {
                    plan.problems.append("\(instance.id): EC2 reports it running, the table says \(state.rawValue); the table is left as it is")
                    fromEC2(instance, since: launch, record)
                } else if record.lastChange.map({ launch > $0 }) ?? true {
                    repair(instance.id, .running, at: launch, record,
                           "started at \(launch.extendedISO8601), after the table's last record (\(record.state ?? "stopped")); its running event never arrived")
                    fromEC2(instance, since: launch, record)
                }
                // Otherwise the table's stop is newer than the launch: the instance is stopping now.
            }
        }

        /// A record that says running, for an instance EC2 did not list as running.
        mutating func judgeNotListed(_ record: InstanceRecord, others: [String: EC2Instance]?) {
            guard (record.region ?? region) == region, let others else {
                fromTableOnly(record) // another region's instance, or its state could not be asked
                return
            }
            guard let current = others[record.instanceId] else {
                repair(record.instanceId, .terminated, at: now, record, "EC2 no longer knows the instance")
                return
            }
            switch InstanceState(rawValue: current.state) {
            case .running?:
                // Listed between the two calls: it is running; the table's start or the launch, whichever is later.
                let launch = current.launchTime.flatMap(UTCDateTime.parse)
                let since = [record.startedAt, launch].compactMap { $0 }.max()
                if let since { fromEC2(current, since: since, record) } else { fromTableOnly(record) }
            case let state? where state > .running:
                repair(record.instanceId, state, at: now, record, "EC2 reports it \(state.rawValue)")
            default:
                break // pending: starting again; its running event will be recorded
            }
        }

        /// A state change the table missed, written like any event; never dated after the clock (a
        /// LaunchTime ahead of it, from a skewed clock, would make real events look stale).
        mutating func repair(_ id: String, _ state: InstanceState, at time: UTCDateTime, _ record: InstanceRecord?, _ reason: String) {
            let change = EC2Event.StateChange(instanceId: id, state: state, time: min(time, now), account: record?.account ?? account ?? "",
                                              region: record?.region ?? region)
            plan.repairs.append(Repair(change: change, reason: reason, record: record))
        }

        /// Running as the table says, with the threshold for a limit (its tags are unknown).
        mutating func fromTableOnly(_ record: InstanceRecord) {
            guard let since = record.startedAt else {
                plan.problems.append("\(record.instanceId): start_time \"\(record.startTime ?? "")\" is missing or unreadable, so its uptime is unknown")
                return
            }
            var running = RunningInstance(
                id: record.instanceId, region: record.region ?? region, account: record.account ?? account, since: since,
                limit: .threshold(seconds: FunctionConfiguration.defaultUptimeThreshold), lastNotifiedAt: record.lastNotifiedAt, describedByEC2: false
            )
            // Its tags are unknown: its account's, OUs' and the default settings apply, and it is never stopped.
            running.policy = policy(record.instanceId, account: running.account, tags: nil)
            running.policy.stopAfter = nil
            running.remember(record)
            plan.running.append(running)
        }

        /// Running as EC2 describes it: its Name, type, tags (limit, stop-after, manager) and launch.
        mutating func fromEC2(_ instance: EC2Instance, since: UTCDateTime, _ record: InstanceRecord?) {
            var running = RunningInstance(
                id: instance.id, name: instance.name, type: instance.type, region: region, account: record?.account ?? account,
                since: since, limit: .threshold(seconds: FunctionConfiguration.defaultUptimeThreshold), lastNotifiedAt: record?.lastNotifiedAt
            )
            running.policy = policy(instance.id, account: running.account, tags: instance.tags)
            running.zone = instance.availabilityZone
            running.isSpot = instance.isSpot
            running.manager = ManagedInstances.manager(tags: instance.tags)
            running.tags = instance.tags
            if let record { running.remember(record) }
            running.launchTime = instance.launchTime
            if running.policy.autoStop != .off {
                running.stopRefused = record?.stopRefusedAt != nil
            }
            plan.running.append(running)
        }
    }

    /// The decisions for a whole fleet: each pair judged with its own EC2 view, then one overdue
    /// list across all of them, longest-running first. When the table could not be read, EC2's
    /// running instances are judged by their LaunchTime and nothing is repaired: the table's side
    /// is unknown, so a repair would be a guess.
    ///
    /// The snapshot's pairs are taken from it as they are judged: each pair's records and EC2 view
    /// are let go once its decisions are made, and each pair's decisions once merged, so a run over
    /// 17,000 pairs never holds the snapshot, every pair's plan and the whole plan at once.
    public static func make(snapshot: inout FleetSnapshot, now: UTCDateTime, rules: PolicyBook, homeRegion: String) -> UptimeCheckPlan {
        var plan = UptimeCheckPlan()
        func merge(_ part: UptimeCheckPlan) {
            if snapshot.tableRead { plan.repairs += part.repairs }
            plan.running += part.running
            plan.unannouncedStops += part.unannouncedStops
            plan.problems += part.problems
        }
        var parts = snapshot.parts
        snapshot.parts = []
        // Room for every pair's running instances at once: grown by doubling, the list would keep
        // up to twice what it holds (repairs are fewer but in a first run, and a tenth the size).
        plan.running.reserveCapacity(parts.reduce(0) { $0 + ($1.view?.running.count ?? 0) + $1.records.count })
        parts.reverse()
        while let part = parts.popLast() {
            merge(make(records: part.records, ec2: part.view, now: now, rules: rules, region: part.pair.region, account: part.pair.account))
        }
        if !snapshot.unplaced.isEmpty {
            merge(make(records: snapshot.unplaced, ec2: nil, now: now, rules: rules, region: homeRegion, account: snapshot.ownAccount))
        }
        plan.overdue = overdue(plan.running, now: now)
        return plan
    }

    static func overdue(_ running: [RunningInstance], now: UTCDateTime) -> [RunningInstance] {
        running.filter { UptimePolicy.isOverdue(runningSince: $0.since, now: now, limit: $0.limit) || $0.isDueToStop(at: now) }
            .sorted { ($0.uptimeSeconds(at: now), $1.id) > ($1.uptimeSeconds(at: now), $0.id) }
    }
}
