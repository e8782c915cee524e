import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Support

/// Owner routing end to end, against moto (SSM for the routes document, SNS with an SQS subscriber
/// whose filter policy moto applies, SES) and a Slack sink whose paths stand for three webhooks:
/// payments', data's and the default one. The tests share one region, one at a time.
@Suite("Owner routing, end to end", .serialized)
struct RoutingTests {
    static let region = MotoServer.privateRegion()
    let fixture: CheckerFixture
    let parameter = "/instance-watch/test/" + MotoServer.uniqueName("routes")

    init() throws {
        fixture = try CheckerFixture(region: Self.region, shared: true, name: "routing")
        try fixture.ec2.age(7 * 3600)
    }

    func webhook(_ name: String) -> String { "\(fixture.sink.endpoint)/services/T0/\(name)/SECRET-MARKER" }

    /// payments and data have their own Slack webhooks; the rest goes to the default one.
    func routes(accounts: [String: String] = [:]) -> String {
        let accountsJSON = accounts.map { "\"\($0.key)\": \"\($0.value)\"" }.joined(separator: ", ")
        return """
            {
              "owners": {
                "payments": {"slackWebhook": "\(webhook("PAYMENTS"))"},
                "Data": {"slackWebhook": "\(webhook("DATA"))"}
              },
              "accounts": {\(accountsJSON)},
              "default": {"slackWebhook": "\(webhook("DEFAULT"))"}
            }
            """
    }

    func storeRoutes(_ document: String) throws {
        try fixture.fixture(["op": "put_parameter", "name": parameter, "value": document, "type": "SecureString"])
    }

    /// The checker with the routes document and no webhook of its own.
    func check(_ settings: [String: String] = [:]) throws -> CheckerRun {
        try fixture.check(["PRICING": "off", "ROUTES_PARAMETER": parameter, "SLACK_WEBHOOK_URL": ""].merging(settings) { $1 })
    }

    /// What each webhook received: its posts' bodies.
    func posts(to name: String) throws -> [String] {
        try fixture.sink.attempts().filter { $0.path.contains("/\(name)/") }.map(\.body)
    }

    func fleet() throws -> (payments: String, data: String, untagged: String) {
        (try fixture.launch(tags: ["Name": "pay-api", "owner": "payments"]).id,
         try fixture.launch(tags: ["Name": "etl", "team": "data"]).id,
         try fixture.launch(tags: ["Name": "orphan"]).id)
    }

