import Foundation
import Testing
@testable import InstanceWatchCore

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
}
