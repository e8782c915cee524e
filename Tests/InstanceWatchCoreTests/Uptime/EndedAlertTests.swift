import Testing
@testable import InstanceWatchCore
@testable import Support

@Suite("EndedAlert: which posted alerts are closed, and what they say")
struct EndedAlertTests {
    func record(state: String?, start: String = "2026-12-01T08:00:00Z", stop: String? = "2026-12-02T10:00:00Z",
                autoStopped: String? = nil, ts: String? = "1700000001.000100") -> InstanceRecord {
        var record = InstanceRecord(instanceId: "i-0abc", startTime: start, stopTime: stop, state: state, region: "eu-west-1")
        record.autoStoppedAt = autoStopped
        record.slackChannel = ts == nil ? nil : "COPS"
        record.slackTs = ts
        return record
    }

    @Test("a running instance's alert, or a record without a posted alert, is not closed")
    func notEnded() {
        #expect(EndedAlert.of(record(state: "running", stop: nil)) == nil)
        #expect(EndedAlert.of(record(state: "stopped", ts: nil)) == nil)
    }

    @Test("a stop is instance-watch's only when made since the last start; termination and shutting-down are terminated")
    func endings() {
        #expect(EndedAlert.of(record(state: "stopped"))?.summary == "stopped at 2026-12-02T10:00:00Z")
        #expect(EndedAlert.of(record(state: "stopped", autoStopped: "2026-12-02T09:59:58Z"))?.summary == "stopped by instance-watch at 2026-12-02T10:00:00Z")
        // Stopped by instance-watch a week ago, started again since, then stopped by someone.
        #expect(EndedAlert.of(record(state: "stopping", autoStopped: "2026-11-24T00:00:00Z"))?.summary == "stopped at 2026-12-02T10:00:00Z")
        #expect(EndedAlert.of(record(state: "terminated"))?.ending == .terminated(at: UTCDateTime.parse("2026-12-02T10:00:00Z")))
        #expect(EndedAlert.of(record(state: "shutting-down"))?.summary == "terminated at 2026-12-02T10:00:00Z")
        // The original design's record: a stop time and no state.
        #expect(EndedAlert.of(record(state: nil))?.summary == "stopped at 2026-12-02T10:00:00Z")
    }

    @Test("a repair to stopped or terminated ends the record's alert; a repair to running does not")
    func repairs() {
        let running = record(state: "running", stop: nil)
        let stop = EC2Event.StateChange(instanceId: "i-0abc", state: .stopped, time: UTCDateTime.parse("2026-12-02T11:00:00Z")!, account: "", region: "eu-west-1")
        let repaired = UptimeCheckPlan.Repair(change: stop, reason: "EC2 reports it stopped", record: running)
        #expect(repaired.endedAlert?.summary == "stopped at 2026-12-02T11:00:00Z")
        #expect(repaired.endedAlert?.ts == "1700000001.000100" && repaired.endedAlert?.channel == "COPS")
        let start = EC2Event.StateChange(instanceId: "i-0abc", state: .running, time: stop.time, account: "", region: "eu-west-1")
        #expect(UptimeCheckPlan.Repair(change: start, reason: "missed start", record: running).endedAlert == nil)
        #expect(UptimeCheckPlan.Repair(change: stop, reason: "no record", record: nil).endedAlert == nil)
    }

    @Test("the closed message names the instance and how it ended, links the console and has no buttons")
    func message() throws {
        let alert = try #require(EndedAlert.of(record(state: "terminated")))
        let message = SlackAlertCloser.message(alert)
        #expect(message.text == "i-0abc terminated at 2026-12-02T10:00:00Z")
        let blocks = try #require(message.attachments.first?.blocks)
        #expect(!blocks.contains { if case .actions = $0 { true } else { false } })
        #expect("\(blocks)".contains("#InstanceDetails:instanceId=i-0abc") && "\(blocks)".contains("no longer running"))
    }
}
