import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The table's claims against moto's DynamoDB (signatures checked): the conditions really hold.
@Suite("DynamoDBUptimeTable against moto")
struct UptimeTableTests {
    let table: DynamoDBUptimeTable
    let name: String
    let moto: MotoServer
    let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)

    init() throws {
        moto = try MotoServer.get()
        name = MotoServer.uniqueName("claims")
        try moto.fixture(["op": "create_table", "name": name, "key": "instance_id"])
        try moto.fixture(["op": "put_items", "table": name, "items": [
            ["instance_id": "i-fresh", "start_time": "2026-11-21T08:00:00Z", "stop_time": ""],
            ["instance_id": "i-alerted", "start_time": "2026-11-21T08:00:00Z", "stop_time": "", "last_notified_at": "2026-11-21T14:30:00Z"],
        ]])
        table = DynamoDBUptimeTable(dynamoDB: DynamoDBClient(aws: try moto.awsClient()), tableName: name)
    }

    @Test("two claims for the same tick: the first wins, the second is told no")
    func claimOnce() throws {
        let first = try table.claimNotification(instanceId: "i-fresh", now: now, interval: 3600, deadline: nil)
        #expect(first == NotificationClaim(instanceId: "i-fresh", claimedAt: now, previous: nil))
        #expect(try table.claimNotification(instanceId: "i-fresh", now: now, interval: 3600, deadline: nil) == nil)
    }

    @Test("a claim inside the interval is refused; after it, granted with the previous value to restore")
    func interval() throws {
        #expect(try table.claimNotification(instanceId: "i-alerted", now: now, interval: 3600, deadline: nil) == nil)
        let later = UTCDateTime(epochSeconds: now.epochSeconds + 1800)
        let claim = try #require(try table.claimNotification(instanceId: "i-alerted", now: later, interval: 3600, deadline: nil))
        #expect(claim.previous == "2026-11-21T14:30:00Z")
        try table.releaseNotification(claim, deadline: nil)
        var restored: String?
        try table.scanRecords(deadline: nil) { records, _ in
            restored = restored ?? records.first { $0.instanceId == "i-alerted" }?.lastNotifiedAt
        }
        #expect(restored == "2026-11-21T14:30:00Z")
    }

    @Test("no record, no claim: a claim never creates a stub item")
    func noRecord() throws {
        #expect(try table.claimNotification(instanceId: "i-unknown", now: now, interval: 3600, deadline: nil) == nil)
        var ids: [String] = []
        try table.scanRecords(deadline: nil) { records, _ in ids += records.map(\.instanceId) }
        #expect(ids.sorted() == ["i-alerted", "i-fresh"])
    }

    @Test("a release after another run's claim leaves that claim alone")
    func releaseAfterOtherClaim() throws {
        let mine = try #require(try table.claimNotification(instanceId: "i-fresh", now: now, interval: 60, deadline: nil))
        let later = UTCDateTime(epochSeconds: now.epochSeconds + 120)
        #expect(try table.claimNotification(instanceId: "i-fresh", now: later, interval: 60, deadline: nil) != nil)
        try table.releaseNotification(mine, deadline: nil)
        var value: String?
        try table.scanRecords(deadline: nil) { records, _ in value = value ?? records.first { $0.instanceId == "i-fresh" }?.lastNotifiedAt }
        #expect(value == later.extendedISO8601)
    }
}
