import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// A webhook URL the functions will post to. It carries a credential, so it must travel over TLS:
/// `https://` only, except plain `http://` to a loopback address, where nothing crosses a network
/// (local peers in tests and the demo), and only where the function is not running in Lambda:
/// there, loopback is the Runtime API itself (127.0.0.1:9001), and a URL that came from outside
/// (a routes document, a click's `response_url`) must never reach it.
public enum WebhookURL {
    public static let expected = "an https:// URL (http:// only for a loopback address such as 127.0.0.1, outside Lambda)"

    /// Whether plain `http://` to loopback is taken.
    public enum PlainHTTP: Sendable, Equatable {
        /// Outside Lambda: local runs, tests, the demo.
        case loopback
        /// In Lambda: https only.
        case never

        /// In Lambda when the Runtime API is set and Lambda's task root too: Lambda sets both in
        /// every execution environment, while a local run, the tests' Runtime API emulator and the
        /// demo set no task root.
        public static func forEnvironment(_ environment: [String: String]) -> PlainHTTP {
            let set = { (name: String) in !(environment[name] ?? "").isEmpty }
            return set("AWS_LAMBDA_RUNTIME_API") && set("LAMBDA_TASK_ROOT") ? .never : .loopback
        }
    }

    public static func parse(_ text: String, plainHTTP: PlainHTTP) -> URL? {
        guard let url = URL(string: text.trimmingWhitespace()), let scheme = url.scheme?.lowercased(),
              let host = url.host(), !host.isEmpty
        else { return nil }
        switch scheme {
        case "https": return url
        case "http": return plainHTTP == .loopback && isLoopback(host) ? url : nil
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
