import FoundationEssentials
import Support

/// Which CA bundle TLS trusts. The bundle we ship runs on Amazon Linux, whose CA file is not where
/// Debian's libcurl looks by default, so the file is always chosen here and passed to libcurl.
public enum CACertificateFile {
    public static let wellKnownLocations = [
        "/etc/pki/tls/certs/ca-bundle.crt",         // Amazon Linux, RHEL, Fedora
        "/etc/ssl/certs/ca-certificates.crt",       // Debian, Ubuntu
    ]

    /// `SSL_CERT_FILE` when set, else the first well-known location that exists.
    public static func resolve(
        environment: [String: String],
        fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }
    ) -> String? {
        if let override = environment["SSL_CERT_FILE"], !override.isEmpty { return override }
        return wellKnownLocations.first(where: fileExists)
    }
}
