import Foundation
import Testing
@testable import InstanceWatchCore
@testable import SlackActions
@testable import Support

/// Slack app mode end to end: the checker posts alerts with buttons to a local Slack (`chat.postMessage`),
/// a click is built from that message's own button and signed as Slack signs, and the SlackActionHandler
/// executable takes it as a Function URL delivers it (base64 body). Against moto, one region, one test at a time.
@Suite("Slack buttons, end to end", .serialized)
struct SlackActionsTests {
    static let region = MotoServer.privateRegion()
    static let secret = "8f742231b10e8888abcd99yyyzzz85a5-test"
    let fixture: CheckerFixture
    let slack: SlackAPIPeer

    init() throws {
        fixture = try CheckerFixture(region: Self.region, shared: true, name: "slack-actions")
        try fixture.ec2.age(7 * 3600)
        slack = try SlackAPIPeer()
    }

    var appSettings: [String: String] {
        ["PRICING": "off", "SLACK_WEBHOOK_URL": "", "SLACK_BOT_TOKEN": SlackAPIPeer.token, "SLACK_API_URL": slack.apiURL, "SLACK_CHANNEL": "#ops"]
    }

    /// The button `actionId` of the alert posted about `id`, as Slack would hand it back.
    func button(_ actionId: String, about id: String) throws -> String? {
        let post = try #require(try slack.posts().last { "\($0.body)".contains(id) }, "no chat.postMessage about \(id)")
        let blocks = (post.body["attachments"] as? [[String: Any]])?.first?["blocks"] as? [[String: Any]] ?? []
        let elements = blocks.first { $0["type"] as? String == "actions" }?["elements"] as? [[String: Any]] ?? []
        return elements.first { $0["action_id"] as? String == actionId }?["value"] as? String
    }

    func clickBody(_ actionId: String, value: String, user: String = "U0ALICE", name: String = "alice", responseId: String = UUID().uuidString) throws -> String {
        try SlackClick.body(actionId, value: value, user: user, name: name, responseURL: slack.responseURL(responseId))
    }

    func functionURLEvent(body: String, timestamp: Int? = nil, signature: String? = nil, signedBody: String? = nil) throws -> String {
        try SlackClick.functionURLEvent(body: body, secret: Self.secret, timestamp: timestamp, signature: signature, signedBody: signedBody)
    }

    /// The SlackActionHandler executable on one event; its answer and its log.
    func handle(_ event: String, _ settings: [String: String] = [:]) throws -> (status: Int, body: String, log: String) {
        let environment = fixture.environment(["SLACK_SIGNING_SECRET": Self.secret, "SLACK_WEBHOOK_URL": ""].merging(settings) { $1 })
            .merging(["PATH": "/usr/bin:/bin"]) { $1 }
        let run = try runCommand(TestPaths.debugExecutable("SlackActionHandler"), ["--event", "-"], environment: environment, input: Data(event.utf8))
        #expect(run.status == 0, "\(run.stderr.suffix(1_500))")
        #expect(!run.stderr.contains(Self.secret), "the signing secret leaked")
        let answer = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
        return (answer["statusCode"] as? Int ?? -1, answer["body"] as? String ?? "", run.stderr)
    }

    /// When the run the table holds of `id` started (what a button of its alert carries).
    func runStart(_ id: String) throws -> Int? {
        try fixture.records()[id]?["start_time"].flatMap(UTCDateTime.parse)?.epochSeconds
    }

    func responses() throws -> [[String: Any]] { try slack.requests().filter { $0.path.hasPrefix("/response/") }.map(\.body) }

