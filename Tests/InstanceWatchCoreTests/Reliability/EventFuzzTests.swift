import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// A JSON document as a tree the fuzzer can cut and graft, written out byte by byte so that a
/// mutation can also put in what JSON does not allow (invalid UTF-8, nesting no parser expects).
indirect enum FuzzJSON {
    case object([(String, FuzzJSON)])
    case array([FuzzJSON])
    case string(String)
    case literal(String)
    case raw([UInt8])

    init(_ value: Any) {
        switch value {
        case let object as [String: Any]: self = .object(object.keys.sorted().map { ($0, FuzzJSON(object[$0]!)) })
        case let array as [Any]: self = .array(array.map(FuzzJSON.init))
        case let string as String: self = .string(string)
        case let number as NSNumber: self = .literal("\(number)")  // the samples hold no booleans
        default: self = .literal("null")
        }
    }

    var bytes: [UInt8] {
        switch self {
        case .object(let members):
            return Array("{".utf8) + members.enumerated().flatMap { index, member in
                (index > 0 ? Array(",".utf8) : []) + FuzzJSON.string(member.0).bytes + Array(":".utf8) + member.1.bytes
            } + Array("}".utf8)
        case .array(let items):
            return Array("[".utf8) + items.enumerated().flatMap { ($0 > 0 ? Array(",".utf8) : []) + $1.bytes } + Array("]".utf8)
        case .string(let text):
            let data = try! JSONSerialization.data(withJSONObject: [text])
            return Array(data.dropFirst().dropLast())
        case .literal(let text):
            return Array(text.utf8)
        case .raw(let bytes):
            return bytes
        }
    }

    /// Every member's path (`detail.instance-id`), outermost first.
    var paths: [[String]] {
        guard case .object(let members) = self else { return [] }
        return members.flatMap { key, value in [[key]] + value.paths.map { [key] + $0 } }
    }

    /// The document with the member at `path` replaced (nil removes it).
    func replacing(_ path: [String], with value: FuzzJSON?) -> FuzzJSON {
        guard case .object(var members) = self, let key = path.first, let index = members.firstIndex(where: { $0.0 == key }) else { return self }
        if path.count == 1 {
            if let value { members[index].1 = value } else { members.remove(at: index) }
        } else {
            members[index].1 = members[index].1.replacing(Array(path.dropFirst()), with: value)
        }
        return .object(members)
    }
}

/// One mutated event and what was done to it.
struct FuzzCase {
    enum Damage: String, CaseIterable {
        case removed, wrongType, hugeString, deepNesting, invalidUTF8, badTimestamp, unknownValue, notJSON
    }
    let damage: Damage
    /// The member damaged, or "" when the whole document is.
    let field: String
    let bytes: [UInt8]
}

/// Seeded mutations of the sample events; the same seed gives the same cases on every run.
struct EventMutator {
    var generator: SeededGenerator
    let samples: [FuzzJSON]

    static let badTimestamps = [
        "", "yesterday", "2026-13-45T99:99:99Z", "2026-11-21", "2026-11-21T08:00:00", "2026-11-21T08:00:00+25:00",
        "1795000000", "0000-00-00T00:00:00Z", "99999-01-01T00:00:00Z", "2026-02-30T08:00:00Z", "2026-11-21T24:00:01Z",
        "2026-11-21T08:00:00.Z", "２０２６-11-21T08:00:00Z", "2026-11-21T08:00:00Z\u{0}", String(repeating: "9", count: 5_000),
    ]
    static let wrongTypes: [FuzzJSON] = [.literal("42"), .literal("-1e309"), .literal("true"), .literal("null"), .array([]), .object([]),
                                         .array([.string("i-0123456789abcdef0")]), .object([("state", .string("running"))])]
    static let notJSON: [[UInt8]] = [
        [], Array("null".utf8), Array("[]".utf8), Array("42".utf8), Array("\"running\"".utf8), Array("{".utf8), Array("}{".utf8),
        Array("{'detail-type': 'x'}".utf8), [0xEF, 0xBB, 0xBF] + Array("{}".utf8), [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], Array("<xml/>".utf8),
        Array("{\"a\":1}{\"b\":2}".utf8), Array("{\"source\":\"aws.ec2\",}".utf8), Array("NaN".utf8),
    ]

