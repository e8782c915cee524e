import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// What the table and EC2 say at one tick, pair by pair: each (account, region) with its records
/// and EC2's view of it (nil where EC2 could not be asked: those records are judged from the table
/// alone). Read in four steps, so that memory holds only the records that matter, never the table:
///
/// 1. EC2's running instances in the pairs known beforehand (own and watched), several at once;
/// 2. the table, page by page, keeping the records that say running or that EC2 reports running,
///    and noting every pair a record names;
/// 3. in every pair that needs it, several at once: the running instances of pairs only the table
///    named, and the current state of records that say running but were not listed;
/// 4. the records of instances running in those newly named pairs, read by key (BatchGetItem).
public struct FleetSnapshot: Sendable {
    public struct Part: Sendable {
        public var pair: AccountRegion
        public var records: [InstanceRecord]
        public var view: EC2View?
    }

    public var parts: [Part] = []
    /// Records whose account or region cannot be read: judged from the table alone.
    public var unplaced: [InstanceRecord] = []
    /// Alerts posted with buttons (Slack app mode) whose instance no longer runs: to be closed.
    public var endedAlerts: [EndedAlert] = []
    /// Digests posted with actions (Slack app mode) and what became of their instances: those in
    /// which nothing can be acted on are closed (`EndedDigest.Gathering.ended(endingNow:)`).
    public var digests = EndedDigest.Gathering()
    /// Items in the table, every page.
    public var scanned = 0
    /// Pairs whose EC2 answered.
    public var checked: [AccountRegion] = []
    /// Pairs that could not be reconciled, and why; things a person should look at.
    public var problems: [String] = []
    /// The function's own account, when known.
    public var ownAccount: String?
    /// False when the table could not be read to the end: what EC2 says is then all there is.
    public var tableRead = true
    /// Why the table could not be read (a failure of the run, after its alerts).
    public var tableFailure: String?
    /// Stops earlier attempts of this run's tick claimed (`RunAttempt`): they count against the cap.
    public var stopsClaimedThisTick = 0

    /// What one pair's EC2 said, or why it could not say.
    struct Look: Sendable {
        var running: Result<[EC2Instance], PairFailure>
        /// nil when there was nothing to look up.
        var others: Result<[EC2Instance], PairFailure>?
    }

    struct PairFailure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// - Parameters:
    ///   - ownAccountHint: the function's own account from its ARN, when Lambda gave one (never from an event).
    ///   - deadline: the end of the read phase, which leaves the rest of the run for stops and alerts.
    ///   - attempt: the run's tick, to count the stops its earlier attempts claimed.
    public static func read(table: any UptimeTable, fleet: any FleetInventory, configuration: FunctionConfiguration,
                            homeRegion: String, ownAccountHint: String?, attempt: RunAttempt? = nil, deadline: Date) -> FleetSnapshot {
        var reading = Reading(table: table, fleet: fleet, homeRegion: homeRegion, deadline: deadline)
        reading.attempt = attempt
        do {
            reading.own = try fleet.ownAccount(hint: ownAccountHint, deadline: deadline)
        } catch {
            // Without knowing whose instances are whose, no pair can be reconciled safely.
            reading.snapshot.problems.append("could not learn this function's own account (STS GetCallerIdentity failed: \(error)): every record is judged from the table alone")
            reading.scanUnplaced()
            return reading.snapshot
        }
        reading.snapshot.ownAccount = reading.own
        let known = WatchedPairs.known(ownAccount: reading.own, homeRegion: homeRegion,
                                       watchedAccounts: configuration.watchedAccounts, watchedRegions: configuration.watchedRegions)
        reading.listRunning(in: known)
        let tablePairs = reading.scanTable()
        // One set of the known pairs, not one per pair: at 17,000 pairs that was 290 million insertions.
        let knownPairs = Set(known)
        let allPairs = known + tablePairs.subtracting(knownPairs).sorted()
        reading.lookUp(allPairs)
        reading.readUnrecorded(in: allPairs.filter { !knownPairs.contains($0) })
        reading.assemble(allPairs)
        return reading.snapshot
    }

