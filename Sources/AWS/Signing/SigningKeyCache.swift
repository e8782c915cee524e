import Synchronization
import CurlHTTP
import Support

/// SigV4's signing key depends only on the secret, the day, the region and the service, so it is
/// derived (four HMACs) once a day per client rather than on every request, as the AWS SDKs do.
/// A pure memo: the same inputs always give the same key. Held in memory only, like the secret it
/// comes from, and never printed.
enum SigningKeyCache {
    private static let keys = Mutex<[Scope: [UInt8]]>([:])
    /// Enough for every account, region and service a process talks to in a day.
    static let capacity = 256

    struct Scope: Hashable {
        let secret: String
        let date: String
        let region: String
        let service: String
    }

    static func key(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let scope = Scope(secret: secret, date: date, region: region, service: service)
        if let key = keys.withLock({ $0[scope] }) { return key }
        var key = Digest.hmacSHA256(key: Array("AWS4\(secret)".utf8), date.utf8)
        for part in [region, service, "aws4_request"] {
            key = Digest.hmacSHA256(key: key, part.utf8)
        }
        keys.withLock { keys in
            if keys.count >= capacity { keys.removeAll() } // yesterday's keys, or a very busy process
            keys[scope] = key
        }
        return key
    }
}
