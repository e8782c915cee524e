import FoundationEssentials

/// Stands in for a function whose handler has not landed yet: every invocation is answered with an
/// error that says so, never with a result that pretends the event was handled.
public struct NotYetImplementedHandler: LambdaHandler {
    public struct NotImplemented: LambdaReportableError, CustomStringConvertible {
        public let function: String
        public var errorType: String { "NotImplemented" }
        public var description: String { "\(function) does not handle events yet: its handler has not been built" }
    }

    public let function: String

    public init(function: String) {
        self.function = function
    }

    public func handle(_ event: Data, context: LambdaContext) throws -> [String: String] {
        throw NotImplemented(function: function)
    }
}
