import FoundationEssentials
import CurlHTTP
import Support

/// A DynamoDB attribute value. Its Codable form is DynamoDB's wire form (`{"S": "…"}`, `{"N": "42"}`,
/// `{"M": {…}}`…), so items encode and decode with JSONEncoder/JSONDecoder and round-trip exactly.
/// Numbers stay strings, as on the wire: no precision is lost to a Double.
public indirect enum AttributeValue: Sendable, Equatable, Hashable, Codable {
    case s(String)
    case n(String)
    case bool(Bool)
    case null
    case m([String: AttributeValue])
    case l([AttributeValue])
    case ss([String])
    case ns([String])

    public static func number(_ value: Int) -> AttributeValue { .n(String(value)) }

    public var stringValue: String? {
        if case .s(let value) = self { return value }
        return nil
    }

    public var intValue: Int? {
        if case .n(let value) = self { return Int(value) }
        return nil
    }

    private enum Key: String, CodingKey {
        case s = "S", n = "N", bool = "BOOL", null = "NULL", m = "M", l = "L", ss = "SS", ns = "NS", b = "B", bs = "BS"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "an attribute value has exactly one type key (S, N, BOOL, NULL, M, L, SS, NS); found \(container.allKeys.map(\.stringValue))"
            ))
        }
        switch key {
        case .s: self = .s(try container.decode(String.self, forKey: key))
        case .n: self = .n(try container.decode(String.self, forKey: key))
        case .bool: self = .bool(try container.decode(Bool.self, forKey: key))
        case .null: self = .null
        case .m: self = .m(try container.decode([String: AttributeValue].self, forKey: key))
        case .l: self = .l(try container.decode([AttributeValue].self, forKey: key))
        case .ss: self = .ss(try container.decode([String].self, forKey: key))
        case .ns: self = .ns(try container.decode([String].self, forKey: key))
        case .b, .bs:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "binary attributes are not used by instance-watch"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .s(let value): try container.encode(value, forKey: .s)
        case .n(let value): try container.encode(value, forKey: .n)
        case .bool(let value): try container.encode(value, forKey: .bool)
        case .null: try container.encode(true, forKey: .null)
        case .m(let value): try container.encode(value, forKey: .m)
        case .l(let value): try container.encode(value, forKey: .l)
        case .ss(let value): try container.encode(value, forKey: .ss)
        case .ns(let value): try container.encode(value, forKey: .ns)
        }
    }
}

/// An item: attribute names to values.
public typealias DynamoDBItem = [String: AttributeValue]

extension AttributeValue {
    /// The wire form, written directly (see `JSONWriter`): what `encode(to:)` gives, faster.
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        switch self {
        case .s(let value): writer.member("S", value)
        case .n(let value): writer.member("N", value)
        case .bool(let value): writer.key("BOOL"); writer.bool(value)
        case .null: writer.key("NULL"); writer.bool(true)
        case .m(let value): writer.key("M"); Self.write(value, into: &writer)
        case .l(let values):
            writer.key("L")
            writer.beginArray()
            for value in values { value.write(into: &writer) }
            writer.endArray()
        case .ss(let values): writer.key("SS"); Self.write(strings: values, into: &writer)
        case .ns(let values): writer.key("NS"); Self.write(strings: values, into: &writer)
        }
        writer.endObject()
    }

    private static func write(strings: [String], into writer: inout JSONWriter) {
        writer.beginArray()
        for value in strings { writer.string(value) }
        writer.endArray()
    }

    /// An item or map, its names sorted so that the same item always writes the same bytes.
    static func write(_ item: DynamoDBItem, into writer: inout JSONWriter) {
        writer.beginObject()
        for name in item.keys.sorted() {
            writer.key(name)
            item[name]!.write(into: &writer)
        }
        writer.endObject()
    }
}
