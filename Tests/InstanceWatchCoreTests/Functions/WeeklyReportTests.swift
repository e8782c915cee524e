import Foundation
import Testing
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import Lambda
@testable import AWS
@testable import Support

/// The weekly report end to end: ledger items placed in the past in moto's DynamoDB, an overdue
/// instance priced by the Price List peer, the UptimeChecker given `{"report": "weekly"}`, and each
/// channel's report read as its receiver would: SNS's e-mail, the Slack webhook's Block Kit, a Teams
/// card against Microsoft's schema with its chart decoded, SES's message parsed as MIME, and the
/// chart uploaded into Slack by the app.
@Suite("Weekly report: figures to the cent, in every channel, with its chart", .serialized)
struct WeeklyReportTests: OnCheckerFixture {
    let fixture: CheckerFixture
    static let event = #"{"report": "weekly"}"#

    /// One region for the suite, its tests one after another, each starting with none of its
    /// instances running (moto's regions are few: a region per test would run out).
    static let region = MotoServer.privateRegion(offering: ["m5.large"])

    init() throws {
        fixture = try CheckerFixture(region: Self.region, shared: true, name: "report")
    }

    static func ago(hours: Int) -> String { UTCDateTime(epochSeconds: AgingProxy.now.epochSeconds - hours * 3600).extendedISO8601 }

    /// A ledger item as the recorder writes it.
    static func item(_ id: String, stoppedHoursAgo: Int, by: String = "auto-stop", hourly: String? = "0.1", owner: String? = "alice",
                     extra: [String: [String: String]] = [:]) -> [String: [String: String]] {
        var item: [String: [String: String]] = ["instance_id": ["S": id], "stopped_at": ["S": ago(hours: stoppedHoursAgo)], "stopped_by": ["S": by],
                                                "account": ["S": "123456789012"], "region": ["S": "eu-west-1"], "instance_type": ["S": "m5.large"]]
        if let hourly { item["hourly_usd"] = ["N": hourly]; item["price_basis"] = ["S": "on-demand Linux price"] }
        if let owner { item["owner"] = ["S": owner] }
        return item.merging(extra) { $1 }
    }

    func placeLedger(_ items: [[String: [String: String]]]) throws {
        try fixture.fixture(["op": "put_typed_items", "table": fixture.ledger, "items": items])
    }

    func report(_ settings: [String: String]) throws -> CheckerRun {
        let run = try CheckerRun.run(environment: fixture.environment(settings), event: Self.event)
        #expect(!"\(run.result)".contains("SECRET-MARKER") && !run.stderr.contains("SECRET-MARKER"), "a webhook URL leaked")
        return run
    }

