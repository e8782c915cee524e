import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("UptimeAlert (the Slack message)")
struct UptimeAlertTests {
    static let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)

    func instance(_ id: String, name: String? = "web-server") -> RunningInstance {
        RunningInstance(id: id, name: name, type: "t3.micro", region: "eu-west-1", since: UTCDateTime(year: 2026, month: 11, day: 21, hour: 8),
                        limit: .tag(seconds: 3600))
    }

    func json(_ message: SlackMessage) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder.lambda.encode(message)) as? [String: Any])
    }

    @Test("one instance: headline, fields, console button and colour; tag text escaped")
    func each() throws {
        let message = UptimeAlert.message(for: instance("i-a", name: "<b>&co</b>"), now: Self.now, channel: "#ops")
        #expect(message.text == "Running too long: i-a (&lt;b&gt;&amp;co&lt;/b&gt;) for 7h, limit 1h")
        let payload = try json(message)
        #expect(payload["channel"] as? String == "#ops")
        let attachment = try #require((payload["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["color"] as? String == UptimeAlert.color)
        let blocks = try #require(attachment["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["header", "section", "section", "actions", "context"])
        let encoded = String(decoding: try JSONEncoder.lambda.encode(message.attachments[0].blocks), as: UTF8.self)
        #expect(encoded.contains("InstanceDetails:instanceId=i-a"))
        #expect(!encoded.contains("<b>"), "mrkdwn is escaped (the fallback is plain text and stays as it is)")
    }

    @Test("a digest of 100 stays within Slack's 50 blocks and counts the rest")
    func digest() throws {
        let message = UptimeAlert.digest((0..<100).map { instance("i-\($0)") }, now: Self.now, channel: nil)
        let blocks = try #require(message.attachments.first?.blocks)
        #expect(blocks.count <= 50)
        #expect(blocks.contains(.section("…and 54 more, not listed here.")), "46 listed under one account heading")
        #expect(message.text.hasPrefix("100 instances running too long, longest i-0"))
    }

    @Test("a digest groups by account, the account with the longest-running instance first")
    func digestByAccount() throws {
        func at(_ id: String, _ account: String, hours: Int) -> RunningInstance {
            RunningInstance(id: id, region: "eu-west-1", account: account, since: UTCDateTime(epochSeconds: Self.now.epochSeconds - hours * 3600),
                            limit: .threshold(seconds: 3600))
        }
        let overdue = [at("i-1", "222222222222", hours: 9), at("i-2", "111111111111", hours: 8), at("i-3", "222222222222", hours: 7)]
        let blocks = UptimeAlert.digest(overdue, now: Self.now, channel: nil).attachments[0].blocks
        let text = blocks.map { String(describing: $0) }
        let order = ["*Account 222222222222* · 2 instances", "i-1", "i-3", "*Account 111111111111* · 1 instance", "i-2"].map { mark in
            text.firstIndex { $0.contains(mark) } ?? -1
        }
        #expect(order == order.sorted() && !order.contains(-1), "\(text)")
        let body = UptimeNotice.digestBody(overdue, now: Self.now)
        let positions = ["Account 222222222222 (2 instances):", "1. i-1 ", "2. i-3 ", "Account 111111111111 (1 instance):", "3. i-2 "].map {
            body.range(of: $0)?.lowerBound
        }
        #expect(!positions.contains(nil) && positions.map { $0! } == positions.map { $0! }.sorted(), "\(body)")
    }
}
