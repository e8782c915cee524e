import FoundationEssentials
import Logging

#if canImport(Glibc)
import Glibc
import CurlHTTP
import Support
#endif

/// The bootstrap loop: initialise once, then `next` → handler → `response` or `error`, forever.
/// A handler error never ends the loop; only the Runtime API's 500, an unreachable Runtime API or a
/// failed initialisation do, and `run` returns why so `main` can exit with a non-zero status.
public final class LambdaRuntime {
    public enum Exit: Equatable, Sendable {
        case initializationFailed
        case containerError
        case runtimeAPIUnreachable
    }

    /// Attempts at `next` before giving up on an unreachable Runtime API, and the pause after each failure.
    public static let nextAttempts = 4
    public static let nextRetryDelay = Duration.milliseconds(50)

    private let api: RuntimeAPIClient
    private let logger: Logger
    private let metrics: MetricsEmitter?
    private let setTraceId: (String?) -> Void

    public init(api: RuntimeAPIClient, logger: Logger, metrics: MetricsEmitter? = nil,
                setTraceId: @escaping (String?) -> Void = LambdaRuntime.setTraceIdEnvironment) {
        self.api = api
        self.logger = logger
        self.metrics = metrics
        self.setTraceId = setTraceId
    }

    public func run<Handler: LambdaHandler>(initialize: () throws -> Handler) -> Exit {
        let handler: Handler
        switch Self.initialize(initialize, logger: logger) {
        case .success(let initialized):
            handler = initialized
        case .failure(let report):
            do {
                try api.reportInitializationError(InitializationErrorRequest(report: report))
            } catch {
                logger.error("could not report the initialisation error: \(error)")
            }
            return .initializationFailed
        }

        var failedAttempts = 0
        while true {
            let invocation: Invocation
            do {
                invocation = try api.next()
                failedAttempts = 0
            } catch .containerError {
                logger.critical("the Runtime API answered 500 to next: exiting")
                return .containerError
            } catch .malformedInvocation(.invalidDeadline(let value, let requestId)) {
                // The Runtime API is there but sent an unusable deadline: answer that invocation with the
                // error rather than guessing a deadline, and go on.
                let report = LambdaErrorReport(
                    origin: .runtime, errorType: "InvalidInvocation",
                    errorMessage: "Lambda-Runtime-Deadline-Ms \"\(value)\" is not a number of milliseconds"
                )
                logger.error("\(report.errorMessage)", metadata: ["requestId": "\(requestId)"])
                do {
                    try api.reportError(InvocationErrorRequest(requestId: requestId, report: report))
                } catch .containerError {
                    return .containerError
                } catch {
                    logger.error("could not report the invalid invocation: \(error)")
                }
                continue
            } catch {
                failedAttempts += 1
                logger.error("next invocation failed (attempt \(failedAttempts) of \(Self.nextAttempts)): \(error)")
                guard failedAttempts < Self.nextAttempts else {
                    logger.critical("the Runtime API did not deliver an invocation after \(failedAttempts) attempts: exiting")
                    return .runtimeAPIUnreachable
                }
                sleepThread(for: Self.nextRetryDelay * failedAttempts)
                continue
            }
            if let exit = process(invocation, with: handler) { return exit }
        }
    }

    /// Runs a function's initialisation; a failure becomes the report either mode delivers, logged once.
    static func initialize<Handler>(_ initialize: () throws -> Handler, logger: Logger) -> Result<Handler, LambdaErrorReport> {
        do {
            return .success(try initialize())
        } catch {
            let report = LambdaErrorReport(initializationError: error)
            logger.critical("initialisation failed: \(report.errorMessage)")
            return .failure(report)
        }
    }

    /// Runs one invocation and delivers its result; returns an exit only when the Runtime API is broken.
    private func process<Handler: LambdaHandler>(_ invocation: Invocation, with handler: Handler) -> Exit? {
        setTraceId(invocation.traceId)
        let context = LambdaContext(
            requestId: invocation.requestId, deadlineEpochMilliseconds: invocation.deadlineEpochMilliseconds,
            invokedFunctionArn: invocation.invokedFunctionArn, traceId: invocation.traceId, logger: logger,
            metrics: InvocationMetrics(names: Handler.metricNames)
        )
        let outcome = Self.invoke(handler, event: invocation.event, context: context)
        // Before the answer: once Lambda has it, the environment may be frozen until the next event.
        metrics?.emit(context.metrics)
        do throws(RuntimeAPIError) {
            switch outcome {
            case .success(let payload):
                do throws(RuntimeAPIError) {
                    try api.respond(InvocationResponseRequest(requestId: invocation.requestId, payload: payload))
                } catch .rejected(let operation, let status, let message) where status == 413 {
                    context.logger.error("the Runtime API refused the result as too large (\(operation): \(message))")
                    try report(Self.tooLarge(payload.count), for: context)
                }
            case .failure(let errorReport):
                try report(errorReport, for: context)
            }
        } catch .containerError {
            context.logger.critical("the Runtime API answered 500: exiting")
            return .containerError
        } catch {
            // The Runtime API refused or lost this answer; the next `next` tells whether it is still there.
            context.logger.error("could not deliver the result: \(error)")
        }
        return nil
    }

    private func report(_ errorReport: LambdaErrorReport, for context: LambdaContext) throws(RuntimeAPIError) {
        context.logger.error("invocation failed: \(errorReport.headerValue): \(errorReport.errorMessage)")
        try api.reportError(InvocationErrorRequest(requestId: context.requestId, report: errorReport))
    }

    /// The handler's result as the JSON payload to send, or the error to report instead.
    static func invoke<Handler: LambdaHandler>(_ handler: Handler, event: Data, context: LambdaContext) -> Result<Data, LambdaErrorReport> {
        let output: Handler.Output
        do {
            output = try handler.handle(event, context: context)
        } catch {
            return .failure(LambdaErrorReport(handlerError: error))
        }
        let payload: Data
        do {
            payload = try JSONEncoder.lambda.encode(output)
        } catch {
            return .failure(LambdaErrorReport(origin: .runtime, errorType: "ResponseEncodingFailed", errorMessage: "could not encode the result as JSON: \(error)"))
        }
        guard payload.count <= InvocationResponseRequest.maximumPayloadBytes else {
            return .failure(tooLarge(payload.count))
        }
        return .success(payload)
    }

    static func tooLarge(_ size: Int) -> LambdaErrorReport {
        LambdaErrorReport(
            origin: .function, errorType: "ResponseSizeTooLarge",
            errorMessage: "the result is \(size) bytes, over Lambda's limit of \(InvocationResponseRequest.maximumPayloadBytes) bytes"
        )
    }

    /// X-Ray and the AWS SDKs read the trace header from `_X_AMZN_TRACE_ID`; Lambda sets it per invocation.
    public static func setTraceIdEnvironment(_ traceId: String?) {
        if let traceId {
            setenv("_X_AMZN_TRACE_ID", traceId, 1)
        } else {
            unsetenv("_X_AMZN_TRACE_ID")
        }
    }
}
