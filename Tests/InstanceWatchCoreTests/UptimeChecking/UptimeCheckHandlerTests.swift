import Foundation
import Logging
import Testing
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The check's orchestration with fakes at every edge: what happens when one part fails.
@Suite("UptimeCheckHandler with fakes")
struct UptimeCheckHandlerTests {
    static let launch = UTCDateTime(year: 2026, month: 11, day: 21, hour: 8)
    /// The handler's own clock: seven hours after the launch.
    static let clock = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)
    static let tick = #"{"detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-11-21T15:00:00Z","detail":{}}"#
    static let downError = AWSClientError.deadlineExceeded(service: .sns, operation: "PublishBatch", attempts: 3, lastError: "HTTP 503")

    final class FakeTable: UptimeTable {
        var records: [InstanceRecord]
        var claims: [String] = []
        var released: [String] = []
        var scanFailure: AWSClientError?
        init(_ records: [InstanceRecord]) { self.records = records }
        func scanRecords(deadline: Date?, _ body: ([InstanceRecord], Int) -> Void) throws(AWSClientError) {
            body(records, records.count)
            if let scanFailure { throw scanFailure } // after a page: a part of the table must not count
        }
        func records(ids: [String], deadline: Date?) throws(AWSClientError) -> [InstanceRecord] {
            records.filter { ids.contains($0.instanceId) }
        }
        func claimNotification(instanceId: String, now: UTCDateTime, interval: Int, deadline: Date?) throws(AWSClientError) -> NotificationClaim? {
            claims.append(instanceId)
            return NotificationClaim(instanceId: instanceId, claimedAt: now, previous: nil)
        }
        func releaseNotification(_ claim: NotificationClaim, deadline: Date?) throws(AWSClientError) { released.append(claim.instanceId) }
        func markStopRefused(instanceId: String, at now: UTCDateTime, reason: String, deadline: Date?) throws(AWSClientError) {}
        func markStopped(instanceId: String, at now: UTCDateTime, after seconds: Int, deadline: Date?) throws(AWSClientError) {}
        func markStopAnnounced(instanceId: String, stoppedAt: String, deadline: Date?) throws(AWSClientError) {}
        var stopClaims: [String] = []
        var delivered: [String: Set<String>] = [:]
        func claimStop(instanceId: String, attempt: RunAttempt, deadline: Date?) throws(AWSClientError) -> Bool {
            stopClaims.append(instanceId)
            return true
        }
        func releaseStop(instanceId: String, attempt: RunAttempt, deadline: Date?) throws(AWSClientError) {}
        func noteDelivered(instanceId: String, attempt: RunAttempt, to delivered: Set<String>, deadline: Date?) throws(AWSClientError) {
            self.delivered[instanceId] = delivered
        }
        var ledgerNotes: [String: [DynamoDBExpression]] = [:]
        func noteForLedger(instanceId: String, _ note: DynamoDBExpression, deadline: Date?) throws(AWSClientError) {
            ledgerNotes[instanceId, default: []].append(note)
        }
        func forgetStopCredit(instanceId: String, notedAt: UTCDateTime, deadline: Date?) throws(AWSClientError) {}
    }

    final class FakeRecorder: InstanceStateRecording {
        var changes: [EC2Event.StateChange] = []
        var failure: AWSClientError?
        func record(_ change: EC2Event.StateChange, deadline: Date?) throws(AWSClientError) -> TrackingAction {
            if let failure { throw failure }
            changes.append(change)
            return .recordedStart
        }
    }

    final class FakeInventory: InstanceInventory {
        var running: [EC2Instance]
        var failure: AWSClientError?
        var deadlines: [Date?] = []
        init(_ running: [EC2Instance]) { self.running = running }
        func runningInstances(deadline: Date?) throws(AWSClientError) -> [EC2Instance] {
            deadlines.append(deadline)
            if let failure { throw failure }
            return running
        }
        func instances(ids: [String], deadline: Date?) throws(AWSClientError) -> [EC2Instance] { [] }
    }

    /// Every pair's EC2 is a fake inventory; a pair without one cannot be reached (no member role).
    final class FakeFleet: FleetInventory {
        var inventories: [AccountRegion: FakeInventory]
        init(_ inventories: [AccountRegion: FakeInventory]) { self.inventories = inventories }
        func ownAccount(hint: String?, deadline: Date?) throws(AWSClientError) -> String { hint ?? "123456789012" }
        func forEachPair<Output: Sendable>(
            _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
            _ work: @Sendable (AccountRegion, Result<any InstanceInventory, MemberAccessError>) -> Output
        ) -> [Output] {
            pairs.map { pair in
                work(pair, inventories[pair].map { .success($0) } ?? .failure(.noMemberRole(account: pair.account)))
            }
        }
        func ec2(for pair: AccountRegion, ownAccount: String, deadline: Date?) throws(MemberAccessError) -> any FleetEC2 {
            throw .noMemberRole(account: pair.account)
        }
        func stoppingEC2(for pair: AccountRegion, ownAccount: String, deadline: Date?) throws(MemberAccessError) -> any FleetEC2 {
            throw .noMemberRole(account: pair.account)
        }
        func forEachPairEC2<Output: Sendable>(
            _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
            _ work: @Sendable (AccountRegion, Result<any FleetEC2, MemberAccessError>) -> Output
        ) -> [Output] {
            pairs.map { work($0, .failure(.noMemberRole(account: $0.account))) }
        }
        func forEachPairMetrics<Output: Sendable>(
            _ pairs: [AccountRegion], ownAccount: String, deadline: Date?,
            _ work: @Sendable (AccountRegion, Result<any MetricReading, MemberAccessError>) -> Output
        ) -> [Output] {
            pairs.map { work($0, .failure(.noMemberRole(account: $0.account))) }
        }
        func startRun() {}
    }

    final class FakePublisher: TopicPublishing {
        var published: [(id: String, message: SNSMessage)] = []
        var refusedIds: Set<String> = []
        func publishBatch(topicArn: String, _ entries: [(id: String, message: SNSMessage)], deadline: Date?) throws(AWSClientError) -> SNSBatchResult {
            var result = SNSBatchResult()
            for entry in entries {
                if refusedIds.contains(entry.id) {
                    result.failures.append(.init(id: entry.id, code: "InternalError", message: "try again", senderFault: false))
                } else {
                    published.append(entry)
                    result.messageIds[entry.id] = "m-\(entry.id)"
                }
            }
            return result
        }
    }

    final class FakeSlack: SlackPosting {
        var posted: [SlackMessage] = []
        var down = false
        func post(_ message: SlackMessage, deadline: Date?) throws {
            if down { throw SlackDeliveryError.gaveUp(host: "hooks.slack.com", attempts: 3, lastError: "HTTP 503") }
            posted.append(message)
        }
    }

    let table = FakeTable(["i-a", "i-b"].map {
        InstanceRecord(instanceId: $0, startTime: launch.extendedISO8601, state: "running", lastEventTime: launch.extendedISO8601)
    })
    let recorder = FakeRecorder()
    let inventory = FakeInventory(["i-a", "i-b"].map { EC2Instance(id: $0, state: "running", launchTime: launch.extendedISO8601, tags: ["Name": "n-\($0)"]) })
    let publisher = FakePublisher()
    let slack = FakeSlack()

    func handler(_ settings: (inout FunctionConfiguration) -> Void = { _ in }) -> UptimeCheckHandler {
        var configuration = FunctionConfiguration()
        configuration.topicArn = "arn:aws:sns:eu-west-1:123456789012:alerts"
        settings(&configuration)
        return UptimeCheckHandler(
            table: table, recorder: recorder, fleet: FakeFleet([AccountRegion(account: "123456789012", region: "eu-west-1"): inventory]),
            routes: UptimeCheckHandler.channels(sns: (publisher: publisher, topicArn: "arn:aws:sns:eu-west-1:123456789012:alerts"), slack: slack),
            prices: nil, configuration: configuration, region: "eu-west-1", clock: { Self.clock.date }
        )
    }

    let context = LambdaContext(requestId: "r", deadlineEpochMilliseconds: Int64(Date().timeIntervalSince1970 * 1000) + 60_000,
                                invokedFunctionArn: "arn", traceId: nil, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })

    @Test("EC2 down: alerts still go out from the table, and the result says what was skipped")
    func ec2Down() throws {
        inventory.failure = .deadlineExceeded(service: .ec2, operation: "DescribeInstances", attempts: 3, lastError: "timed out")
        let result = try handler().handle(Data(Self.tick.utf8), context: context)
        #expect(result.notifiedInstanceIds == ["i-a", "i-b"])
        #expect(result.problems.contains { $0.hasPrefix("123456789012/eu-west-1: EC2 DescribeInstances failed") }, "\(result.problems)")
        #expect(result.checked.isEmpty)
        #expect(publisher.published.allSatisfy { $0.message.body.contains("(unknown)") })
    }

    @Test("SNS refuses one entry: Slack still gets both, the run fails naming it, and only its claim is given back")
    func partialFailure() throws {
        publisher.refusedIds = ["i-b"]
        let error = try #require(throws: UptimeCheckIncomplete.self) {
            try handler { $0.notifyInterval = 3600 }.handle(Data(Self.tick.utf8), context: context)
        }
        #expect(error.result.notifiedInstanceIds == ["i-a"])
        #expect(error.description.contains("notified 1 of 2") && error.description.contains("entry i-b: InternalError"))
        #expect(slack.posted.count == 2)
        #expect(table.claims == ["i-a", "i-b"] && table.released == ["i-b"])
    }

    @Test("digest mode with Slack down: one e-mail sent, every claim given back, the run fails")
    func digestSlackDown() throws {
        slack.down = true
        let error = try #require(throws: UptimeCheckIncomplete.self) {
            try handler { $0.notifyInterval = 3600; $0.notifyMode = .digest }.handle(Data(Self.tick.utf8), context: context)
        }
        #expect(publisher.published.map(\.id) == ["digest"])
        #expect(error.description.contains("Slack digest of i-a, i-b not delivered"))
        #expect(table.released == ["i-a", "i-b"])
        #expect(error.result.notified == 0)
    }

    @Test("a repair that cannot be written fails the run, after the alerts went out")
    func repairFails() throws {
        inventory.running.append(EC2Instance(id: "i-new", state: "running", launchTime: Self.launch.extendedISO8601))
        recorder.failure = .deadlineExceeded(service: .dynamoDB, operation: "UpdateItem", attempts: 2, lastError: "HTTP 500")
        let error = try #require(throws: UptimeCheckIncomplete.self) { try handler().handle(Data(Self.tick.utf8), context: context) }
        #expect(error.description.contains("repairing i-new"))
        #expect(error.result.repaired == 0, "a failed write is not reported as repaired")
        #expect(error.result.notifiedInstanceIds == ["i-a", "i-b", "i-new"])
    }

    @Test("a malformed tick is an error before any call; any other tick, without a time, late, or from the future, is judged at the clock")
    func ticks() throws {
        #expect(throws: MalformedEvent.self) { try handler().handle(Data(#"{"time":"later"}"#.utf8), context: context) }
        #expect(publisher.published.isEmpty)
        for tick in ["{}", #"{"time":"2026-11-21T08:30:00Z"}"#, #"{"time":"2026-12-21T15:00:00Z"}"#] {
            let result = try handler().handle(Data(tick.utf8), context: context)
            #expect(result.checkedAt == "2026-11-21T15:00:00Z", "\(tick)")
            #expect(result.overdue == 2, "\(tick)")
        }
    }

    @Test("the table unreadable (even after a page): alerts go out from what EC2 says alone, unclaimed, nothing repaired, and the run fails saying so")
    func tableUnreadable() throws {
        table.scanFailure = .deadlineExceeded(service: .dynamoDB, operation: "Scan", attempts: 3, lastError: "HTTP 500")
        inventory.running.append(EC2Instance(id: "i-unrecorded", state: "running", launchTime: Self.launch.extendedISO8601))
        let error = try #require(throws: UptimeCheckIncomplete.self) {
            try handler { $0.notifyInterval = 3600 }.handle(Data(Self.tick.utf8), context: context)
        }
        #expect(error.result.notifiedInstanceIds == ["i-a", "i-b", "i-unrecorded"])
        #expect(table.claims.isEmpty, "NOTIFY_INTERVAL cannot be applied without the table")
        #expect(recorder.changes.isEmpty && error.result.repaired == 0)
        #expect(error.result.problems.contains { $0.contains("the table could not be read") && $0.contains("alerts from what EC2 says alone") })
        #expect(error.description.contains("reading the table failed"))
    }

    @Test("reading the table and EC2 may use only a share of the time left, so stops and alerts always have some")
    func readPhaseShare() throws {
        _ = try handler().handle(Data(Self.tick.utf8), context: context)
        let given = try #require(inventory.deadlines.first ?? nil)
        let left = context.workDeadline.timeIntervalSinceNow
        #expect(given.timeIntervalSinceNow <= left * UptimeCheckHandler.readPhaseShare + 1)
        #expect(given.timeIntervalSinceNow >= left * UptimeCheckHandler.readPhaseShare - 5)
    }
}
