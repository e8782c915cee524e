import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("DynamoDB wire reader")
struct DynamoDBWireReaderTests {
    /// What JSONDecoder makes of the same bytes: the reader must agree with it on everything it accepts.
    func viaDecoder(_ json: String) throws -> ScanOutput {
        try JSONDecoder().decode(ScanOutput.self, from: Data(json.utf8))
    }

    @Test("every attribute type, nested, with escapes, surrogate pairs and whitespace, reads as JSONDecoder reads it")
    func agreesWithDecoder() throws {
        let json = #"""
            { "Count" : 2, "ScannedCount": 3, "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.5}},
              "Items": [
                {"instance_id": {"S": "i-1"}, "n": {"N": "-12.5e3"}, "b": {"BOOL": false}, "z": {"NULL": true},
                 "m": {"M": {"inner": {"L": [{"S": "a\"b\\c\/d\n\t\u00e9\ud83c\udf7a"}, {"N": "1"}, {"M": {}}]}}},
                 "ss": {"SS": ["x", "サーバー"]}, "ns": {"NS": ["1", "2"]}, "empty": {"S": ""}},
                {"instance_id": {"S": "i-2"}, "l": {"L": []}}
              ],
              "LastEvaluatedKey": {"instance_id": {"S": "i-2"}} }
            """#
        let read = try DynamoDBWireReader.scanOutput(Data(json.utf8))
        #expect(read == (try viaDecoder(json)))
        #expect(read.items[0]["m"] == .m(["inner": .l([.s("a\"b\\c/d\n\té🍺"), .n("1"), .m([:])])]))
        #expect(read.count == 2 && read.scannedCount == 3 && read.lastEvaluatedKey == ["instance_id": .s("i-2")])
    }

    @Test("an answer without Items or counts is an empty page")
    func minimal() throws {
        #expect(try DynamoDBWireReader.scanOutput(Data("{}".utf8)) == ScanOutput(items: [], count: 0, scannedCount: 0, lastEvaluatedKey: nil))
        #expect(try DynamoDBWireReader.scanOutput(Data(#"{"Items":[],"Count":0,"ScannedCount":7}"#.utf8)).scannedCount == 7)
    }

    @Test("what DynamoDB never sends is an error that says where", arguments: [
        (#"{"Items":[{"a":{"S":"x","N":"1"}}]}"#, "exactly one type key"),
        (#"{"Items":[{"a":{"B":"AAEC"}}]}"#, "one of the attribute types"),
        (#"{"Items":[{"a":{"S":1}}]}"#, "a string"),
        (#"{"Items":[{"a":{"S":"x"}}"#, "\"]\""),
        (#"{"Items":[{"a":{"S":"unterminated}}]}"#, "the end of a string"),
        (#"{"Count":"2"}"#, "a whole number"),
        (#"{"Items":[]} trailing"#, "the end of the answer"),
        ("[]", "\"{\""),
        ("{\"Items\":[{\"a\":{\"S\":\"tab\u{09}inside\"}}]}", "no control character"),
        (#"{"Items":[{"a":{"S":"\x"}}]}"#, "a JSON escape"),
    ])
    func malformed(_ json: String, _ expected: String) {
        #expect {
            _ = try DynamoDBWireReader.scanOutput(Data(json.utf8))
        } throws: { error in
            "\(error)".contains(expected) && "\(error)".contains("at byte")
        }
    }

    @Test("seeded random items round-trip: encoded by JSONEncoder, read back by the reader")
    func randomRoundTrip() throws {
        var generator = SeededGenerator(seed: 20_261_202)
        let pieces = ["a", "é", "\"", "\\", "\n", "🍺", "\u{1}", "/", " ", "サ", "\u{7F}"]
        func text() -> String { (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined() }
        func value(_ depth: Int) -> AttributeValue {
            switch Int.random(in: 0...(depth > 2 ? 4 : 7), using: &generator) {
            case 0: return .s(text())
            case 1: return .n(String(Int.random(in: -1_000_000...1_000_000, using: &generator)))
            case 2: return .bool(Bool.random(using: &generator))
            case 3: return .null
            case 4: return .ss((0..<3).map { _ in text() })
            case 5: return .m(Dictionary((0..<3).map { index in ("k\(index)\(text())", value(depth + 1)) }) { first, _ in first })
            case 6: return .l((0..<3).map { _ in value(depth + 1) })
            default: return .ns(["1", "2.5"])
            }
        }
        struct Page: Encodable { let Items: [DynamoDBItem]; let Count: Int; let ScannedCount: Int }
        for _ in 0..<200 {
            let items = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
                Dictionary((0..<4).map { _ in ("attr-\(text())", value(0)) }) { first, _ in first }
            }
            let data = try JSONEncoder().encode(Page(Items: items, Count: items.count, ScannedCount: items.count))
            #expect(try DynamoDBWireReader.scanOutput(data).items == items)
        }
    }

    @Test("a page read straight into records gives what InstanceRecord(item:) makes of the decoded items")
    func recordPages() throws {
        let json = #"""
            {"Items": [
              {"instance_id": {"S": "i-1"}, "start_time": {"S": "2026-11-21T08:00:00Z"}, "stop_time": {"S": ""}, "state": {"S": "running"},
               "last_event_time": {"S":"2026-11-21T08:00:00Z"}, "last_notified_at": {"S": "x"}, "account": {"S": "111111111111"}, "region": { "S" : "eu-west-1" }},
              {"instance_id": {"S": "i-2"}, "state": {"N": "3"}, "account": {"NULL": true}, "extra": {"M": {"a": {"L": [{"S": "b"}]}}}},
              {"start_time": {"S": "2026-11-21T08:00:00Z"}},
              {"instance_id": {"S": ""}},
              {"instance_id": {"N": "7"}},
              {"instance_id": {"S": "i-\u0033"}, "region": {"S": "us-east-1", "N": "1"}}
            ], "Count": 6, "LastEvaluatedKey": {"instance_id": {"S": "i-3"}}}
            """#
        let expected = try JSONDecoder().decode(ScanOutput.self, from: Data(json.utf8).prefix(0) + Data(json.replacing(#", "N": "1""#, with: "").utf8))
        let page = try DynamoDBWireReader.page(of: InstanceRecord.self, Data(json.replacing(#", "N": "1""#, with: "").utf8))
        #expect(page.items.count == 6 && page.count == 6 && page.lastEvaluatedKey == ["instance_id": .s("i-3")])
        #expect(page.items.compactMap { $0 } == expected.items.compactMap(InstanceRecord.init(item:)))
        #expect(page.items.compactMap { $0 }.map(\.instanceId) == ["i-1", "i-2", "i-3"])
        #expect {
            _ = try DynamoDBWireReader.page(of: InstanceRecord.self, Data(json.utf8))
        } throws: { error in
            "\(error)".contains("exactly one type key")
        }
    }

    @Test("values nested deeper than the limit are refused, not recursed into; DynamoDB's own 32 levels still read")
    func depthLimit() throws {
        func nested(_ levels: Int) -> String {
            String(repeating: #"{"M":{"a":"#, count: levels) + #"{"S":"x"}"# + String(repeating: "}}", count: levels)
        }
        let allowed = #"{"Items":[{"instance_id":{"S":"i-1"},"deep":"# + nested(32) + "}]}"
        #expect(try DynamoDBWireReader.scanOutput(Data(allowed.utf8)).items.count == 1)
        let hostile = #"{"Items":[{"instance_id":{"S":"i-1"},"deep":"# + nested(100_000) + "}]}"
        for read in [{ _ = try DynamoDBWireReader.scanOutput(Data(hostile.utf8)) }, { _ = try DynamoDBWireReader.page(of: InstanceRecord.self, Data(hostile.utf8)) }] {
            let error = try #require(throws: DynamoDBWireReader.Malformed.self) { try read() }
            #expect(error.description.contains("nested at most"), "\(error)")
        }
        let skipped = #"{"ConsumedCapacity":"# + String(repeating: "[", count: 100_000) + "}"
        #expect(throws: DynamoDBWireReader.Malformed.self) { try DynamoDBWireReader.scanOutput(Data(skipped.utf8)) }
    }
}
