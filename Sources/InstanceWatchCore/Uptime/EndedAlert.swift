import FoundationEssentials
import Support

/// An alert posted with buttons (Slack app mode) about an instance that no longer runs. Left as it
/// is, it keeps asking to snooze or stop something already stopped; the checker says in place how
/// it ended, and then forgets the message.
public struct EndedAlert: Sendable, Equatable {
    public enum Ending: Sendable, Equatable {
        /// `byInstanceWatch`: the stop was the auto-stop's, made during the run the alert was about.
        case stopped(at: UTCDateTime?, byInstanceWatch: Bool)
        case terminated(at: UTCDateTime?)
    }

    public var instanceId: String
    public var region: String?
    public var channel: String
    public var ts: String
    public var ending: Ending

    /// The alert of a record whose instance the table no longer calls running; nil for a record
    /// without a posted alert, or one still running.
    public static func of(_ record: InstanceRecord) -> EndedAlert? {
        guard let channel = record.slackChannel, let ts = record.slackTs, !record.saysRunning else { return nil }
        let at = record.stopTime.flatMap(UTCDateTime.parse)
        let ending: Ending
        if let state = record.state.flatMap(InstanceState.init(rawValue:)), StateTracking.terminalStates.contains(state) {
            ending = .terminated(at: at)
        } else {
            // `auto_stopped_at` stays after a restart: only a stop since the last start is ours.
            let ours = record.autoStoppedAt.flatMap(UTCDateTime.parse).map { stop in record.startedAt.map { stop >= $0 } ?? true } ?? false
            ending = .stopped(at: at, byInstanceWatch: ours)
        }
        return EndedAlert(instanceId: record.instanceId, region: record.region, channel: channel, ts: ts, ending: ending)
    }

    /// `stopped by instance-watch at 2026-12-02T10:00:00Z`, `terminated at …`.
    public var summary: String {
        switch ending {
        case .stopped(let at, let ours):
            return "stopped" + (ours ? " by instance-watch" : "") + (at.map { " at \($0.extendedISO8601)" } ?? "")
        case .terminated(let at):
            return "terminated" + (at.map { " at \($0.extendedISO8601)" } ?? "")
        }
    }
}

extension UptimeCheckPlan.Repair {
    /// The alert this repair ends: a record with a posted alert, repaired to stopped or terminated.
    public var endedAlert: EndedAlert? {
        guard var record, change.state > .running else { return nil }
        record.state = change.state.rawValue
        record.stopTime = change.time.extendedISO8601
        return EndedAlert.of(record)
    }
}

/// Where ended alerts are closed in place (`SlackAlertCloser` in Slack app mode).
public protocol EndedAlertClosing {
    /// Closes each alert and forgets its message; returns the instances whose alert was closed and
    /// what could not be done (left for the next run when a retry may help).
    func close(_ alerts: [EndedAlert], deadline: Date) -> (closed: [String], problems: [String])
    /// Closes each digest in which nothing can be acted on, and its records forget it; the same
    /// answer (`digest <ts>: …`).
    func close(digests: [EndedDigest], deadline: Date) -> (closed: [String], problems: [String])
}
