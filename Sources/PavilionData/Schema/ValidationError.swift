/// One way an instance fails its schema.
public struct ValidationError: Sendable, Hashable, CustomStringConvertible {
    /// RFC 6901 JSON Pointer to the failing value in the instance; empty for
    /// the whole instance.
    public let instanceLocation: String
    /// JSON Pointer to the failing keyword along the evaluation path through
    /// the schema (through any `$ref`), e.g. `/properties/age/minimum`.
    public let keyword: String
    /// What is wrong, for people.
    public let message: String

    /// - Parameters:
    ///   - instanceLocation: pointer to the failing value.
    ///   - keyword: pointer to the failing keyword.
    ///   - message: what is wrong.
    public init(instanceLocation: String, keyword: String, message: String) {
        self.instanceLocation = instanceLocation
        self.keyword = keyword
        self.message = message
    }

    /// `instanceLocation: keyword: message`.
    public var description: String { "\(instanceLocation): \(keyword): \(message)" }
}
