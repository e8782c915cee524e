import FoundationEssentials
import Logging

#if canImport(Glibc)
import Glibc
import CurlHTTP
import Support
#endif

/// What an executable says about itself: in `--help`, in `--version`, and in the first log line of
/// a cold start. The runtime knows nothing of the function's configuration; the function says it.
public struct FunctionDescription: Sendable {
    public let name: String
    public let summary: String
    /// One line: the product, its version, and what the binary carries.
    public let version: String
    /// What `--version` prints.
    public let versionDetails: String
    /// The environment variables it reads, with their meaning, for `--help`.
    public let variables: [(name: String, meaning: String)]

    public init(name: String, summary: String, version: String, versionDetails: String, variables: [(name: String, meaning: String)]) {
        self.name = name
        self.summary = summary
        self.version = version
        self.versionDetails = versionDetails
        self.variables = variables
    }
}

/// The entry point both executables share. With `AWS_LAMBDA_RUNTIME_API` set it runs the Runtime API
/// loop; without it, `--event FILE` (or `-` for stdin) runs one local invocation, printing the JSON result
/// on stdout and logs on stderr, and exiting 0 on success and 1 on a handler error.
public enum LambdaMain {
    public static func run<Handler: LambdaHandler>(
        _ function: FunctionDescription,
        arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        initialize: (_ environment: [String: String], _ logger: Logger) throws -> Handler
    ) -> Never {
        let logger = LambdaLogHandler.makeLogger(label: function.name, environment: environment)
        if arguments.contains("--help") || arguments.contains("-h") {
            writeStandardOutput(help(function))
            exit(0)
        }
        if arguments.contains("--version") {
            writeStandardOutput(function.versionDetails)
            exit(0)
        }
        if let runtimeAPI = environment["AWS_LAMBDA_RUNTIME_API"], !runtimeAPI.isEmpty {
            guard let endpoint = RuntimeAPIEndpoint(hostAndPort: runtimeAPI) else {
                logger.critical("AWS_LAMBDA_RUNTIME_API=\"\(runtimeAPI)\" is not a host:port")
                exit(1)
            }
            // The cold start's first line says what this binary carries (it takes fixes only when rebuilt).
            logger.info("\(function.version)")
            let http = CurlHTTPClient(configuration: .fromEnvironment(environment))
            // Metrics go to stdout, as CloudWatch's Embedded Metric Format documents for Lambda.
            let metrics = MetricsEmitter(functionName: functionName(function, environment), sink: .fileDescriptor(1))
            let runtime = LambdaRuntime(api: RuntimeAPIClient(endpoint: endpoint, http: http), logger: logger, metrics: metrics)
            let reason = runtime.run { try initialize(environment, logger) }
            logger.info("runtime loop ended: \(reason)")
            exit(1)
        }
        switch LocalInvocation.eventSource(arguments) {
        case .none:
            writeStandardError("\(function.name): no event to handle. Give --event FILE (or --event - for stdin), or see --help.\n")
            exit(2)
        case .some(.failure(let message)):
            writeStandardError("\(function.name): \(message)\n")
            exit(2)
        case .some(.success(let source)):
            // Locally stdout holds the result alone; the metrics line goes with the logs.
            let metrics = MetricsEmitter(functionName: functionName(function, environment), sink: .standardError)
            exit(LocalInvocation.run(source: source, logger: logger, metrics: metrics) { try initialize(environment, logger) })
        }
    }

    /// Lambda's name for the function, which the metrics' dimension and the template's alarms use.
    static func functionName(_ function: FunctionDescription, _ environment: [String: String]) -> String {
        environment["AWS_LAMBDA_FUNCTION_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? function.name
    }

    static func help(_ function: FunctionDescription) -> String {
        let variables = function.variables.map { "  \($0.name)\n      \($0.meaning)" }.joined(separator: "\n")
        return """
            \(function.name) — instance-watch
            \(function.summary)

            Usage:
              \(function.name)                  on AWS Lambda (provided.al2023), as the bootstrap: with
                                                AWS_LAMBDA_RUNTIME_API set, it serves invocations from the
                                                Lambda Runtime API until the environment ends.
              \(function.name) --event FILE     one local invocation of the event in FILE (- reads stdin):
                                                the JSON result goes to stdout, logs to stderr; exit status
                                                0 on success, 1 on a handler error, 2 on a usage error.
              \(function.name) --version        the product's version and those of the Swift runtime,
                                                libcurl, OpenSSL and expat it carries.
              \(function.name) --help           this text.

            Configuration (environment):
            \(variables)

            """
    }
}

/// One invocation outside Lambda, for trying events by hand and for scripts.
enum LocalInvocation {
    enum Source: Equatable {
        case file(String)
        case standardInput
    }

    /// Local invocations get the Lambda maximum, 15 minutes, as their deadline.
    static let deadline = Duration.seconds(900)

    static func eventSource(_ arguments: [String]) -> Result<Source, UsageError>? {
        guard let flag = arguments.firstIndex(where: { $0 == "--event" || $0.hasPrefix("--event=") }) else { return nil }
        let value: String
        if arguments[flag].hasPrefix("--event=") {
            value = String(arguments[flag].dropFirst("--event=".count))
        } else {
            guard flag + 1 < arguments.count else { return .failure(UsageError("--event needs a file name, or - for stdin")) }
            value = arguments[flag + 1]
        }
        return .success(value == "-" ? .standardInput : .file(value))
    }

    struct UsageError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func run<Handler: LambdaHandler>(source: Source, logger: Logger, metrics: MetricsEmitter? = nil,
                                            initialize: () throws -> Handler) -> Int32 {
        let event: Data
        switch source {
        case .standardInput:
            event = readToEnd(descriptor: 0)
        case .file(let path):
            // open(2) rather than Data(contentsOf:), which refuses pipes and devices (`--event <(…)`).
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                writeStandardError("cannot read the event: \(path): \(String(cString: strerror(errno)))\n")
                return 2
            }
            event = readToEnd(descriptor: descriptor)
            close(descriptor)
        }
        let handler: Handler
        switch LambdaRuntime.initialize(initialize, logger: logger) {
        case .success(let initialized):
            handler = initialized
        case .failure(let report):
            writeStandardOutput(String(decoding: report.jsonBody(), as: UTF8.self) + "\n")
            return 1
        }
        let nowMilliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let context = LambdaContext(
            requestId: "local-" + randomHex(16), deadlineEpochMilliseconds: nowMilliseconds + deadline.totalMilliseconds,
            invokedFunctionArn: "", traceId: nil, logger: logger, metrics: InvocationMetrics(names: Handler.metricNames)
        )
        let outcome = LambdaRuntime.invoke(handler, event: event, context: context)
        metrics?.emit(context.metrics)
        switch outcome {
        case .success(let payload):
            writeStandardOutput(String(decoding: payload, as: UTF8.self) + "\n")
            return 0
        case .failure(let report):
            context.logger.error("invocation failed: \(report.headerValue): \(report.errorMessage)")
            writeStandardOutput(String(decoding: report.jsonBody(), as: UTF8.self) + "\n")
            return 1
        }
    }

    private static func readToEnd(descriptor: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }

    private static func randomHex(_ length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in "0123456789abcdef".randomElement(using: &generator)! })
    }
}

func writeStandardOutput(_ text: String) { LogSink.fileDescriptor(1).write(text) }
func writeStandardError(_ text: String) { LogSink.fileDescriptor(2).write(text) }
