import Lambda
import AWS
import CurlHTTP
import Support
/// Durations as the configuration writes them: a whole number and a unit, `90m`, `6h`, `2d`
/// (also `45s`); a bare `0` means "no interval". Values are in seconds.
public enum DurationSetting {
    public static let expectedForm = "a whole number with a unit s, m, h or d, such as 90m, 6h or 2d"

    public static func seconds(from text: String) -> Int? {
        let trimmed = text.trimmingWhitespace().lowercased()
        if trimmed == "0" { return 0 }
        guard let unit = trimmed.last, let amount = Int(trimmed.dropLast()), amount >= 0, trimmed.dropLast().allSatisfy(\.isASCII) else {
            return nil
        }
        let (multiplier, overflow): (Int, Bool)
        switch unit {
        case "s": (multiplier, overflow) = (1, false)
        case "m": (multiplier, overflow) = (60, false)
        case "h": (multiplier, overflow) = (3600, false)
        case "d": (multiplier, overflow) = (86_400, false)
        default: return nil
        }
        let (seconds, didOverflow) = amount.multipliedReportingOverflow(by: multiplier)
        return overflow || didOverflow ? nil : seconds
    }

    /// `1d 2h`, `6h`, `1h 30m`, `45s`: how a duration reads in a message.
    public static func describe(seconds: Int) -> String {
        guard seconds > 0 else { return "0m" }
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0 { parts.append("\(minutes)m") }
        if rest > 0 && days == 0 && hours == 0 { parts.append("\(rest)s") }
        return parts.joined(separator: " ")
    }
}
