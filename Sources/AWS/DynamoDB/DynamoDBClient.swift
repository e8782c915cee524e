import FoundationEssentials
import CurlHTTP
import Support

/// DynamoDB over its JSON 1.0 protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`).
public final class DynamoDBClient {
    private let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// Throws `.conditionalCheckFailed` when the condition says no.
    @discardableResult
    public func putItem(_ input: PutItemInput, deadline: Date? = nil) throws(AWSClientError) -> WriteOutput {
        try call("PutItem", input, deadline)
    }

    /// Throws `.conditionalCheckFailed` when the condition says no. Every state change is one of
    /// these: the request is written and the answer read without JSONEncoder or JSONDecoder.
    @discardableResult
    public func updateItem(_ input: UpdateItemInput, deadline: Date? = nil) throws(AWSClientError) -> WriteOutput {
        try wireCall("UpdateItem", input, deadline, read: DynamoDBWireReader.writeOutput)
    }

    static let targetPrefix = "DynamoDB_20120810"

    /// A call whose request is written by `JSONWriter` and whose answer `read` takes from its bytes.
    private func wireCall<Output>(_ operation: String, _ input: some DynamoDBWireRequest, _ deadline: Date?,
                                  read: (Data) throws(DynamoDBWireReader.Malformed) -> Output) throws(AWSClientError) -> Output {
        let body = try aws.callJSONBody(.dynamoDB, targetPrefix: Self.targetPrefix, jsonVersion: "1.0", operation: operation,
                                        body: input.wireJSON, deadline: deadline, recognizing: Self.conditionFailure)
        do {
            return try read(body)
        } catch {
            throw .malformedResponse(service: .dynamoDB, operation: operation, reason: "\(error)")
        }
    }

    /// Throws `.conditionalCheckFailed` when the condition says no.
    @discardableResult
    public func deleteItem(_ input: DeleteItemInput, deadline: Date? = nil) throws(AWSClientError) -> WriteOutput {
        try call("DeleteItem", input, deadline)
    }

    /// One page of a scan: at most 1 MB of items, or `limit` items. Read by `DynamoDBWireReader`,
    /// not JSONDecoder: the checker scans the whole table every run, and this is where its CPU went.
    public func scan(_ input: ScanInput, deadline: Date? = nil) throws(AWSClientError) -> ScanOutput {
        try wireCall("Scan", input, deadline, read: DynamoDBWireReader.scanOutput)
    }

    /// `ConditionalCheckFailedException`: the condition said no, which is an answer, not a failure.
    static let conditionFailure: AWSClient.ServiceErrorRecognizer = { error, body in
        guard error.code == "ConditionalCheckFailedException" else { return nil }
        struct Failure: Decodable { let Item: DynamoDBItem? }
        return .conditionalCheckFailed(operation: error.operation, item: (try? JSONDecoder().decode(Failure.self, from: body))?.Item)
    }

    /// Every page of a scan, read straight into the caller's items (see `DynamoDBWireDecodable`);
    /// `body` gets each page's items (those the type took as its own) and its number of items.
    public func scanPages<Item: DynamoDBWireDecodable>(_ input: ScanInput, of type: Item.Type, deadline: Date? = nil,
                                                       _ body: (_ items: [Item], _ count: Int) -> Void) throws(AWSClientError) {
        var request = input
        while true {
            let page = try wireCall("Scan", request, deadline) { (data: Data) throws(DynamoDBWireReader.Malformed) in
                try DynamoDBWireReader.page(of: Item.self, data)
            }
            body(page.items.compactMap { $0 }, page.items.count)
            guard let next = page.lastEvaluatedKey else { return }
            request.exclusiveStartKey = next
        }
    }

    /// Every page of a scan, one at a time (memory stays at one page), following `LastEvaluatedKey`.
    /// `body` returns false to stop early. Returns the number of pages read.
    @discardableResult
    public func scanAllPages(
        _ input: ScanInput, deadline: Date? = nil, _ body: (ScanOutput) throws(AWSClientError) -> Bool
    ) throws(AWSClientError) -> Int {
        var request = input
        var pages = 0
        while true {
            let page = try scan(request, deadline: deadline)
            pages += 1
            guard try body(page), let next = page.lastEvaluatedKey else { return pages }
            request.exclusiveStartKey = next
        }
    }

    /// BatchGetItem takes at most this many keys a call.
    public static let batchGetKeysPerCall = 100

    /// The items of `keys` that exist, in no particular order, in calls of at most 100 keys. Keys
    /// DynamoDB leaves unprocessed are asked for again after a pause that doubles, a bounded number
    /// of times; what is still unread then is an error rather than a silent gap.
    public func batchGetItems(tableName: String, keys: [DynamoDBItem], projection: DynamoDBExpression? = nil, deadline: Date? = nil,
                              sleep: (Duration) -> Void = sleepThread) throws(AWSClientError) -> [DynamoDBItem] {
        var items: [DynamoDBItem] = []
        var start = 0
        while start < keys.count {
            var pending = Array(keys[start..<min(start + Self.batchGetKeysPerCall, keys.count)])
            start += pending.count
            var pause = Duration.milliseconds(50)
            for attempt in 1... {
                let output: BatchGetItemOutput = try call("BatchGetItem", BatchGetItemInput(requestItems: [
                    tableName: KeysAndAttributes(keys: pending, projection: projection),
                ]), deadline)
                items += output.responses[tableName] ?? []
                pending = output.unprocessedKeys[tableName]?.keys ?? []
                if pending.isEmpty { break }
                guard attempt < 5 else {
                    throw .invalidRequest(service: .dynamoDB, operation: "BatchGetItem", reason: "\(pending.count) keys still unprocessed after \(attempt) attempts")
                }
                sleep(pause)
                pause *= 2
            }
        }
        return items
    }

    private func call<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input, _ deadline: Date?) throws(AWSClientError) -> Output {
        try aws.callJSON(.dynamoDB, targetPrefix: "DynamoDB_20120810", jsonVersion: "1.0", operation: operation, input: input, deadline: deadline,
                         recognizing: Self.conditionFailure)
    }
}
