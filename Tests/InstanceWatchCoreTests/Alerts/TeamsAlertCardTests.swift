import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The Teams form of every alert: a Workflows webhook `message` whose one attachment is an Adaptive
/// Card of version 1.5, valid against Microsoft's published schema, with the headline, the facts and
/// a button to the console; instance text that cannot become a link or emphasis.
@Suite("Teams cards")
struct TeamsAlertCardTests {
    static let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)

    func instance(_ id: String, name: String?, hours: Int, account: String = "111111111111") -> RunningInstance {
        var instance = RunningInstance(id: id, name: name, type: "m5.large", region: "eu-west-1", account: account,
                                       since: UTCDateTime(epochSeconds: Self.now.epochSeconds - hours * 3600), limit: .threshold(seconds: 6 * 3600))
        instance.price = InstancePrice(hourlyUSD: 0.096, source: .onDemand)
        return instance
    }

    func encoded(_ message: TeamsMessage) throws -> Data { try JSONEncoder.lambda.encode(message) }

    func card(_ data: Data) throws -> [String: Any] {
        let message = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let attachment = try #require((message["attachments"] as? [[String: Any]])?.first)
        return try #require(attachment["content"] as? [String: Any])
    }

    @Test("an uptime alert, a digest and a Spot warning are valid Adaptive Cards 1.5 in the Workflows envelope")
    func valid() throws {
        let alert = TeamsAlertCard.message(Alert.uptime(instance("i-0aaaaaaaaaaaaaaa1", name: "gpu-box", hours: 7), now: Self.now))
        let digest = TeamsAlertCard.message(AlertDigest.uptime([instance("i-0aaaaaaaaaaaaaaa1", name: "gpu-box", hours: 9),
                                                                instance("i-0aaaaaaaaaaaaaaa2", name: nil, hours: 8, account: "222222222222")], now: Self.now))
        let warning = EC2Event.InterruptionWarning(instanceId: "i-0aaaaaaaaaaaaaaa3", action: "terminate", time: Self.now, account: "111111111111", region: "eu-west-1")
        let spot = TeamsAlertCard.message(InterruptionAlert.alert(kind: .spotInterruption, warning: warning, lookUp: .found(
            EC2Instance(id: "i-0aaaaaaaaaaaaaaa3", state: "running", type: "c5.large", availabilityZone: "eu-west-1b", privateIPAddress: "10.0.1.23",
                        lifecycle: "spot", tags: ["Name": "batch-worker"]))))
        let messages = try [alert, digest, spot].map(encoded)
        #expect(try AdaptiveCardSchema.problems(messages) == [[], [], []])

        let alertText = String(decoding: messages[0], as: UTF8.self)
        for fragment in [#""type":"message""#, #""contentType":"application\/vnd.microsoft.card.adaptive""#, #""version":"1.5""#,
                         #""type":"FactSet""#, #""type":"Action.OpenUrl""#, "gpu-box", "111111111111", "eu-west-1", "7h",
                         "about $0.67 so far, $0.096 an hour",
                         "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0aaaaaaaaaaaaaaa1"] {
            #expect(alertText.contains(fragment.replacing("\\/", with: "/")) || alertText.contains(fragment), "the uptime card lacks \(fragment)")
        }
        let digestText = String(decoding: messages[1], as: UTF8.self)
        #expect(digestText.contains("Account 111111111111") && digestText.contains("Account 222222222222") && digestText.contains("9h"))
        let spotText = String(decoding: messages[2], as: UTF8.self)
        #expect(spotText.contains("batch-worker") && spotText.contains("10.0.1.23") && spotText.contains("Spot interruption"))
    }

    @Test("the validator is not a rubber stamp: a card Microsoft's schema refuses is reported")
    func invalidIsCaught() throws {
        let good = try encoded(TeamsAlertCard.message(Alert.uptime(instance("i-1", name: "x", hours: 7), now: Self.now)))
        var message = try #require(try JSONSerialization.jsonObject(with: good) as? [String: Any])
        var attachments = try #require(message["attachments"] as? [[String: Any]])
        var content = try #require(attachments[0]["content"] as? [String: Any])
        var body = try #require(content["body"] as? [[String: Any]])
        body[0]["size"] = "Enormous"
        body.append(["type": "FactSet"])
        content["body"] = body
        attachments[0]["content"] = content
        message["attachments"] = attachments
        let problems = try AdaptiveCardSchema.problems([try JSONSerialization.data(withJSONObject: message)])
        #expect(problems.count == 1 && !problems[0].isEmpty, "\(problems)")
    }

    @Test("a hostile Name becomes neither a link nor emphasis in any Teams card")
    func hostileName() throws {
        let hostile = "[pay here](https://evil.example) **now** <https://evil.example>"
        let cards = [
            TeamsAlertCard.message(Alert.uptime(instance("i-1", name: hostile, hours: 7), now: Self.now)),
            TeamsAlertCard.message(AlertDigest.uptime([instance("i-1", name: hostile, hours: 7)], now: Self.now)),
        ]
        for data in try cards.map(encoded) {
            let text = try #require(String(data: data, encoding: .utf8))
            // In the JSON text a backslash is written twice: what is left without the escaped
            // characters must hold no link, emphasis or autolink.
            let unescaped = ["[", "]", "*", "<", ">"].reduce(text) { $0.replacing(#"\\"# + $1, with: "") }
            #expect(!unescaped.contains("[pay here](") && !unescaped.contains("**now**") && !unescaped.contains("<https://evil"), "\(text)")
            #expect(text.contains(#"\\[pay here\\]"#), "the Name is shown, escaped")
        }
    }
}