    @Test("SNS, the Slack webhook, an owner's Teams card and an owner's SES e-mail: the period and to-date savings to the cent; bad items and a restart the events missed handled; a summary kept for the next chart")
    func everyChannel() throws {
        let pricing = try PricingPeer()
        try pricing.accept(moto.credentials)
        try pricing.price("m5.large", in: region, usd: "0.0960000000")
        let overdue = try fixture.launch(tags: ["Name": "forgotten", "owner": "alice"], type: "m5.large").id
        let mailed = try fixture.launch(tags: ["Name": "carols", "owner": "carol@example.com"], type: "m5.large").id
        try ec2.age(10 * 3600)
        // A restart the StateChangeHandler never heard of: the record started again 24 h after the stop.
        let restarted = "i-0000000000000restart", restartedAt = Self.ago(hours: 48)
        try fixture.put([["instance_id": restarted, "state": "running", "start_time": restartedAt, "stop_time": "",
                          "last_event_time": restartedAt, "region": region, "account": "123456789012"]])
        try placeLedger([
            Self.item("i-00000000000000open", stoppedHoursAgo: 48),                                         // 48 h x $0.10 = $4.80
            Self.item(restarted, stoppedHoursAgo: 72, by: "slack:U024BE7LH", hourly: "0.5"),                // 24 h x $0.50 = $12.00 (closed from its record)
            Self.item("i-0000000000000ended", stoppedHoursAgo: 120, hourly: "1", extra: ["ended_at": ["S": Self.ago(hours: 108)]]), // 12 h x $1 = $12.00
            Self.item("i-000000000000capped", stoppedHoursAgo: 40 * 24, hourly: "0.01"),                   // capped: nothing this week, $7.20 to date
            Self.item("i-0000000000unpriced", stoppedHoursAgo: 24, hourly: nil, owner: nil),               // 24 h, no dollars
            Self.item("i-00000000000000bad1", stoppedHoursAgo: 24, hourly: nil, extra: ["hourly_usd": ["S": "cheap"]]), // a price that is not one: hours
            Self.item("i-00000000000000bad2", stoppedHoursAgo: 24, extra: ["restarted_at": ["S": Self.ago(hours: 30)]]), // restarted before it stopped
            ["instance_id": ["S": "i-00000000000000bad3"], "stopped_at": ["S": "last tuesday"]],            // no readable stop time
        ])
        let teams = try FaultServer()
        try teams.setDefault(["status": 202, "body": ""])
        let parameter = "/instance-watch/" + MotoServer.uniqueName("routes")
        try fixture.fixture(["op": "put_parameter", "name": parameter, "type": "SecureString",
                             "value": #"{"owners": {"alice": {"teamsWebhook": "\#(teams.endpoint)/workflows/SECRET-MARKER"}}}"#])
        let sender = "reports-\(MotoServer.uniqueName("sender"))@example.com"
        try fixture.fixture(["op": "ses_verify", "address": sender])

        let run = try report(["AWS_ENDPOINT_URL_PRICING": pricing.endpoint, "ROUTES_PARAMETER": parameter,
                              "SES_FROM_ADDRESS": sender, "SES_ALLOWED_DOMAINS": "example.com"])
        #expect(run.status == 0, run.summary)
        let figures = try #require(run.result["report"] as? [String: Any], run.summary)
        #expect(figures["savingsUSD"] as? Double == 28.80, "4.80 + 12.00 + 12.00: \(figures)")
        #expect(figures["savingsToDateUSD"] as? Double == 36.00, "and the capped stop's 720 h at $0.01: \(figures)")
        #expect(figures["stops"] as? Int == 6 && figures["unpricedHours"] as? Double == 48.0, "\(figures)")
        #expect(figures["overdueNow"] as? Int == 2 && Set(figures["sentTo"] as? [String] ?? []) == ["default", "alice", "carol@example.com"], "\(figures)")
        let problems = run.ids("problems")
        #expect(problems.contains { $0.contains("i-00000000000000bad1") && $0.contains("hourly_usd is not a price") }, "\(problems)")
        #expect(problems.contains { $0.contains("i-00000000000000bad2") && $0.contains("started again or ended before it stopped") }, "\(problems)")
        #expect(problems.contains { $0.contains("i-00000000000000bad3") && $0.contains("stopped_at is missing or not a time") }, "\(problems)")
        #expect(run.ids("overdueInstanceIds").sorted() == [overdue, mailed].sorted())

        let ledger = try fixture.ledgerItems()
        #expect(ledger.first { $0["instance_id"] == restarted }?["restarted_at"] == restartedAt, "closed from its record")
        let summary = try #require(ledger.first { $0["instance_id"] == ReportSummary.itemId })
        #expect(abs((Double(summary["overdue_usd"] ?? "") ?? 0) - 1.92) < 0.005, "two m5.large 10 h at $0.096: \(summary)")
        #expect(try fixture.states([overdue, mailed]).values.allSatisfy { $0 == "running" }, "a report stops nothing")
        #expect(try fixture.records()[overdue]?["last_notified_at"] == nil, "nor alerts")

        // SNS: the organisation's report as text.
        let mail = try #require(try fixture.mails().first { $0.subject.hasPrefix("instance-watch weekly") })
        #expect(mail.subject == "instance-watch weekly, week to \(AgingProxy.now.extendedISO8601.prefix(10)): $28.80 saved, 6 stops, 2 past limit", "\(mail.subject)")
        #expect(mail.body.contains("Saved this week: $28.80 and 48.0 h unpriced"), "\(mail.body)")
        #expect(mail.body.contains("Saved since the ledger began") && mail.body.contains("$36.00") && mail.body.contains("Compute only"))
        #expect(mail.body.contains("Left out of the figures (3):"), "\(mail.body)")
        // The Slack webhook: the organisation's report in Block Kit.
        let slack = try #require(try fixture.slackPosts().first { ($0["text"] as? String)?.hasPrefix("instance-watch weekly") == true })
        let blocks = try #require(((slack["attachments"] as? [[String: Any]])?.first?["blocks"]) as? [[String: Any]])
        #expect(blocks.first?["type"] as? String == "header" && "\(blocks)".contains("$28.80") && "\(blocks)".contains("forgotten"))
        // Teams: alice's part, valid by Microsoft's schema, its chart a PNG of at least 600x300.
        let card = try #require(try teams.attempts().first)
        #expect(try AdaptiveCardSchema.problems([Data(card.body.utf8)]) == [[]])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(card.body.utf8)) as? [String: Any])
        let body = try #require((((json["attachments"] as? [[String: Any]])?.first?["content"] as? [String: Any])?["body"]) as? [[String: Any]])
        let image = try #require(body.first { $0["type"] as? String == "Image" }?["url"] as? String)
        #expect(image.hasPrefix("data:image/png;base64,"))
        let png = try PNGCheck.read(Array(Data(base64Encoded: String(image.dropFirst("data:image/png;base64,".count))) ?? Data()))
        #expect(png.width >= 600 && png.height >= 300 && (png.counts["2e9e5b"] ?? 0) > 0, "alice's savings are drawn: \(png.counts)")
        #expect("\(body)".contains("forgotten") && !"\(body)".contains("carols"), "alice's report holds her instances only")
        #expect(card.body.utf8.count < 28_000, "within what Teams shows: \(card.body.utf8.count) bytes")
        // SES: carol's report as an HTML e-mail with the chart inline.
        let sent = try fixture.fixture(["op": "ses_messages"])["messages"] as? [[String: Any]] ?? []
        let raw = try #require(sent.first { $0["source"] as? String == sender && ($0["to"] as? [String])?.contains("carol@example.com") == true }?["raw"] as? String)
        let mime = try MIMECheck.parse(raw)
        #expect(mime.defects.isEmpty && mime.subject.hasPrefix("instance-watch weekly for carol@example.com") && mime.to == "carol@example.com", "\(mime.subject) \(mime.defects)")
        #expect(mime.types.prefix(4) == ["multipart/related", "multipart/alternative", "text/plain", "text/html"], "\(mime.types)")
        #expect(mime.html.contains(#"src="cid:chart@instance-watch""#) && mime.html.contains("carols") && !mime.html.contains("forgotten"))
        let inline = try #require(mime.images.first)
        #expect(inline.contentId == "<chart@instance-watch>" && inline.disposition == "inline")
        #expect(try PNGCheck.read(inline.bytes).width == 900)
    }

    @Test("Slack app mode: the report posted, then its chart uploaded into the same channel in three steps (files:write)")
    func slackApp() throws {
        let slack = try SlackAPIPeer()
        try placeLedger([Self.item("i-00000000000000open", stoppedHoursAgo: 30)])
        // Through the Runtime API emulator, as Lambda runs it: the EMF line carries the period's savings.
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [Self.event], environment: fixture.environment([
            "PRICING": "off", "SLACK_WEBHOOK_URL": "", "SLACK_BOT_TOKEN": SlackAPIPeer.token, "SLACK_API_URL": slack.apiURL, "SLACK_CHANNEL": "#finops",
        ]))
        let answer = try #require(served.results.first?.json, "\(served.stderr.suffix(1_500))")
        #expect((answer["report"] as? [String: Any])?["savingsUSD"] as? Double == 3.00, "30 h at $0.10: \(answer)")
        #expect(EmbeddedMetricFormatRules.lines(in: served.stdout).last?.contains(#""EstimatedSavingsUSD":3"#) == true, "\(served.stdout.suffix(600))")
        let posts = try slack.posts()
        #expect(posts.count == 1 && (posts.first?.body["text"] as? String)?.hasPrefix("instance-watch weekly") == true)
        let paths = try slack.requests().map(\.path)
        #expect(paths == ["/api/chat.postMessage", "/api/files.getUploadURLExternal", "/api/files.completeUploadExternal"], "\(paths)")
        let file = try #require(try slack.files().first)
        #expect(file.channel == "CFINOPS" && file.fileName.hasPrefix("instance-watch-weekly-") && file.altText.contains("Savings per week"))
        let png = try PNGCheck.read(file.bytes)
        #expect(png.width == 900 && png.height == 420 && (png.counts["2e9e5b"] ?? 0) > 0)
    }

    @Test("a ledger that cannot be read: the report still goes out, without savings, and says why in problems")
    func unreadableLedger() throws {
        let run = try report(["PRICING": "off", "LEDGER_TABLE_NAME": "no-such-ledger"])
        #expect(run.status == 0, run.summary)
        #expect(run.ids("problems").contains { $0.contains("the savings ledger could not be read") && $0.contains("ResourceNotFoundException") }, "\(run.ids("problems"))")
        #expect(try fixture.mails().contains { $0.subject.hasPrefix("instance-watch weekly, week to") && $0.subject.contains(": $0.00 saved") && $0.body.contains("could not be read") })
    }

    @Test("an event asking for a report this function does not make is refused, naming it")
    func unknownReport() throws {
        let run = try CheckerRun.run(environment: fixture.environment(["PRICING": "off"]), event: #"{"report": "monthly"}"#)
        #expect(run.status != 0 && run.stderr.contains("MalformedEvent") && run.stderr.contains("\"monthly\" is not a report this function makes"), "\(run.stderr.suffix(500))")
    }
}

/// An e-mail as Python's `email` package reads it (`Tests/Peers/mime_check.py`).
struct MIMECheck {
    struct Image {
        let contentId: String
        let disposition: String
        let bytes: [UInt8]
    }

    let subject: String
    let to: String
    let defects: [String]
    let types: [String]
    let html: String
    let images: [Image]

    static func parse(_ raw: String) throws -> MIMECheck {
        let run = try runCommand(TestPaths.python, [TestPaths.peers.appendingPathComponent("mime_check.py").path], input: Data(raw.utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stderr)")
        let parts = json["parts"] as? [[String: Any]] ?? []
        return MIMECheck(subject: json["subject"] as? String ?? "", to: json["to"] as? String ?? "", defects: json["defects"] as? [String] ?? [],
                         types: parts.map { $0["type"] as? String ?? "" },
                         html: parts.first { $0["type"] as? String == "text/html" }?["text"] as? String ?? "",
                         images: parts.filter { ($0["type"] as? String)?.hasPrefix("image/") == true }.map { part in
                             Image(contentId: part["contentId"] as? String ?? "", disposition: part["disposition"] as? String ?? "",
                                   bytes: Array(Data(base64Encoded: part["base64"] as? String ?? "") ?? Data()))
                         })
    }
}
