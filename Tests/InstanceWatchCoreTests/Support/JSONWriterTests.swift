import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("JSON writer")
struct JSONWriterTests {
    func parsed(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    @Test("nested objects and arrays with commas where they belong, strings escaped by the JSON rules")
    func structure() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("a", "quote \" backslash \\ newline \n tab \t bell \u{7} é 🍺")
        writer.key("list")
        writer.beginArray()
        writer.integer(1)
        writer.bool(false)
        writer.beginObject()
        writer.endObject()
        writer.beginArray()
        writer.endArray()
        writer.number(2.5)
        writer.endArray()
        writer.member("absent", nil as String?)
        writer.key("n")
        writer.number(7)
        writer.endObject()
        #expect(writer.text == #"{"a":"quote \" backslash \\ newline \n tab \t bell \u0007 é 🍺","list":[1,false,{},[],2.5],"n":7}"#)
        let object = try parsed(writer.data)
        #expect(object["a"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{7} é 🍺")
    }

    @Test("an UpdateItem and a Scan request written directly read the same as JSONEncoder's")
    func dynamoDBRequests() throws {
        let update = UpdateItemInput(
            tableName: "t", key: ["instance_id": .s("i-1")],
            update: DynamoDBExpression("SET #state = :s, m = :m", names: ["#state": "state"], values: [
                ":s": .s("running\n\"x\""), ":m": .m(["l": .l([.n("1"), .bool(true), .null, .ss(["a", "b"]), .ns(["2"])])]),
            ]),
            condition: DynamoDBExpression("attribute_not_exists(instance_id)"), returnValues: .updatedOld, returnValuesOnConditionCheckFailure: .allOld
        )
        #expect(try parsed(update.wireJSON) == (try parsed(JSONEncoder.lambda.encode(update))))
        let scan = ScanInput(tableName: "t", limit: 1000, exclusiveStartKey: ["instance_id": .s("i-9")], segment: 1, totalSegments: 4,
                             filter: DynamoDBExpression("#r = :r", names: ["#r": "region"], values: [":r": .s("eu-west-1")]),
                             projection: InstanceRecord.projection, consistentRead: true)
        #expect(try parsed(scan.wireJSON) == (try parsed(JSONEncoder.lambda.encode(scan))))
        #expect(try parsed(ScanInput(tableName: "t").wireJSON) == ["TableName": "t"])
    }
}
