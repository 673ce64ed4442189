import PavilionCrypto

/// Why an OPRF operation failed, with the error names of RFC 9497 §5.
/// Equal by ``code``.
public struct OPRFError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; may grow.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A group element or scalar failed to deserialise: wrong length,
        /// not on the curve, the identity, or a scalar not below the order.
        public static let deserializeError = Code("DeserializeError")
        /// The input maps to the identity, a POPRF tweaked key is the
        /// identity, or an input or info is longer than 65535 bytes.
        public static let invalidInputError = Code("InvalidInputError")
        /// A DLEQ proof did not verify.
        public static let verifyError = Code("VerifyError")
        /// A POPRF tweak `skS + m` is zero, so it cannot be inverted.
        public static let inverseError = Code("InverseError")
        /// `DeriveKeyPair` found no non-zero scalar in 256 tries.
        public static let deriveKeyPairError = Code("DeriveKeyPairError")
        /// A batch is empty, or its parts (inputs, blinded, evaluated) differ in length.
        public static let batchSizeMismatch = Code("BatchSizeMismatch")
        /// A value belongs to another suite or mode than the object it is given to.
        public static let suiteMismatch = Code("SuiteMismatch")
        /// An OpenSSL call failed; ``OPRFError/reason`` names it.
        public static let cryptoFailure = Code("CryptoFailure")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// Details for logs (never secret values).
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// An error with `code` and `reason`, recording the caller's location.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: OPRFError, rhs: OPRFError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code): \(reason) (\(file):\(line))" }
}

/// Run OpenSSL-backed arithmetic, turning a ``CryptoError`` into `.cryptoFailure`.
func crypto<T>(file: String = #fileID, line: Int = #line, _ body: () throws(CryptoError) -> T) throws(OPRFError) -> T {
    do { return try body() } catch { throw OPRFError(.cryptoFailure, error.description, file: file, line: line) }
}

/// Run hash-to-curve, turning a ``HashToCurveError`` into `.cryptoFailure`
/// (the OPRF's lengths are always within the RFC 9380 limits).
func hashing<T>(file: String = #fileID, line: Int = #line, _ body: () throws(HashToCurveError) -> T) throws(OPRFError) -> T {
    do { return try body() } catch { throw OPRFError(.cryptoFailure, error.description, file: file, line: line) }
}
