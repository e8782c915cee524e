import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The conditional writes against moto, with the pure rule (`StateTracking.supersedes`) as the oracle.
@Suite("instance state recorder against moto")
struct InstanceStateRecorderTests {
    let moto: MotoServer
    let recorder: DynamoDBInstanceStateRecorder
    let dynamo: DynamoDBClient
    let table: String

    init() throws {
        moto = try MotoServer.get()
        table = MotoServer.uniqueName("states")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        dynamo = DynamoDBClient(aws: try moto.awsClient())
        recorder = DynamoDBInstanceStateRecorder(dynamoDB: dynamo, tableName: table)
    }

    func change(_ id: String, _ state: InstanceState, _ epochSeconds: Int) -> EC2Event.StateChange {
        EC2Event.StateChange(instanceId: id, state: state, time: UTCDateTime(epochSeconds: epochSeconds), account: "123456789012", region: "eu-west-1")
    }

    func items() throws -> [String: DynamoDBItem] {
        var all: [String: DynamoDBItem] = [:]
        try dynamo.scanAllPages(ScanInput(tableName: table)) { page in
            for item in page.items { all[item["instance_id"]?.stringValue ?? ""] = item }
            return true
        }
        return all
    }

    @Test("each transition writes the design's attributes")
    func transitions() throws {
        let id = "i-0aaaaaaaaaaaaaaa1", base = 1_795_000_000
        #expect(try recorder.record(change(id, .pending, base), deadline: nil) == .ignored)
        #expect(try items().isEmpty)
        #expect(try recorder.record(change(id, .running, base + 10), deadline: nil) == .recordedStart)
        var item = try #require(try items()[id])
        #expect(item["start_time"] == .s(UTCDateTime(epochSeconds: base + 10).extendedISO8601))
        #expect(item["stop_time"] == .s(""))
        #expect(item["state"] == .s("running") && item["account"] == .s("123456789012") && item["region"] == .s("eu-west-1"))
        #expect(try recorder.record(change(id, .stopped, base + 20), deadline: nil) == .recordedStop)
        item = try #require(try items()[id])
        #expect(item["stop_time"] == .s(UTCDateTime(epochSeconds: base + 20).extendedISO8601))
        #expect(item["start_time"] == .s(UTCDateTime(epochSeconds: base + 10).extendedISO8601))
        #expect(try recorder.record(change(id, .terminated, base + 30), deadline: nil) == .recordedTermination)
        item = try #require(try items()[id])
        #expect(item["state"] == .s("terminated"))
        #expect(item["expires_at"] == .number(base + 30 + StateTracking.terminatedRetentionSeconds))
        #expect(try recorder.record(change(id, .running, base + 40), deadline: nil) == .staleIgnored, "a late running stays ended")
        #expect(try items()[id]?["state"] == .s("terminated"))
    }

    @Test("a record of the older design (instance_id, start_time, stop_time) is updated")
    func olderDesignRecord() throws {
        let id = "i-0aaaaaaaaaaaaaaa2"
        try dynamo.putItem(PutItemInput(tableName: table, item: ["instance_id": .s(id), "start_time": .s("2026-11-20T08:00:00Z"), "stop_time": .s("")]))
        #expect(try recorder.record(change(id, .stopped, 1_795_000_000), deadline: nil) == .recordedStop)
        let item = try #require(try items()[id])
        #expect(item["start_time"] == .s("2026-11-20T08:00:00Z"))
        #expect(item["stop_time"] == .s(UTCDateTime(epochSeconds: 1_795_000_000).extendedISO8601))
        #expect(item["state"] == .s("stopped"))
    }

    @Test("shuffled and duplicated lifecycles end as the newest event of each instance says (seeded)")
    func shuffledLifecycles() throws {
        var generator = SeededGenerator(seed: 20_261_121)
        let base = 1_795_000_000
        var events: [EC2Event.StateChange] = []
        var ids: [String] = []
        for index in 0..<6 {
            let id = String(format: "i-0bbbbbbbbbbbbbb%02d", index)
            ids.append(id)
            // A plausible lifecycle; some events share a second, to exercise the lifecycle tie-break.
            var time = base
            let steps: [InstanceState] = index.isMultiple(of: 2)
                ? [.pending, .running, .stopping, .stopped, .pending, .running, .shuttingDown, .terminated]
                : [.pending, .running, .stopping, .stopped, .pending, .running]
            for state in steps {
                time += Int.random(in: 0...2, using: &generator)
                events.append(change(id, state, time))
            }
        }
        var deliveries = events + events.filter { _ in Bool.random(using: &generator) }
        deliveries.shuffle(using: &generator)

        var expected: [String: RecordedState] = [:]
        for event in deliveries {
            let action = try recorder.record(event, deadline: nil)
            let current = expected[event.instanceId] ?? RecordedState(lastEventTime: nil, state: nil)
            let applies = event.state != .pending && StateTracking.supersedes(event.state, at: event.time, current)
            if event.state == .pending {
                #expect(action == .ignored)
            } else {
                #expect((action != .staleIgnored) == applies, "\(event.state) at \(event.time.extendedISO8601) over \(current)")
            }
            if applies { expected[event.instanceId] = RecordedState(lastEventTime: event.time.extendedISO8601, state: event.state) }
        }

        let table = try items()
        for id in ids {
            let newest = events.filter { $0.instanceId == id && $0.state != .pending }
                .max { ($0.time.epochSeconds, $0.state.lifecycleRank) < ($1.time.epochSeconds, $1.state.lifecycleRank) }!
            #expect(table[id]?["state"] == .s(newest.state.rawValue), "\(id)")
            #expect(table[id]?["last_event_time"] == .s(newest.time.extendedISO8601), "\(id)")
        }
    }
}

/// SplitMix64: a seeded generator, so a failing shuffle can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
