import FoundationEssentials
import CurlHTTP
import Support

/// Reads DynamoDB's JSON answers straight from their bytes into attribute values.
///
/// The checker reads the whole table every run, and JSONDecoder spends most of that run's CPU on
/// its generic machinery (metadata look-ups, casts, retain/release: about 234,000 instructions an
/// item, measured with callgrind). This reader does the same job for DynamoDB's fixed wire form
/// (objects, arrays, strings, booleans, and numbers only at the answer's top level) in one pass,
/// with no Codable in between. Anything it does not expect is an error that says where.
public struct DynamoDBWireReader {
    public struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let expected: String
        public var description: String { "unreadable DynamoDB answer at byte \(offset): expected \(expected)" }
    }

    /// How deep objects and arrays may nest. DynamoDB documents 32 levels for an item's maps and
    /// lists; each level is two JSON objects here (`{"M": {…}}`), and an answer's own wrapping adds
    /// a few. Deeper input is refused rather than recursed into, so no answer (or a peer posing as
    /// DynamoDB) can exhaust the stack.
    static let maximumDepth = 2 * 32 + 8

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// A Scan (or Query) answer: `Items`, `Count`, `ScannedCount`, `LastEvaluatedKey`; other members
    /// (`ConsumedCapacity`) are skipped.
    static func scanOutput(_ data: Data) throws(Malformed) -> ScanOutput {
        try reading(data) { (reader: inout DynamoDBWireReader) throws(Malformed) in try reader.readScanOutput() }
    }

    /// Runs `body` over the bytes of `data`.
    private static func reading<Result>(_ data: Data, _ body: (inout DynamoDBWireReader) throws(Malformed) -> Result) throws(Malformed) -> Result {
        do {
            return try data.withUnsafeBytes { raw in
                var reader = DynamoDBWireReader(raw.bindMemory(to: UInt8.self))
                return try body(&reader)
            }
        } catch let error as Malformed {
            throw error
        } catch {
            throw Malformed(offset: 0, expected: "a JSON object")
        }
    }

    /// A write's answer: `{}`, or `{"Attributes": {…}}` when `ReturnValues` asked for them.
    static func writeOutput(_ data: Data) throws(Malformed) -> WriteOutput {
        guard !data.isEmpty else { return WriteOutput(attributes: nil) }
        return try reading(data) { (reader: inout DynamoDBWireReader) throws(Malformed) -> WriteOutput in
            var attributes: DynamoDBItem?
            try reader.expect(UInt8(ascii: "{"))
            if try !reader.consume(UInt8(ascii: "}")) {
                repeat {
                    let key = try reader.readString()
                    try reader.expect(UInt8(ascii: ":"))
                    if key == "Attributes" { attributes = try reader.readItem() } else { try reader.skipValue() }
                } while try reader.consume(UInt8(ascii: ","))
                try reader.expect(UInt8(ascii: "}"))
            }
            return WriteOutput(attributes: attributes)
        }
    }

    private mutating func readScanOutput() throws(Malformed) -> ScanOutput {
        let page = try readPage { (reader: inout DynamoDBWireReader) throws(Malformed) -> DynamoDBItem in try reader.readItem() }
        return ScanOutput(items: page.items, count: page.count, scannedCount: page.scannedCount, lastEvaluatedKey: page.lastEvaluatedKey)
    }

    /// A page of a Scan whose items are read by `readOne`.
    public struct Page<Item> {
        public var items: [Item] = []
        public var count = 0
        public var scannedCount = 0
        public var lastEvaluatedKey: DynamoDBItem?
    }

    private mutating func readPage<Item>(_ readOne: (inout DynamoDBWireReader) throws(Malformed) -> Item) throws(Malformed) -> Page<Item> {
        var page = Page<Item>()
        var count: Int?
        var scannedCount: Int?
        try expect(UInt8(ascii: "{"))
        if try !consume(UInt8(ascii: "}")) {
            repeat {
                let key = try readString()
                try expect(UInt8(ascii: ":"))
                switch key {
                case "Items":
                    try expect(UInt8(ascii: "["))
                    if try !consume(UInt8(ascii: "]")) {
                        repeat { page.items.append(try readOne(&self)) } while try consume(UInt8(ascii: ","))
                        try expect(UInt8(ascii: "]"))
                    }
                case "Count": count = try readInteger()
                case "ScannedCount": scannedCount = try readInteger()
                case "LastEvaluatedKey": page.lastEvaluatedKey = try readItem()
                default: try skipValue()
                }
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        }
        skipWhitespace()
        guard index == bytes.count else { throw Malformed(offset: index, expected: "the end of the answer") }
        page.count = count ?? page.items.count
        page.scannedCount = scannedCount ?? page.count
        return page
    }

    /// A Scan page read straight into the caller's items: the checker reads the whole table every
    /// run, and this skips building a dictionary per item only to read it back. An item the type
    /// does not take as its own is nil.
    public static func page<Item: DynamoDBWireDecodable>(of type: Item.Type, _ data: Data) throws(Malformed) -> Page<Item?> {
        try reading(data) { (reader: inout DynamoDBWireReader) throws(Malformed) in
            try reader.readPage { (reader: inout DynamoDBWireReader) throws(Malformed) -> Item? in try Item.read(item: &reader) }
        }
    }

    /// One item's attributes, in order: `body` gets each name and must read its value with
    /// `readStringAttribute`, `readIntegerAttribute` or `skipAttribute`.
    public mutating func forEachAttribute(_ body: (_ name: String, _ reader: inout DynamoDBWireReader) throws(Malformed) -> Void) throws(Malformed) {
        try expect(UInt8(ascii: "{"))
        try descend()
        defer { depth -= 1 }
        if try consume(UInt8(ascii: "}")) { return }
        repeat {
            let name = try readString()
            try expect(UInt8(ascii: ":"))
            try body(name, &self)
        } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// A number attribute (`{"N": "42"}`) as a whole number; nil for any other value, read whole.
    public mutating func readIntegerAttribute() throws(Malformed) -> Int? {
        if case .n(let text) = try readAttributeValue() { return Int(text) }
        return nil
    }

    /// Any attribute value, read (and checked) and set aside.
    public mutating func skipAttribute() throws(Malformed) {
        _ = try readAttributeValue()
    }

    /// An attribute's text when it is a non-empty string (`{"S": "…"}`); nil for any other value,
    /// which is still read whole (and checked) so the reader stays in step.
    public mutating func readStringAttribute() throws(Malformed) -> String? {
        skipWhitespace()
        let start = index
        if matches("{\"S\":") {
            index += 5
            let text = try readString()
            if try consume(UInt8(ascii: "}")) { return text.isEmpty ? nil : text }
        }
        index = start
        if case .s(let text) = try readAttributeValue(), !text.isEmpty { return text }
        return nil
    }

    /// `{"name": {"S": "…"}, …}`
    private mutating func readItem() throws(Malformed) -> DynamoDBItem {
        var item: DynamoDBItem = [:]
        try expect(UInt8(ascii: "{"))
        try descend()
        defer { depth -= 1 }
        if try consume(UInt8(ascii: "}")) { return item }
        repeat {
            let name = try readString()
            try expect(UInt8(ascii: ":"))
            item[name] = try readAttributeValue()
        } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
        return item
    }

    /// One level deeper into objects and arrays; refused past `maximumDepth`.
    private mutating func descend() throws(Malformed) {
        depth += 1
        guard depth <= Self.maximumDepth else {
            throw Malformed(offset: index, expected: "values nested at most \(Self.maximumDepth) deep")
        }
    }

    /// `{"S": "…"}`, `{"N": "42"}`, `{"BOOL": true}`, `{"NULL": true}`, `{"M": {…}}`, `{"L": […]}`,
    /// `{"SS": […]}`, `{"NS": […]}`: exactly one type key.
    private mutating func readAttributeValue() throws(Malformed) -> AttributeValue {
        try expect(UInt8(ascii: "{"))
        try descend()
        defer { depth -= 1 }
        let start = index
        let type = try readString()
        try expect(UInt8(ascii: ":"))
        let value: AttributeValue
        switch type {
        case "S": value = .s(try readString())
        case "N": value = .n(try readString())
        case "BOOL": value = .bool(try readBool())
        case "NULL": _ = try readBool(); value = .null
        case "M": value = .m(try readItem())
        case "L":
            var list: [AttributeValue] = []
            try expect(UInt8(ascii: "["))
            try descend()
            defer { depth -= 1 }
            if try !consume(UInt8(ascii: "]")) {
                repeat { list.append(try readAttributeValue()) } while try consume(UInt8(ascii: ","))
                try expect(UInt8(ascii: "]"))
            }
            value = .l(list)
        case "SS": value = .ss(try readStrings())
        case "NS": value = .ns(try readStrings())
        default: throw Malformed(offset: start, expected: "one of the attribute types S, N, BOOL, NULL, M, L, SS, NS (found \(type.prefix(10)))")
        }
        try expect(UInt8(ascii: "}"), "the end of an attribute value, which has exactly one type key")
        return value
    }

    private mutating func readStrings() throws(Malformed) -> [String] {
        var strings: [String] = []
        try expect(UInt8(ascii: "["))
        if try consume(UInt8(ascii: "]")) { return strings }
        repeat { strings.append(try readString()) } while try consume(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
        return strings
    }

    private mutating func readBool() throws(Malformed) -> Bool {
        skipWhitespace()
        if matches("true") { index += 4; return true }
        if matches("false") { index += 5; return false }
        throw Malformed(offset: index, expected: "true or false")
    }

    private mutating func readInteger() throws(Malformed) -> Int {
        skipWhitespace()
        let start = index
        var value = 0
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw Malformed(offset: start, expected: "a count that fits an Int") }
            value = sum
            index += 1
        }
        guard index > start else { throw Malformed(offset: start, expected: "a whole number") }
        return value
    }

    /// A JSON string: the common case (no escape) is one slice decoded as UTF-8; escapes, `\uXXXX`
    /// and surrogate pairs included, take the slower path.
    private mutating func readString() throws(Malformed) -> String {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Malformed(offset: index, expected: "a string") }
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { return try readEscapedString(from: start) }
            guard byte >= 0x20 else { throw Malformed(offset: index, expected: "no control character inside a string") }
            index += 1
        }
        throw Malformed(offset: start, expected: "the end of a string")
    }

    private mutating func readEscapedString(from start: Int) throws(Malformed) -> String {
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4()
                    if (0xD800..<0xDC00).contains(scalar), matches("\\u") {
                        index += 2
                        let low = try readHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Malformed(offset: index - 6, expected: "the low half of a surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    utf8.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default:
                    throw Malformed(offset: index - 2, expected: "a JSON escape")
                }
            default:
                guard byte >= 0x20 else { throw Malformed(offset: index - 1, expected: "no control character inside a string") }
                utf8.append(byte)
            }
        }
        throw Malformed(offset: start, expected: "the end of a string")
    }

    private mutating func readHex4() throws(Malformed) -> UInt32 {
        guard index + 4 <= bytes.count else { throw Malformed(offset: index, expected: "four hexadecimal digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Malformed(offset: index, expected: "a hexadecimal digit")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Any value, for members the reader does not use.
    private mutating func skipValue() throws(Malformed) {
        skipWhitespace()
        guard index < bytes.count else { throw Malformed(offset: index, expected: "a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "{"):
            index += 1
            try descend()
            defer { depth -= 1 }
            if try consume(UInt8(ascii: "}")) { return }
            repeat {
                _ = try readString()
                try expect(UInt8(ascii: ":"))
                try skipValue()
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            index += 1
            try descend()
            defer { depth -= 1 }
            if try consume(UInt8(ascii: "]")) { return }
            repeat { try skipValue() } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        default:
            // true, false, null, or a number: up to the next delimiter.
            let start = index
            while index < bytes.count, !",}] \n\r\t".utf8.contains(bytes[index]) { index += 1 }
            guard index > start else { throw Malformed(offset: start, expected: "a value") }
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String? = nil) throws(Malformed) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else {
            throw Malformed(offset: index, expected: what ?? "\"\(Character(Unicode.Scalar(byte)))\"")
        }
        index += 1
    }

    /// Takes `byte` if it comes next.
    private mutating func consume(_ byte: UInt8) throws(Malformed) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { return false }
        if bytes[index] == byte {
            index += 1
            return true
        }
        return false
    }
}

/// An item type a Scan page is read into straight from its bytes, attribute by attribute (the
/// caller's own records; this layer knows none of them).
public protocol DynamoDBWireDecodable {
    /// Reads one item with `reader.forEachAttribute`; nil for an item that is not one of the caller's.
    static func read(item reader: inout DynamoDBWireReader) throws(DynamoDBWireReader.Malformed) -> Self?
}
