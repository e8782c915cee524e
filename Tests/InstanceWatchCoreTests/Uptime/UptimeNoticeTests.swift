import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("UptimeNotice (the SNS e-mail)")
struct UptimeNoticeTests {
    static let now = UTCDateTime(year: 2026, month: 11, day: 21, hour: 15)

    func instance(_ id: String = "i-0123456789abcdef0", name: String? = "web-server", hoursAgo: Int = 7) -> RunningInstance {
        RunningInstance(id: id, name: name, type: "t3.micro", region: "eu-west-1", account: "123456789012",
                        since: UTCDateTime(epochSeconds: Self.now.epochSeconds - hoursAgo * 3600), limit: .threshold(seconds: 21_600))
    }

    func expectValid(_ subject: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(subject.count <= UptimeNotice.subjectLimit, "\(subject.count) characters: \(subject)", sourceLocation: sourceLocation)
        #expect(subject.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "\(subject)", sourceLocation: sourceLocation)
        #expect(subject.first?.isLetter == true, sourceLocation: sourceLocation)
    }

    @Test("a short subject says id, Name, uptime and limit")
    func subject() {
        #expect(UptimeNotice.subject(for: instance(), now: Self.now) == "instance-watch: i-0123456789abcdef0 (web-server) running 7h, limit 6h")
        #expect(UptimeNotice.subject(for: instance(name: nil), now: Self.now) == "instance-watch: i-0123456789abcdef0 running 7h, limit 6h")
    }

    @Test("seeded names of every kind (long, non-ASCII, emoji, line breaks, control characters) always give a valid subject that keeps the id")
    func hostileNames() {
        var generator = SeededGenerator(seed: 20_261_121)
        let pieces = ["web", " ", "\n", "\r\n", "\t", "\u{0}", "\u{7F}", "サーバー", "🍺", "é", "\u{200B}", "(", ")", "...", String(repeating: "x", count: 90)]
        for _ in 0..<2_000 {
            let name = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let each = UptimeNotice.subject(for: instance(name: name), now: Self.now)
            expectValid(each)
            #expect(each.contains("i-0123456789abcdef0"))
            #expect(each.contains(" running 7h"), "the uptime always fits: \(each)")
            let digest = UptimeNotice.digestSubject([instance(name: name), instance("i-1", name: name)], now: Self.now)
            expectValid(digest)
            #expect(digest.contains("2 instances running too long"))
        }
    }

    @Test("non-ASCII runs become one ? each; line breaks become a space")
    func ascii() {
        #expect(UptimeNotice.asciiLine("サーバー-01") == "?-01")
        #expect(UptimeNotice.asciiLine("a\r\nb\t\tc") == "a b c")
    }

    @Test("the body reads as a table, with the console link and how to change the limit")
    func body() {
        let body = UptimeNotice.body(for: instance(), now: Self.now)
        #expect(body.hasPrefix("i-0123456789abcdef0 (web-server) has been running for 7h, longer than its limit of 6h (UPTIME_THRESHOLD)."))
        for line in ["  Instance ID    i-0123456789abcdef0", "  Type           t3.micro", "  Running since  2026-11-21T08:00:00Z",
                     "  Console        https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0123456789abcdef0",
                     "instance-watch:max-uptime=off"] {
            #expect(body.contains(line), "missing: \(line)")
        }
    }

    @Test("a digest lists at most digestListLimit instances and says how many more")
    func digestLimit() {
        let many = (0..<250).map { instance("i-\($0)", hoursAgo: 7) }
        let body = UptimeNotice.digestBody(many, now: Self.now)
        #expect(body.hasPrefix("250 instances have been running longer than allowed"))
        #expect(body.contains("200. i-199 ") && !body.contains("201. "))
        #expect(body.contains("... and 50 more"))
        #expect(body.utf8.count < 262_144)
    }
}
