/// Why a Merkle proof could not be made or did not verify.
///
/// Equal by ``code`` only, so tests and callers can compare against
/// `MerkleProofError(.rootMismatch)`-style values whatever the reason text.
public struct MerkleProofError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; may grow.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        /// A leaf index at or beyond the tree size, or sizes out of order
        /// (the first tree larger than the second, a size of zero, a size
        /// beyond the log).
        public static let invalidSize = Code(name: "invalidSize")
        /// The proof has the wrong number of hashes, or a hash of the wrong length.
        public static let malformedProof = Code(name: "malformedProof")
        /// The recomputed root differs from the one expected.
        public static let rootMismatch = Code(name: "rootMismatch")
        public var description: String { name }
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly went wrong, for people.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// An error of kind `code`.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: a sentence for people.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
