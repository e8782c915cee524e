import FoundationEssentials
import CurlHTTP
import Support

/// Inputs and outputs of the DynamoDB operations instance-watch uses, in the API's own names
/// (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/).

public enum ReturnValues: String, Codable, Sendable {
    case none = "NONE", allOld = "ALL_OLD", updatedOld = "UPDATED_OLD", allNew = "ALL_NEW", updatedNew = "UPDATED_NEW"
}

/// What a write's condition check failure carries back: nothing, or the item as it stood.
public enum ReturnValuesOnConditionCheckFailure: String, Codable, Sendable {
    case none = "NONE", allOld = "ALL_OLD"
}

/// A condition or update expression with its placeholders (`#state`, `:now`).
public struct DynamoDBExpression: Sendable, Equatable {
    public var text: String
    public var names: [String: String]
    public var values: DynamoDBItem

    public init(_ text: String, names: [String: String] = [:], values: DynamoDBItem = [:]) {
        self.text = text
        self.names = names
        self.values = values
    }
}

public struct PutItemInput: Encodable, Sendable {
    public var tableName: String
    public var item: DynamoDBItem
    public var conditionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    public var returnValues: ReturnValues?
    public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?

    public init(tableName: String, item: DynamoDBItem, condition: DynamoDBExpression? = nil, returnValues: ReturnValues? = nil,
                returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil) {
        self.tableName = tableName
        self.item = item
        self.conditionExpression = condition?.text
        self.expressionAttributeNames = condition.flatMap { $0.names.isEmpty ? nil : $0.names }
        self.expressionAttributeValues = condition.flatMap { $0.values.isEmpty ? nil : $0.values }
        self.returnValues = returnValues
        self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName", item = "Item", conditionExpression = "ConditionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames", expressionAttributeValues = "ExpressionAttributeValues"
        case returnValues = "ReturnValues", returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
    }
}

public struct UpdateItemInput: Encodable, Sendable {
    public var tableName: String
    public var key: DynamoDBItem
    public var updateExpression: String
    public var conditionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    public var returnValues: ReturnValues?
    public var returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure?

    /// `update` and `condition` share one set of placeholders, as in the API; they are merged here.
    public init(tableName: String, key: DynamoDBItem, update: DynamoDBExpression, condition: DynamoDBExpression? = nil,
                returnValues: ReturnValues? = nil, returnValuesOnConditionCheckFailure: ReturnValuesOnConditionCheckFailure? = nil) {
        self.tableName = tableName
        self.key = key
        self.updateExpression = update.text
        self.conditionExpression = condition?.text
        let names = update.names.merging(condition?.names ?? [:]) { first, _ in first }
        let values = update.values.merging(condition?.values ?? [:]) { first, _ in first }
        self.expressionAttributeNames = names.isEmpty ? nil : names
        self.expressionAttributeValues = values.isEmpty ? nil : values
        self.returnValues = returnValues
        self.returnValuesOnConditionCheckFailure = returnValuesOnConditionCheckFailure
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName", key = "Key", updateExpression = "UpdateExpression", conditionExpression = "ConditionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames", expressionAttributeValues = "ExpressionAttributeValues"
        case returnValues = "ReturnValues", returnValuesOnConditionCheckFailure = "ReturnValuesOnConditionCheckFailure"
    }
}

public struct DeleteItemInput: Encodable, Sendable {
    public var tableName: String
    public var key: DynamoDBItem
    public var conditionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    public var returnValues: ReturnValues?

    public init(tableName: String, key: DynamoDBItem, condition: DynamoDBExpression? = nil, returnValues: ReturnValues? = nil) {
        self.tableName = tableName
        self.key = key
        self.conditionExpression = condition?.text
        self.expressionAttributeNames = condition.flatMap { $0.names.isEmpty ? nil : $0.names }
        self.expressionAttributeValues = condition.flatMap { $0.values.isEmpty ? nil : $0.values }
        self.returnValues = returnValues
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName", key = "Key", conditionExpression = "ConditionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames", expressionAttributeValues = "ExpressionAttributeValues"
        case returnValues = "ReturnValues"
    }
}

