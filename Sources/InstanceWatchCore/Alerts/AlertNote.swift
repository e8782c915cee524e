import FoundationEssentials
import Support

/// A short message for the people who watch the whole fleet rather than one instance: the routing
/// summary the default destination gets each run ("what went where"). Plain text: each channel
/// escapes what its format needs.
public struct AlertNote: Sendable, Equatable {
    public var title: String
    public var lines: [String]
    /// The function's own clock when the check began.
    public var checkedAt: UTCDateTime

    public init(title: String, lines: [String], checkedAt: UTCDateTime) {
        self.title = title
        self.lines = lines
        self.checkedAt = checkedAt
    }
}
