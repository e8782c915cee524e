import FoundationEssentials
import Logging

#if canImport(Glibc)
import Glibc
import CurlHTTP
import Support
#endif

/// Log lines the way Lambda's managed runtimes write them: readable text, or with
/// `AWS_LAMBDA_LOG_FORMAT=JSON` one JSON object per line (`timestamp`, `level`, `message`, `requestId`
/// and any other metadata), filtered by `AWS_LAMBDA_LOG_LEVEL`. Each line is one `write(2)`, so it
/// reaches the pipe Lambda reads at once and whole, with no stdio buffer in between.
public struct LambdaLogHandler: LogHandler {
    public enum Format: String, Sendable {
        case text = "Text"
        case json = "JSON"
    }

    public let format: Format
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let sink: LogSink

    public init(format: Format, level: Logger.Level, sink: LogSink = .standardError) {
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    /// The handler configured by `AWS_LAMBDA_LOG_FORMAT` and `AWS_LAMBDA_LOG_LEVEL` (unknown values
    /// fall back to Text and INFO: a logging typo must not stop the function).
    public static func fromEnvironment(_ environment: [String: String], sink: LogSink = .standardError) -> LambdaLogHandler {
        let format = environment["AWS_LAMBDA_LOG_FORMAT"].flatMap { Format(rawValue: $0.uppercased() == "JSON" ? "JSON" : "Text") } ?? .text
        let level = environment["AWS_LAMBDA_LOG_LEVEL"].flatMap(level(named:)) ?? .info
        return LambdaLogHandler(format: format, level: level, sink: sink)
    }

    public static func makeLogger(label: String, environment: [String: String], sink: LogSink = .standardError) -> Logger {
        Logger(label: label) { _ in fromEnvironment(environment, sink: sink) }
    }

    /// Lambda's level names (`TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `FATAL`) to swift-log's.
    static func level(named name: String) -> Logger.Level? {
        switch name.uppercased() {
        case "TRACE": return .trace
        case "DEBUG": return .debug
        case "INFO": return .info
        case "WARN", "WARNING": return .warning
        case "ERROR": return .error
        case "FATAL", "CRITICAL": return .critical
        default: return nil
        }
    }

    static func lambdaName(_ level: Logger.Level) -> String {
        switch level {
        case .trace: return "TRACE"
        case .debug: return "DEBUG"
        case .info: return "INFO"
        case .notice: return "INFO"
        case .warning: return "WARN"
        case .error: return "ERROR"
        case .critical: return "FATAL"
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let now = Date()
        sink.write(line(level: event.level, message: event.message.description, metadata: merged, at: now))
    }

    func line(level: Logger.Level, message: String, metadata: Logger.Metadata, at date: Date) -> String {
        let timestamp = Self.timestamp(date)
        switch format {
        case .json:
            var fields: [String: String] = metadata.mapValues { "\($0)" }
            fields["timestamp"] = timestamp
            fields["level"] = Self.lambdaName(level)
            fields["message"] = message
            let data = (try? JSONEncoder.lambda.encode(fields)) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        case .text:
            let requestId = metadata["requestId"].map { "\($0)" } ?? "-"
            let rest = metadata.filter { $0.key != "requestId" }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            // One line per entry: a message with line breaks would otherwise split into several log events.
            let flatMessage = message.replacing("\n", with: "\\n")
            return "\(timestamp) \(Self.lambdaName(level)) \(requestId) \(flatMessage)\(rest.isEmpty ? "" : " " + rest)\n"
        }
    }

    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let time = UTCDateTime(epochSeconds: Int((Double(milliseconds) / 1000).rounded(.down)))
        let fraction = String(((milliseconds % 1000) + 1000) % 1000)
        return String(time.extendedISO8601.dropLast()) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }
}

/// Where log lines go: a file descriptor written with one `write(2)` per line, or a closure (tests).
public struct LogSink: Sendable {
    private let writeLine: @Sendable (String) -> Void

    public init(_ writeLine: @escaping @Sendable (String) -> Void) {
        self.writeLine = writeLine
    }

    public static let standardError = LogSink.fileDescriptor(2)

    public static func fileDescriptor(_ descriptor: Int32) -> LogSink {
        LogSink { line in
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeMutableBytes { buffer in
                    Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    func write(_ line: String) { writeLine(line) }
}
