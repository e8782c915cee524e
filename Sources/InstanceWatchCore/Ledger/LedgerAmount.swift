import AWS

/// Dollars as the ledger keeps them (a price, a week's cost): a DynamoDB number that is finite and
/// not negative. Anything else is no amount at all: written, left out; read, nil.
extension AttributeValue {
    static func amount(_ value: Double?) -> AttributeValue? {
        guard let value, value.isFinite, value >= 0 else { return nil }
        return .n(String(value))
    }

    var amount: Double? {
        guard case .n(let text) = self, let value = Double(text), value.isFinite, value >= 0 else { return nil }
        return value
    }
}
