import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("DynamoDB attribute values")
struct AttributeValueTests {
    static let everyType: DynamoDBItem = [
        "s": .s("text with \"quotes\" and ü"), "n": .n("12345678901234567890.5"), "bool": .bool(true), "null": .null,
        "m": .m(["inner": .s("x"), "deeper": .m(["n": .n("-1")])]), "l": .l([.s("a"), .n("1"), .bool(false), .null, .l([])]),
        "ss": .ss(["a", "b"]), "ns": .ns(["1", "2.5"]),
    ]

    @Test("every type encodes to DynamoDB's wire form")
    func wireForm() throws {
        let json = try #require(String(data: try JSONEncoder.lambda.encode(Self.everyType), encoding: .utf8))
        for fragment in [#""s":{"S":"text"#, #""n":{"N":"12345678901234567890.5"}"#, #""bool":{"BOOL":true}"#, #""null":{"NULL":true}"#,
                         #""m":{"M":{"#, #""l":{"L":["#, #""ss":{"SS":["a","b"]}"#, #""ns":{"NS":["1","2.5"]}"#] {
            #expect(json.contains(fragment), "\(fragment) missing from \(json)")
        }
    }

    @Test("every type round-trips through JSON")
    func roundTrip() throws {
        let decoded = try JSONDecoder().decode(DynamoDBItem.self, from: JSONEncoder().encode(Self.everyType))
        #expect(decoded == Self.everyType)
    }

    @Test("a value with no type key, or two, is rejected")
    func rejectsAmbiguous() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AttributeValue.self, from: Data("{}".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AttributeValue.self, from: Data(#"{"S":"a","N":"1"}"#.utf8)) }
    }
}
