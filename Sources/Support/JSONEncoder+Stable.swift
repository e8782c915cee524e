import FoundationEssentials

extension JSONEncoder {
    /// Stable key order, so results and logs diff cleanly; no escaped slashes, so URLs stay readable.
    package static var lambda: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
