import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("AutoStopPolicy")
struct AutoStopPolicyTests {
    static let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)

    func due(stopAfter: Int = 3600, uptime: Int = 7200, tags: [String: String] = [:]) -> RunningInstance {
        var instance = RunningInstance(id: "i-1", region: "eu-west-1", since: UTCDateTime(epochSeconds: Self.now.epochSeconds - uptime),
                                       limit: .threshold(seconds: 6 * 3600))
        instance.stopAfter = stopAfter
        instance.manager = ManagedInstances.manager(tags: tags)
        instance.launchTime = "2026-11-21T13:00:00.000Z"
        return instance
    }

    @Test("off, not yet due, managed, refused before, over the cap, dry-run, on")
    func decisions() {
        #expect(AutoStopPolicy.decide(due(), now: Self.now, mode: .off, stopsSoFar: 0, maximumStops: 10, requireIdle: false) == .notDue)
        #expect(AutoStopPolicy.decide(due(uptime: 3599), now: Self.now, mode: .on, stopsSoFar: 0, maximumStops: 10, requireIdle: false) == .notDue)
        guard case .notStoppable(let reason) = AutoStopPolicy.decide(due(tags: ["aws:autoscaling:groupName": "web"]), now: Self.now, mode: .on,
                                                                      stopsSoFar: 0, maximumStops: 10, requireIdle: false) else {
            Issue.record("a managed instance must not be stopped")
            return
        }
        #expect(reason.contains("Auto Scaling group web"))
        var refused = due()
        refused.stopRefused = true
        #expect(AutoStopPolicy.decide(refused, now: Self.now, mode: .on, stopsSoFar: 0, maximumStops: 10, requireIdle: false) == .refusedBefore)
        #expect(AutoStopPolicy.decide(due(), now: Self.now, mode: .on, stopsSoFar: 2, maximumStops: 2, requireIdle: false)
            == .heldBack(reason: "MAX_STOPS_PER_RUN=2 reached this run; it is stopped on a later run if still due"))
        #expect(AutoStopPolicy.decide(due(), now: Self.now, mode: .on, stopsSoFar: 0, maximumStops: 0, requireIdle: false) != .stop(after: 3600), "a cap of 0 stops nothing")
        #expect(AutoStopPolicy.decide(due(), now: Self.now, mode: .dryRun, stopsSoFar: 0, maximumStops: 10, requireIdle: false) == .wouldStop(after: 3600))
        #expect(AutoStopPolicy.decide(due(), now: Self.now, mode: .on, stopsSoFar: 9, maximumStops: 10, requireIdle: false) == .stop(after: 3600))
        // AUTO_STOP_REQUIRE_IDLE: only an instance CloudWatch shows idle.
        var idle = due()
        idle.activity = .idle(.init(windowHours: 2, cpuPeakPercent: 1, networkMBPerDay: 0.1))
        #expect(AutoStopPolicy.decide(idle, now: Self.now, mode: .on, stopsSoFar: 0, maximumStops: 10, requireIdle: true) == .stop(after: 3600))
        var busy = due()
        busy.activity = .busy(.init(windowHours: 2, cpuPeakPercent: 63, networkMBPerDay: 0.1))
        guard case .heldBack(let reason) = AutoStopPolicy.decide(busy, now: Self.now, mode: .on, stopsSoFar: 0, maximumStops: 10, requireIdle: true) else {
            Issue.record("a busy instance must be held back")
            return
        }
        #expect(reason.contains("not idle") && reason.contains("CPU peak 63%"), "\(reason)")
        guard case .heldBack = AutoStopPolicy.decide(due(), now: Self.now, mode: .on, stopsSoFar: 0, maximumStops: 10, requireIdle: true) else {
            Issue.record("an instance without evidence must be held back")
            return
        }
    }

    @Test("every manager the design names is recognised, Cloud9 too; other tags are not a manager", arguments: [
        "aws:autoscaling:groupName", "eks:cluster-name", "eks:nodegroup-name", "karpenter.sh/nodepool", "karpenter.sh/provisioner-name",
        "aws:ec2spot:fleet-request-id", "aws:ec2:fleet-id", "aws:elasticmapreduce:job-flow-id", "aws:cloud9:environment",
    ])
    func managers(_ tag: String) {
        #expect(ManagedInstances.manager(tags: [tag: "x"])?.contains("(tag \(tag))") == true)
        #expect(ManagedInstances.manager(tags: ["Name": "x", "team": "y"]) == nil)
        #expect(ManagedInstances.manager(tags: nil) == nil)
    }

    @Test("described again just before the stop: only an instance still as judged is stopped")
    func changedSinceCheck() {
        let judged = due()
        let same = EC2Instance(id: "i-1", state: "running", launchTime: judged.launchTime, tags: [UptimePolicy.stopAfterTag: "1h"])
        #expect(AutoStopPolicy.changedSinceCheck(same, judged: judged, now: Self.now) == nil)
        #expect(AutoStopPolicy.changedSinceCheck(nil, judged: judged, now: Self.now) == "EC2 no longer lists it")
        var stopping = same
        stopping.state = "stopping"
        #expect(AutoStopPolicy.changedSinceCheck(stopping, judged: judged, now: Self.now) == "it is stopping now")
        var restarted = same
        restarted.launchTime = "2026-11-21T14:59:00.000Z"
        #expect(AutoStopPolicy.changedSinceCheck(restarted, judged: judged, now: Self.now)?.hasPrefix("it started again since the check") == true)
        var untagged = same
        untagged.tags = [:]
        #expect(AutoStopPolicy.changedSinceCheck(untagged, judged: judged, now: Self.now)?.contains("was removed") == true)
        var longer = same
        longer.tags = [UptimePolicy.stopAfterTag: "12h"]
        #expect(AutoStopPolicy.changedSinceCheck(longer, judged: judged, now: Self.now)?.contains("now allows 12h") == true)
        var short = same
        short.tags = [UptimePolicy.stopAfterTag: "1m"]
        #expect(AutoStopPolicy.changedSinceCheck(short, judged: judged, now: Self.now)?.contains("under 1h") == true)
        var managed = same
        managed.tags["eks:nodegroup-name"] = "ng"
        #expect(AutoStopPolicy.changedSinceCheck(managed, judged: judged, now: Self.now)?.contains("EKS node group") == true)
    }

    @Test("only the listed EC2 codes are permanent refusals; throttling, 5xx, state, access and unknown codes are retried")
    func refusals() {
        func error(_ code: String, _ status: Int = 400) -> AWSClientError {
            .service(AWSServiceError(service: .ec2, operation: "StopInstances", status: status, code: code, message: "m", requestId: nil), attempts: 1)
        }
        for code in ["UnsupportedOperation", "OperationNotPermitted", "UnsupportedInstanceAttribute", "InvalidInstanceID.NotFound"] {
            #expect(AutoStopPolicy.isPermanentRefusal(error(code)), "\(code)")
        }
        for (code, status) in [("RequestLimitExceeded", 503), ("InternalError", 500), ("IncorrectInstanceState", 400), ("UnauthorizedOperation", 403),
                               ("SomethingNewFromEC2", 400)] {
            #expect(!AutoStopPolicy.isPermanentRefusal(error(code, status)), "\(code)")
        }
        #expect(!AutoStopPolicy.isPermanentRefusal(AWSClientError.deadlineExceeded(service: .ec2, operation: "StopInstances", attempts: 3, lastError: "timeout")))
    }

    @Test("stop-after below an hour opts in to nothing, and says so")
    func minimum() {
        #expect(UptimePolicy.stopAfter(tags: [UptimePolicy.stopAfterTag: "1h"]).seconds == 3600)
        for value in ["1m", "59m", "30s"] {
            let (seconds, problem) = UptimePolicy.stopAfter(tags: [UptimePolicy.stopAfterTag: value])
            #expect(seconds == nil && problem?.contains("under 1h, which opts in to nothing") == true, "\(value)")
        }
    }
}
