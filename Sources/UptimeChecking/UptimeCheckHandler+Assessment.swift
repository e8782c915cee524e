import FoundationEssentials
import InstanceWatchCore
import Logging
import Lambda
import AWS
import Support

/// What a check and a weekly report both begin with: the table and EC2 read, each instance judged
/// by its rules, and what CloudWatch says the overdue ones have been doing.
extension UptimeCheckHandler {
    struct Assessment {
        var snapshot: FleetSnapshot
        var rules: PolicyBook
        /// The snapshot's, the OU look-up's and the plan's, in that order.
        var problems: [String]
    }

    /// Reads the table and EC2 within `readPhaseShare` of the time left, and judges every instance
    /// (the plan apart, so that its lists are held once and can be let go).
    func assess(now: UTCDateTime, attempt: RunAttempt?, context: LambdaContext) -> (Assessment, UptimeCheckPlan) {
        // Deadlines are Lambda's wall clock (what is left of the invocation), not the run's "now".
        let readDeadline = context.workDeadline.addingTimeInterval(-max(0, context.workDeadline.timeIntervalSinceNow) * (1 - Self.readPhaseShare))
        var snapshot = FleetSnapshot.read(
            table: table, fleet: fleet, configuration: configuration, homeRegion: region,
            ownAccountHint: context.invokedFunctionAccount, attempt: attempt, deadline: readDeadline
        )
        var problems = snapshot.problems
        // Each instance's rules: its tag, its account, its OUs (read for the accounts with instances to judge), default, variables.
        let rules = policies.book(for: snapshot, deadline: readDeadline)
        problems += rules.membership.problems
        // The plan takes the snapshot's pairs (they are let go as they are judged).
        let plan = UptimeCheckPlan.make(snapshot: &snapshot, now: now, rules: rules, homeRegion: region)
        problems += plan.problems
        return (Assessment(snapshot: snapshot, rules: rules, problems: problems), plan)
    }

    /// The overdue instances with what CloudWatch says each has been doing.
    func withActivity(_ overdue: inout [RunningInstance], ownAccount: String?, now: UTCDateTime, context: LambdaContext) -> (problems: [String], calls: Int) {
        let evidence = ActivityRun(configuration: configuration, fleet: fleet, ownAccount: ownAccount, now: now,
                                   deadline: context.workDeadline.addingTimeInterval(-Self.releaseReserve), logger: context.logger).run(overdue)
        for index in overdue.indices { overdue[index].activity = evidence.activity[overdue[index].id] }
        return (evidence.problems, evidence.calls)
    }
}
