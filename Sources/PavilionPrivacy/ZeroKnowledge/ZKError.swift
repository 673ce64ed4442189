import PavilionCrypto

/// Why a zero-knowledge proof was not produced or not accepted. Equal by ``code``.
public struct ZKError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; may grow.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The proof does not verify against this statement and context: an
        /// altered commitment, challenge or response, another statement, or
        /// a replay under another context.
        public static let verificationFailed = Code("VerificationFailed")
        /// A serialised proof, commitment or point is malformed: wrong length,
        /// a scalar ≥ n, a point off the curve or the identity.
        public static let invalidEncoding = Code("InvalidEncoding")
        /// The prover's witness does not satisfy the statement; no proof is made.
        public static let witnessMismatch = Code("WitnessMismatch")
        /// A range proof was asked for a value outside `[0, 2^k)`, or `k` is
        /// outside `1...64`; no proof is made.
        public static let valueOutOfRange = Code("ValueOutOfRange")
        /// A Pedersen opening does not match its commitment.
        public static let openingMismatch = Code("OpeningMismatch")
        /// An OpenSSL call or hash-to-curve failed; ``ZKError/reason`` names it.
        public static let cryptoFailure = Code("CryptoFailure")

        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// Details for logs; never a secret.
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

    public static func == (lhs: ZKError, rhs: ZKError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code): \(reason) (\(file):\(line))" }

    /// Run `body`, converting OpenSSL and hash-to-curve failures to `.cryptoFailure`.
    static func wrap<T>(file: String = #fileID, line: Int = #line, _ body: () throws -> T) throws(ZKError) -> T {
        do {
            return try body()
        } catch let error as ZKError {
            throw error
        } catch {
            throw ZKError(.cryptoFailure, "\(error)", file: file, line: line)
        }
    }
}
