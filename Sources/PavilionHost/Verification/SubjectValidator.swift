import PavilionCore

/// One way an instance breaks a schema: where (a JSON Pointer) and which
/// rule. Never the offending value, which may be personal data.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer to the value, `""` for the root.
    public var pointer: String
    /// The schema keyword that failed, e.g. `pattern`.
    public var keyword: String
    /// Why, without the value.
    public var message: String

    /// - Parameters: the fields above.
    public init(pointer: String, keyword: String, message: String) {
        self.pointer = pointer
        self.keyword = keyword
        self.message = message
    }

    /// `pointer: message`.
    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
}

/// The validation stage's seam: checks a JSON instance against a JSON
/// Schema (2020-12) from a manifest; ``JSONSchemaSubjectValidator`` is the
/// implementation the service uses.
public protocol SubjectValidator: Sendable {
    /// Check `instance` against `schema`.
    /// - Returns: every violation found; empty when valid.
    func validate(_ instance: JSONValue, against schema: JSONValue) -> [SchemaViolation]
}
