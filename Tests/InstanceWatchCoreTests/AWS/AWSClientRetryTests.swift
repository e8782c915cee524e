import Foundation
import Synchronization
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Retries against a server that fails on purpose. Sleeps are recorded, not slept, and the jitter
/// fraction is fixed, so the attempts and the backoff are asserted exactly.
@Suite("AWS client retries against a fault-injecting server")
struct AWSClientRetryTests {
    final class Recorder: Sendable {
        let sleeps = Mutex<[Duration]>([])
        let ticks = Mutex(0)
    }

    let server: FaultServer
    let recorder = Recorder()
    let policy = RetryPolicy(maximumAttempts: 4, baseDelay: .milliseconds(100), maximumDelay: .seconds(1))

    init() throws {
        server = try FaultServer()
    }

    /// A client whose clock moves one second per reading, so each attempt is signed at another time.
    func client(deadline: Date? = nil) throws -> DynamoDBClient {
        let recorder = self.recorder
        let aws = AWSClient(
            environment: try server.environment(), http: CurlHTTPClient(), retryPolicy: policy,
            clock: { Date(timeIntervalSince1970: 1_700_000_000 + Double(recorder.ticks.withLock { $0 += 1; return $0 })) },
            sleep: { pause in recorder.sleeps.withLock { $0.append(pause) } },
            randomFraction: { 0.5 }
        )
        return DynamoDBClient(aws: aws)
    }

    func expectedSleeps(_ count: Int) -> [Duration] {
        (1...max(count, 1)).prefix(count).map { policy.delay(afterAttempt: $0, fraction: 0.5) }
    }

    static var throttled: [String: Any] { [
        "status": 400, "headers": ["Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "req-throttled"],
        "body": #"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#,
    ] }
    static var scanPage: [String: Any] { ["status": 200, "body": #"{"Items":[{"instance_id":{"S":"i-1"}}],"Count":1,"ScannedCount":1}"#] }

    @Test("throttled twice, then served: three attempts, backoff 50 ms then 100 ms, each attempt signed anew")
    func throttleThenSucceed() throws {
        try server.script([Self.throttled, Self.throttled, Self.scanPage])
        let page = try client().scan(ScanInput(tableName: "t"))
        #expect(page.items.count == 1)
        let attempts = try server.attempts()
        #expect(attempts.count == 3)
        #expect(recorder.sleeps.withLock { $0 } == expectedSleeps(2))
        #expect(expectedSleeps(2) == [.milliseconds(50), .milliseconds(100)])
        #expect(Set(attempts.compactMap { $0.headers["x-amz-date"] }).count == 3, "every attempt carries its own X-Amz-Date")
        #expect(Set(attempts.compactMap { $0.headers["authorization"] }).count == 3, "every attempt is signed again")
        #expect(attempts.allSatisfy { $0.headers["x-amz-target"] == "DynamoDB_20120810.Scan" })
    }

    @Test("500s until the retry budget ends: four attempts, three pauses, then the 500 is thrown")
    func serverErrorsExhaustBudget() throws {
        try server.setDefault(["status": 500, "body": #"{"__type":"InternalServerError","message":"boom"}"#])
        #expect {
            _ = try client().scan(ScanInput(tableName: "t"))
        } throws: { error in
            guard case AWSClientError.service(let serviceError, let attempts) = error else { return false }
            return serviceError.status == 500 && serviceError.code == "InternalServerError" && attempts == 4
                && "\(error)".contains("after 4 attempts")
        }
        #expect(try server.attempts().count == 4)
        #expect(recorder.sleeps.withLock { $0 } == expectedSleeps(3))
    }

    @Test("a connection reset is retried on a new connection and succeeds")
    func connectionReset() throws {
        try server.script([["action": "reset"], Self.scanPage])
        #expect(try client().scan(ScanInput(tableName: "t")).count == 1)
        #expect(try server.attempts().count == 2)
        #expect(recorder.sleeps.withLock { $0.count } == 1)
    }

    @Test("a body cut short is retried and succeeds")
    func truncatedBody() throws {
        try server.script([["action": "truncate", "body": #"{"Items":[{"instance"#, "declared": 500], Self.scanPage])
        #expect(try client().scan(ScanInput(tableName: "t")).count == 1)
        #expect(try server.attempts().count == 2)
    }

    @Test("resets until the budget ends are a transport error naming the host and the attempts")
    func resetsExhaustBudget() throws {
        try server.setDefault(["action": "reset"])
        #expect {
            _ = try client().scan(ScanInput(tableName: "t"))
        } throws: { error in
            guard case AWSClientError.transport(let service, let operation, let httpError, let attempts) = error else { return false }
            return service == .dynamoDB && operation == "Scan" && attempts == 4 && "\(httpError)".contains("127.0.0.1")
        }
        #expect(try server.attempts().count == 4)
    }

    @Test("a non-retryable 400 is tried once")
    func clientErrorNotRetried() throws {
        try server.script([["status": 400, "body": #"{"__type":"com.amazon.coral.validate#ValidationException","message":"bad key"}"#]])
        #expect {
            _ = try client().scan(ScanInput(tableName: "t"))
        } throws: { error in
            guard case AWSClientError.service(let serviceError, let attempts) = error else { return false }
            return serviceError.code == "ValidationException" && attempts == 1
        }
        #expect(try server.attempts().count == 1)
        #expect(recorder.sleeps.withLock { $0.isEmpty })
    }

    @Test("garbage in a 200 is a malformed response, not retried")
    func garbageBody() throws {
        try server.script([["status": 200, "body": "<html>proxy error</html>"]])
        #expect {
            _ = try client().scan(ScanInput(tableName: "t"))
        } throws: { error in
            guard case AWSClientError.malformedResponse(.dynamoDB, "Scan", _) = error else { return false }
            return true
        }
        #expect(try server.attempts().count == 1)
    }

    @Test("never past the deadline: a stalling server ends in deadlineExceeded before the deadline passes")
    func deadline() throws {
        try server.setDefault(["action": "stall", "ms": 2000, "then": Self.scanPage])
        let aws = AWSClient(environment: try server.environment(), http: CurlHTTPClient(), retryPolicy: policy)
        let dynamo = DynamoDBClient(aws: aws)
        let started = Date()
        let deadline = started.addingTimeInterval(0.8)
        #expect {
            _ = try dynamo.scan(ScanInput(tableName: "t"), deadline: deadline)
        } throws: { error in
            switch error as? AWSClientError {
            case .deadlineExceeded(.dynamoDB, "Scan", _, let lastError): return lastError.contains("timed out")
            default: return false
            }
        }
        #expect(Date() < deadline.addingTimeInterval(0.2), "the client waited past the deadline")
    }

    @Test("throttling codes of every service are retryable; validation errors are not")
    func classification() {
        func error(_ code: String, _ status: Int) -> AWSServiceError {
            AWSServiceError(service: .ec2, operation: "X", status: status, code: code, message: "", requestId: nil)
        }
        for code in ["ThrottlingException", "Throttling", "ProvisionedThroughputExceededException", "RequestLimitExceeded"] {
            #expect(error(code, 400).isRetryable && error(code, 400).isThrottling, "\(code)")
        }
        #expect(error("InternalError", 500).isRetryable)
        #expect(error("Anything", 503).isRetryable)
        #expect(!error("ValidationException", 400).isRetryable)
        #expect(!error("InvalidInstanceID.NotFound", 400).isRetryable)
        #expect(error("InvalidInstanceID.NotFound", 400).isInstanceNotFound)
    }
}
