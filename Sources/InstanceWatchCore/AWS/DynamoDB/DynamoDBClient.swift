import FoundationEssentials

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

    /// Throws `.conditionalCheckFailed` when the condition says no.
    @discardableResult
    public func updateItem(_ input: UpdateItemInput, deadline: Date? = nil) throws(AWSClientError) -> WriteOutput {
        try call("UpdateItem", input, deadline)
    }

    /// Throws `.conditionalCheckFailed` when the condition says no.
    @discardableResult
    public func deleteItem(_ input: DeleteItemInput, deadline: Date? = nil) throws(AWSClientError) -> WriteOutput {
        try call("DeleteItem", input, deadline)
    }

    /// One page of a scan: at most 1 MB of items, or `limit` items.
    public func scan(_ input: ScanInput, deadline: Date? = nil) throws(AWSClientError) -> ScanOutput {
        try call("Scan", input, deadline)
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

    private func call<Input: Encodable, Output: Decodable>(_ operation: String, _ input: Input, _ deadline: Date?) throws(AWSClientError) -> Output {
        try aws.callJSON(.dynamoDB, targetPrefix: "DynamoDB_20120810", jsonVersion: "1.0", operation: operation, input: input, deadline: deadline)
    }
}
