import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// The EventBridge `Scheduled Event` that runs the UptimeChecker. Nothing in it decides anything:
/// "now" is the function's own clock and its account comes from Lambda, because an event can be
/// late, replayed, or made up by anyone allowed to invoke the function. Its `time` is only logged,
/// with how far it is from the clock.
public struct ScheduledTick: Sendable, Equatable {
    /// The tick's time; nil when the event has none (a hand-made `{}` test invocation).
    public let time: UTCDateTime?

    public init(time: UTCDateTime?) {
        self.time = time
    }

    private struct Payload: Decodable {
        let time: String?
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
        guard let text = payload.time, !text.isEmpty else { return ScheduledTick(time: nil) }
        guard let time = UTCDateTime.parse(text) else {
            throw MalformedEvent(field: "time", problem: "\"\(text.clipped())\" is not an ISO 8601 timestamp")
        }
        return ScheduledTick(time: time)
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
