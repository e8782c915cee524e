import FoundationEssentials

/// The EventBridge `Scheduled Event` that runs the UptimeChecker. Only its `time` matters: the tick
/// is "now" for the check, so a retried or delayed invocation judges uptime as of its own tick.
public struct ScheduledTick: Sendable, Equatable {
    /// The tick's time; nil when the event has none (a hand-made `{}` test invocation).
    public let time: UTCDateTime?
    /// The account the schedule runs in, when the event says (records the check adds carry it).
    public let account: String?

    public init(time: UTCDateTime?, account: String? = nil) {
        self.time = time
        self.account = account
    }

    private struct Payload: Decodable {
        let time: String?
        let account: String?
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
        // Only a real account id is written to the records a check adds; a template's is ignored.
        let account = payload.account.flatMap { EventBridgeEvent.isAccountId($0) ? $0 : nil }
        guard let text = payload.time, !text.isEmpty else { return ScheduledTick(time: nil, account: account) }
        guard let time = UTCDateTime.parse(text) else {
            throw MalformedEvent(field: "time", problem: "\"\(text.clipped())\" is not an ISO 8601 timestamp")
        }
        return ScheduledTick(time: time, account: account)
    }
}