    @Test("a click on the alert's own Snooze 1 day button snoozes it: the next check leaves it out, another overdue instance is still alerted, the message is replaced")
    func snooze() throws {
        let snoozed = try fixture.launch(tags: ["Name": "snooze-me"]).id
        let other = try fixture.launch(tags: ["Name": "still-alerted"]).id
        let first = try fixture.check(appSettings)
        #expect(first.status == 0 && Set(first.ids("notifiedInstanceIds")) == [snoozed, other], first.summary)
        let post = try #require(try slack.posts().first { "\($0.body)".contains(snoozed) })
        #expect(post.authorization == "Bearer \(SlackAPIPeer.token)" && post.body["channel"] as? String == "#ops")
        let noted = try fixture.records()[snoozed]
        #expect(noted?["slack_channel"] == "COPS" && noted?["slack_ts"] != nil, "the message is noted on the record: \(noted ?? [:])")
        #expect(try button("stop_now", about: snoozed) == nil, "Stop now is offered only with SLACK_STOP=on")

        let value = try #require(try button("snooze_1d", about: snoozed))
        let answer = try handle(try functionURLEvent(body: try clickBody("snooze_1d", value: value)))
        #expect(answer.status == 200, "\(answer.log.suffix(1_000))")
        let record = try #require(try fixture.records()[snoozed])
        let until = try #require(record["snoozed_until"].flatMap(UTCDateTime.parse))
        #expect(abs(until.epochSeconds - (Int(Date().timeIntervalSince1970) + 86_400)) < 120 && record["snoozed_by"] == "@alice (U0ALICE)", "\(record)")
        #expect(record["last_action_by"] == "@alice (U0ALICE)" && record["last_action"]?.hasPrefix("snoozed until") == true)
        let replaced = try #require(try responses().last)
        #expect(replaced["replace_original"] as? Bool == true && (replaced["text"] as? String ?? "").contains("snoozed until") && (replaced["text"] as? String ?? "").contains("@alice"), "\(replaced)")
        #expect(answer.log.contains("SlackActionsSnooze") || answer.log.contains("\"SlackActions\":1"), "\(answer.log.suffix(800))")

        let second = try fixture.check(appSettings.merging(["NOTIFY_MODE": "digest"]) { $1 })
        #expect(second.status == 0, second.summary)
        #expect(!second.ids("notifiedInstanceIds").contains(snoozed) && second.ids("notifiedInstanceIds").contains(other), second.summary)
        #expect(second.ids("snoozed").first?.hasPrefix("\(snoozed) (snooze-me): snoozed until") == true, second.summary)
        let digest = try #require(try slack.posts().last)
        #expect("\(digest.body)".contains("Snoozed") && "\(digest.body)".contains(snoozed), "the digest lists the snoozed instance apart")
    }

