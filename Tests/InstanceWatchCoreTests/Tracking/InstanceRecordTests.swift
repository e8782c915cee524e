import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("InstanceRecord")
struct InstanceRecordTests {
    @Test("the original design's records: running while stop_time is empty")
    func originalDesign() throws {
        let running = try #require(InstanceRecord(item: ["instance_id": .s("i-a"), "start_time": .s("2026-11-21T08:00:00Z"), "stop_time": .s("")]))
        #expect(running.saysRunning && running.stopTime == nil)
        #expect(running.startedAt == UTCDateTime(year: 2026, month: 11, day: 21, hour: 8))
        let stopped = try #require(InstanceRecord(item: ["instance_id": .s("i-b"), "start_time": .s("2026-11-21T08:00:00Z"), "stop_time": .s("2026-11-21T09:00:00Z")]))
        #expect(!stopped.saysRunning)
        #expect(stopped.lastChange == UTCDateTime(year: 2026, month: 11, day: 21, hour: 9))
    }

    @Test("state wins when present; items without an instance_id are not records")
    func state() {
        #expect(InstanceRecord(instanceId: "i-a", state: "stopped").saysRunning == false)
        #expect(InstanceRecord(instanceId: "i-a", state: "running").saysRunning)
        #expect(InstanceRecord(item: ["start_time": .s("x")]) == nil)
        #expect(InstanceRecord(item: ["instance_id": .n("5")]) == nil)
    }
}
