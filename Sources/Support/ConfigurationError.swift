/// A configuration problem found at start-up. The message names the variable; a value is quoted only
/// when it is not a secret, so the message can go to the log and to the Runtime API as it is.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case missingVariable(String, hint: String)
    case invalidValue(variable: String, value: String?, expected: String)

    public var description: String {
        switch self {
        case .missingVariable(let name, let hint):
            return "\(name) is not set: \(hint)"
        case .invalidValue(let name, let value, let expected):
            if let value { return "\(name)=\"\(value)\" is not valid: expected \(expected)" }
            return "\(name) is not valid: expected \(expected)"
        }
    }
}
