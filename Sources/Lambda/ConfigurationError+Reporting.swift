import Support

/// A configuration error stops the start: Lambda records it as `Runtime.InvalidConfiguration`.
extension ConfigurationError: LambdaReportableError {
    public var errorType: String { "InvalidConfiguration" }
}
