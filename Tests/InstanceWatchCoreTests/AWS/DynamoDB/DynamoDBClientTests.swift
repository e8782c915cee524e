import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Against moto's server with signatures checked.
@Suite("DynamoDB client against moto")
struct DynamoDBClientTests {
    let moto: MotoServer
    let dynamo: DynamoDBClient
    let table: String

    init() throws {
        moto = try MotoServer.get()
        dynamo = DynamoDBClient(aws: try moto.awsClient())
        table = MotoServer.uniqueName("states")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
    }

    func key(_ id: String) -> DynamoDBItem { ["instance_id": .s(id)] }

    @Test("PutItem with a condition, ReturnValues ALL_OLD, and a failed condition as its own case")
    func putItem() throws {
        try dynamo.putItem(PutItemInput(tableName: table, item: key("i-1").merging(["state": .s("running")]) { $1 }))
        let replaced = try dynamo.putItem(PutItemInput(
            tableName: table, item: key("i-1").merging(["state": .s("stopped")]) { $1 }, returnValues: .allOld
        ))
        #expect(replaced.attributes?["state"] == .s("running"))

        #expect {
            try dynamo.putItem(PutItemInput(
                tableName: table, item: key("i-1"), condition: DynamoDBExpression("attribute_not_exists(instance_id)"),
                returnValuesOnConditionCheckFailure: .allOld
            ))
        } throws: { error in
            guard case AWSClientError.conditionalCheckFailed(let operation, _) = error else { return false }
            return operation == "PutItem"
        }
    }

    @Test("UpdateItem names reserved words through ExpressionAttributeNames and returns ALL_NEW")
    func updateItem() throws {
        let updated = try dynamo.updateItem(UpdateItemInput(
            tableName: table, key: key("i-2"),
            update: DynamoDBExpression("SET #state = :state, #region = :region, start_time = :start",
                               names: ["#state": "state", "#region": "region"],
                               values: [":state": .s("running"), ":region": .s("eu-west-1"), ":start": .s("2026-11-21T08:00:00Z")]),
            condition: DynamoDBExpression("attribute_not_exists(last_event_time) OR last_event_time < :now", values: [":now": .s("2026-11-21T08:00:00Z")]),
            returnValues: .allNew
        ))
        #expect(updated.attributes?["state"] == .s("running"))
        #expect(updated.attributes?["region"] == .s("eu-west-1"))

        #expect {
            try dynamo.updateItem(UpdateItemInput(
                tableName: table, key: key("i-2"), update: DynamoDBExpression("SET #state = :s", names: ["#state": "state"], values: [":s": .s("stopped")]),
                condition: DynamoDBExpression("#state = :expected", names: ["#state": "state"], values: [":expected": .s("terminated")])
            ))
        } throws: { error in
            guard case AWSClientError.conditionalCheckFailed = error else { return false }
            return true
        }
    }

    @Test("DeleteItem with a condition")
    func deleteItem() throws {
        try dynamo.putItem(PutItemInput(tableName: table, item: key("i-3").merging(["state": .s("terminated")]) { $1 }))
        #expect {
            try dynamo.deleteItem(DeleteItemInput(tableName: table, key: key("i-3"), condition: DynamoDBExpression("#s = :r", names: ["#s": "state"], values: [":r": .s("running")])))
        } throws: { error in
            if case AWSClientError.conditionalCheckFailed = error { return true }
            return false
        }
        let deleted = try dynamo.deleteItem(DeleteItemInput(tableName: table, key: key("i-3"), returnValues: .allOld))
        #expect(deleted.attributes?["state"] == .s("terminated"))
        var remaining = 0
        try dynamo.scanAllPages(ScanInput(tableName: table)) { page in remaining += page.count; return true }
        #expect(remaining == 0)
    }

    @Test("every attribute type round-trips through DynamoDB itself")
    func everyTypeThroughDynamoDB() throws {
        let item = AttributeValueTests.everyType.merging(key("i-types")) { $1 }
        try dynamo.putItem(PutItemInput(tableName: table, item: item))
        let page = try dynamo.scan(ScanInput(tableName: table))
        #expect(page.items.count == 1)
        let stored = try #require(page.items.first)
        #expect(stored.count == item.count)
        for (name, value) in item {
            switch value {
            case .ss(let values): #expect(stored[name] == .ss(values) || stored[name] == .ss(values.reversed()))
            case .ns(let values): #expect(stored[name] == .ns(values) || stored[name] == .ns(values.reversed()))
            default: #expect(stored[name] == value, "\(name)")
            }
        }
    }

    @Test("a scan of a table larger than one 1 MB page follows LastEvaluatedKey to every item")
    func scanPagination() throws {
        let items = (0..<300).map { ["instance_id": String(format: "i-%05d", $0)] }
        try moto.fixture(["op": "put_items", "table": table, "items": items, "padding": 10_000])
        var seen = Set<String>()
        var itemsInPages: [Int] = []
        let pages = try dynamo.scanAllPages(ScanInput(tableName: table)) { page in
            itemsInPages.append(page.count)
            for item in page.items { seen.insert(item["instance_id"]?.stringValue ?? "") }
            return true
        }
        #expect(pages >= 3, "300 items of 10 KB are 3 MB: more than one page (pages: \(itemsInPages))")
        #expect(seen.count == 300)
    }

    @Test("Limit caps a page; segments split the table between them")
    func limitAndSegments() throws {
        let items = (0..<20).map { ["instance_id": "i-seg-\($0)"] }
        try moto.fixture(["op": "put_items", "table": table, "items": items])
        var pageSizes: [Int] = []
        try dynamo.scanAllPages(ScanInput(tableName: table, limit: 7)) { page in pageSizes.append(page.count); return true }
        #expect(pageSizes.filter { $0 > 0 } == [7, 7, 6])

        var bySegment: [[String]] = []
        for segment in 0..<3 {
            var ids: [String] = []
            try dynamo.scanAllPages(ScanInput(tableName: table, segment: segment, totalSegments: 3)) { page in
                ids += page.items.compactMap { $0["instance_id"]?.stringValue }
                return true
            }
            bySegment.append(ids)
        }
        let all = bySegment.flatMap { $0 }
        #expect(all.count == 20 && Set(all).count == 20, "segments overlap or miss items: \(bySegment.map(\.count))")
    }

    @Test("a wrong secret key is rejected by the endpoint, and the error says so")
    func wrongSecretKey() throws {
        let wrong = AWSCredentials(accessKeyId: moto.credentials.accessKeyId, secretAccessKey: "not-the-secret")
        let client = DynamoDBClient(aws: try moto.awsClient(credentials: wrong))
        #expect {
            _ = try client.scan(ScanInput(tableName: table))
        } throws: { error in
            guard let serviceError = (error as? AWSClientError)?.serviceError else { return false }
            // moto answers this JSON client in XML, as some endpoints do; the parser reads it either way.
            return serviceError.isAuthenticationFailure && serviceError.code == "SignatureDoesNotMatch"
                && "\(error)".contains("signature we calculated does not match")
        }
    }

    @Test("a missing table is a ResourceNotFoundException, tried once")
    func missingTable() throws {
        #expect {
            _ = try dynamo.scan(ScanInput(tableName: "no-such-table"))
        } throws: { error in
            guard case AWSClientError.service(let serviceError, let attempts) = error else { return false }
            return serviceError.code == "ResourceNotFoundException" && attempts == 1 && serviceError.service == .dynamoDB
        }
    }
}
