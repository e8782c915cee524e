extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks (FoundationEssentials
    /// has no `trimmingCharacters`).
    package func trimmingWhitespace() -> String {
        // "\r\n" is one Character (a single grapheme), so it is listed on its own.
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }

    /// At most `limit` characters, with "…" when cut: what an event says, echoed into a message,
    /// a log line or a result, stays small however large the event was.
    public func clipped(to limit: Int = 64) -> String {
        let head = prefix(limit + 1)
        return head.count <= limit ? String(head) : String(head.prefix(limit)) + "…"
    }
}
