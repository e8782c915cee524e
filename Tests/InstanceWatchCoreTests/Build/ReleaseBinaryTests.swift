import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The release binaries are one static executable each, holding a libcurl built for HTTP and HTTPS
/// over OpenSSL and nothing else, and never full Foundation, FoundationXML, ICU or libxml2 (which
/// would quadruple them). `make test` builds them before the tests run; this reads what it built.
@Suite("release binaries")
struct ReleaseBinaryTests {
    static let products = ["StateChangeHandler", "UptimeChecker", "SlackActionHandler"]

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

    @Test("release binary: --version names the product and the Swift, libcurl, OpenSSL and expat it carries, as the linked libraries report them", arguments: products)
    func version(_ product: String) throws {
        let binary = Self.releaseDirectory.appendingPathComponent(product).path
        try #require(FileManager.default.fileExists(atPath: binary), "no release binary at \(binary): run `make test`, which builds it first")
        let run = try runCommand(binary, ["--version"], environment: [:])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5 && lines[0] == "\(product) \(BuildInfo.productVersion)", "\(run.stdout)")
        #expect(lines.dropFirst().map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["Swift", "libcurl", "OpenSSL", "expat"], "\(run.stdout)")
        // The lean libcurl is Debian's 7.88.1 source package (the Makefile's pin); OpenSSL and expat
        // are whatever Debian's static libraries were when it was linked.
        #expect(lines.contains("libcurl 7.88.1"), "\(run.stdout)")
        let makefile = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("Makefile"), encoding: .utf8)
        #expect(makefile.contains("CURL_DEBIAN_VERSION := 7.88.1-"), "the pin and this test agree")
        let openSSL = try runCommand("dpkg-query", ["-W", "-f=${Version}", "libssl-dev"]).stdout
        #expect(lines.contains { $0.hasPrefix("OpenSSL \(openSSL.split(separator: "-").first ?? "")") }, "\(run.stdout) vs libssl-dev \(openSSL)")
    }
}
