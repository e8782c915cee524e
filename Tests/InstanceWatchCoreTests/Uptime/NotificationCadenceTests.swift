import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("NotificationCadence")
struct NotificationCadenceTests {
    let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)

    @Test("due when never notified, when the interval is 0, or when the interval has passed")
    func isDue() {
        #expect(NotificationCadence.isDue(lastNotifiedAt: nil, now: now, interval: 3600))
        #expect(NotificationCadence.isDue(lastNotifiedAt: "2026-11-21T14:59:00Z", now: now, interval: 0))
        #expect(!NotificationCadence.isDue(lastNotifiedAt: "2026-11-21T14:30:00Z", now: now, interval: 3600))
        #expect(NotificationCadence.isDue(lastNotifiedAt: "2026-11-21T14:00:00Z", now: now, interval: 3600))
    }

    @Test("the claim is one condition: the record exists and its last alert is at or before now minus the interval")
    func claim() {
        let claim = NotificationCadence.claim(instanceId: "i-a", now: now, interval: 3600)
        #expect(claim.update.values[":now"] == .s("2026-11-21T15:00:00Z"))
        #expect(claim.condition.text.contains("attribute_exists(instance_id)"))
        #expect(claim.condition.values[":cutoff"] == .s("2026-11-21T14:00:00Z"))
    }

    @Test("a release restores the previous value, or removes it, only while the claim is still ours")
    func release() {
        let restore = NotificationCadence.release(instanceId: "i-a", claimedAt: now, previous: "2026-11-21T13:00:00Z")
        #expect(restore.update.text == "SET last_notified_at = :previous")
        #expect(restore.condition.values[":claimed"] == .s("2026-11-21T15:00:00Z"))
        #expect(NotificationCadence.release(instanceId: "i-a", claimedAt: now, previous: nil).update.text == "REMOVE last_notified_at")
    }
}
