import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("UTC date and time")
struct UTCDateTimeTests {
    @Test("formats the SigV4 and table forms")
    func formats() {
        let time = UTCDateTime(epochSeconds: 1_440_938_160)
        #expect(time.basicISO8601 == "20150830T123600Z")
        #expect(time.extendedISO8601 == "2015-08-30T12:36:00Z")
        #expect(time.basicDate == "20150830")
    }

    @Test("agrees with Foundation's calendar across leap years and centuries", arguments: [
        0, 951_782_400, 951_868_799, 1_709_164_800, 4_107_542_399, -86_400, 253_402_300_799,
    ])
    func agreesWithFoundation(_ epochSeconds: Int) {
        let time = UTCDateTime(epochSeconds: epochSeconds)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let reference = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(epochSeconds)))
        let ours: [Int] = [time.year, time.month, time.day, time.hour, time.minute, time.second]
        let theirs: [Int] = [reference.year!, reference.month!, reference.day!, reference.hour!, reference.minute!, reference.second!]
        #expect(ours == theirs)
        #expect(time.epochSeconds == epochSeconds)
    }

    @Test("parses EventBridge and EC2 timestamps, with fractions and offsets")
    func parses() {
        #expect(UTCDateTime.parse("2015-08-30T12:36:00Z")?.epochSeconds == 1_440_938_160)
        #expect(UTCDateTime.parse("2015-08-30T12:36:00.000Z")?.epochSeconds == 1_440_938_160)
        #expect(UTCDateTime.parse("2015-08-30T14:36:00+02:00")?.epochSeconds == 1_440_938_160)
        #expect(UTCDateTime.parse("2024-02-29T00:00:00Z") != nil)
    }

    @Test("rejects what is not a timestamp", arguments: [
        "", "2015-08-30", "2015-08-30 12:36:00Z", "2015-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2015-08-30T25:00:00Z", "2015-08-30T12:36:00", "2015-08-30T12:36:00Zjunk", "2015-08-30T12:36:00.Z", "abcd-ef-ghTij:kl:mnZ",
    ])
    func rejects(_ text: String) {
        #expect(UTCDateTime.parse(text) == nil)
    }
}
