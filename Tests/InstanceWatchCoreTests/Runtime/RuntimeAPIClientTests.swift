import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The Runtime API client against the emulator, and the emulator's faithfulness to the spec.
@Suite("Runtime API client")
struct RuntimeAPIClientTests {
    @Test("next delivers the event with a request id and a deadline in the future")
    func next() throws {
        let emulator = try RuntimeEmulator(timeoutMilliseconds: 5000)
        let id = try emulator.invoke(#"{"a":1}"#)
        let invocation = try emulator.apiClient().next()
        #expect(invocation.requestId == id)
        #expect(invocation.event == Data(#"{"a":1}"#.utf8))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        #expect((now...(now + 5000)).contains(invocation.deadlineEpochMilliseconds))
    }

    @Test("an unknown request id is refused with 400, a second answer to the same id with 403")
    func refusals() throws {
        let emulator = try RuntimeEmulator()
        let api = emulator.apiClient()
        #expect(throws: RuntimeAPIError.rejected(operation: "the response to nope", status: 400, message: "unknown request id nope")) {
            try api.respond(InvocationResponseRequest(requestId: "nope", payload: Data("{}".utf8)))
        }
        try emulator.invoke("{}")
        let invocation = try api.next()
        try api.respond(InvocationResponseRequest(requestId: invocation.requestId, payload: Data("{}".utf8)))
        #expect {
            try api.reportError(InvocationErrorRequest(requestId: invocation.requestId, report: LambdaErrorReport(origin: .function, errorType: "X", errorMessage: "late")))
        } throws: { error in
            guard case RuntimeAPIError.rejected(_, 403, _) = error else { return false }
            return true
        }
        #expect(try emulator.results().count == 1)
    }

    @Test("a 500 is a container error; an unreachable Runtime API a transport error")
    func failures() throws {
        let emulator = try RuntimeEmulator()
        try emulator.answerNext(withStatus: 500)
        #expect(throws: RuntimeAPIError.containerError(operation: "next")) { _ = try emulator.apiClient().next() }
        let api = emulator.apiClient()
        emulator.peer.stop()
        #expect {
            _ = try api.next()
        } throws: { error in
            guard case RuntimeAPIError.transport(_, .connectionFailed) = error else { return false }
            return true
        }
    }

    /// Answers each request with the next scripted outcome, and counts them.
    final class ScriptedHTTP: HTTPClient {
        var outcomes: [Result<HTTPResponse, HTTPClientError>]
        var sent = 0
        init(_ outcomes: [Result<HTTPResponse, HTTPClientError>]) { self.outcomes = outcomes }
        func send(_ request: HTTPRequest) throws(HTTPClientError) -> HTTPResponse {
            sent += 1
            return try outcomes.removeFirst().get()
        }
    }

    static let lost = HTTPClientError.connectionLost(host: "127.0.0.1", detail: "Connection reset by peer")
    static let answer = InvocationResponseRequest(requestId: "r1", payload: Data("{}".utf8))

    @Test("an answer whose connection is lost is sent again, up to answerAttempts times, then the loss is thrown")
    func answerRetried() throws {
        let twiceLost = ScriptedHTTP([.failure(Self.lost), .failure(Self.lost), .success(HTTPResponse(status: 202))])
        try RuntimeAPIClient(endpoint: RuntimeAPIEndpoint(hostAndPort: "127.0.0.1:9001")!, http: twiceLost, sleep: { _ in }).respond(Self.answer)
        #expect(twiceLost.sent == 3)

        let alwaysLost = ScriptedHTTP(Array(repeating: .failure(Self.lost), count: RuntimeAPIClient.answerAttempts + 1))
        #expect(throws: RuntimeAPIError.transport(operation: "the response to r1", Self.lost)) {
            try RuntimeAPIClient(endpoint: RuntimeAPIEndpoint(hostAndPort: "127.0.0.1:9001")!, http: alwaysLost, sleep: { _ in }).respond(Self.answer)
        }
        #expect(alwaysLost.sent == RuntimeAPIClient.answerAttempts)
    }

    @Test("a 403 to a repeated answer means the lost one arrived: delivered; a 403 to a first answer is a refusal")
    func repeatRefusedAsAnswered() throws {
        let arrived = ScriptedHTTP([.failure(Self.lost), .success(HTTPResponse(status: 403))])
        try RuntimeAPIClient(endpoint: RuntimeAPIEndpoint(hostAndPort: "127.0.0.1:9001")!, http: arrived, sleep: { _ in }).respond(Self.answer)
        #expect(arrived.sent == 2)

        let refused = ScriptedHTTP([.success(HTTPResponse(status: 403))])
        #expect(throws: RuntimeAPIError.self) {
            try RuntimeAPIClient(endpoint: RuntimeAPIEndpoint(hostAndPort: "127.0.0.1:9001")!, http: refused, sleep: { _ in }).respond(Self.answer)
        }
    }
}
