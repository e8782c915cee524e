import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// Posts a Slack message; the seam tests use to see what would be sent.
public protocol SlackPosting {
    func post(_ message: SlackMessage, deadline: Date?) throws
}

