import Foundation
import Testing

/// The release binaries are one static executable each, holding a libcurl built for HTTP and HTTPS
/// over OpenSSL and nothing else, and never full Foundation, FoundationXML, ICU or libxml2 (which
/// would quadruple them). `make test` builds them before the tests run; this reads what it built.
@Suite("release binaries")
struct ReleaseBinaryTests {
    static let products = ["StateChangeHandler", "UptimeChecker"]

    static var releaseDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["INSTANCE_WATCH_RELEASE_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return TestPaths.repositoryRoot.appendingPathComponent(".build/release")
    }

    /// Mangled module prefixes and C++ namespaces that only full Foundation, FoundationXML, ICU or libxml2 bring.
    static let forbiddenSymbolPatterns = [#"\$s10Foundation"#, #"\$s13FoundationXML"#, #"\$s19FoundationNetworking"#, #"N6icu_[0-9]+"#, #"\bxml(ReadMemory|ParseChunk|CreatePushParser)"#]

    /// What Debian's own libcurl brings and the lean one must not: GSSAPI, LDAP, SSH, HTTP/2, IDN,
    /// PSL, compression, and the other TLS libraries.
    static let forbiddenCurlSymbols = [#"\bgss_init_sec_context\b"#, #"\bldap_"#, #"\blibssh2_"#, #"\bssh_"#, #"\bnghttp2_"#,
                                       #"\bidn2_"#, #"\bpsl_"#, #"\binflate\b"#, #"\bBrotli"#, #"\bZSTD_"#, #"\bgnutls_"#, #"\bNSS_"#]

    @Test("release binary: one static executable, with libcurl, OpenSSL and expat inside", arguments: products)
    func staticExecutable(_ product: String) throws {
        let binary = Self.releaseDirectory.appendingPathComponent(product).path
        try #require(FileManager.default.fileExists(atPath: binary), "no release binary at \(binary): run `make test`, which builds it first")
        let headers = try runCommand("readelf", ["--program-headers", "--dynamic", binary])
        #expect(headers.status == 0, "readelf failed: \(headers.stderr)")
        #expect(!headers.stdout.contains("INTERP") && !headers.stdout.contains("(NEEDED)"), "\(product) is not static: \(headers.stdout.prefix(1_500))")
        let symbols = try runCommand("nm", [binary]).stdout
        for present in ["curl_easy_perform", "SSL_CTX_new", "EVP_DigestInit_ex", "XML_ParserCreate", "ossl_version"] {
            #expect(symbols.contains(present), "\(product) should hold \(present)")
        }
        for pattern in Self.forbiddenCurlSymbols {
            let regex = try Regex(pattern)
            let offender = symbols.split(separator: "\n").first { $0.contains(regex) }
            #expect(offender == nil, "\(product) carries \(pattern) (Debian's libcurl, not the lean one?): \(offender ?? "")")
        }
    }

    @Test("release binary links neither full Foundation, FoundationXML, ICU nor libxml2", arguments: products)
    func linksOnlyTheBudget(_ product: String) throws {
        let binary = Self.releaseDirectory.appendingPathComponent(product).path
        try #require(FileManager.default.fileExists(atPath: binary), "no release binary at \(binary): run `make test`, which builds it first")

        let symbols = try runCommand("nm", [binary])
        #expect(symbols.status == 0, "nm failed: \(symbols.stderr)")
        #expect(symbols.stdout.contains("$s20FoundationEssentials"), "the check must see symbols at all: is the binary stripped?")
        for pattern in Self.forbiddenSymbolPatterns {
            let regex = try Regex(pattern)
            let offender = symbols.stdout.split(separator: "\n").first { $0.contains(regex) }
            #expect(offender == nil, "\(product) carries \(pattern): \(offender ?? "")")
        }
    }
}
