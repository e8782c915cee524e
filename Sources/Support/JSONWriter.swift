import FoundationEssentials

/// Writes JSON text straight into bytes, for the few documents written on every invocation (a
/// DynamoDB request, the metrics line): JSONEncoder's generic machinery cost more than a third of a
/// warm invocation's instructions. Values are still written as values, escaped by the JSON rules,
/// never pasted in as text.
package struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next member or element needs a comma before it, per open object or array.
    private var needsComma: [Bool] = []

    package init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    package var data: Data { Data(bytes) }
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    package mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    package mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    package mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    package mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// A member's name; its value comes next.
    package mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        valueFollowsKey = true
    }

    package mutating func string(_ value: String) { separate(); appendQuoted(value) }
    package mutating func bool(_ value: Bool) { separate(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    package mutating func integer<Value: BinaryInteger>(_ value: Value) { separate(); bytes.append(contentsOf: String(value).utf8) }

    /// A finite number, as JSON writes it (integers without a fraction).
    package mutating func number(_ value: Double) {
        separate()
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    package mutating func member(_ name: String, _ value: String) { key(name); string(value) }
    package mutating func member(_ name: String, _ value: String?) { if let value { member(name, value) } }

    /// A value right after its key takes no comma.
    private var valueFollowsKey = false

    /// The comma before a member or element that is not the first of its object or array.
    private mutating func separate() {
        if valueFollowsKey {
            valueFollowsKey = false
            return
        }
        guard let last = needsComma.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    /// The text in quotes, escaped: runs that need no escape are copied whole.
    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
