import FoundationEssentials

/// A calendar date and time in UTC, converted from and to epoch seconds with plain arithmetic
/// (Howard Hinnant's civil-from-days), so formatting a timestamp needs no locale, calendar or ICU.
public struct UTCDateTime: Equatable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    public init(_ date: Date) {
        self.init(epochSeconds: Int(date.timeIntervalSince1970.rounded(.down)))
    }

    public init(epochSeconds: Int) {
        let days = Int((Double(epochSeconds) / 86_400).rounded(.down))
        let secondsOfDay = epochSeconds - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.init(
            year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day,
            hour: secondsOfDay / 3600, minute: secondsOfDay % 3600 / 60, second: secondsOfDay % 60
        )
    }

    public var epochSeconds: Int {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return days * 86_400 + hour * 3600 + minute * 60 + second
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(epochSeconds)) }

    /// `20150830T123600Z`, the form of SigV4's `X-Amz-Date`.
    public var basicISO8601: String {
        pad(year, 4) + pad(month, 2) + pad(day, 2) + "T" + pad(hour, 2) + pad(minute, 2) + pad(second, 2) + "Z"
    }

    /// `2015-08-30T12:36:00Z`, the table's timestamp form and EventBridge's `time`.
    public var extendedISO8601: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2) + "Z"
    }

    /// `20150830`, the date part of a SigV4 credential scope.
    public var basicDate: String { pad(year, 4) + pad(month, 2) + pad(day, 2) }

    /// Parses `YYYY-MM-DDTHH:MM:SS` with an optional fraction and `Z` or `±HH:MM` offset, the forms
    /// EventBridge and EC2 send. Returns nil for anything else.
    public static func parse(_ text: String) -> UTCDateTime? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for index in start..<(start + length) {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func expect(_ index: Int, _ character: Character) -> Bool { bytes[index] == character.asciiValue! }
        guard expect(4, "-"), expect(7, "-"), expect(10, "T") || expect(10, "t"), expect(13, ":"), expect(16, ":"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > fractionStart else { return nil }
        }
        var offsetSeconds = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                  let offsetHours = number(index + 1, 2), let offsetMinutes = number(index + 4, 2),
                  offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let local = UTCDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59))
        return UTCDateTime(epochSeconds: local.epochSeconds - offsetSeconds)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension UTCDateTime: Comparable {
    public static func < (lhs: UTCDateTime, rhs: UTCDateTime) -> Bool { lhs.epochSeconds < rhs.epochSeconds }
}