/// The attributes a write returned (per `ReturnValues`), if any.
public struct WriteOutput: Decodable, Sendable, Equatable {
    public let attributes: DynamoDBItem?

    public init(attributes: DynamoDBItem?) {
        self.attributes = attributes
    }

    enum CodingKeys: String, CodingKey {
        case attributes = "Attributes"
    }
}

public struct ScanInput: Encodable, Sendable {
    public var tableName: String
    public var limit: Int?
    public var exclusiveStartKey: DynamoDBItem?
    public var segment: Int?
    public var totalSegments: Int?
    public var filterExpression: String?
    public var projectionExpression: String?
    public var expressionAttributeNames: [String: String]?
    public var expressionAttributeValues: DynamoDBItem?
    public var consistentRead: Bool?

    /// `projection` lists the attributes to read (fewer bytes per page); its placeholders share one
    /// set of names with `filter`, as in the API.
    public init(tableName: String, limit: Int? = nil, exclusiveStartKey: DynamoDBItem? = nil, segment: Int? = nil,
                totalSegments: Int? = nil, filter: DynamoDBExpression? = nil, projection: DynamoDBExpression? = nil, consistentRead: Bool? = nil) {
        self.tableName = tableName
        self.limit = limit
        self.exclusiveStartKey = exclusiveStartKey
        self.segment = segment
        self.totalSegments = totalSegments
        self.filterExpression = filter?.text
        self.projectionExpression = projection?.text
        let names = (filter?.names ?? [:]).merging(projection?.names ?? [:]) { first, _ in first }
        self.expressionAttributeNames = names.isEmpty ? nil : names
        self.expressionAttributeValues = filter.flatMap { $0.values.isEmpty ? nil : $0.values }
        self.consistentRead = consistentRead
    }

    enum CodingKeys: String, CodingKey {
        case tableName = "TableName", limit = "Limit", exclusiveStartKey = "ExclusiveStartKey", segment = "Segment"
        case totalSegments = "TotalSegments", filterExpression = "FilterExpression", projectionExpression = "ProjectionExpression"
        case expressionAttributeNames = "ExpressionAttributeNames", expressionAttributeValues = "ExpressionAttributeValues"
        case consistentRead = "ConsistentRead"
    }
}

public struct ScanOutput: Decodable, Sendable, Equatable {
    public let items: [DynamoDBItem]
    public let count: Int
    public let scannedCount: Int
    /// Present while more pages remain: the next page starts after this key.
    public let lastEvaluatedKey: DynamoDBItem?

    enum CodingKeys: String, CodingKey {
        case items = "Items", count = "Count", scannedCount = "ScannedCount", lastEvaluatedKey = "LastEvaluatedKey"
    }

    public init(items: [DynamoDBItem], count: Int, scannedCount: Int, lastEvaluatedKey: DynamoDBItem?) {
        self.items = items
        self.count = count
        self.scannedCount = scannedCount
        self.lastEvaluatedKey = lastEvaluatedKey
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        items = try container.decodeIfPresent([DynamoDBItem].self, forKey: .items) ?? []
        count = try container.decodeIfPresent(Int.self, forKey: .count) ?? items.count
        scannedCount = try container.decodeIfPresent(Int.self, forKey: .scannedCount) ?? count
        lastEvaluatedKey = try container.decodeIfPresent(DynamoDBItem.self, forKey: .lastEvaluatedKey)
    }
}

/// The keys to read from one table in a BatchGetItem, and which attributes.
public struct KeysAndAttributes: Codable, Sendable, Equatable {
    public var keys: [DynamoDBItem]
    public var projectionExpression: String?
    public var expressionAttributeNames: [String: String]?

