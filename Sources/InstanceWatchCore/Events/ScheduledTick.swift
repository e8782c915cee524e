import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// The EventBridge `Scheduled Event` that runs the UptimeChecker. Nothing in it decides anything:
/// "now" is the function's own clock and its account comes from Lambda, because an event can be
/// late, replayed, or made up by anyone allowed to invoke the function. Its `time` is only logged,
/// with how far it is from the clock. Its `id` names the tick: EventBridge gives every scheduled
/// event its own, and Lambda's retries of a failed run deliver the same event again, so the id tells
/// a retry from the next tick (what a retry may not redo: `RunAttempt`). A made-up id can only make
/// that one run skip what an earlier run of the same id claimed.
public struct ScheduledTick: Sendable, Equatable {
    /// The tick's time; nil when the event has none (a hand-made `{}` test invocation).
    public let time: UTCDateTime?
    /// The event's id; nil when it has none (then every run is a tick of its own).
    public let id: String?

    public init(time: UTCDateTime?, id: String? = nil) {
        self.time = time
        self.id = id
    }

    private struct Payload: Decodable {
        let time: String?
        let id: String?
    }

    /// Reads the tick. An event that is not a JSON object, or whose `time` is not a timestamp, is a
    /// `MalformedEvent` naming it; a missing `time` is not an error.
    public static func parse(_ data: Data) throws(MalformedEvent) -> ScheduledTick {
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: data)
        } catch let error as DecodingError {
            throw MalformedEvent(error)
        } catch {
            throw MalformedEvent(field: "", problem: "cannot be decoded: \(error)")
        }
        var id: String?
        if let text = payload.id, !text.isEmpty {
            // Written into the table beside each claim: short, printable, nothing an expression could split on.
            guard text.utf8.count <= 128, text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
                throw MalformedEvent(field: "id", problem: "\"\(text.clipped())\" is not an event id (at most 128 printable ASCII characters)")
            }
            id = text
        }
        guard let text = payload.time, !text.isEmpty else { return ScheduledTick(time: nil, id: id) }
        guard let time = UTCDateTime.parse(text) else {
            throw MalformedEvent(field: "time", problem: "\"\(text.clipped())\" is not an ISO 8601 timestamp")
        }
        return ScheduledTick(time: time, id: id)
    }

    /// For the log: `tick of 2026-11-21T15:00:00Z, checked at 2026-11-21T15:00:02Z (2 s late)`;
    /// a tick from the future says so, since only a made-up or mistaken event can be.
    public func describe(relativeTo now: UTCDateTime) -> String {
        guard let time else { return "tick without a time, checked at \(now.extendedISO8601)" }
        let lag = now.epochSeconds - time.epochSeconds
        let relation = lag >= 0
            ? "\(DurationSetting.describe(seconds: lag)) late"
            : "its time is \(DurationSetting.describe(seconds: -lag)) ahead of this function's clock, which is ignored: only the clock decides"
        return "tick of \(time.extendedISO8601), checked at \(now.extendedISO8601) (\(relation))"
    }
}
