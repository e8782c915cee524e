import Foundation
import Testing

/// The size budget depends on never linking full Foundation, FoundationXML, ICU or libxml2.
/// `make test` builds the release binaries before the tests run; this reads what it built.
@Suite("release binaries")
struct ReleaseBinaryTests {
    static let products = ["StateChangeHandler", "UptimeChecker"]

    static var releaseDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["INSTANCE_WATCH_RELEASE_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return TestPaths.repositoryRoot.appendingPathComponent(".build/release")
    }

    static let forbiddenLibraries = ["libFoundation.so", "libFoundationXML", "libFoundationNetworking", "libFoundationInternationalization", "_FoundationICU", "libicu", "libxml2"]
    /// Mangled module prefixes and C++ namespaces that only full Foundation, FoundationXML, ICU or libxml2 bring.
    static let forbiddenSymbolPatterns = [#"\$s10Foundation"#, #"\$s13FoundationXML"#, #"\$s19FoundationNetworking"#, #"N6icu_[0-9]+"#, #"\bxml(ReadMemory|ParseChunk|CreatePushParser)"#]

    @Test("release binary links neither full Foundation, FoundationXML, ICU nor libxml2", arguments: products)
    func linksOnlyTheBudget(_ product: String) throws {
        let binary = Self.releaseDirectory.appendingPathComponent(product).path
        try #require(FileManager.default.fileExists(atPath: binary), "no release binary at \(binary): run `make test`, which builds it first")

        let dynamic = try runCommand("readelf", ["--dynamic", binary])
        #expect(dynamic.status == 0, "readelf failed: \(dynamic.stderr)")
        let needed = dynamic.stdout.split(separator: "\n").filter { $0.contains("(NEEDED)") }
        #expect(needed.contains { $0.contains("libcurl") }, "expected libcurl among \(needed)")
        for library in Self.forbiddenLibraries {
            #expect(!needed.contains { $0.contains(library) }, "\(product) needs \(library)")
        }

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