    @Test("a wrong signature, a timestamp 10 minutes old, a body altered after signing and a button for an unknown instance are each refused, with nothing changed")
    func refusals() throws {
        let id = try fixture.launch(tags: ["Name": "refuse-me"]).id
        _ = try fixture.check(appSettings)
        let value = try #require(try button("snooze_1w", about: id))
        let body = try clickBody("snooze_1w", value: value)
        let before = try fixture.records()[id]

        let wrong = try handle(try functionURLEvent(body: body, signature: "v0=" + String(repeating: "0", count: 64)))
        let stale = Int(Date().timeIntervalSince1970) - 600
        let old = try handle(try functionURLEvent(body: body, timestamp: stale))
        let altered = try handle(try functionURLEvent(body: body.replacing("U0ALICE", with: "U0ADMIN"), signedBody: body))
        #expect(wrong.status == 401 && old.status == 401 && altered.status == 401, "\(wrong.status) \(old.status) \(altered.status)")
        #expect(old.log.contains("timestamp more than 5 minutes") && wrong.log.contains("does not match"), "\(old.log.suffix(500))")

        let unknown = SlackButtonValue(instanceId: "i-0123456789abcdef0", account: "123456789012", region: Self.region, runStartedAt: 1_763_712_000).encoded
        let responsesBefore = try responses().count
        let stranger = try handle(try functionURLEvent(body: try clickBody("snooze_1w", value: unknown)))
        #expect(stranger.status == 200)
        let refusal = try #require(try responses().last)
        #expect(try responses().count == responsesBefore + 1 && refusal["response_type"] as? String == "ephemeral"
                && (refusal["text"] as? String ?? "").contains("does not know i-0123456789abcdef0"), "\(refusal)")
        let otherAccount = SlackButtonValue(instanceId: id, account: "999999999999", region: Self.region, runStartedAt: try runStart(id)).encoded
        #expect(try handle(try functionURLEvent(body: try clickBody("snooze_1w", value: otherAccount))).status == 200)
        #expect(try fixture.records()[id] == before, "nothing changed")
        #expect(try fixture.records()["i-0123456789abcdef0"] == nil)
    }

    @Test("Stop now (SLACK_STOP=on) stops an unmanaged instance for an allowed user; refuses a user not on the list and a managed instance")
    func stopNow() throws {
        let plain = try fixture.launch(tags: ["Name": "stop-me"]).id
        let managed = try fixture.launch(tags: ["Name": "karpenter-node", "karpenter.sh/nodepool": "default"]).id
        let settings = appSettings.merging(["SLACK_STOP": "on", "MANAGED_INSTANCES": "alert"]) { $1 }
        _ = try fixture.check(settings)
        let stopPlain = try #require(try button("stop_now", about: plain))
        #expect(try button("stop_now", about: managed) == nil, "a managed instance is offered no Stop now")
        let handlerSettings = ["SLACK_STOP": "on", "SLACK_STOP_USERS": "U0ALICE"]

        let notListed = try handle(try functionURLEvent(body: try clickBody("stop_now", value: stopPlain, user: "U0MALLORY", name: "mallory")), handlerSettings)
        let notListedText = try responses().last?["text"] as? String ?? ""
        #expect(notListed.status == 200 && notListedText.contains("not among those allowed"), "\(notListedText)")
        #expect(try fixture.states([plain])[plain] == "running")

        // A button forged for the managed instance (a value built by hand, signed with the secret) is refused by EC2's tags.
        let forged = SlackButtonValue(instanceId: managed, account: "123456789012", region: Self.region, runStartedAt: try runStart(managed)).encoded
        _ = try handle(try functionURLEvent(body: try clickBody("stop_now", value: forged)), handlerSettings)
        let managedText = try responses().last?["text"] as? String ?? ""
        #expect(managedText.contains("managed by Karpenter node pool"), "\(managedText)")
        #expect(try fixture.states([managed])[managed] == "running")

        let allowed = try handle(try functionURLEvent(body: try clickBody("stop_now", value: stopPlain)), handlerSettings)
        #expect(allowed.status == 200, "\(allowed.log.suffix(1_000))")
        #expect(["stopping", "stopped"].contains(try fixture.states([plain])[plain] ?? ""), "\(allowed.log.suffix(1_000))")
        let stoppedRecord = try fixture.records()[plain]
        #expect(stoppedRecord?["last_action"] == "stopped" && stoppedRecord?["last_action_by"] == "@alice (U0ALICE)", "\(stoppedRecord ?? [:])")
        let stoppedText = try responses().last?["text"] as? String ?? ""
        #expect(stoppedText.contains("stopped by @alice"), "\(stoppedText)")
        // The stop was noted for the savings ledger before EC2 was asked; its state change credits it to alice.
        #expect(stoppedRecord?["stop_credit"] == "slack:U0ALICE" && stoppedRecord?["stop_credit_at"] != nil, "\(stoppedRecord ?? [:])")
        // The managed instance's refused Stop now left no intent behind.
        #expect(try fixture.records()[managed]?["stop_credit"] == nil)
        let recorded = try fixture.stateChange(plain, "stopping", at: UTCDateTime(Date()))
        #expect(recorded.action == "recorded-stop", "\(recorded.stderr.suffix(800))")
        let item = try fixture.ledgerItems().first { $0["instance_id"] == plain }
        #expect(item?["stopped_by"] == "slack:U0ALICE" && item?["name"] == "stop-me", "the alert's Name, noted when it went out: \(item ?? [:])")

        // SLACK_STOP off in the handler: the same click does nothing.
        let plainTwo = try fixture.launch(tags: ["Name": "stop-me-too"]).id
        _ = try fixture.check(settings)
        let value = SlackButtonValue(instanceId: plainTwo, account: "123456789012", region: Self.region, runStartedAt: try runStart(plainTwo)).encoded
        _ = try handle(try functionURLEvent(body: try clickBody("stop_now", value: value)))
        let offText = try responses().last?["text"] as? String ?? ""
        #expect(try fixture.states([plainTwo])[plainTwo] == "running")
        #expect(offText.contains("Stop now is off"), "\(offText)")
    }

    @Test("an old alert's Stop now and Snooze refuse a later run of the instance: after a stop and a start, the instance keeps running, the record is unchanged, and the person is told why")
    func staleButtons() throws {
        let id = try fixture.launch(tags: ["Name": "restarted-since"]).id
        let settings = appSettings.merging(["SLACK_STOP": "on"]) { $1 }
        _ = try fixture.check(settings)
        let oldStop = try #require(try button("stop_now", about: id))
        let oldSnooze = try #require(try button("snooze_1d", about: id))
        // The instance stopped and started again since (as the StateChangeHandler records a new start:
        // a later start_time, running, the old run's message forgotten).
        let before = try #require(try fixture.records()[id])
        let oldStart = try #require(before["start_time"].flatMap(UTCDateTime.parse))
        let newStart = UTCDateTime(epochSeconds: oldStart.epochSeconds + 1_800).extendedISO8601
        var restarted = before.filter { !["slack_channel", "slack_ts"].contains($0.key) }
        restarted["start_time"] = newStart
        restarted["last_event_time"] = newStart
        try fixture.fixture(["op": "put_items", "table": fixture.table, "region": fixture.region, "items": [restarted]])
        let recorded = try fixture.records()[id]

        let stop = try handle(try functionURLEvent(body: try clickBody("stop_now", value: oldStop)), ["SLACK_STOP": "on"])
        let stopText = try responses().last?["text"] as? String ?? ""
        #expect(stop.status == 200 && stopText.contains("earlier run"), "\(stopText) \(stop.log.suffix(800))")
        #expect(try fixture.states([id])[id] == "running", "a week-old Stop now stopped a later run")
        let snooze = try handle(try functionURLEvent(body: try clickBody("snooze_1d", value: oldSnooze)))
        let snoozeText = try responses().last?["text"] as? String ?? ""
        #expect(snooze.status == 200 && snoozeText.contains("earlier run"), "\(snoozeText)")
        #expect(try fixture.records()[id] == recorded, "the record is as the new start left it: no snooze, no action")
    }

    @Test("a record in the seed's format (instance_id, start_time, stop_time: no state, no account) gets working buttons, in the function's own account")
    func seedFormatRecord() throws {
        let id = try fixture.launch(tags: ["Name": "seed-format"]).id
        let start = AgingProxy.ago(hours: 7).extendedISO8601
        try fixture.fixture(["op": "put_items", "table": fixture.table, "items": [["instance_id": id, "start_time": start, "stop_time": ""]]])
        let value = SlackButtonValue(instanceId: id, account: "123456789012", region: Self.region, runStartedAt: UTCDateTime.parse(start)?.epochSeconds).encoded
        let answer = try handle(try functionURLEvent(body: try clickBody("snooze_1d", value: value)))
        #expect(answer.status == 200, "\(answer.log.suffix(800))")
        let record = try #require(try fixture.records()[id])
        #expect(record["snoozed_until"] != nil && record["snoozed_by"] == "@alice (U0ALICE)", "\(record) \(answer.log.suffix(800))")
        #expect(record["state"] == nil && record["account"] == nil, "the seed's record keeps its format: \(record)")
        // Another account's button for the same record is still refused.
        let other = SlackButtonValue(instanceId: id, account: "999999999999", region: Self.region, runStartedAt: UTCDateTime.parse(start)?.epochSeconds).encoded
        _ = try handle(try functionURLEvent(body: try clickBody("snooze_1w", value: other)))
        #expect((try responses().last?["text"] as? String ?? "").contains("does not know \(id)"))
    }

    @Test("SLACK_TEAM_ID and SLACK_APP_ID refuse a signed click from another workspace or app (403, nothing changed); SLACK_ACTION_USERS limits who may snooze")
    func whoseClicks() throws {
        let id = try fixture.launch(tags: ["Name": "whose-clicks"]).id
        _ = try fixture.check(appSettings)
        let snooze = try #require(try button("snooze_1d", about: id))
        let click = try functionURLEvent(body: try clickBody("snooze_1d", value: snooze))
        let before = try fixture.records()[id]
        // The clicks come from workspace T0001 through app A0001 (SlackClick).
        let otherTeam = try handle(click, ["SLACK_TEAM_ID": "T0002"])
        let otherApp = try handle(click, ["SLACK_APP_ID": "A0002"])
        #expect(otherTeam.status == 403 && otherTeam.log.contains("not SLACK_TEAM_ID"), "\(otherTeam.log.suffix(600))")
        #expect(otherApp.status == 403 && otherApp.log.contains("not SLACK_APP_ID"), "\(otherApp.log.suffix(600))")
        let notListed = try handle(click, ["SLACK_ACTION_USERS": "U0BOB"])
        let refusal = try responses().last?["text"] as? String ?? ""
        #expect(notListed.status == 200 && refusal.contains("not among those allowed to snooze"), "\(refusal)")
        #expect(try fixture.records()[id] == before, "nothing changed")

        let ours = try handle(click, ["SLACK_TEAM_ID": "T0001", "SLACK_APP_ID": "A0001", "SLACK_ACTION_USERS": "U0ALICE"])
        let snoozed = try fixture.records()[id]?["snoozed_until"]
        #expect(ours.status == 200 && snoozed != nil, "\(ours.log.suffix(600))")
    }

    @Test("an alert whose instance stopped or ended says so in place (chat.update, no buttons), once; a message deleted in Slack is forgotten")
    func closedInPlace() throws {
        let stops = try fixture.launch(tags: ["Name": "stops-later"]).id
        let ends = try fixture.launch(tags: ["Name": "ends-later"]).id
        let deleted = try fixture.launch(tags: ["Name": "message-deleted"]).id
        let runs = try fixture.launch(tags: ["Name": "keeps-running"]).id
        let first = try fixture.check(appSettings)
        #expect(first.status == 0 && first.ids("notifiedInstanceIds").count == 4, first.summary)
        let noted = try fixture.records()
        let messageOf = { (id: String) in "\(noted[id]?["slack_channel"] ?? "")/\(noted[id]?["slack_ts"] ?? "")" }
        #expect(try slack.messages()[messageOf(stops)] != nil && noted[runs]?["slack_ts"] != nil, "\(noted)")
        let deletedTs = try #require(noted[deleted]?["slack_ts"])
        try slack.delete(channel: "COPS", ts: deletedTs)

        try fixture.fixture(["op": "stop_instances", "ids": [stops, deleted]])
        try fixture.fixture(["op": "terminate_instances", "ids": [ends]])
        // The table never heard the stops (no StateChangeHandler here): the run that repairs it closes the alerts.
        let second = try fixture.check(appSettings)
        #expect(second.status == 0, second.summary)
        #expect(Set(second.ids("closedAlerts").map { String($0.prefix(while: { $0 != ":" })) }) == [stops, ends], second.summary)
        #expect(second.ids("closedAlerts").contains { $0.hasPrefix("\(ends): terminated at ") }, second.summary)
        #expect(second.ids("problems").contains { $0.contains(deleted) && $0.contains("message_not_found") }, second.summary)

        let messages = try slack.messages()
        let closed = try #require(messages[messageOf(stops)])
        let text = "\(closed)"
        #expect(text.contains("stopped at") && text.contains("no longer running") && !text.contains("snooze_1d") && !text.contains("\"actions\""), Comment(rawValue: text))
        #expect("\(messages[messageOf(ends)] ?? [:])".contains("terminated at"))
        #expect("\(messages[messageOf(runs)] ?? [:])".contains("snooze_1d"), "the running instance's alert keeps its buttons")
        let records = try fixture.records()
        for id in [stops, ends, deleted] { #expect(records[id]?["slack_ts"] == nil, "\(id) forgets its message: \(records[id] ?? [:])") }
        #expect(records[runs]?["slack_ts"] != nil)

        let updates = try slack.updates().count
        let third = try fixture.check(appSettings)
        #expect(third.ids("closedAlerts").isEmpty && third.status == 0, third.summary)
        #expect(try slack.updates().count == updates, "each alert is closed once")
        #expect(try slack.updates().allSatisfy { $0.authorization == "Bearer \(SlackAPIPeer.token)" })
    }

    /// The options of the menu beside `id` in the newest digest: label → value.
    func menuOptions(about id: String) throws -> [String: String] {
        let digest = try #require(try slack.posts().last, "no digest")
        let blocks = (digest.body["attachments"] as? [[String: Any]])?.first?["blocks"] as? [[String: Any]] ?? []
        let section = try #require(blocks.first { "\($0["text"] ?? "")".contains(id) }, "no section about \(id)")
        let menu = try #require(section["accessory"] as? [String: Any], "no menu beside \(id): \(section)")
        #expect(menu["type"] as? String == "overflow" && menu["action_id"] as? String == SlackButtonAction.digestMenuId, "\(menu)")
        let options = menu["options"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: options.map { (($0["text"] as? [String: Any])?["text"] as? String ?? "", $0["value"] as? String ?? "") })
    }

    @Test("a digest offers the actions in a menu beside each instance; a choice snoozes that instance and answers beside the digest, which stays")
    func digestMenu() throws {
        let chosen = try fixture.launch(tags: ["Name": "digest-snooze"]).id
        let other = try fixture.launch(tags: ["Name": "digest-other"]).id
        let managed = try fixture.launch(tags: ["Name": "digest-node", "eks:nodegroup-name": "workers"]).id
        // One digest for the test: the later checks, inside NOTIFY_INTERVAL, post none.
        let settings = appSettings.merging(["NOTIFY_MODE": "digest", "SLACK_STOP": "on", "MANAGED_INSTANCES": "alert", "NOTIFY_INTERVAL": "6h"]) { $1 }
        let first = try fixture.check(settings)
        #expect(first.status == 0 && Set(first.ids("notifiedInstanceIds")) == [chosen, other, managed], first.summary)
        let options = try menuOptions(about: chosen)
        #expect(options.keys.sorted() == ["Snooze 1 day", "Snooze 1 week", "Stop now"], "\(options)")
        #expect(try menuOptions(about: managed).keys.sorted() == ["Snooze 1 day", "Snooze 1 week"], "no Stop now for a managed instance")
        let option = try #require(options["Snooze 1 week"])
        #expect(option.hasPrefix("snooze_1w {") && option.count <= 150, "\(option)")

        let body = try SlackClick.menuChoice(SlackButtonAction.digestMenuId, option: option, responseURL: slack.responseURL(UUID().uuidString))
        let answer = try handle(try functionURLEvent(body: body))
        #expect(answer.status == 200, "\(answer.log.suffix(1_000))")
        let record = try #require(try fixture.records()[chosen])
        let until = try #require(record["snoozed_until"].flatMap(UTCDateTime.parse))
        #expect(abs(until.epochSeconds - (Int(Date().timeIntervalSince1970) + 7 * 86_400)) < 120, "\(record)")
        let reply = try #require(try responses().last)
        #expect(reply["replace_original"] as? Bool == false && reply["response_type"] as? String == "in_channel"
                && (reply["text"] as? String ?? "").contains("\(chosen) snoozed until"), "the digest stays; the answer goes beside it: \(reply)")
        #expect(try fixture.records()[other]?["snoozed_until"] == nil)

        // A choice that is not one (no value after the action) is refused, with nothing changed.
        let broken = try SlackClick.menuChoice(SlackButtonAction.digestMenuId, option: "snooze_1d", responseURL: slack.responseURL(UUID().uuidString))
        let refused = try handle(try functionURLEvent(body: broken))
        #expect(refused.status == 400 && refused.log.contains("a menu choice without an action and a value"), "\(refused.log.suffix(600))")
        #expect(try fixture.records()[other]?["snoozed_until"] == nil)

        // The digest is kept on each record it offered actions for; once nothing in it can be acted
        // on (two stopped, one ended), the next run closes it in place, and the records forget it.
        let noted = try fixture.records()
        let digestTs = try #require(noted[chosen]?["digest_ts"], "\(noted[chosen] ?? [:])")
        #expect([other, managed].allSatisfy { noted[$0]?["digest_ts"] == digestTs && noted[$0]?["digest_channel"] == "COPS" }, "\(noted)")
        try fixture.fixture(["op": "stop_instances", "ids": [chosen, other]])
        let stillOne = try fixture.check(settings)
        #expect(!stillOne.ids("closedAlerts").contains { $0.hasPrefix("digest") }, "the managed one still runs: the digest stays open. \(stillOne.summary)")
        try fixture.fixture(["op": "terminate_instances", "ids": [managed]])
        let closing = try fixture.check(settings)
        #expect(closing.ids("closedAlerts").contains { $0.hasPrefix("digest \(digestTs):") && $0.contains(managed) && $0.contains("terminated") }, closing.summary)
        let closed = try #require(try slack.messages()["COPS/\(digestTs)"])
        #expect("\(closed)".contains("nothing in it can be acted on") && !"\(closed)".contains(SlackButtonAction.digestMenuId), Comment(rawValue: "\(closed)"))
        let after = try fixture.records()
        #expect([chosen, other, managed].allSatisfy { after[$0]?["digest_ts"] == nil }, "\(after)")
        let again = try fixture.check(settings)
        #expect(!again.ids("closedAlerts").contains { $0.hasPrefix("digest") }, "closed once")
    }

    @Test("a digest is closed in place too once every instance it listed has started again since (its menus are about the runs it listed)")
    func digestOfRestartedInstances() throws {
        let id = try fixture.launch(tags: ["Name": "digest-restarted"]).id
        let settings = appSettings.merging(["NOTIFY_MODE": "digest"]) { $1 }
        _ = try fixture.check(settings)
        var record = try #require(try fixture.records()[id])
        let digestTs = try #require(record["digest_ts"])
        // A new run, as the StateChangeHandler records it: a start after the digest was posted.
        let restarted = UTCDateTime(epochSeconds: (Int(Double(digestTs) ?? 0)) + 60).extendedISO8601
        record["start_time"] = restarted
        record["last_event_time"] = restarted
        try fixture.fixture(["op": "put_items", "table": fixture.table, "items": [record]])
        let run = try fixture.check(settings.merging(["NOTIFY_INTERVAL": "6h"]) { $1 })
        #expect(run.ids("closedAlerts").contains { $0.hasPrefix("digest \(digestTs):") && $0.contains("started again") }, run.summary)
    }
}
