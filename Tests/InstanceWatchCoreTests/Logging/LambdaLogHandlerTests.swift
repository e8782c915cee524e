import Foundation
import Logging
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Lambda log handler")
struct LambdaLogHandlerTests {
    @Test("JSON lines carry timestamp, level, message, requestId and metadata")
    func json() throws {
        let log = CapturedLog()
        var logger = log.logger(format: .json)
        logger[metadataKey: "requestId"] = "req-1"
        logger.warning("quote \" and\nnewline", metadata: ["instanceId": "i-123"])
        let line = try #require(log.lines.withLock { $0.first })
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "WARN")
        #expect(object["message"] == "quote \" and\nnewline")
        #expect(object["requestId"] == "req-1")
        #expect(object["instanceId"] == "i-123")
        #expect(UTCDateTime.parse(object["timestamp"] ?? "") != nil)
    }

    @Test("text lines are one line each: time, level, request id, message")
    func text() throws {
        let log = CapturedLog()
        var logger = log.logger(format: .text)
        logger[metadataKey: "requestId"] = "req-2"
        logger.info("two\nlines")
        let line = try #require(log.lines.withLock { $0.first })
        #expect(line.contains(" INFO req-2 two\\nlines"))
        #expect(line.filter { $0 == "\n" }.count == 1)
    }

    @Test("AWS_LAMBDA_LOG_LEVEL filters; AWS_LAMBDA_LOG_FORMAT chooses; bad values fall back to INFO and Text")
    func environment() {
        #expect(LambdaLogHandler.fromEnvironment(["AWS_LAMBDA_LOG_LEVEL": "WARN"]).logLevel == .warning)
        #expect(LambdaLogHandler.fromEnvironment(["AWS_LAMBDA_LOG_LEVEL": "debug"]).logLevel == .debug)
        #expect(LambdaLogHandler.fromEnvironment(["AWS_LAMBDA_LOG_LEVEL": "loud"]).logLevel == .info)
        #expect(LambdaLogHandler.fromEnvironment(["AWS_LAMBDA_LOG_FORMAT": "JSON"]).format == .json)
        #expect(LambdaLogHandler.fromEnvironment([:]).format == .text)

        let log = CapturedLog()
        let logger = LambdaLogHandler.makeLogger(label: "t", environment: ["AWS_LAMBDA_LOG_LEVEL": "ERROR"], sink: log.sink)
        logger.info("dropped")
        logger.warning("dropped")
        logger.error("kept")
        #expect(log.lines.withLock { $0.count } == 1)
    }

    @Test("timestamps have milliseconds and a Z")
    func timestamp() {
        #expect(LambdaLogHandler.timestamp(Date(timeIntervalSince1970: 1_440_938_160.042)) == "2015-08-30T12:36:00.042Z")
    }
}
