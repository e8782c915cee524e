extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks (FoundationEssentials
    /// has no `trimmingCharacters`).
    func trimmingWhitespace() -> String {
        // "\r\n" is one Character (a single grapheme), so it is listed on its own.
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
