import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Support

/// The router against channels that record what they were given and fail when told to.
@Suite("Routing alerts to their owners")
struct AlertRouterTests {
    final class RecordingChannel: AlertChannel, @unchecked Sendable {
        let name: String
        var failing = false
        var each: [[Alert]] = []
        var digests: [AlertDigest] = []
        var notes: [AlertNote] = []

        init(_ name: String, failing: Bool = false) {
            self.name = name
            self.failing = failing
        }

        func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
            each.append(alerts)
            return failing ? alerts.map { AlertDeliveryFailure(instanceIds: [$0.instanceId], description: "\(name) said 500", underlying: AlertRefused(description: "500")) } : []
        }

        func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
            digests.append(digest)
            return failing ? AlertDeliveryFailure(instanceIds: digest.alerts.map(\.instanceId), description: "\(name) said 500", underlying: AlertRefused(description: "500")) : nil
        }

        func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure? {
            notes.append(note)
            return nil
        }

        var ids: [String] { each.flatMap { $0.map(\.instanceId) } }
    }

    let now = UTCDateTime(epochSeconds: 1_800_000_000)

    func alert(_ id: String, owner: String?) -> Alert {
        var instance = RunningInstance(id: id, region: "eu-west-1", account: "111111111111", since: UTCDateTime(epochSeconds: now.epochSeconds - 7 * 3600),
                                       limit: .threshold(seconds: 6 * 3600))
        instance.owner = owner
        return Alert.uptime(instance, now: now)
    }

    @Test("each owner's destination gets only its alerts, the rest the default, the topic all; the default hears the counts")
    func each() {
        let topic = RecordingChannel("SNS"), payments = RecordingChannel("Slack"), fallback = RecordingChannel("Slack")
        let router = AlertRouter(routes: AlertRoutes(topic: topic, owners: ["payments": [payments]], fallback: [fallback]))
        let outcome = router.deliver([alert("i-1", owner: "Payments"), alert("i-2", owner: "data"), alert("i-3", owner: nil)],
                                     form: .each, summaryAt: now, deadline: .distantFuture)
        #expect(topic.ids == ["i-1", "i-2", "i-3"] && payments.ids == ["i-1"] && fallback.ids == ["i-2", "i-3"])
        #expect(outcome.routed == 1 && outcome.routeFailures == 0 && outcome.failures.isEmpty && outcome.undelivered.isEmpty)
        #expect(fallback.notes.first?.lines == ["payments: 1 alert, delivered", "default (no owner's destination): 2 alerts, here"])
    }

    @Test("a retry of the same tick: each channel gets only the alerts it has not taken; what each took is reported by destination and channel")
    func retrySkipsWhatWentOut() {
        let topic = RecordingChannel("SNS"), payments = RecordingChannel("Slack"), fallback = RecordingChannel("Slack", failing: true)
        let router = AlertRouter(routes: AlertRoutes(topic: topic, owners: ["payments": [payments]], fallback: [fallback]))
        let alerts = [alert("i-1", owner: "payments"), alert("i-2", owner: nil)]
        let first = router.deliver(alerts, form: .each, summaryAt: nil, deadline: .distantFuture)
        #expect(first.delivered == ["i-1": ["topic/SNS", "payments/Slack"], "i-2": ["topic/SNS"]], "\(first.delivered)")
        #expect(first.undelivered == ["i-2"])
        // The retry: the topic and the owner took theirs; only the default's Slack is tried again.
        fallback.failing = false
        let second = router.deliver(alerts, form: .each, summaryAt: nil, alreadyDelivered: first.delivered, deadline: .distantFuture)
        #expect(topic.ids == ["i-1", "i-2"] && payments.ids == ["i-1"] && fallback.ids == ["i-2", "i-2"], "\(topic.ids) \(payments.ids) \(fallback.ids)")
        #expect(second.delivered == ["i-2": ["default/Slack"]] && second.undelivered.isEmpty && second.failures.isEmpty)
    }

    @Test("a failing owner's destination: the alert goes to the default marked, its claim is to be given back, the run does not fail")
    func fallback() {
        let payments = RecordingChannel("Slack", failing: true), fallback = RecordingChannel("Slack")
        let router = AlertRouter(routes: AlertRoutes(owners: ["payments": [payments]], fallback: [fallback]))
        let outcome = router.deliver([alert("i-1", owner: "payments"), alert("i-2", owner: nil)], form: .each, summaryAt: now, deadline: .distantFuture)
        #expect(outcome.failures.isEmpty && outcome.undelivered == ["i-1"] && outcome.routeFailures == 1 && outcome.routed == 0)
        let marked = fallback.each.flatMap { $0 }.first { $0.instanceId == "i-1" }
        #expect(marked?.undeliveredToOwner == "Slack said 500" && marked?.headline.hasPrefix("[undelivered to payments]") == true)
        #expect(outcome.problems.count == 1)
    }

    @Test("the default failing as well fails the run; with no default at all, an owner's failure is a failure")
    func nothingLost() {
        let payments = RecordingChannel("Slack", failing: true), fallback = RecordingChannel("Slack", failing: true)
        let both = AlertRouter(routes: AlertRoutes(owners: ["payments": [payments]], fallback: [fallback]))
            .deliver([alert("i-1", owner: "payments")], form: .each, summaryAt: nil, deadline: .distantFuture)
        #expect(both.failures.count == 1 && both.undelivered == ["i-1"])
        let none = AlertRouter(routes: AlertRoutes(owners: ["payments": [RecordingChannel("Slack", failing: true)]], fallback: []))
            .deliver([alert("i-1", owner: "payments")], form: .each, summaryAt: nil, deadline: .distantFuture)
        #expect(none.failures.count == 1 && none.undelivered == ["i-1"])
    }

    @Test("digests: one per owner on the topic and for each owner's destination, one for the default; none names another owner's instance")
    func digests() {
        let topic = RecordingChannel("SNS"), payments = RecordingChannel("Slack"), fallback = RecordingChannel("Slack")
        let router = AlertRouter(routes: AlertRoutes(topic: topic, owners: ["payments": [payments]], fallback: [fallback]))
        let alerts = [alert("i-1", owner: "payments"), alert("i-2", owner: "data"), alert("i-3", owner: nil), alert("i-4", owner: "payments")]
        _ = router.deliver(alerts, form: .digest { alerts, owner in
            var digest = AlertDigest.uptime([], now: now, owner: owner)
            digest.alerts = alerts
            return digest
        }, summaryAt: nil, deadline: .distantFuture)
        #expect(topic.digests.map { $0.alerts.map(\.instanceId) } == [["i-1", "i-4"], ["i-2"], ["i-3"]])
        #expect(topic.digests.map(\.owner) == ["payments", "data", nil])
        #expect(payments.digests.map { $0.alerts.map(\.instanceId) } == [["i-1", "i-4"]])
        #expect(fallback.digests.map { $0.alerts.map(\.instanceId) } == [["i-2", "i-3"]] && fallback.digests.first?.owner == nil)
    }

    @Test("an owner whose name is an address in an allowed domain gets direct e-mail, and nothing falls to the default; one elsewhere goes to the default, named")
    func directEmail() {
        let fallback = RecordingChannel("Slack")
        let mail = RecordingChannel("SES")
        var routes = AlertRoutes(fallback: [fallback], directEmail: { _ in mail })
        routes.allowedEmailDomains = ["example.com"]
        let router = AlertRouter(routes: routes)
        let outcome = router.deliver([alert("i-1", owner: "alice@example.com"), alert("i-2", owner: "bob@eu.example.com"), alert("i-3", owner: "eve@example.com.evil.net")],
                                     form: .each, summaryAt: nil, deadline: .distantFuture)
        #expect(mail.ids == ["i-1", "i-2"] && fallback.ids == ["i-3"], "\(mail.ids) \(fallback.ids)")
        #expect(outcome.problems.contains { $0.contains("eve@example.com.evil.net") && $0.contains("SES_ALLOWED_DOMAINS") }, "\(outcome.problems)")
    }
}
