import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("ScheduledTick")
struct ScheduledTickTests {
    @Test("the sample schedule event's time (its account is not read: the function's own comes from Lambda)")
    func sample() throws {
        let data = try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("events/scheduled-event.json"))
        let tick = try ScheduledTick.parse(data)
        #expect(tick.time == UTCDateTime(year: 2026, month: 11, day: 21, hour: 15))
    }

    @Test("for the log: how late the tick is, or that its time is ahead of the clock and ignored")
    func described() {
        let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)
        #expect(ScheduledTick(time: UTCDateTime(epochSeconds: now.epochSeconds - 90)).describe(relativeTo: now).hasSuffix("(1m 30s late)"))
        #expect(ScheduledTick(time: UTCDateTime(epochSeconds: now.epochSeconds + 30 * 86_400)).describe(relativeTo: now)
            .contains("its time is 30d ahead of this function's clock, which is ignored"))
        #expect(ScheduledTick(time: nil).describe(relativeTo: now).hasPrefix("tick without a time"))
    }

    @Test("no time: nil, so the clock is used; a bad time or a non-object is an error naming it")
    func errors() throws {
        #expect(try ScheduledTick.parse(Data("{}".utf8)).time == nil)
        #expect(throws: MalformedEvent(field: "time", problem: "\"soon\" is not an ISO 8601 timestamp")) { try ScheduledTick.parse(Data(#"{"time":"soon"}"#.utf8)) }
        #expect(throws: MalformedEvent(field: "time", problem: "is not a string")) { try ScheduledTick.parse(Data(#"{"time":3}"#.utf8)) }
        #expect(throws: MalformedEvent(field: "", problem: "is not a JSON object")) { try ScheduledTick.parse(Data("[1]".utf8)) }
        #expect(throws: MalformedEvent(field: "", problem: "is not valid JSON")) { try ScheduledTick.parse(Data("tick".utf8)) }
    }

    @Test("its id names the tick (the same in Lambda's retries of a run); a hostile one is an error naming it, a missing one is nil")
    func id() throws {
        let data = try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("events/scheduled-event.json"))
        #expect(try ScheduledTick.parse(data).id == "89d1a02d-5ec7-412e-82f5-13505f849b41")
        #expect(try ScheduledTick.parse(Data("{}".utf8)).id == nil)
        #expect(RunAttempt(tick: nil) == nil && RunAttempt(tick: "") == nil)
        for hostile in [#"a b"#, String(repeating: "x", count: 129), "i\u{E9}"] {
            #expect(throws: MalformedEvent.self, "\(hostile)") { try ScheduledTick.parse(Data(#"{"id":"\#(hostile)"}"#.utf8)) }
        }
    }
}
