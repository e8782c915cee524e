import Support

/// What is wrong with one of the operators' JSON documents (routes, policies), and where: a line
/// and column for bad JSON, a path such as `owners.payments.slackWebhook` for a bad value. Never a
/// value: the documents live in SecureStrings, and what their authors put there stays there.
public struct DocumentProblem: Error, Equatable, CustomStringConvertible {
    public var place: String
    public var problem: String
    public var description: String { "at \(place): \(problem)" }

    public init(place: String, problem: String) {
        self.place = place
        self.problem = problem
    }
}

/// Reading the operators' JSON documents: the JSON itself, then objects by their place.
enum SettingsDocument {
    /// The document's JSON; bad JSON is a problem at its line and column.
    static func json(_ text: String) throws(DocumentProblem) -> JSONDocument {
        do {
            return try JSONDocument.parse(text)
        } catch {
            throw DocumentProblem(place: "line \(error.line), column \(error.column)", problem: error.problem)
        }
    }

    /// An object's members, or a problem at `place` that says what was found instead.
    static func object(_ value: JSONDocument, at place: String) throws(DocumentProblem) -> [(key: String, value: JSONDocument)] {
        guard case .object(let members) = value else { throw DocumentProblem(place: place, problem: "expected an object, found \(value.kindDescription)") }
        return members
    }
}
