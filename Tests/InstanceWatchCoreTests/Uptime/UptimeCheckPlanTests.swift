import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The check's decisions on values: reconciliation with EC2 and the overdue rule, no network.
@Suite("UptimeCheckPlan")
struct UptimeCheckPlanTests {
    static let launch = UTCDateTime(year: 2026, month: 11, day: 21, hour: 8)
    static let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)
    static let sixHours = 6 * 3600
    let region = "eu-west-1"

    func running(_ id: String, launched: UTCDateTime = launch, tags: [String: String] = [:]) -> EC2Instance {
        EC2Instance(id: id, state: "running", type: "t3.micro", launchTime: launched.extendedISO8601, tags: tags)
    }

    func record(_ id: String, since: UTCDateTime = launch, stop: UTCDateTime? = nil, state: String? = "running") -> InstanceRecord {
        InstanceRecord(instanceId: id, startTime: since.extendedISO8601, stopTime: stop?.extendedISO8601, state: state,
                       lastEventTime: (stop ?? since).extendedISO8601)
    }

    func plan(_ records: [InstanceRecord], _ ec2: EC2View?) -> UptimeCheckPlan {
        UptimeCheckPlan.make(records: records, ec2: ec2, now: Self.now, threshold: Self.sixHours, region: region, account: "123456789012")
    }

    @Test("running in both, as recorded: no repair; overdue by the threshold and by the tags")
    func agreeing() {
        let ec2 = EC2View(running: [
            running("i-a"), running("i-b", tags: ["instance-watch:max-uptime": "12h"]),
            running("i-c", tags: ["instance-watch:max-uptime": "off"]), running("i-d", tags: ["instance-watch:max-uptime": "90m"]),
        ], others: [])
        let result = plan(["i-a", "i-b", "i-c", "i-d"].map { record($0) }, ec2)
        #expect(result.repairs.isEmpty)
        #expect(result.running.count == 4)
        #expect(result.overdue.map(\.id) == ["i-a", "i-d"], "ties in uptime go by id")
        #expect(result.overdue.first { $0.id == "i-d" }?.limit == .tag(seconds: 5400))
    }

    @Test("a LaunchTime ahead of the clock (a skewed clock) is recorded at the clock, never after it")
    func futureLaunch() {
        let ahead = UTCDateTime(epochSeconds: Self.now.epochSeconds + 3600)
        let result = plan([], EC2View(running: [running("i-future", launched: ahead)], others: []))
        #expect(result.repairs.map(\.change.time) == [Self.now])
    }

    @Test("longest-running first")
    func order() {
        let early = UTCDateTime(epochSeconds: Self.launch.epochSeconds - 3600)
        let ec2 = EC2View(running: [running("i-a"), running("i-b", launched: early)], others: [])
        #expect(plan([record("i-a"), record("i-b", since: early)], ec2).overdue.map(\.id) == ["i-b", "i-a"])
    }

    @Test("running in EC2, missing from the table: recorded from its LaunchTime, and judged by it")
    func missing() throws {
        let result = plan([], EC2View(running: [running("i-new", tags: ["Name": "old-timer"])], others: []))
        let repair = try #require(result.repairs.first)
        #expect(repair.change == EC2Event.StateChange(instanceId: "i-new", state: .running, time: Self.launch, account: "123456789012", region: region))
        #expect(repair.reason.contains("missing from the table"))
        #expect(result.overdue.map(\.id) == ["i-new"])
        #expect(result.overdue.first?.name == "old-timer")
    }

    @Test("restarted since the record's start: the start moves to the LaunchTime")
    func restarted() throws {
        let relaunched = UTCDateTime(epochSeconds: Self.now.epochSeconds - 3600)
        let result = plan([record("i-a")], EC2View(running: [running("i-a", launched: relaunched)], others: []))
        #expect(result.repairs.map(\.change.time) == [relaunched])
        #expect(result.overdue.isEmpty, "one hour since the restart, not seven")
    }

    @Test("stopped in the table, running in EC2 since after the stop: its start is recorded")
    func missedStart() throws {
        let stop = UTCDateTime(epochSeconds: Self.launch.epochSeconds - 600)
        let result = plan([record("i-a", since: UTCDateTime(epochSeconds: stop.epochSeconds - 600), stop: stop, state: "stopped")],
                          EC2View(running: [running("i-a")], others: []))
        #expect(result.repairs.map(\.change.state) == [.running])
        #expect(result.overdue.map(\.id) == ["i-a"])
    }

    @Test("a stop newer than the LaunchTime wins: the instance is stopping, nothing is repaired")
    func stopNewerThanLaunch() {
        let stop = UTCDateTime(epochSeconds: Self.launch.epochSeconds + 600)
        let result = plan([record("i-a", stop: stop, state: "stopped")], EC2View(running: [running("i-a")], others: []))
        #expect(result.repairs.isEmpty && result.running.isEmpty)
    }

    @Test("running in the table, stopped, terminated or unknown in EC2: corrected at the tick")
    func staleRunning() {
        let ec2 = EC2View(running: [], others: [
            EC2Instance(id: "i-stopped", state: "stopped"), EC2Instance(id: "i-ending", state: "shutting-down"),
            EC2Instance(id: "i-pending", state: "pending"),
        ])
        let result = plan(["i-stopped", "i-ending", "i-gone", "i-pending"].map { record($0) }, ec2)
        let repairs = Dictionary(uniqueKeysWithValues: result.repairs.map { ($0.change.instanceId, $0.change) })
        #expect(repairs["i-stopped"]?.state == .stopped && repairs["i-stopped"]?.time == Self.now)
        #expect(repairs["i-ending"]?.state == .shuttingDown)
        #expect(repairs["i-gone"]?.state == .terminated)
        #expect(repairs["i-pending"] == nil, "pending: its running event is on its way")
        #expect(result.running.isEmpty && result.overdue.isEmpty)
    }

    @Test("which records need a look-up: the table's running ones of this region EC2 did not list")
    func lookUps() {
        var foreign = record("i-far")
        foreign.region = "us-east-1"
        let records = [record("i-a"), record("i-b"), foreign, record("i-c", stop: Self.launch, state: "stopped")]
        #expect(UptimeCheckPlan.idsToLookUp(records: records, runningInEC2: ["i-a"], region: region) == ["i-b"])
        #expect(UptimeCheckPlan.isRelevant(records[3], runningInEC2: ["i-c"]))
        #expect(!UptimeCheckPlan.isRelevant(records[3], runningInEC2: []))
    }

    @Test("another region's record is judged from the table: this region's EC2 cannot see it")
    func otherRegion() {
        var foreign = record("i-far")
        foreign.region = "us-east-1"
        let result = plan([foreign], EC2View(running: [], others: []))
        #expect(result.repairs.isEmpty)
        #expect(result.overdue.map(\.region) == ["us-east-1"])
    }

    @Test("without EC2: the table alone, the threshold for all, Name unknown rather than absent")
    func withoutEC2() throws {
        let result = plan([record("i-a"), InstanceRecord(instanceId: "i-old", startTime: "2026-11-21T14:00:00Z", stopTime: nil)], nil)
        #expect(result.repairs.isEmpty)
        #expect(result.overdue.map(\.id) == ["i-a"])
        #expect(try #require(result.overdue.first).displayName == "(unknown)")
    }

    @Test("a failed second look-up keeps those records as the table has them, unrepaired")
    func failedLookUp() {
        let result = plan([record("i-a")], EC2View(running: [], others: nil))
        #expect(result.repairs.isEmpty)
        #expect(result.overdue.map(\.id) == ["i-a"])
    }

    @Test("an unreadable start time and a bad tag are problems named by instance, not failures")
    func problems() {
        let broken = InstanceRecord(instanceId: "i-broken", startTime: "yesterday", stopTime: nil)
        let result = plan([broken, record("i-tagged")], EC2View(running: [running("i-tagged", tags: ["instance-watch:max-uptime": "a while"])], others: nil))
        #expect(result.problems.contains { $0.hasPrefix("i-broken:") && $0.contains("start_time") })
        #expect(result.problems.contains { $0.hasPrefix("i-tagged:") && $0.contains("a while") })
        #expect(result.overdue.map(\.id) == ["i-tagged"], "a bad tag keeps the threshold")
    }
}
