import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("string trimming")
struct StringTrimmingTests {
    @Test("trims spaces, tabs and line breaks, including CRLF (one Character in Swift)")
    func trims() {
        #expect(" \tvalue \r\n".trimmingWhitespace() == "value")
        #expect("1795278578575\r\n".trimmingWhitespace() == "1795278578575")
        #expect("\r\n".trimmingWhitespace() == "")
        #expect("a b".trimmingWhitespace() == "a b")
    }

    @Test("clipping keeps short text whole and cuts long text to the limit, marked with an ellipsis")
    func clips() {
        #expect("running".clipped() == "running")
        #expect(String(repeating: "x", count: 64).clipped() == String(repeating: "x", count: 64))
        #expect(String(repeating: "🦄", count: 1_000).clipped(to: 3) == "🦄🦄🦄…")
    }
}