    /// One read in progress: the four steps, each its own function, sharing what the earlier ones found.
    private struct Reading {
        let table: any UptimeTable
        let fleet: any FleetInventory
        let homeRegion: String
        let deadline: Date
        var own = ""
        var snapshot = FleetSnapshot()
        /// What each pair's EC2 lists as running, or why it could not.
        var running: [AccountRegion: Result<[EC2Instance], PairFailure>] = [:]
        /// The current state of records that say running but were not listed, by pair.
        var others: [AccountRegion: Result<[EC2Instance], PairFailure>] = [:]
        /// The records that matter, by pair.
        var byPair: [AccountRegion: [InstanceRecord]] = [:]
        var keptIds = Set<String>()
        var attempt: RunAttempt?

        init(table: any UptimeTable, fleet: any FleetInventory, homeRegion: String, deadline: Date) {
            self.table = table
            self.fleet = fleet
            self.homeRegion = homeRegion
            self.deadline = deadline
        }

        /// Without an own account: the records that say running (or owe an announcement), unplaced.
        mutating func scanUnplaced() {
            var snapshot = self.snapshot
            let attempt = self.attempt
            var digests = EndedDigest.Gathering()
            do {
                try table.scanRecords(deadline: deadline) { page, items in
                    snapshot.scanned += items
                    snapshot.unplaced += page.filter { $0.saysRunning || $0.stopAnnouncementDue != nil }
                    snapshot.endedAlerts += page.compactMap(EndedAlert.of)
                    for record in page { digests.add(record) }
                    snapshot.stopsClaimedThisTick += page.filter { attempt?.claimedStop($0) == true }.count
                }
            } catch {
                snapshot.unplaced = []
                snapshot.endedAlerts = []
                digests = EndedDigest.Gathering()
                snapshot.tableUnreadable(error)
            }
            snapshot.digests = digests
            self.snapshot = snapshot
        }

        /// 1. EC2 first in the pairs known beforehand: which instances run there says which records matter.
        mutating func listRunning(in known: [AccountRegion]) {
            let deadline = self.deadline
            let looks = fleet.forEachPair(known, ownAccount: own, deadline: deadline) { _, access in
                Result { () throws(PairFailure) -> [EC2Instance] in try FleetSnapshot.running(access, deadline: deadline) }
            }
            running = Dictionary(uniqueKeysWithValues: zip(known, looks))
        }

        /// 2. The table: the records that matter, by pair; returns every pair the table names. Part of
        ///    a table is worse than none (the unread part would look missing): then EC2 alone.
        mutating func scanTable() -> Set<AccountRegion> {
            let runningIds = Set(running.values.flatMap { (try? $0.get())?.map(\.id) ?? [] })
            let own = self.own, homeRegion = self.homeRegion
            var tablePairs = Set<AccountRegion>()
            var kept: [InstanceRecord] = []
            var endedAlerts: [EndedAlert] = []
            var digests = EndedDigest.Gathering()
            var scanned = 0
            var stopsClaimed = 0
            let attempt = self.attempt
            do {
                try table.scanRecords(deadline: deadline) { page, items in
                    scanned += items
                    for record in page {
                        if attempt?.claimedStop(record) == true { stopsClaimed += 1 }
                        if let pair = WatchedPairs.pair(of: record, ownAccount: own, homeRegion: homeRegion) { tablePairs.insert(pair) }
                        if UptimeCheckPlan.isRelevant(record, runningInEC2: runningIds) { kept.append(record) }
                        if !runningIds.contains(record.instanceId), let ended = EndedAlert.of(record) { endedAlerts.append(ended) }
                        digests.add(record, runningInEC2: runningIds.contains(record.instanceId))
                    }
                }
            } catch {
                kept = []
                tablePairs = []
                endedAlerts = []
                digests = EndedDigest.Gathering()
                snapshot.tableUnreadable(error)
            }
            snapshot.scanned += scanned
            snapshot.endedAlerts = endedAlerts
            snapshot.digests = digests
            snapshot.stopsClaimedThisTick = stopsClaimed
            for record in kept {
                guard let pair = WatchedPairs.pair(of: record, ownAccount: own, homeRegion: homeRegion) else {
                    snapshot.unplaced.append(record)
                    snapshot.problems.append("\(record.instanceId): its account \"\((record.account ?? "").prefix(20))\" or region \"\((record.region ?? "").prefix(20))\" is not one; judged from the table alone")
                    continue
                }
                byPair[pair, default: []].append(record)
            }
            keptIds = Set(kept.map(\.instanceId))
            return tablePairs
        }

