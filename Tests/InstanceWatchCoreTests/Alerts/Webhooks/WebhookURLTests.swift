import Foundation
import Testing
@testable import InstanceWatchCore
@testable import SlackActions
import Support

/// Plain `http://` to loopback is for local runs, tests and the demo only: in Lambda, loopback is
/// the Runtime API (127.0.0.1:9001), and a URL from outside (a routes document, a click's
/// `response_url`) must never reach it.
@Suite("Webhook URLs: https, and loopback http only outside Lambda")
struct WebhookURLTests {
    static let inLambda = ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001", "LAMBDA_TASK_ROOT": "/var/task"]

    @Test("in Lambda (the Runtime API and a task root set), http:// to loopback is refused; outside, taken; https always")
    func lambdaOrNot() {
        #expect(WebhookURL.PlainHTTP.forEnvironment(Self.inLambda) == .never)
        #expect(WebhookURL.PlainHTTP.forEnvironment(["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"]) == .loopback, "the tests' Runtime API emulator sets no task root")
        #expect(WebhookURL.PlainHTTP.forEnvironment([:]) == .loopback)
        for url in ["http://127.0.0.1:9001/2018-06-01/runtime/invocation/next", "http://localhost/x", "http://[::1]/x"] {
            #expect(WebhookURL.parse(url, plainHTTP: .never) == nil, "\(url)")
            #expect(WebhookURL.parse(url, plainHTTP: .loopback) != nil, "\(url)")
        }
        #expect(WebhookURL.parse("https://hooks.slack.com/services/T/B/X", plainHTTP: .never) != nil)
        #expect(WebhookURL.parse("http://hooks.slack.com/services/T/B/X", plainHTTP: .loopback) == nil)
    }

    @Test("every URL the functions read: a webhook variable, the routes document, a click's response_url")
    func everyURL() throws {
        let environment = Self.inLambda.merging(["AWS_REGION": "eu-west-1", "SLACK_WEBHOOK_URL": "http://127.0.0.1:9001/2018-06-01/runtime/init/error"]) { $1 }
        #expect(throws: ConfigurationError.self) { try FunctionConfiguration.fromEnvironment(environment) }
        var outside = environment
        outside["LAMBDA_TASK_ROOT"] = nil
        #expect(try FunctionConfiguration.fromEnvironment(outside).slackWebhook != nil)
        let routes = #"{"default": {"slackWebhook": "http://127.0.0.1:9001/2018-06-01/runtime/init/error"}}"#
        #expect(throws: RoutesDocument.Problem.self) { try RoutesDocument.parse(routes, plainHTTP: .never) }
        #expect(try RoutesDocument.parse(routes, plainHTTP: .loopback).defaultDestination != nil)
        let responseURL = URL(string: "http://127.0.0.1:9001/2018-06-01/runtime/invocation/x/response")!
        #expect(!SlackActionMessage.isResponseURL(responseURL, plainHTTP: .never))
        #expect(SlackActionMessage.isResponseURL(URL(string: "https://hooks.slack.com/actions/T/1/x")!, plainHTTP: .never))
        #expect(!SlackActionMessage.isResponseURL(URL(string: "https://evil.example/actions")!, plainHTTP: .never))
    }
}
