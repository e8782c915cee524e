import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Support

/// Which digests have nothing left to act on: a pure rule over the records the scan reads.
@Suite("Ended digests")
struct EndedDigestTests {
    /// Posted at 2026-11-21T15:00:00Z (Slack's ts: epoch seconds, then a unique suffix).
    static let ts = "\(UTCDateTime(year: 2026, month: 11, day: 21, hour: 15).epochSeconds).000100"

    func record(_ id: String, state: String? = "running", stop: String? = nil, started: Int = 8, ts: String? = Self.ts) -> InstanceRecord {
        var record = InstanceRecord(instanceId: id, startTime: UTCDateTime(year: 2026, month: 11, day: 21, hour: started).extendedISO8601,
                                    stopTime: stop, state: state)
        record.digestChannel = ts == nil ? nil : "COPS"
        record.digestTs = ts
        return record
    }

    @Test("open while one instance still runs the run it listed; ended once each stopped, ended or started again since")
    func rule() {
        var gathering = EndedDigest.Gathering()
        gathering.add(record("i-1", state: "stopped", stop: "2026-11-21T16:00:00Z"))
        gathering.add(record("i-2"))
        #expect(gathering.ended.isEmpty, "i-2 still runs: its menu can still act")

        gathering = EndedDigest.Gathering()
        gathering.add(record("i-1", state: "stopped", stop: "2026-11-21T16:00:00Z"))
        gathering.add(record("i-2", state: "terminated", stop: "2026-11-21T16:00:00Z"))
        gathering.add(record("i-3", started: 17))
        gathering.add(record("i-4", ts: nil))
        let ended = gathering.ended
        #expect(ended.count == 1 && ended.first?.ts == Self.ts && ended.first?.channel == "COPS")
        #expect(ended.first?.instances.map(\.id) == ["i-1", "i-2", "i-3"])
        #expect(ended.first?.instances.map(\.ending) == ["stopped", "terminated", "started again at 2026-11-21T17:00:00Z"])
    }

    @Test("a record the table calls stopped while EC2 lists it running (a missed start, repaired this run) keeps its digest open")
    func runningInEC2() {
        var gathering = EndedDigest.Gathering()
        gathering.add(record("i-1", state: "stopped", stop: "2026-11-21T16:00:00Z"), runningInEC2: true)
        #expect(gathering.ended.isEmpty)
    }

    @Test("an instance this run learned has ended (its repair) closes the digest in the same run")
    func endingNow() {
        var gathering = EndedDigest.Gathering()
        gathering.add(record("i-1", state: "stopped", stop: "2026-11-21T16:00:00Z"))
        gathering.add(record("i-2"))
        #expect(gathering.ended(endingNow: ["i-3": "stopped"]).isEmpty)
        let ended = gathering.ended(endingNow: ["i-2": "terminated"])
        #expect(ended.first?.instances.map(\.id) == ["i-1", "i-2"] && ended.first?.instances.last?.ending == "terminated")
    }
}
