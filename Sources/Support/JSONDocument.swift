import FoundationEssentials

/// A JSON document read with the place of every value kept, for documents people write by hand
/// (the routes document): an error can then say "line 4, column 7" or `owners.payments`, where
/// JSONDecoder only says "not valid JSON". Objects keep their members in order; a repeated member
/// name is an error, since which one wins is a guess.
package indirect enum JSONDocument: Sendable, Equatable {
    case object([(key: String, value: JSONDocument)])
    case array([JSONDocument])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    package static func == (lhs: JSONDocument, rhs: JSONDocument) -> Bool {
        switch (lhs, rhs) {
        case let (.object(left), .object(right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(left), .array(right)): return left == right
        case let (.string(left), .string(right)): return left == right
        case let (.number(left), .number(right)): return left == right
        case let (.bool(left), .bool(right)): return left == right
        case (.null, .null): return true
        default: return false
        }
    }

    /// What kind of value it is, for an error: `an object`, `a string`.
    package var kindDescription: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "true or false"
        case .null: return "null"
        }
    }

    /// A syntax error and where it is (1-based line and column, counted in characters of the line).
    package struct SyntaxError: Error, Equatable, CustomStringConvertible {
        package var line: Int
        package var column: Int
        package var problem: String
        package var description: String { "line \(line), column \(column): \(problem)" }
    }

    /// Deeper than this is refused: no document a person writes nests so far, and a parser that
    /// recurses must stop somewhere.
    package static let maximumDepth = 64

    package static func parse(_ text: String) throws(SyntaxError) -> JSONDocument {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.atEnd else { throw reader.error("more text after the document's end") }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset >= bytes.count }

        func error(_ problem: String) -> SyntaxError {
            var line = 1
            var lineStart = 0
            for index in 0..<min(offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1
            return SyntaxError(line: line, column: column, problem: problem)
        }

        mutating func skipWhitespace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONDocument {
            guard depth < JSONDocument.maximumDepth else { throw error("nested more than \(JSONDocument.maximumDepth) deep") }
            guard offset < bytes.count else { throw error("the document ends where a value was expected") }
            switch bytes[offset] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw error("expected a value (an object, array, string, number, true, false or null)")
            }
        }

        mutating func literal(_ word: String) throws(SyntaxError) {
            let expected = Array(word.utf8)
            guard bytes.count - offset >= expected.count, Array(bytes[offset..<offset + expected.count]) == expected else {
                throw error("expected a value (an object, array, string, number, true, false or null)")
            }
            offset += expected.count
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSONDocument {
            offset += 1
            var members: [(key: String, value: JSONDocument)] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw error("expected a member name in double quotes") }
                let keyStart = offset
                let key = try string()
                if members.contains(where: { $0.key == key }) {
                    offset = keyStart
                    throw error("\"\(key)\" appears twice in the same object")
                }
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw error("expected ':' after the member name") }
                offset += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard offset < bytes.count else { throw error("the document ends inside an object") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "}") { offset += 1; return .object(members) }
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSONDocument {
            offset += 1
            var elements: [JSONDocument] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard offset < bytes.count else { throw error("the document ends inside an array") }
                if bytes[offset] == UInt8(ascii: ",") { offset += 1; continue }
                if bytes[offset] == UInt8(ascii: "]") { offset += 1; return .array(elements) }
                throw error("expected ',' or ']'")
            }
        }

        mutating func string() throws(SyntaxError) -> String {
            offset += 1
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
            while offset < bytes.count {
                let byte = bytes[offset]
                switch byte {
                case UInt8(ascii: "\""):
                    offset += 1
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    offset += 1
                    guard offset < bytes.count else { throw error("the document ends inside a string") }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code), bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"),
                           bytes[offset + 1] == UInt8(ascii: "u") {
                            offset += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("a \\u escape pairs a high surrogate with something else") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw error("a \\u escape names no character") }
                        scalars.append(scalar)
                    default:
                        offset -= 1
                        throw error("an unknown escape in a string")
                    }
                case 0..<0x20:
                    throw error("a control character inside a string (write it escaped)")
                default:
                    run.append(byte)
                    offset += 1
                }
            }
            throw error("the document ends inside a string")
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard bytes.count - offset >= 4 else { throw error("a \\u escape needs four hex digits") }
            var code: UInt32 = 0
            for byte in bytes[offset..<offset + 4] {
                guard let digit = UInt32(String(UnicodeScalar(byte)), radix: 16) else { throw error("a \\u escape needs four hex digits") }
                code = code * 16 + digit
            }
            offset += 4
            return code
        }

        mutating func number() throws(SyntaxError) -> Double {
            let start = offset
            while offset < bytes.count, "+-0123456789.eE".utf8.contains(bytes[offset]) { offset += 1 }
            let text = String(decoding: bytes[start..<offset], as: UTF8.self)
            guard let number = Double(text), number.isFinite, text.first != "+", !text.hasPrefix("0") || text == "0" || text.hasPrefix("0.")
                    || text.hasPrefix("0e") || text.hasPrefix("0E"), !text.hasPrefix("-0") || text == "-0" || text.hasPrefix("-0.")
            else {
                offset = start
                throw error("not a JSON number")
            }
            return number
        }
    }
}