    mutating func next() -> FuzzCase {
        let sample = samples.randomElement(using: &generator)!
        let damage = FuzzCase.Damage.allCases.randomElement(using: &generator)!
        let paths = sample.paths
        let path = paths.randomElement(using: &generator)!
        let field = path.joined(separator: ".")
        switch damage {
        case .removed:
            return FuzzCase(damage: damage, field: field, bytes: sample.replacing(path, with: nil).bytes)
        case .wrongType:
            return FuzzCase(damage: damage, field: field, bytes: sample.replacing(path, with: Self.wrongTypes.randomElement(using: &generator)!).bytes)
        case .hugeString:
            let size = [70_000, 300_000, 1_000_000].randomElement(using: &generator)!
            let text = String(repeating: ["x", "é", "🦄", "\\", "\""].randomElement(using: &generator)!, count: size / 4)
            return FuzzCase(damage: damage, field: field, bytes: sample.replacing(path, with: .string(text)).bytes)
        case .deepNesting:
            let depth = [100, 1_000, 100_000].randomElement(using: &generator)!
            let nested = Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
            return FuzzCase(damage: damage, field: field, bytes: sample.replacing(path, with: .raw(nested)).bytes)
        case .invalidUTF8:
            let invalid: [[UInt8]] = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]
            let bytes = Array("\"i-0123".utf8) + invalid.randomElement(using: &generator)! + Array("abc\"".utf8)
            return FuzzCase(damage: damage, field: field, bytes: sample.replacing(path, with: .raw(bytes)).bytes)
        case .badTimestamp:
            return FuzzCase(damage: damage, field: "time", bytes: sample.replacing(["time"], with: .string(Self.badTimestamps.randomElement(using: &generator)!)).bytes)
        case .unknownValue:
            let values = ["", "RUNNING", "rebooting", "i-", "i-xyz", "i-0123456789abcdef00", "aws.ec2 ", "🦄", "running\u{0}"]
            return FuzzCase(damage: damage, field: field, bytes: sample.replacing(path, with: .string(values.randomElement(using: &generator)!)).bytes)
        case .notJSON:
            if Bool.random(using: &generator) {
                let bytes = sample.bytes
                return FuzzCase(damage: damage, field: "", bytes: Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &generator))))
            }
            return FuzzCase(damage: damage, field: "", bytes: Self.notJSON.randomElement(using: &generator)!)
        }
    }
}

/// Thousands of mutated events through the real executables under the Runtime API emulator, and
/// moto behind them: no crash, every event answered, and every error says which field is wrong.
@Suite("Bad input: seeded event fuzzing through the real loop, bad configuration, bad Runtime API answers")
struct EventFuzzTests {
    static let seed: UInt64 = 20_261_121

    func samples(_ names: [String]) throws -> [FuzzJSON] {
        try names.map { FuzzJSON(try JSONSerialization.jsonObject(with: Data(try TestEvents.sample($0).utf8))) }
    }

