import CCrypto
import CurlHTTP
import Support

/// SHA-256 and HMAC-SHA256, the two primitives SigV4 needs, on OpenSSL's libcrypto.
///
/// OpenSSL 3 looks an algorithm up by name each time it is not handed one already fetched; that
/// look-up was a fifth of a warm invocation's instructions. SHA-256 is fetched once here, and HMAC
/// is written out from it (RFC 2104: two hashes, inner and outer pad) rather than through
/// `HMAC()`, which fetches both the MAC and the digest on every call.
package enum Digest {
    nonisolated(unsafe) private static let sha256Algorithm: OpaquePointer = {
        guard let algorithm = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("libcrypto has no SHA-256") }
        return algorithm
    }()

    static let blockSize = 64

    static func sha256(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = EVP_Digest(bytes.baseAddress, bytes.count, &output, &length, sha256Algorithm, nil)
        precondition(ok == 1 && length == 32, "libcrypto SHA-256 failed")
        return output
    }

    package static func sha256<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ sha256(UnsafeRawBufferPointer($0)) }) { return digest }
        return Array(bytes).withUnsafeBytes { sha256($0) }
    }

    package static func hmacSHA256<Bytes: Sequence>(key: [UInt8], _ message: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var block = key.count > blockSize ? sha256(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        var inner = block.map { $0 ^ 0x36 }
        inner.append(contentsOf: message)
        var outer = block.map { $0 ^ 0x5c }
        outer += sha256(inner)
        return sha256(outer)
    }

    package static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
