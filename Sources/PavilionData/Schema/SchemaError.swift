/// Why a schema was refused when it was compiled, and where.
///
/// Equal by ``code``, so tests and callers can match the kind of problem
/// while the reason and location stay free to improve.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of problem a schema can have.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, e.g. `invalidKeyword`.
        public var description: String { name }

        /// A keyword's value has the wrong type or is out of range.
        public static let invalidKeyword = Code("invalidKeyword")
        /// A `$ref` or `$dynamicRef` names nothing the compiler can find.
        public static let unresolvedReference = Code("unresolvedReference")
        /// References loop back to the same schema without consuming any
        /// part of the instance, so evaluation would never end.
        public static let referenceCycle = Code("referenceCycle")
        /// The metaschema requires a vocabulary this validator does not know.
        public static let unsupportedVocabulary = Code("unsupportedVocabulary")
        /// A `pattern` or `patternProperties` key is not a usable regular expression.
        public static let invalidPattern = Code("invalidPattern")
        /// Two schema resources claim the same `$id` or anchor.
        public static let duplicateIdentifier = Code("duplicateIdentifier")
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong, for people.
    public let reason: String
    /// The URI of the document holding the bad keyword when it is not the
    /// schema being compiled (a registered document), else `nil`.
    public let document: String?
    /// RFC 6901 JSON Pointer to the bad keyword within its document.
    public let pointer: String
    /// Where in Pavilion the error was raised.
    public let file: String
    /// Line in ``file``.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of problem.
    ///   - reason: what is wrong.
    ///   - document: the registered document's URI, `nil` for the schema itself.
    ///   - pointer: JSON Pointer to the bad keyword.
    public init(_ code: Code, _ reason: String, document: String? = nil, pointer: String,
                file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.document = document
        self.pointer = pointer
        self.file = file
        self.line = line
    }

    /// `pointer: reason`, the pointer prefixed by the document URI when the
    /// keyword is in a registered document.
    public var description: String {
        let place = document.map { "\($0)#\(pointer)" } ?? (pointer.isEmpty ? "(root)" : pointer)
        return "\(place): \(reason)"
    }

    /// Equal when the codes are equal.
    public static func == (lhs: SchemaError, rhs: SchemaError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
