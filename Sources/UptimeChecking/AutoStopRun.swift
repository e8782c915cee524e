import FoundationEssentials
import InstanceWatchCore
import Logging
import Lambda
import AWS
import CurlHTTP
import Support

/// `AUTO_STOP`'s part of one run: goes through the overdue instances longest-running first, decides
/// each with `AutoStopPolicy`, describes each one again just before stopping it, stops at most
/// `MAX_STOPS_PER_RUN`, and records every stop on the instance's record before any alert announces
/// it. Never terminates; a failure stops one instance's stop, never the run.
struct AutoStopRun {
    let configuration: FunctionConfiguration
    /// The run's policies: each instance's auto-stop mode and stop-after come from them.
    let rules: PolicyBook
    let fleet: any FleetInventory
    let table: any UptimeTable
    let ownAccount: String?
    let now: UTCDateTime
    /// The run's tick: each stop is claimed for it before EC2 is asked (`RunAttempt`).
    var attempt: RunAttempt? = nil
    /// Stops earlier attempts of the same tick claimed: they count against the cap.
    var stopsClaimedBefore = 0
    let deadline: Date
    let logger: Logger

    struct Outcome {
        var stopped: [String] = []
        var wouldStop: [String] = []
        /// Due but not stopped this run, and why (`i-…: reason`).
        var heldBack: [String] = []
        var problems: [String] = []
        var failures: [String] = []
        /// Stop calls that failed or were refused (the `StopFailures` metric).
        var stopFailures = 0
        /// Stops recorded as owed an announcement: id → the stop's time as written.
        var announcementsDue: [String: String] = [:]
    }

    func run(_ overdue: inout [RunningInstance]) -> Outcome {
        var outcome = Outcome()
        var stopsSoFar = stopsClaimedBefore
        for index in overdue.indices {
            let instance = overdue[index]
            let decision = AutoStopPolicy.decide(instance, now: now, mode: instance.policy.autoStop, stopsSoFar: stopsSoFar,
                                                 maximumStops: configuration.maximumStopsPerRun, requireIdle: configuration.autoStopRequiresIdle)
            switch decision {
            case .notDue:
                continue
            case .notStoppable(let reason):
                overdue[index].stop = .notStoppable(reason: reason)
                logger.info("not stopping \(instance.id) in \(place(instance)): \(reason)")
            case .refusedBefore:
                overdue[index].stop = .refused(reason: "EC2 refused an earlier stop; not asked again until it starts anew")
            case .heldBack(let reason):
                overdue[index].stop = .heldBack(reason: reason)
                outcome.heldBack.append("\(instance.id): \(reason)")
                logger.warning("not stopping \(instance.id) in \(place(instance)) this run: \(reason)")
            case .wouldStop(let after):
                stopsSoFar += 1
                overdue[index].stop = .wouldStop(after: after)
                outcome.wouldStop.append(instance.id)
                logger.info("AUTO_STOP=dry-run: \(instance.id) in \(place(instance)) would be stopped, having run \(UptimeWording.uptime(instance, now)) (stop-after \(DurationSetting.describe(seconds: after)))")
            case .stop(let after):
                stopsSoFar += 1
                overdue[index].stop = stop(instance, after: after, into: &outcome)
            }
        }
        return outcome
    }

    private func place(_ instance: RunningInstance) -> String {
        "\(instance.account ?? ownAccount ?? "(unknown account)")/\(instance.region)"
    }

