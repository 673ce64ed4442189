/// Why a lineage graph, a quality policy or an export was refused. Equal by
/// code; the reason names fields and ids, never data values.
public struct LineageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; more may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A serialised graph is not the shape ``LineageGraph/init(json:)`` reads.
        public static let malformedGraph = Code("malformedGraph")
        /// Two nodes share an id.
        public static let duplicateNode = Code("duplicateNode")
        /// An edge names a node the graph does not have.
        public static let danglingEdge = Code("danglingEdge")
        /// A digest is not a named algorithm and lowercase hex.
        public static let invalidDigest = Code("invalidDigest")
        /// A timestamp is not RFC 3339 UTC.
        public static let invalidTimestamp = Code("invalidTimestamp")
    }

    /// The kind.
    public let code: Code
    /// Why.
    public let reason: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind.
    ///   - reason: why, without data values.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// `malformedGraph: …`.
    public var description: String { "\(code): \(reason)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
