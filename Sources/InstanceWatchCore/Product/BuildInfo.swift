import CCrypto
import Lambda
import CCurl
import CExpat
import AWS
import CurlHTTP
import Support

/// What a binary is and what it carries. A static executable takes security fixes only when it is
/// rebuilt, so `--version` and the first log line of every cold start say which versions of the
/// Swift runtime, libcurl, OpenSSL and expat are inside (read from the linked libraries themselves,
/// not from the build machine).
public enum BuildInfo {
    /// instance-watch's own version: raised with each release.
    public static let productVersion = "1.4.0"

    /// The compiler's language version, known when the binary was compiled (Swift has no runtime query).
    public static var swiftVersion: String {
        #if compiler(>=6.5)
        return "6.5 or later"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    public static var libcurlVersion: String { String(cString: iw_curl_version()) }
    /// `OpenSSL 3.0.15 3 Sep 2024` → `3.0.15 3 Sep 2024`.
    public static var openSSLVersion: String {
        let text = String(cString: OpenSSL_version(Int32(OPENSSL_VERSION)))
        return text.hasPrefix("OpenSSL ") ? String(text.dropFirst("OpenSSL ".count)) : text
    }
    /// `expat_2.5.0` → `2.5.0`.
    public static var expatVersion: String {
        let text = String(cString: XML_ExpatVersion())
        return text.hasPrefix("expat_") ? String(text.dropFirst("expat_".count)) : text
    }

    /// `UptimeChecker 1.4.0 (Swift 6.3, libcurl 7.88.1, OpenSSL 3.0.15 3 Sep 2024, expat 2.5.0)`.
    public static func line(product: String) -> String {
        "\(product) \(productVersion) (Swift \(swiftVersion), libcurl \(libcurlVersion), OpenSSL \(openSSLVersion), expat \(expatVersion))"
    }

    /// What `--version` prints: one line each.
    public static func versionText(product: String) -> String {
        """
        \(product) \(productVersion)
        Swift \(swiftVersion)
        libcurl \(libcurlVersion)
        OpenSSL \(openSSLVersion)
        expat \(expatVersion)

        """
    }
}

extension FunctionDescription {
    /// An instance-watch executable: its version line and details from `BuildInfo`, and the
    /// configuration variables from `FunctionConfiguration`.
    public static func instanceWatch(name: String, summary: String) -> FunctionDescription {
        FunctionDescription(name: name, summary: summary, version: BuildInfo.line(product: name),
                            versionDetails: BuildInfo.versionText(product: name), variables: FunctionConfiguration.variables)
    }
}
