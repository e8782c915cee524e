import Foundation
import Synchronization
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Slack webhook client against a local sink")
struct SlackWebhookClientTests {
    final class Sleeps: Sendable { let values = Mutex<[Duration]>([]) }

    let sink: FaultServer
    let sleeps = Sleeps()
    let message = SlackMessage(text: "hello", channel: nil, attachments: [])

    init() throws {
        sink = try FaultServer()
    }

    func client(deadline: Date? = nil) -> SlackWebhookClient {
        let sleeps = self.sleeps
        return SlackWebhookClient(
            webhookURL: URL(string: "\(sink.endpoint)/services/T000/B000/SECRET-MARKER")!, http: CurlHTTPClient(),
            retryPolicy: RetryPolicy(maximumAttempts: 4, baseDelay: .milliseconds(10)),
            sleep: { pause in sleeps.values.withLock { $0.append(pause) } }
        )
    }

    @Test("the payload is JSON from the encoder, posted once")
    func posts() throws {
        try client().post(message, deadline: nil)
        let attempts = try sink.attempts()
        #expect(attempts.count == 1)
        #expect(attempts.first?.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(attempts.first?.body == #"{"attachments":[],"text":"hello"}"#)
    }

    @Test("a 429 waits the Retry-After Slack asks for, then delivers exactly once")
    func rateLimited() throws {
        try sink.script([["status": 429, "headers": ["Retry-After": "1"], "body": "rate_limited"], ["status": 200, "body": "ok"]])
        try client().post(message, deadline: Date().addingTimeInterval(30))
        #expect(try sink.attempts().count == 2)
        #expect(sleeps.values.withLock { $0 } == [.seconds(1)])
    }

    @Test("a Retry-After past the deadline is an error now, not a wait that outlives the invocation")
    func retryAfterPastDeadline() throws {
        try sink.setDefault(["status": 429, "headers": ["Retry-After": "30"], "body": "rate_limited"])
        #expect {
            try client().post(message, deadline: Date().addingTimeInterval(5))
        } throws: { error in
            guard case SlackDeliveryError.gaveUp(_, 1, let last) = error else { return false }
            return last.contains("429")
        }
        #expect(sleeps.values.withLock { $0.isEmpty })
    }

    @Test("5xx and resets are retried; a 400 is not; no error names the webhook path")
    func failures() throws {
        try sink.script([["status": 503, "body": "down"], ["action": "reset"], ["status": 200, "body": "ok"]])
        try client().post(message, deadline: nil)
        #expect(try sink.attempts().count == 3)

        try sink.script([["status": 400, "body": "invalid_payload"]])
        #expect {
            try client().post(message, deadline: nil)
        } throws: { error in
            guard case SlackDeliveryError.rejected(_, 400, "invalid_payload") = error else { return false }
            return !"\(error)".contains("SECRET-MARKER") && !"\(error)".contains("/services/")
        }
        #expect(try sink.attempts().count == 4)
    }

    @Test("a dead endpoint is an error that names the host only")
    func deadEndpoint() throws {
        let url = URL(string: "\(sink.endpoint)/services/T/B/SECRET-MARKER")!
        sink.peer.stop()
        #expect {
            try SlackWebhookClient(webhookURL: url, http: CurlHTTPClient(), retryPolicy: RetryPolicy(maximumAttempts: 2, baseDelay: .milliseconds(1)))
                .post(message, deadline: nil)
        } throws: { error in
            guard case SlackDeliveryError.gaveUp(let host, 2, _) = error else { return false }
            return host == "127.0.0.1" && !"\(error)".contains("SECRET-MARKER")
        }
    }
}
