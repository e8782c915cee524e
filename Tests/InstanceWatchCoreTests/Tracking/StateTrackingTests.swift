import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("state tracking rules")
struct StateTrackingTests {
    let t0 = UTCDateTime.parse("2026-11-21T08:00:00Z")!
    var t1: UTCDateTime { UTCDateTime(epochSeconds: t0.epochSeconds + 60) }

    func change(_ state: InstanceState, at time: UTCDateTime) -> EC2Event.StateChange {
        EC2Event.StateChange(instanceId: "i-0b662ef9931388ba0", state: state, time: time, account: "123456789012", region: "eu-west-1")
    }

    @Test("a newer event supersedes; an older one or a duplicate does not")
    func ordering() {
        let recorded = RecordedState(lastEventTime: t0.extendedISO8601, state: .running)
        #expect(StateTracking.supersedes(.stopped, at: t1, recorded))
        #expect(!StateTracking.supersedes(.stopped, at: UTCDateTime(epochSeconds: t0.epochSeconds - 1), recorded))
        #expect(!StateTracking.supersedes(.running, at: t0, recorded), "a duplicate changes nothing")
    }

    @Test("at the same time, a later lifecycle state wins")
    func ties() {
        let recorded = RecordedState(lastEventTime: t0.extendedISO8601, state: .running)
        #expect(StateTracking.supersedes(.stopping, at: t0, recorded))
        #expect(!StateTracking.supersedes(.pending, at: t0, recorded))
    }

    @Test("a late running after terminated does not bring the instance back, however late")
    func terminatedIsFinal() {
        let recorded = RecordedState(lastEventTime: t0.extendedISO8601, state: .terminated)
        for state in InstanceState.allCases {
            #expect(!StateTracking.supersedes(state, at: t1, recorded), "\(state)")
        }
        #expect(StateTracking.supersedes(.terminated, at: t1, RecordedState(lastEventTime: t0.extendedISO8601, state: .shuttingDown)))
    }

    @Test("records of the older design, without last_event_time or state, accept any event")
    func olderDesign() {
        for state in InstanceState.allCases {
            #expect(StateTracking.supersedes(state, at: t0, RecordedState(lastEventTime: nil, state: nil)))
        }
    }

    @Test("running records a start with an empty stop_time and clears expires_at")
    func runningUpdate() throws {
        let update = try #require(StateTracking.update(for: change(.running, at: t0)))
        #expect(update.action == .recordedStart)
        #expect(update.key == ["instance_id": .s("i-0b662ef9931388ba0")])
        #expect(update.update.text.contains("start_time = :time") && update.update.text.contains("stop_time = :empty"))
        #expect(update.update.text.hasSuffix("REMOVE expires_at, stop_refused_at, snoozed_until, snoozed_by, slack_channel, slack_ts, ledger_stop, stop_credit, stop_credit_at, alerted_at"),
                "a new start also forgets an earlier refusal to stop, a snooze, and what the ledger knew of the last run")
        #expect(update.update.values[":time"] == .s("2026-11-21T08:00:00Z"))
        #expect(update.update.names == ["#state": "state", "#region": "region"])
    }

    @Test("stop and termination record stop_time; termination sets expires_at for the TTL")
    func stopAndTerminate() throws {
        #expect(StateTracking.update(for: change(.stopping, at: t0))?.action == .recordedStop)
        #expect(StateTracking.update(for: change(.stopped, at: t0))?.action == .recordedStop)
        let end = try #require(StateTracking.update(for: change(.terminated, at: t0)))
        #expect(end.action == .recordedTermination)
        #expect(end.update.values[":expires"] == .number(t0.epochSeconds + StateTracking.terminatedRetentionSeconds))
        #expect(StateTracking.update(for: change(.shuttingDown, at: t0))?.action == .recordedTermination)
    }

    @Test("pending changes nothing")
    func pending() {
        #expect(StateTracking.update(for: change(.pending, at: t0)) == nil)
    }

    @Test("every placeholder a condition uses is defined, and reserved words go through names")
    func placeholdersDefined() throws {
        for state in InstanceState.allCases where state != .pending {
            let update = try #require(StateTracking.update(for: change(state, at: t0)))
            for text in [update.update.text, update.condition.text] {
                #expect(!text.contains(" state ") && !text.contains("(state"), "reserved word unescaped in \(text)")
                for placeholder in text.matches(of: /:[a-z0-9]+/).map({ String($0.output) }) {
                    #expect(update.update.values[placeholder] != nil || update.condition.values[placeholder] != nil, "\(placeholder) in \(text)")
                }
            }
        }
    }
}
