/// Why a JOSE object or key was refused. Equal by ``code``; the
/// ``reason`` says what exactly, for logs and reports.
public struct JOSEError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Not base64url, not the right number of parts, not a JSON object where one is needed.
        case invalidEncoding
        /// A header is malformed: bad JSON, a missing or mistyped member,
        /// names both protected and unprotected, `crit` misused.
        case invalidHeader
        /// A JWK is malformed or its parts do not fit together.
        case invalidKey
        /// A key type or curve Pavilion does not support (e.g. `oct`, P-521).
        case unsupportedKey
        /// An `alg`, `enc` or `zip` Pavilion does not implement (e.g. HS256, ES512).
        case unsupportedAlgorithm
        /// A supported algorithm the caller did not allow.
        case algorithmNotAllowed
        /// `alg: none`: an unsecured JWS is never accepted.
        case unsecuredJWSRefused
        /// The key does not fit the algorithm (type, curve, `alg`, `use`, `key_ops`, `kid`).
        case keyMismatch
        /// The signature does not verify.
        case badSignature
        /// A critical header parameter (`crit`) this code does not understand.
        case criticalHeaderUnsupported
        /// A JWE did not decrypt: key unwrap or authentication tag failed.
        case decryptionFailed
        /// OpenSSL failed for a reason unrelated to the input.
        case cryptoFailure
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly was wrong.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: what exactly was wrong.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: JOSEError, rhs: JOSEError) -> Bool { lhs.code == rhs.code }
}
