import Lambda
import AWS
import CurlHTTP
import Support
/// `AUTO_STOP`'s rules, as pure functions over values: which due instance may be stopped this run,
/// whether one is still as it was when the run judged it, and which EC2 errors are final.
public enum AutoStopPolicy {
    /// What the run does about one overdue instance that opted in to being stopped.
    public enum Decision: Sendable, Equatable {
        /// Not past its `stop-after` (or did not opt in): nothing to do.
        case notDue
        /// Never stopped, whatever its tags: something else manages it.
        case notStoppable(reason: String)
        /// EC2 refused an earlier stop since it last started: not asked again.
        case refusedBefore
        /// `AUTO_STOP=dry-run`: named, not stopped.
        case wouldStop(after: Int)
        /// Due, but the run has made `MAX_STOPS_PER_RUN` stops already.
        case heldBack(reason: String)
        /// Describe it again, then stop it.
        case stop(after: Int)
    }

    /// - Parameter stopsSoFar: stop calls this run has made (or, in dry-run, would have made).
    /// - Parameter requireIdle: `AUTO_STOP_REQUIRE_IDLE`: only an instance CloudWatch shows idle is stopped.
    public static func decide(_ instance: RunningInstance, now: UTCDateTime, mode: FunctionConfiguration.AutoStop,
                              stopsSoFar: Int, maximumStops: Int, requireIdle: Bool) -> Decision {
        guard mode != .off, instance.isDueToStop(at: now), let after = instance.stopAfter else { return .notDue }
        if let manager = instance.manager {
            return .notStoppable(reason: "managed by \(manager), which would replace it; instance-watch never stops such instances")
        }
        if instance.stopRefused { return .refusedBefore }
        if let reason = instance.policy.stopsWithheld { return .heldBack(reason: reason) }
        if requireIdle, instance.activity?.isIdle != true {
            let evidence = instance.activity?.sentence ?? "Activity unknown: not asked"
            return .heldBack(reason: "AUTO_STOP_REQUIRE_IDLE=true and it is not idle (\(evidence))")
        }
        guard stopsSoFar < maximumStops else {
            return .heldBack(reason: "MAX_STOPS_PER_RUN=\(maximumStops) reached this run; it is stopped on a later run if still due")
        }
        return mode == .dryRun ? .wouldStop(after: after) : .stop(after: after)
    }

    /// Why the instance, described again just before the stop, must not be stopped after all; nil
    /// when it is as the run judged it: running, with the same LaunchTime (not a restart since), and
    /// tags that still opt it in (present, at least an hour, reached, and no manager), or, for a
    /// stop by policy, tags under which the run's `rules` still stop it.
    public static func changedSinceCheck(_ current: EC2Instance?, judged: RunningInstance, now: UTCDateTime, rules: PolicyBook? = nil) -> String? {
        guard let current else { return "EC2 no longer lists it" }
        guard current.state == InstanceState.running.rawValue else { return "it is \(current.state) now" }
        guard current.launchTime == judged.launchTime else { return "it started again since the check (LaunchTime \(current.launchTime ?? "unknown"))" }
        if let manager = ManagedInstances.manager(tags: current.tags) { return "it is managed by \(manager) now" }
        if let rules, current.tags[UptimePolicy.stopAfterTag] == nil {
            let policy = rules.resolve(account: judged.account, tags: current.tags).policy
            guard let after = policy.stopAfter else {
                return judged.policy.isPolicyStop ? "its policy no longer stops it" : "its tag \(UptimePolicy.stopAfterTag) was removed"
            }
            guard judged.uptimeSeconds(at: now) >= after else { return "its policy (\(policy.stopAfterSource.map { "\($0)" } ?? "?")) now allows \(DurationSetting.describe(seconds: after))" }
            return nil
        }
        let (after, problem) = UptimePolicy.stopAfter(tags: current.tags)
        if let problem { return problem }
        guard let after else { return "its tag \(UptimePolicy.stopAfterTag) was removed" }
        guard judged.uptimeSeconds(at: now) >= after else { return "its tag \(UptimePolicy.stopAfterTag) now allows \(DurationSetting.describe(seconds: after))" }
        return nil
    }

    /// EC2 error codes that say a stop can never succeed for this instance as it is, so asking again
    /// each run would only repeat the refusal. Everything else (throttling, 5xx, an instance not yet
    /// in a state to stop, no access, a code not listed here) is tried again next run.
    public static let permanentRefusals: Set<String> = [
        "UnsupportedOperation", // an instance-store root, a one-time Spot instance
        "OperationNotPermitted", // stop protection (DisableApiStop)
        "UnsupportedInstanceAttribute",
        "UnsupportedHibernationConfiguration",
        "InvalidInstanceID.NotFound", // gone
        "InvalidInstanceID.Malformed",
    ]

    public static func isPermanentRefusal(_ error: any Error) -> Bool {
        guard case .service(let service, _)? = error as? AWSClientError else { return false }
        return permanentRefusals.contains(service.code)
    }
}
