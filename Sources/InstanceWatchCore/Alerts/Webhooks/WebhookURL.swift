import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// A webhook URL the functions will post to. It carries a credential, so it must travel over TLS:
/// `https://` only, except plain `http://` to a loopback address, where nothing crosses a network
/// (local peers in tests and the demo).
public enum WebhookURL {
    public static let expected = "an https:// URL (http:// only for a loopback address such as 127.0.0.1)"

    public static func parse(_ text: String) -> URL? {
        guard let url = URL(string: text.trimmingWhitespace()), let scheme = url.scheme?.lowercased(),
              let host = url.host(), !host.isEmpty
        else { return nil }
        switch scheme {
        case "https": return url
        case "http": return isLoopback(host) ? url : nil
        default: return nil
        }
    }

    /// `localhost`, `127.0.0.0/8` or `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let host = String(host.lowercased().filter { $0 != "[" && $0 != "]" })
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { part in UInt8(part) != nil }
    }
}
