import Testing
@testable import InstanceWatchCore

@Suite("string trimming")
struct StringTrimmingTests {
    @Test("trims spaces, tabs and line breaks, including CRLF (one Character in Swift)")
    func trims() {
        #expect(" \tvalue \r\n".trimmingWhitespace() == "value")
        #expect("1795278578575\r\n".trimmingWhitespace() == "1795278578575")
        #expect("\r\n".trimmingWhitespace() == "")
        #expect("a b".trimmingWhitespace() == "a b")
    }
}