    /// Describes the instance again, stops it if it is still as judged, and records the stop.
    private func stop(_ instance: RunningInstance, after: Int, into outcome: inout Outcome) -> RunningInstance.StopOutcome {
        let place = place(instance)
        let ec2: any FleetEC2
        let current: EC2Instance?
        do {
            guard let ownAccount else { throw StopError.unknownOwnAccount }
            ec2 = try fleet.stoppingEC2(for: AccountRegion(account: instance.account ?? ownAccount, region: instance.region),
                                        ownAccount: ownAccount, deadline: deadline)
            current = try ec2.instance(id: instance.id, deadline: deadline)
        } catch {
            return failed(instance, place: place, reason: "\(error)", into: &outcome)
        }
        if let change = AutoStopPolicy.changedSinceCheck(current, judged: instance, now: now, rules: rules) {
            let reason = "not stopped: \(change)"
            outcome.heldBack.append("\(instance.id): \(reason)")
            logger.warning("not stopping \(instance.id) in \(place): \(change)")
            return .heldBack(reason: reason)
        }
        // A stop by policy is allowed only where the account's IAM says so (AllowPolicyStops): asked
        // first, so an account that keeps stops to tagged instances gets a held-back line, not a failure.
        if instance.policy.isPolicyStop {
            do {
                guard try ec2.mayStopInstance(id: instance.id, deadline: deadline) else {
                    let reason = "not stopped: its policy (\(instance.policy.stopAfterSource.map { "\($0)" } ?? "?")) asks for it, but IAM in \(place) allows stops of tagged instances only (AllowPolicyStops is not true there; a dry run was refused)"
                    outcome.heldBack.append("\(instance.id): \(reason)")
                    logger.warning("not stopping \(instance.id): \(reason)")
                    return .heldBack(reason: reason)
                }
            } catch {
                return failed(instance, place: place, reason: "asking whether IAM allows a stop by policy failed: \(error)", into: &outcome)
            }
        }
        // Claimed before EC2 is asked: a retry of this run counts it, and never stops it twice.
        if let attempt {
            do {
                guard try table.claimStop(instanceId: instance.id, attempt: attempt, deadline: deadline) else {
                    let reason = "not stopped: claimed by an earlier attempt of this run (or it has no record to claim it on)"
                    outcome.heldBack.append("\(instance.id): \(reason)")
                    return .heldBack(reason: reason)
                }
            } catch {
                return failed(instance, place: place, reason: "claiming its stop failed: \(error)", into: &outcome)
            }
        }
        // Noted before EC2 is asked: the stop's state change credits it to the auto-stop in the
        // savings ledger. Without the note the stop still happens (`markStopped` credits it too).
        do {
            try table.noteForLedger(instanceId: instance.id, StopCredit.intent(by: StopCredit.autoStop, at: now, facts: StopCredit.Facts(instance)), deadline: deadline)
        } catch {
            outcome.problems.append("\(instance.id): noting its stop for the savings ledger failed (\(error)); stopped all the same")
        }
        let state: String
        do {
            state = try ec2.stopInstance(id: instance.id, deadline: deadline)
        } catch {
            let reason = "\(error)"
            // Not a stop: nothing for the ledger to credit.
            try? table.forgetStopCredit(instanceId: instance.id, notedAt: now, deadline: deadline)
            guard AutoStopPolicy.isPermanentRefusal(error) else {
                // Not stopped, and worth another try: the claim goes back. A refusal keeps it, and
                // counts against the cap as it did in the attempt that met it.
                if let attempt { try? table.releaseStop(instanceId: instance.id, attempt: attempt, deadline: deadline) }
                return failed(instance, place: place, reason: reason, into: &outcome)
            }
            outcome.stopFailures += 1
            outcome.problems.append("\(instance.id): EC2 refused to stop it (\(reason)); it is not asked again until it starts anew")
            logger.error("stop of \(instance.id) in \(place) refused: \(reason)")
            do {
                try table.markStopRefused(instanceId: instance.id, at: now, reason: reason, deadline: deadline)
            } catch {
                outcome.failures.append("noting that \(instance.id) cannot be stopped failed: \(error)")
            }
            return .refused(reason: reason)
        }
        outcome.stopped.append(instance.id)
        logger.notice("stopped \(instance.id) in \(place) after \(UptimeWording.uptime(instance, now)) (stop-after \(DurationSetting.describe(seconds: after))): \(state)")
        // Recorded before it is announced: if the alert does not go out, the next run announces it.
        do {
            try table.markStopped(instanceId: instance.id, at: now, after: after, deadline: deadline)
            outcome.announcementsDue[instance.id] = now.extendedISO8601
        } catch {
            outcome.failures.append("recording the stop of \(instance.id) failed (only this run can announce it): \(error)")
        }
        return .stopped(after: after)
    }

    private func failed(_ instance: RunningInstance, place: String, reason: String, into outcome: inout Outcome) -> RunningInstance.StopOutcome {
        outcome.stopFailures += 1
        outcome.problems.append("\(instance.id): stopping it failed (\(reason)); tried again next run")
        logger.error("stop of \(instance.id) in \(place) failed, tried again next run: \(reason)")
        return .failed(reason: reason)
    }

    enum StopError: Error, CustomStringConvertible {
        case unknownOwnAccount
        var description: String { "this function's own account is unknown, so its instances cannot be told from a member's" }
    }
}
