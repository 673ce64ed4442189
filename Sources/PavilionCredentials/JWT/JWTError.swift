/// Why a JWT was refused. Equal by ``code``.
public struct JWTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure; each names the check that failed.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The JWS did not verify or was malformed; ``JWTError/jose`` holds the JOSE reason.
        case signature
        /// The `typ` header is not the expected media type.
        case typeMismatch
        /// The payload is not a JSON object, or a registered claim has the wrong type.
        case malformedClaims
        /// A claim the validator requires is absent.
        case missingClaim
        /// `exp` is not after now (minus leeway).
        case expired
        /// `nbf` is after now (plus leeway).
        case notYetValid
        /// `iat` is after now (plus leeway).
        case issuedInFuture
        /// `iat` is older than the maximum age allowed.
        case tooOld
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly was wrong.
    public let reason: String
    /// The JOSE error behind a ``Code/signature`` failure.
    public let jose: JOSEError?
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: what exactly was wrong.
    ///   - jose: the JOSE error behind it, if any.
    public init(_ code: Code, _ reason: String, jose: JOSEError? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.jose = jose
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: JWTError, rhs: JWTError) -> Bool { lhs.code == rhs.code }
}
