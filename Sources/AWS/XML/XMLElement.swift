import CExpat
import FoundationEssentials
import CurlHTTP
import Support

/// A small XML tree built with expat: enough for the query-protocol answers of EC2 and SNS and for
/// AWS's XML errors. Namespaces are not processed, so names are as written (`reservationSet`).
public final class XMLElement {
    public let name: String
    public private(set) var children: [XMLElement] = []
    public private(set) var text = ""

    init(name: String) {
        self.name = name
    }

    /// The first child called `name`.
    public func child(_ name: String) -> XMLElement? {
        children.first { $0.name == name }
    }

    public func children(_ name: String) -> [XMLElement] {
        children.filter { $0.name == name }
    }

    /// Follows a path of child names: `element["instanceState", "name"]`.
    public subscript(path: String...) -> XMLElement? {
        var current: XMLElement? = self
        for name in path { current = current?.child(name) }
        return current
    }

    /// The text of the child at `path`, if it exists.
    public func string(_ path: String...) -> String? {
        var current: XMLElement? = self
        for name in path { current = current?.child(name) }
        return current?.text
    }

    /// The first element called `name` at any depth, this one included (depth-first).
    public func firstDescendant(_ name: String) -> XMLElement? {
        if self.name == name { return self }
        for child in children {
            if let found = child.firstDescendant(name) { return found }
        }
        return nil
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case malformed(line: Int, reason: String)
        case empty

        public var description: String {
            switch self {
            case .malformed(let line, let reason): return "malformed XML at line \(line): \(reason)"
            case .empty: return "no XML document"
            }
        }
    }

    /// Parses a whole document and returns its root element.
    public static func parse(_ data: Data) throws(ParseError) -> XMLElement {
        guard let parser = XML_ParserCreate(nil) else { fatalError("XML_ParserCreate failed: out of memory") }
        defer { XML_ParserFree(parser) }
        let builder = TreeBuilder()
        XML_SetUserData(parser, Unmanaged.passUnretained(builder).toOpaque())
        XML_SetElementHandler(parser, { context, name, _ in
            TreeBuilder.from(context).start(name.map { String(cString: $0) } ?? "")
        }, { context, _ in
            TreeBuilder.from(context).end()
        })
        XML_SetCharacterDataHandler(parser, { context, characters, length in
            guard let characters, length > 0 else { return }
            let bytes = UnsafeRawBufferPointer(start: characters, count: Int(length))
            TreeBuilder.from(context).characters(bytes)
        })
        let status = data.withUnsafeBytes { buffer in
            XML_Parse(parser, buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), 1)
        }
        guard status == XML_STATUS_OK else {
            let reason = XML_ErrorString(XML_GetErrorCode(parser)).map { String(cString: $0) } ?? "unknown error"
            throw .malformed(line: Int(XML_GetCurrentLineNumber(parser)), reason: reason)
        }
        guard let root = builder.root else { throw .empty }
        return root
    }

    private final class TreeBuilder {
        var root: XMLElement?
        var stack: [XMLElement] = []
        var pendingText: [UInt8] = []

        static func from(_ context: UnsafeMutableRawPointer?) -> TreeBuilder {
            Unmanaged<TreeBuilder>.fromOpaque(context!).takeUnretainedValue()
        }

        func start(_ name: String) {
            flushText()
            let element = XMLElement(name: name)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func end() {
            flushText()
            _ = stack.popLast()
        }

        func characters(_ bytes: UnsafeRawBufferPointer) {
            pendingText.append(contentsOf: bytes)
        }

        /// Expat delivers text in pieces; they are joined. A parent also collects the whitespace
        /// between its children, so values are read from leaves.
        private func flushText() {
            guard let current = stack.last, !pendingText.isEmpty else {
                pendingText.removeAll(keepingCapacity: true)
                return
            }
            current.text += String(decoding: pendingText, as: UTF8.self)
            pendingText.removeAll(keepingCapacity: true)
        }
    }
}
