import FoundationEssentials
import Support

/// `{"report": "weekly"}`: the event the template's `ReportSchedule` sends the UptimeChecker (and a
/// local `--event` run), asking for the weekly report instead of a check. Any other `report` value is
/// a `MalformedEvent` naming it: a typo must not quietly run a check instead.
public enum ReportRequest: String, Sendable {
    case weekly

    private struct Payload: Decodable {
        let report: String?
    }

    /// The report the event asks for; nil for an event without `report` (a schedule tick).
    public static func parse(_ data: Data) throws(MalformedEvent) -> ReportRequest? {
        guard let payload = try? JSONDecoder().decode(Payload.self, from: data), let text = payload.report else { return nil }
        guard let request = ReportRequest(rawValue: text) else {
            throw MalformedEvent(field: "report", problem: "\"\(text.clipped())\" is not a report this function makes (weekly)")
        }
        return request
    }
}