    public init(keys: [DynamoDBItem], projection: DynamoDBExpression? = nil) {
        self.keys = keys
        self.projectionExpression = projection?.text
        self.expressionAttributeNames = projection.flatMap { $0.names.isEmpty ? nil : $0.names }
    }

    enum CodingKeys: String, CodingKey {
        case keys = "Keys", projectionExpression = "ProjectionExpression", expressionAttributeNames = "ExpressionAttributeNames"
    }
}

public struct BatchGetItemInput: Encodable, Sendable {
    public var requestItems: [String: KeysAndAttributes]

    enum CodingKeys: String, CodingKey {
        case requestItems = "RequestItems"
    }
}

public struct BatchGetItemOutput: Decodable, Sendable {
    public let responses: [String: [DynamoDBItem]]
    /// What DynamoDB did not read this time (throughput, size): to be asked for again.
    public let unprocessedKeys: [String: KeysAndAttributes]

    enum CodingKeys: String, CodingKey {
        case responses = "Responses", unprocessedKeys = "UnprocessedKeys"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        responses = try container.decodeIfPresent([String: [DynamoDBItem]].self, forKey: .responses) ?? [:]
        unprocessedKeys = try container.decodeIfPresent([String: KeysAndAttributes].self, forKey: .unprocessedKeys) ?? [:]
    }
}

/// A request DynamoDB takes, written straight into its wire JSON (see `JSONWriter`): the requests
/// made on every invocation or page.
protocol DynamoDBWireRequest {
    func write(into writer: inout JSONWriter)
}

extension DynamoDBWireRequest {
    var wireJSON: Data {
        var writer = JSONWriter()
        write(into: &writer)
        return writer.data
    }
}

extension JSONWriter {
    mutating func member(_ name: String, names: [String: String]?) {
        guard let names else { return }
        key(name)
        beginObject()
        for placeholder in names.keys.sorted() { member(placeholder, names[placeholder]!) }
        endObject()
    }

    mutating func member(_ name: String, item: DynamoDBItem?) {
        guard let item else { return }
        key(name)
        AttributeValue.write(item, into: &self)
    }
}

extension UpdateItemInput: DynamoDBWireRequest {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.member(CodingKeys.tableName.rawValue, tableName)
        writer.member(CodingKeys.key.rawValue, item: key)
        writer.member(CodingKeys.updateExpression.rawValue, updateExpression)
        writer.member(CodingKeys.conditionExpression.rawValue, conditionExpression)
        writer.member(CodingKeys.expressionAttributeNames.rawValue, names: expressionAttributeNames)
        writer.member(CodingKeys.expressionAttributeValues.rawValue, item: expressionAttributeValues)
        writer.member(CodingKeys.returnValues.rawValue, returnValues?.rawValue)
        writer.member(CodingKeys.returnValuesOnConditionCheckFailure.rawValue, returnValuesOnConditionCheckFailure?.rawValue)
        writer.endObject()
    }
}

extension ScanInput: DynamoDBWireRequest {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.member(CodingKeys.tableName.rawValue, tableName)
        if let limit { writer.key(CodingKeys.limit.rawValue); writer.integer(limit) }
        writer.member(CodingKeys.exclusiveStartKey.rawValue, item: exclusiveStartKey)
        if let segment { writer.key(CodingKeys.segment.rawValue); writer.integer(segment) }
        if let totalSegments { writer.key(CodingKeys.totalSegments.rawValue); writer.integer(totalSegments) }
        writer.member(CodingKeys.filterExpression.rawValue, filterExpression)
        writer.member(CodingKeys.projectionExpression.rawValue, projectionExpression)
        writer.member(CodingKeys.expressionAttributeNames.rawValue, names: expressionAttributeNames)
        writer.member(CodingKeys.expressionAttributeValues.rawValue, item: expressionAttributeValues)
        if let consistentRead { writer.key(CodingKeys.consistentRead.rawValue); writer.bool(consistentRead) }
        writer.endObject()
    }
}
