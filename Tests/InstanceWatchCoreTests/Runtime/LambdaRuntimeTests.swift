import Foundation
import Logging
import Synchronization
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// A handler for the loop's tests: decodes `{"kind": ...}` and acts on it.
struct ScriptedHandler: LambdaHandler {
    struct Event: Decodable { let kind: String; let size: Int? }
    struct MalformedEvent: LambdaReportableError, CustomStringConvertible {
        let description: String
        var errorType: String { "MalformedEvent" }
    }
    struct Boom: Error, CustomStringConvertible { var description: String { "the handler failed on purpose" } }

    final class Recorder: Sendable { let traceIds = Mutex<[String?]>([]) }
    let recorder = Recorder()
    var seenTraceIds: [String?] { recorder.traceIds.withLock { $0 } }

    func handle(_ event: Data, context: LambdaContext) throws -> [String: String] {
        recorder.traceIds.withLock { $0.append(ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"]) }
        let decoded: Event
        do {
            decoded = try JSONDecoder().decode(Event.self, from: event)
        } catch {
            throw MalformedEvent(description: "the event has no string field \"kind\"")
        }
        switch decoded.kind {
        case "fail": throw Boom()
        case "huge": return ["padding": String(repeating: "x", count: decoded.size ?? 0)]
        case "known": return ["action": "handled", "requestId": context.requestId]
        default: return ["action": "ignored"]
        }
    }
}

/// Collects log lines written by the runtime, for assertions.
final class CapturedLog: Sendable {
    let lines = Mutex<[String]>([])
    var sink: LogSink { LogSink { [self] line in lines.withLock { $0.append(line) } } }
    func logger(format: LambdaLogHandler.Format = .json) -> Logger {
        Logger(label: "test") { _ in LambdaLogHandler(format: format, level: .debug, sink: self.sink) }
    }
}

// Serialized: the loop sets the process-wide `_X_AMZN_TRACE_ID`.
@Suite("Lambda runtime loop over the Runtime API emulator", .serialized)
struct LambdaRuntimeTests {
    @Test("a handler error, a malformed event and an unknown event are each answered, and the loop goes on")
    func mixedRun() throws {
        let emulator = try RuntimeEmulator()
        let ids = [
            try emulator.invoke(#"{"kind":"known"}"#),
            try emulator.invoke(#"{"kind":"fail"}"#),
            try emulator.invoke(#"{"kind": 42"#),
            try emulator.invoke(#"{"kind":"something-else"}"#),
            try emulator.invoke(#"{"kind":"known"}"#),
        ]
        try emulator.answerNext(withStatus: 500)
        let log = CapturedLog()
        let exit = LambdaRuntime(api: emulator.apiClient(), logger: log.logger()).run { ScriptedHandler() }
        #expect(exit == .containerError)

        let results = try emulator.results(waitingFor: 5)
        try #require(results.count == 5)
        #expect(results.map(\.requestId) == ids)
        #expect(results.map(\.kind) == ["response", "error", "error", "response", "response"])
        #expect(results[0].json["action"] as? String == "handled")
        #expect(results[0].json["requestId"] as? String == ids[0])
        #expect(results[1].errorTypeHeader == "Function.Boom")
        #expect(results[1].json["errorType"] as? String == "Boom")
        #expect(results[1].json["errorMessage"] as? String == "the handler failed on purpose")
        #expect(results[1].contentType == "application/vnd.aws.lambda.error+json")
        #expect(results[2].errorTypeHeader == "Function.MalformedEvent")
        #expect((results[2].json["errorMessage"] as? String)?.contains("\"kind\"") == true)
        #expect(results[3].json["action"] as? String == "ignored")
        #expect(results[4].json["action"] as? String == "handled")
    }

    @Test("a configuration error at start goes to /runtime/init/error, naming the variable; no next is called")
    func initializationError() throws {
        let emulator = try RuntimeEmulator()
        let exit = LambdaRuntime(api: emulator.apiClient(), logger: CapturedLog().logger()).run { () throws -> ScriptedHandler in
            _ = try FunctionConfiguration.fromEnvironment(["UPTIME_THRESHOLD": "abc"])
            return ScriptedHandler()
        }
        #expect(exit == .initializationFailed)
        let initError = try #require(try emulator.initError())
        #expect(initError.errorTypeHeader == "Runtime.InvalidConfiguration")
        #expect(initError.body.contains("UPTIME_THRESHOLD"))
        #expect(try emulator.stats().nextCalls == 0)
    }

    @Test("a 500 from next ends the loop at once")
    func containerErrorEndsLoop() throws {
        let emulator = try RuntimeEmulator()
        try emulator.answerNext(withStatus: 500)
        try emulator.invoke(#"{"kind":"known"}"#)
        let exit = LambdaRuntime(api: emulator.apiClient(), logger: CapturedLog().logger()).run { ScriptedHandler() }
        #expect(exit == .containerError)
        #expect(try emulator.stats().nextCalls == 1)
        #expect(try emulator.results().isEmpty)
    }

    @Test("a failing next is retried a few times, then the loop gives up")
    func unreachableRuntimeAPI() throws {
        let emulator = try RuntimeEmulator()
        let api = emulator.apiClient()
        emulator.peer.stop()
        let log = CapturedLog()
        let exit = LambdaRuntime(api: api, logger: log.logger()).run { ScriptedHandler() }
        #expect(exit == .runtimeAPIUnreachable)
        let attempts = log.lines.withLock { $0.filter { $0.contains("next invocation failed") }.count }
        #expect(attempts == LambdaRuntime.nextAttempts)
    }

    @Test("a 403 or 400 on next is retried, not fatal: the loop serves the event after it")
    func rejectedNextIsRetried() throws {
        let emulator = try RuntimeEmulator()
        try emulator.answerNext(withStatus: 403)
        let id = try emulator.invoke(#"{"kind":"known"}"#)
        try emulator.answerNext(withStatus: 500)
        #expect(LambdaRuntime(api: emulator.apiClient(), logger: CapturedLog().logger()).run { ScriptedHandler() } == .containerError)
        #expect(try emulator.results(waitingFor: 1).map(\.requestId) == [id])
    }

    @Test("the trace id reaches _X_AMZN_TRACE_ID for its invocation, and is cleared when absent")
    func traceId() throws {
        let emulator = try RuntimeEmulator()
        let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        try emulator.invoke(#"{"kind":"known"}"#, headers: ["X-Test-Trace-Id": trace])
        try emulator.invoke(#"{"kind":"known"}"#)
        try emulator.answerNext(withStatus: 500)
        let handler = ScriptedHandler()
        _ = LambdaRuntime(api: emulator.apiClient(), logger: CapturedLog().logger()).run { handler }
        #expect(handler.seenTraceIds == [trace, nil])
    }

    @Test("JSON log lines parse as JSON and carry the request id")
    func jsonLogLines() throws {
        let emulator = try RuntimeEmulator()
        let id = try emulator.invoke(#"{"kind":"fail"}"#)
        try emulator.answerNext(withStatus: 500)
        let log = CapturedLog()
        _ = LambdaRuntime(api: emulator.apiClient(), logger: log.logger(format: .json)).run { ScriptedHandler() }
        let lines = log.lines.withLock { $0 }
        #expect(!lines.isEmpty)
        var sawInvocationLine = false
        for line in lines {
            #expect(line.hasSuffix("\n") && line.dropLast().contains("\n") == false, "one line per entry: \(line)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "not JSON: \(line)")
            #expect(object["timestamp"] != nil && object["level"] != nil && object["message"] != nil)
            if object["message"]?.contains("invocation failed") == true {
                sawInvocationLine = true
                #expect(object["requestId"] == id)
                #expect(object["level"] == "ERROR")
            }
        }
        #expect(sawInvocationLine)
    }

    @Test("one HTTP connection to the Runtime API serves 100 invocations")
    func oneConnectionForHundredInvocations() throws {
        let emulator = try RuntimeEmulator()
        for _ in 0..<100 { try emulator.invoke(#"{"kind":"known"}"#) }
        try emulator.answerNext(withStatus: 500)
        let http = CurlHTTPClient()
        _ = LambdaRuntime(api: emulator.apiClient(http: http), logger: CapturedLog().logger()).run { ScriptedHandler() }
        #expect(try emulator.results(waitingFor: 100).count == 100)
        #expect(http.connectionsOpened == 1)
        #expect(try emulator.stats().runtimeConnections == 1)
    }

    @Test("a result over 6 MB is reported as an error, not lost")
    func oversizedResult() throws {
        let emulator = try RuntimeEmulator()
        let id = try emulator.invoke(#"{"kind":"huge","size":7000000}"#)
        try emulator.invoke(#"{"kind":"known"}"#)
        try emulator.answerNext(withStatus: 500)
        _ = LambdaRuntime(api: emulator.apiClient(), logger: CapturedLog().logger()).run { ScriptedHandler() }
        let results = try emulator.results(waitingFor: 2)
        #expect(results.first?.requestId == id)
        #expect(results.first?.kind == "error")
        #expect(results.first?.errorTypeHeader == "Function.ResponseSizeTooLarge")
        #expect(results.last?.kind == "response")
    }

    @Test("a 413 from the Runtime API turns the response into an error report")
    func payloadTooLargeFromRuntimeAPI() throws {
        // A Runtime API stricter than the runtime's own 6 MB check: its 413 must still not lose the answer.
        let emulator = try RuntimeEmulator(maximumResponseBytes: 1000)
        let id = try emulator.invoke(#"{"kind":"huge","size":2000}"#)
        try emulator.answerNext(withStatus: 500)
        _ = LambdaRuntime(api: emulator.apiClient(), logger: CapturedLog().logger()).run { ScriptedHandler() }
        let results = try emulator.results(waitingFor: 1)
        #expect(results.map(\.requestId) == [id])
        #expect(results.first?.errorTypeHeader == "Function.ResponseSizeTooLarge")
    }

    @Test("an invocation whose deadline is not a number is answered with an error, and the loop goes on")
    func invalidDeadline() throws {
        let emulator = try RuntimeEmulator()
        let bad = try emulator.invoke(#"{"kind":"known"}"#, headers: ["X-Test-Deadline-Ms": "soon"])
        let good = try emulator.invoke(#"{"kind":"known"}"#)
        try emulator.answerNext(withStatus: 500)
        _ = LambdaRuntime(api: emulator.apiClient(), logger: CapturedLog().logger()).run { ScriptedHandler() }
        let results = try emulator.results(waitingFor: 2)
        #expect(results.map(\.requestId) == [bad, good])
        #expect(results.first?.errorTypeHeader == "Runtime.InvalidInvocation")
        #expect(results.first?.body.contains("soon") == true)
        #expect(results.last?.kind == "response")
    }

    @Test("an invocation without a request id cannot be answered; the loop logs it and goes on")
    func missingRequestId() throws {
        let emulator = try RuntimeEmulator()
        try emulator.invoke(#"{"kind":"known"}"#, headers: ["X-Test-Omit-Request-Id": "1"])
        let good = try emulator.invoke(#"{"kind":"known"}"#)
        try emulator.answerNext(withStatus: 500)
        let log = CapturedLog()
        _ = LambdaRuntime(api: emulator.apiClient(), logger: log.logger()).run { ScriptedHandler() }
        #expect(try emulator.results(waitingFor: 1).map(\.requestId) == [good])
        #expect(log.lines.withLock { $0.contains { $0.contains("Lambda-Runtime-Aws-Request-Id") } })
    }
}