        /// 3. Pairs only the table named need their running instances; any pair may have records that
        ///    say running but were not listed running, whose current state is asked for by id.
        mutating func lookUp(_ allPairs: [AccountRegion]) {
            let deadline = self.deadline
            let recordsByPair = byPair
            let firstRunning = running
            let needingWork = allPairs.filter { pair in
                guard let first = firstRunning[pair] else { return true }
                guard case .success(let instances) = first else { return false }
                return !FleetSnapshot.staleIds(recordsByPair[pair] ?? [], running: instances, region: pair.region).isEmpty
            }
            let looks = fleet.forEachPair(needingWork, ownAccount: own, deadline: deadline) { pair, access in
                let listed = firstRunning[pair] ?? Result { () throws(PairFailure) -> [EC2Instance] in try FleetSnapshot.running(access, deadline: deadline) }
                guard case .success(let instances) = listed else { return Look(running: listed, others: nil) }
                let ids = FleetSnapshot.staleIds(recordsByPair[pair] ?? [], running: instances, region: pair.region)
                guard !ids.isEmpty else { return Look(running: listed, others: nil) }
                let others = Result { () throws(PairFailure) -> [EC2Instance] in
                    do {
                        return try access.get().instances(ids: ids, deadline: deadline)
                    } catch {
                        throw PairFailure(description: "\(error)")
                    }
                }
                return Look(running: listed, others: others)
            }
            for (pair, look) in zip(needingWork, looks) {
                running[pair] = look.running
                if let found = look.others { others[pair] = found }
            }
        }

        /// 4. An instance running in a pair only the table named may have a record that does not say
        ///    running (a missed start): read those few records by key.
        mutating func readUnrecorded(in newPairs: [AccountRegion]) {
            let keptIds = self.keptIds
            let unrecorded = newPairs.flatMap { (try? running[$0]?.get())?.map(\.id) ?? [] }.filter { !keptIds.contains($0) }
            guard !unrecorded.isEmpty && snapshot.tableRead else { return }
            do {
                for record in try table.records(ids: unrecorded, deadline: deadline) {
                    guard let pair = WatchedPairs.pair(of: record, ownAccount: own, homeRegion: homeRegion) else { continue }
                    byPair[pair, default: []].append(record)
                }
            } catch {
                snapshot.problems.append("reading the records of \(unrecorded.count) instance(s) running in newly seen accounts or regions failed (\(error)): they are taken as missing from the table")
            }
        }

        /// Each pair's records with its EC2 view, or nil (and why) where EC2 could not say.
        mutating func assemble(_ allPairs: [AccountRegion]) {
            for pair in allPairs {
                let records = byPair[pair] ?? []
                switch running[pair] {
                case .success(let instances)?:
                    snapshot.checked.append(pair)
                    var view = EC2View(running: instances, others: [])
                    switch others[pair] {
                    case .failure(let failure)?:
                        view.others = nil
                        snapshot.problems.append("\(pair): EC2 DescribeInstances of \(FleetSnapshot.staleIds(records, running: instances, region: pair.region).count) stale-looking record(s) failed (\(failure)): they are taken as the table has them")
                    case .success(let found)?:
                        view = EC2View(running: instances, others: found)
                    case nil:
                        break
                    }
                    snapshot.parts.append(Part(pair: pair, records: records, view: view))
                case .failure(let failure)?:
                    snapshot.problems.append("\(pair): \(failure): Name tags, tag overrides and repairs are skipped there this run; its records are judged from the table alone")
                    snapshot.parts.append(Part(pair: pair, records: records, view: nil))
                case nil:
                    snapshot.parts.append(Part(pair: pair, records: records, view: nil))
                }
            }
        }
    }

    mutating func tableUnreadable(_ error: any Error) {
        tableRead = false
        tableFailure = "reading the table failed (\(error))"
        problems.append("the table could not be read (\(error)): this run alerts from what EC2 says alone (uptime from LaunchTime, "
            + "no repairs, NOTIFY_INTERVAL not applied)")
    }

    static func running(_ access: Result<any InstanceInventory, MemberAccessError>, deadline: Date) throws(PairFailure) -> [EC2Instance] {
        do {
            return try access.get().runningInstances(deadline: deadline)
        } catch let error as MemberAccessError {
            throw PairFailure(description: "\(error)")
        } catch {
            throw PairFailure(description: "EC2 DescribeInstances failed (\(error))")
        }
    }

    static func staleIds(_ records: [InstanceRecord], running: [EC2Instance], region: String) -> [String] {
        UptimeCheckPlan.idsToLookUp(records: records, runningInEC2: Set(running.map(\.id)), region: region)
    }
}