    @Test("each mode: payments', data's and the default webhook each receive exactly their own instances; the default also hears what went where")
    func each() throws {
        let fleet = try fleet()
        try storeRoutes(routes())
        let run = try check()
        #expect(run.status == 0, run.summary)
        let payments = try posts(to: "PAYMENTS"), data = try posts(to: "DATA"), fallback = try posts(to: "DEFAULT")
        #expect(payments.count == 1 && payments[0].contains(fleet.payments) && !payments[0].contains(fleet.data) && !payments[0].contains(fleet.untagged), "\(payments)")
        #expect(data.count == 1 && data[0].contains(fleet.data) && !data[0].contains(fleet.payments), "\(data)")
        // The default: the untagged instance's alert, then the summary, which names counts, not instances.
        #expect(fallback.count == 2, "\(fallback)")
        #expect(fallback.first?.contains(fleet.untagged) == true && fallback.allSatisfy { !$0.contains(fleet.payments) && !$0.contains(fleet.data) })
        let summary = fallback.last ?? ""
        #expect(summary.contains("routed 3 alerts") && summary.contains("payments: 1 alert, delivered") && summary.contains("data: 1 alert, delivered")
                && summary.contains("default (no owner"), "\(summary)")
        #expect(run.result["routed"] as? [String: Int] == ["payments": 1, "data": 1, "default": 1], run.summary)
        #expect(run.stderr.contains(#""RoutedAlerts":2"#) && run.stderr.contains(#""RouteFailures":0"#))
        // The topic still has every alert, each with its owner.
        let mails = try fixture.mails()
        #expect(Set([fleet.payments, fleet.data, fleet.untagged]).allSatisfy { id in mails.contains { $0.body.contains(id) } })
    }

    @Test("digest mode: one digest per destination, none naming another owner's instance")
    func digest() throws {
        let fleet = try fleet()
        let second = try fixture.launch(tags: ["Name": "pay-worker", "Owner": "PAYMENTS"]).id
        try storeRoutes(routes())
        let run = try check(["NOTIFY_MODE": "digest"])
        #expect(run.status == 0, run.summary)
        let payments = try posts(to: "PAYMENTS"), data = try posts(to: "DATA"), fallback = try posts(to: "DEFAULT")
        // Owners are compared without regard to case: `PAYMENTS` is payments.
        #expect(payments.count == 1 && payments[0].contains(fleet.payments) && payments[0].contains(second) && payments[0].contains("2 instances of payments"), "\(payments)")
        #expect(!payments[0].contains(fleet.data) && !payments[0].contains(fleet.untagged))
        #expect(data.count == 1 && data[0].contains(fleet.data) && !data[0].contains(fleet.payments) && !data[0].contains(second))
        #expect(fallback.count == 2 && fallback[0].contains(fleet.untagged) && !fallback[0].contains(fleet.payments) && !fallback[0].contains(fleet.data), "\(fallback)")
        // The topic: one digest per owner, so a filter policy on owner never lets in another owner's instances.
        let mails = try fixture.mails()
        #expect(mails.count == 3, "\(mails.map(\.subject))")
        #expect(mails.filter { $0.body.contains(fleet.payments) }.count == 1 && mails.allSatisfy { !($0.body.contains(fleet.payments) && $0.body.contains(fleet.data)) })
    }

    @Test("an SQS queue subscribed with a filter policy on owner=payments receives only the payments alerts, each mode and digest")
    func filterPolicy() throws {
        let queue = try #require(try fixture.fixture(["op": "subscribe_queue", "topic": fixture.topicArn, "name": MotoServer.uniqueName("payments"),
                                                      "filter": ["owner": ["payments"]]])["queue_url"] as? String)
        let fleet = try fleet()
        try storeRoutes(routes())
        #expect(try check().status == 0)
        #expect(try check(["NOTIFY_MODE": "digest"]).status == 0)
        let received = try #require(try fixture.fixture(["op": "queue_messages", "queue_url": queue])["messages"] as? [[String: Any]])
        let bodies = received.compactMap { $0["message"] as? String }
        #expect(bodies.count == 2, "one alert and one digest: \(received)")
        #expect(bodies.allSatisfy { $0.contains(fleet.payments) && !$0.contains(fleet.data) && !$0.contains(fleet.untagged) }, "\(bodies)")
        let attributes = try #require(received.first?["attributes"] as? [String: String])
        #expect(attributes["owner"] == "payments" && attributes["kind"] == "overdue" && attributes["region"] == Self.region
                && attributes["account"] == "123456789012", "\(attributes)")
    }

    @Test("a failing owner webhook: its alert goes to the default, marked undelivered, and the next run tries the owner again")
    func fallback() throws {
        let fleet = try fleet()
        try storeRoutes(routes())
        try fixture.sink.script([["when": "/PAYMENTS/", "always": true, "status": 500, "body": "internal_error"]])
        let interval = ["NOTIFY_INTERVAL": "6h"]
        let first = try check(interval)
        #expect(first.status == 0, "the default took it: nothing is lost, the run completes. \(first.summary)")
        let fallback = try posts(to: "DEFAULT")
        let marked = try #require(fallback.first { $0.contains(fleet.payments) }, "\(fallback)")
        #expect(marked.contains("undelivered to payments") && marked.contains("Not delivered to its owner payments"), "\(marked)")
        #expect(fallback.last?.contains("payments: 1 alert, 1 not delivered") == true, "\(fallback.last ?? "")")
        #expect(first.stderr.contains(#""RouteFailures":1"#) && first.stderr.contains(#""RoutedAlerts":1"#), "\(first.stderr.suffix(1_500))")
        #expect((first.result["problems"] as? [String] ?? []).contains { $0.contains("did not reach the owner's destination") })
        #expect(!first.ids("notifiedInstanceIds").contains(fleet.payments) && first.ids("notifiedInstanceIds").contains(fleet.data))

        // Within the interval: the others are not alerted again; payments' claim was given back, so it is.
        let paymentsTries = try posts(to: "PAYMENTS").count
        try fixture.sink.clear()
        let second = try check(interval)
        #expect(second.ids("notifiedInstanceIds") == [fleet.payments], second.summary)
        #expect(try posts(to: "PAYMENTS").count > paymentsTries)
        #expect(Set(second.ids("notifiedRecently")) == [fleet.data, fleet.untagged], second.summary)
    }

    @Test("an instance's account routes it when no owner tag does")
    func accountRoute() throws {
        let untagged = try fixture.launch(tags: ["Name": "account-owned"]).id
        try storeRoutes(routes(accounts: ["123456789012": "data"]))
        let run = try check()
        #expect(run.status == 0, run.summary)
        #expect(try posts(to: "DATA").contains { $0.contains(untagged) })
        #expect(try posts(to: "DEFAULT").allSatisfy { !$0.contains(untagged) || $0.contains("routed") })
    }

    @Test("SES: an owner tag holding an address in SES_ALLOWED_DOMAINS gets exactly its instances by e-mail from the verified sender; an address elsewhere is never mailed, and named")
    func directEmail() throws {
        let sender = "instance-watch-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        try fixture.fixture(["op": "ses_verify", "address": sender])
        let alice = "alice-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        // Anyone who can tag an instance could name any address: outside the allowed domains, it is
        // routed like an unowned instance (the organisation's sender mails no stranger).
        let outsider = "victim-\(UUID().uuidString.prefix(8).lowercased())@elsewhere.example.net"
        let mine = try fixture.launch(tags: ["Name": "alice-box", "owner": alice]).id
        let theirs = try fixture.launch(tags: ["Name": "pay-api", "owner": "payments"]).id
        let tagged = try fixture.launch(tags: ["Name": "tagged-by-anyone", "owner": outsider]).id
        try storeRoutes(routes())
        let run = try check(["SES_FROM_ADDRESS": sender, "SES_ALLOWED_DOMAINS": "example.com", "NOTIFY_MODE": "digest"])
        #expect(run.status == 0, run.summary)
        let sent = try #require(try fixture.fixture(["op": "ses_messages"])["messages"] as? [[String: Any]])
        #expect(!sent.contains { ($0["to"] as? [String] ?? []).contains(outsider) }, "an address outside SES_ALLOWED_DOMAINS was mailed")
        let problems = "\(run.result["problems"] ?? "")"
        #expect(problems.contains("outside SES_ALLOWED_DOMAINS") && problems.contains(tagged), run.summary)
        #expect(try posts(to: "DEFAULT").contains { $0.contains(tagged) }, "it went to the default destination")
        let mails = sent.filter { ($0["to"] as? [String]) == [alice] }
        #expect(mails.count == 1, "\(mails)")
        let body = mails.first?["body"] as? String ?? ""
        #expect(mails.first?["source"] as? String == sender && body.contains(mine) && !body.contains(theirs), "\(body)")
        #expect(try posts(to: "DEFAULT").allSatisfy { !$0.contains(mine) || $0.contains("routed") }, "alice's instance went to alice, not to the default")
        // Without SES_ALLOWED_DOMAINS nobody is mailed directly, whatever SES_FROM_ADDRESS says.
        let before = sent.count
        let unset = try check(["SES_FROM_ADDRESS": sender, "NOTIFY_MODE": "digest", "NOTIFY_INTERVAL": "0"])
        #expect(unset.stderr.contains("SES_FROM_ADDRESS is set without SES_ALLOWED_DOMAINS: no owner is e-mailed directly"), "the start says so: \(unset.stderr.suffix(800))")
        #expect((try fixture.fixture(["op": "ses_messages"])["messages"] as? [[String: Any]])?.count == before)
    }

    @Test("a malformed routes document stops the checker at start, naming the parameter and the place in it")
    func malformed() throws {
        try storeRoutes(#"{"owners": {"payments": {"slackWebhok": "https://hooks.slack.com/services/T/B/SECRET-MARKER"}}}"#)
        let typo = try check()
        #expect(typo.status != 0)
        #expect(typo.stderr.contains("ROUTES_PARAMETER=\"\(parameter)\"") && typo.stderr.contains("at owners.payments.slackWebhok: unknown key"), "\(typo.stderr.suffix(1_000))")
        try storeRoutes("{\n  \"owners\": {\n    \"payments\": {\"slackWebhook\": \"https://x\",}\n  }\n}")
        let syntax = try check()
        #expect(syntax.status != 0 && syntax.stderr.contains("line 3, column"), "\(syntax.stderr.suffix(1_000))")
    }
}
