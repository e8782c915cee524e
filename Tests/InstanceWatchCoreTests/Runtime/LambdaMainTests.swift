import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The executables themselves: their modes, exit statuses and what goes to stdout and stderr.
@Suite("executables: --help, local --event, Runtime API mode")
struct LambdaMainTests {
    static let products = ["StateChangeHandler", "UptimeChecker"]
    /// Only what the test gives: no AWS or Lambda variable leaks in from the machine running the tests.
    let baseEnvironment = ["PATH": "/usr/bin:/bin", "AWS_LAMBDA_LOG_FORMAT": "JSON"]
    /// Enough for the StateChangeHandler to start; the events below fail before any AWS call.
    var startableEnvironment: [String: String] {
        baseEnvironment.merging(["AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-real-secret",
                                 "AWS_ENDPOINT_URL": "http://127.0.0.1:9"]) { $1 }
    }

    @Test("--help explains both modes and lists every configuration variable", arguments: products)
    func help(_ product: String) throws {
        let result = try runCommand(TestPaths.debugExecutable(product), ["--help"], environment: baseEnvironment)
        #expect(result.status == 0)
        for text in ["AWS_LAMBDA_RUNTIME_API", "--event FILE", "stdin"] + FunctionConfiguration.variables.map(\.name) {
            #expect(result.stdout.contains(text), "--help does not mention \(text)")
        }
    }

    @Test("without an event or the Runtime API it is a usage error, exit 2")
    func usage() throws {
        let result = try runCommand(TestPaths.debugExecutable("UptimeChecker"), [], environment: baseEnvironment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--event"))
        #expect(result.stdout.isEmpty)
    }

    @Test("a local invocation whose handler fails exits 1, with the error as JSON on stdout and logs on stderr")
    func localHandlerError() throws {
        let result = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), ["--event", "-"], environment: startableEnvironment, input: Data("{}".utf8))
        #expect(result.status == 1)
        let error = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "stdout: \(result.stdout)")
        #expect(error["errorType"] as? String == "MalformedEvent")
        let logLine = try #require(result.stderr.split(separator: "\n").first)
        #expect((try? JSONSerialization.jsonObject(with: Data(logLine.utf8))) != nil, "stderr is not JSON log lines: \(result.stderr)")
    }

    @Test("a local invocation with bad configuration exits 1 and names the variable")
    func localConfigurationError() throws {
        var environment = baseEnvironment
        environment["NOTIFY_MODE"] = "sometimes"
        let result = try runCommand(TestPaths.debugExecutable("UptimeChecker"), ["--event", "/dev/null"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout.contains("NOTIFY_MODE"))
        #expect(result.stdout.contains("InvalidConfiguration"))
    }

    @Test("an unreadable event file is a usage error that names the problem")
    func missingEventFile() throws {
        let result = try runCommand(TestPaths.debugExecutable("UptimeChecker"), ["--event", "/nonexistent/event.json"], environment: baseEnvironment)
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot read the event"))
    }

    @Test("under the Runtime API, a bad UPTIME_THRESHOLD goes to init/error and the process exits non-zero", arguments: products)
    func runtimeInitError(_ product: String) throws {
        let emulator = try RuntimeEmulator()
        var environment = baseEnvironment
        environment["AWS_LAMBDA_RUNTIME_API"] = emulator.hostAndPort
        environment["UPTIME_THRESHOLD"] = "abc"
        let result = try runCommand(TestPaths.debugExecutable(product), [], environment: environment)
        #expect(result.status != 0)
        let initError = try #require(try emulator.initError())
        #expect(initError.errorTypeHeader == "Runtime.InvalidConfiguration")
        #expect(initError.body.contains("UPTIME_THRESHOLD"))
        let firstLine = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains(BuildInfo.line(product: product)), "a cold start's first line says what the binary carries: \(firstLine)")
    }

    @Test("under the Runtime API, invocations are answered until a 500 ends the process")
    func runtimeLoop() throws {
        let emulator = try RuntimeEmulator()
        let first = try emulator.invoke("{}")
        let second = try emulator.invoke("not json")
        try emulator.answerNext(withStatus: 500)
        var environment = startableEnvironment
        environment["AWS_LAMBDA_RUNTIME_API"] = emulator.hostAndPort
        let result = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), [], environment: environment)
        #expect(result.status != 0)
        let results = try emulator.results(waitingFor: 2)
        #expect(results.map(\.requestId) == [first, second])
        #expect(results.allSatisfy { $0.errorTypeHeader == "Function.MalformedEvent" })
        #expect(result.stderr.contains("500"))
    }
}
