import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Text from an instance (its Name and other tags) is written by whoever may tag it. Sent through
/// every kind of Slack message, a hostile Name must never become a real `@channel`, a user or group
/// mention, or a disguised link: every string the payload holds is checked, headline and fallback
/// included.
@Suite("Hostile instance text in every Slack message")
struct HostileTextTests {
    static let hostile = "<!channel> pay & <https://evil.example|here> <@U123> <!subteam^S1>"
    static let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)

    /// Every string anywhere in the encoded payload.
    func strings(_ message: SlackMessage) throws -> [String] {
        func walk(_ value: Any) -> [String] {
            switch value {
            case let text as String: return [text]
            case let array as [Any]: return array.flatMap(walk)
            case let object as [String: Any]: return object.values.flatMap(walk)
            default: return []
            }
        }
        return walk(try JSONSerialization.jsonObject(with: JSONEncoder.lambda.encode(message)))
    }

    func expectHarmless(_ message: SlackMessage, _ kind: String) throws {
        let texts = try strings(message)
        #expect(texts.contains { $0.contains("&lt;!channel&gt; pay &amp; &lt;https://evil.example|here&gt;") }, "\(kind): the Name is shown, escaped")
        for text in texts {
            #expect(!text.contains("<!") && !text.contains("<@") && !text.contains("<https://evil"), "\(kind): \(text)")
        }
    }

    func instance(_ stop: RunningInstance.StopOutcome?) -> RunningInstance {
        var instance = RunningInstance(id: "i-0123456789abcdef0", name: Self.hostile, type: "t3.micro", region: "eu-west-1", account: "123456789012",
                                       since: UTCDateTime(epochSeconds: Self.now.epochSeconds - 7 * 3600), limit: .threshold(seconds: 6 * 3600))
        instance.manager = ManagedInstances.manager(tags: ["aws:autoscaling:groupName": Self.hostile])
        instance.stop = stop
        return instance
    }

    @Test("uptime alerts, each and digest, whatever auto-stop did")
    func uptimeAlerts() throws {
        let outcomes: [RunningInstance.StopOutcome?] = [
            nil, .stopped(after: 3600), .wouldStop(after: 3600), .refused(reason: Self.hostile), .failed(reason: Self.hostile),
            .heldBack(reason: "MAX_STOPS_PER_RUN=1 reached"), .notStoppable(reason: "managed by " + (instance(nil).manager ?? "")),
        ]
        for outcome in outcomes {
            try expectHarmless(UptimeAlert.message(for: instance(outcome), now: Self.now, channel: nil), "uptime alert, \(String(describing: outcome))")
        }
        var late = instance(.stopped(after: 3600))
        late.stoppedAt = UTCDateTime(epochSeconds: Self.now.epochSeconds - 60)
        try expectHarmless(UptimeAlert.message(for: late, now: Self.now, channel: nil), "a late stop announcement")
        try expectHarmless(UptimeAlert.digest(outcomes.map(instance), now: Self.now, channel: nil), "digest")
    }

    @Test("Spot interruption and rebalance warnings, found and not")
    func interruptionWarnings() throws {
        let warning = EC2Event.InterruptionWarning(instanceId: "i-0123456789abcdef0", action: "terminate", time: Self.now,
                                                   account: "123456789012", region: "eu-west-1")
        let found = EC2Instance(id: "i-0123456789abcdef0", state: "running", type: "c5.large", lifecycle: "spot", tags: ["Name": Self.hostile])
        for kind in [InterruptionAlert.Kind.spotInterruption, .rebalanceRecommendation] {
            try expectHarmless(InterruptionAlert.message(kind: kind, warning: warning, lookUp: .found(found), channel: nil), "\(kind)")
            let failed = InterruptionAlert.message(kind: kind, warning: warning, lookUp: .failed(reason: Self.hostile), channel: nil)
            for text in try strings(failed) {
                #expect(!text.contains("<!") && !text.contains("<https://evil"), "\(kind), look-up failed: \(text)")
            }
        }
    }

    /// Every text object anywhere in the encoded payload.
    func textObjects(_ message: SlackMessage) throws -> [[String: Any]] {
        func walk(_ value: Any) -> [[String: Any]] {
            switch value {
            case let array as [Any]: return array.flatMap(walk)
            case let object as [String: Any]:
                let own = (object["type"] as? String).map { ["mrkdwn", "plain_text"].contains($0) } == true && object["text"] is String ? [object] : []
                return own + object.values.flatMap(walk)
            default: return []
            }
        }
        return walk(try JSONSerialization.jsonObject(with: JSONEncoder.lambda.encode(message)))
    }

    @Test("a Name of `*bold* https://evil.example _it_ ~no~ `code`` reaches Slack as typed: no formatting pair closes, no URL is linked")
    func formattingAsTyped() throws {
        let typed = "*bold* https://evil.example _it_ ~no~ `code`"
        var instance = instance(nil)
        instance.name = typed
        instance.manager = nil
        for (kind, message) in [("uptime alert", UptimeAlert.message(for: instance, now: Self.now, channel: nil)),
                                ("digest", UptimeAlert.digest([instance], now: Self.now, channel: nil))] {
            let objects = try textObjects(message)
            #expect(!objects.isEmpty)
            for object in objects where object["type"] as? String == "mrkdwn" {
                #expect(object["verbatim"] as? Bool == true, "\(kind): a mrkdwn text object without verbatim: URLs in it would be linked")
            }
            let texts = try strings(message)
            #expect(texts.contains { $0.replacing("\u{200B}", with: "").contains(typed) }, "\(kind): the Name, as typed, once the zero-width spaces are left out")
            for text in texts {
                for pair in ["*bold*", "_it_", "~no~", "`code`"] {
                    #expect(!text.contains(pair), "\(kind): \(pair) would be formatted: \(text)")
                }
            }
        }
    }
}
