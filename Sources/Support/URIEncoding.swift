/// RFC 3986 percent-encoding as SigV4 defines it: only `A-Z a-z 0-9 - . _ ~` stay as they are,
/// every other UTF-8 byte becomes `%XX` with upper-case hex (so `+` is `%2B`, a space `%20`).
package enum URIEncoding {
    package static func encode(_ text: String, keepingSlashes: Bool = false) -> String {
        let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var encoded = [UInt8]()
        encoded.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlashes && byte == UInt8(ascii: "/")) {
                encoded.append(byte)
            } else {
                encoded.append(UInt8(ascii: "%"))
                encoded.append(hexDigits[Int(byte >> 4)])
                encoded.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// `application/x-www-form-urlencoded` as the AWS SDKs write query-protocol bodies (Python's
    /// `urlencode`): strict encoding, but a space is `+`. Servers that re-encode a parsed form to check
    /// the signature (moto) then hash the very bytes that were sent.
    package static func formEncode(_ text: String) -> String {
        encode(text).replacing("%20", with: "+")
    }

    /// A form field's value (`application/x-www-form-urlencoded`): `+` is a space, then `%XX`
    /// sequences. Nil when the bytes are not UTF-8.
    package static func formDecode(_ text: String) -> String? {
        String(validating: decodedBytes(text.replacing("+", with: " ")), as: UTF8.self)
    }

    /// Decodes `%XX` sequences; a malformed sequence is kept literally. `+` stays `+`: in SigV4 it is data.
    package static func decode(_ text: String) -> String {
        String(decoding: decodedBytes(text), as: UTF8.self)
    }

    private static func decodedBytes(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var decoded = [UInt8]()
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return decoded
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