    /// Checks each answer to a fuzzed event: bounded, and an error only ever a MalformedEvent that
    /// names the damaged field (or says the document itself is not JSON). Returns a tally for the report.
    func check(_ served: RuntimeEmulator.Served, _ cases: [FuzzCase]) -> [String: Int] {
        #expect(served.results.count == cases.count, "every event is answered\n\(served.stderr.suffix(2_000))")
        #expect(served.stderr.contains("the Runtime API answered 500"), "the process lived until the test ended it\n\(served.stderr.suffix(2_000))")
        var tally: [String: Int] = [:]
        for (index, fuzzCase) in cases.enumerated() {
            guard let result = served.result(index) else { continue }
            let outcome = result.kind == "error" ? (result.errorTypeHeader ?? "?") : (result.json["action"] as? String ?? "response")
            tally["\(fuzzCase.damage.rawValue) → \(outcome)", default: 0] += 1
            #expect(result.body.utf8.count < 2_048, "the answer stays small whatever came in: \(fuzzCase.damage) \(fuzzCase.field)")
            guard result.kind == "error" else { continue }
            let message = result.json["errorMessage"] as? String ?? ""
            #expect(result.errorTypeHeader == "Function.MalformedEvent", "\(fuzzCase.damage) of \(fuzzCase.field): \(result.errorTypeHeader ?? "") \(message)")
            // The damaged field, or one inside it (a list given for `detail` lacks `detail.instance-id`).
            let namesField = !fuzzCase.field.isEmpty && [" ", ".", "["].contains { message.contains("event's \(fuzzCase.field)\($0)") }
            // A document that is not JSON (or not an object) is named as such; one that parses
            // leniently (a trailing comma, a second object after the first) lacks a field, and says which.
            let namesDocument = ["the event is not valid JSON", "the event is not a JSON object", "the event is null where a JSON object is expected"]
                .contains { message.hasPrefix($0) } || (fuzzCase.damage == .notJSON && message.hasSuffix(" is missing"))
            #expect(namesField || (namesDocument && [.notJSON, .deepNesting, .invalidUTF8].contains(fuzzCase.damage)),
                    "the error names what is wrong: \(fuzzCase.damage) of \"\(fuzzCase.field)\" → \(message)")
        }
        return tally
    }

    @Test("StateChangeHandler: 3,000 mutated events are each answered; errors are MalformedEvent naming the field")
    func stateChangeHandler() throws {
        let moto = try MotoServer.get()
        let table = MotoServer.uniqueName("fuzz")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        var mutator = EventMutator(generator: SeededGenerator(seed: Self.seed), samples: try samples([
            "state-change-running.json", "state-change-stopped.json", "state-change-terminated.json",
            "spot-interruption-warning.json", "rebalance-recommendation.json",
        ]))
        let cases = (0..<3_000).map { _ in mutator.next() }
        let served = try RuntimeEmulator().serve("StateChangeHandler", rawEvents: cases.map { Data($0.bytes) }, environment: moto.environmentVariables.merging([
            "TABLE_NAME": table, "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T0/B0/X", "AWS_LAMBDA_LOG_LEVEL": "WARN",
        ]) { $1 })
        let tally = check(served, cases)
        #expect(tally.keys.contains { $0.hasSuffix("recorded-start") || $0.hasSuffix("stale-ignored") }, "some mutations leave a valid event, which is recorded")
        #expect(tally.keys.contains { $0.hasSuffix("slack-notified") })
        print("fuzz StateChangeHandler (seed \(Self.seed)): " + tally.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
    }

    @Test("UptimeChecker: 600 mutated schedule events are each answered; errors are MalformedEvent naming the field")
    func uptimeChecker() throws {
        let moto = try MotoServer.get()
        let region = MotoServer.privateRegion()
        let table = MotoServer.uniqueName("fuzz")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": region])
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        let tick = FuzzJSON(try JSONSerialization.jsonObject(with: Data(
            #"{"version":"0","id":"t","detail-type":"Scheduled Event","source":"aws.events","account":"123456789012","time":"2026-11-21T09:00:00Z","region":"\#(region)","resources":["arn:aws:events:\#(region):123456789012:rule/instance-watch"],"detail":{}}"#.utf8)))
        var mutator = EventMutator(generator: SeededGenerator(seed: Self.seed + 1), samples: [tick])
        let cases = (0..<600).map { _ in mutator.next() }
        let served = try RuntimeEmulator().serve("UptimeChecker", rawEvents: cases.map { Data($0.bytes) }, environment: moto.environmentVariables(region: region).merging([
            "TABLE_NAME": table, "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T0/B0/X", "AWS_LAMBDA_LOG_LEVEL": "WARN",
        ]) { $1 })
        let tally = check(served, cases)
        #expect(tally.keys.contains { $0.hasSuffix("→ response") }, "valid ticks run the check")
        print("fuzz UptimeChecker (seed \(Self.seed + 1)): " + tally.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
    }

    /// A bad value for each variable the functions read, and the name the error must give.
    static let badSettings: [(variable: String, value: String?)] = [
        ("TABLE_NAME", "ab"), ("TABLE_NAME", "table with spaces"), ("TOPIC_ARN", "arn:aws:s3:::bucket"),
        ("SLACK_WEBHOOK_URL", "ftp://hooks.slack.com/services/T0/B0/SECRET-IN-CONFIG"), ("SLACK_WEBHOOK_URL", "SECRET-IN-CONFIG"),
        ("UPTIME_THRESHOLD", "forever"), ("UPTIME_THRESHOLD", "0"), ("NOTIFY_INTERVAL", "-5m"), ("NOTIFY_MODE", "loud"),
        ("AWS_REGION", nil), ("AWS_ACCESS_KEY_ID", nil), ("AWS_SECRET_ACCESS_KEY", nil), ("AWS_ENDPOINT_URL", "not a url"),
    ]

    @Test("bad configuration under the Runtime API: an init error naming the variable, no invocation taken, never a secret value",
          arguments: ["StateChangeHandler", "UptimeChecker"])
    func badConfiguration(_ product: String) throws {
        let moto = try MotoServer.get()
        for (variable, value) in Self.badSettings {
            var environment = moto.environmentVariables.merging(["TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:alerts"]) { $1 }
            environment[variable] = value
            let emulator = try RuntimeEmulator()
            let served = try emulator.serve(product, events: [], environment: environment)
            let initError = try #require(try emulator.initError(), "\(product) \(variable)=\(value ?? "unset"): no init error\n\(served.stderr)")
            #expect(initError.errorTypeHeader == "Runtime.InvalidConfiguration", "\(variable): \(initError.body)")
            #expect(initError.body.contains(variable), "\(variable): \(initError.body)")
            let nextCalls = try emulator.stats().nextCalls
            #expect(served.status != 0 && nextCalls == 0, "a function that cannot work takes no invocation")
            #expect(!initError.body.contains("SECRET-IN-CONFIG") && !served.stderr.contains("SECRET-IN-CONFIG"))
        }
    }

    @Test("bad Runtime API answers to the real binary: no request id, a deadline that is not a number, one already past")
    func badRuntimeAnswers() throws {
        let moto = try MotoServer.get()
        let table = MotoServer.uniqueName("fuzz")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        let emulator = try RuntimeEmulator()
        let event = #"{"version":"0","id":"e","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"2026-11-21T08:00:00Z","region":"eu-west-1","resources":[],"detail":{"instance-id":"i-0aaaabbbbccccdddd","state":"running"}}"#
        try emulator.invoke(event, headers: ["X-Test-Omit-Request-Id": "1"])
        let notANumber = try emulator.invoke(event, headers: ["X-Test-Deadline-Ms": "soon"])
        let past = try emulator.invoke(event, headers: ["X-Test-Deadline-Ms": "1000"])
        let good = try emulator.invoke(event)
        try emulator.answerNext(withStatus: 500)
        let run = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), [], environment: moto.environmentVariables.merging([
            "PATH": "/usr/bin:/bin", "TABLE_NAME": table, "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort,
        ]) { $1 })
        let results = try emulator.results(waitingFor: 3)
        #expect(results.map(\.requestId) == [notANumber, past, good], "the one without an id cannot be answered; the rest are\n\(run.stderr)")
        #expect(run.stderr.contains("no Lambda-Runtime-Aws-Request-Id header"), "the skipped invocation is logged")
        #expect(results[0].errorTypeHeader == "Runtime.InvalidInvocation" && results[0].body.contains("soon"))
        #expect(results[1].errorTypeHeader == "Function.DynamoDB.DeadlineExceeded" && results[1].body.contains("no time left"), "\(results[1].body)")
        #expect(results[2].json["action"] as? String == "recorded-start")
    }
}
