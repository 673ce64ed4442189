/// Why a Data Integrity proof could not be made or was refused. Equal by ``code``.
public struct DataIntegrityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure; each names the check that failed.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The document is not a JSON object, or has no usable canonical form.
        case malformedDocument
        /// `proof` is missing, not one object, or a member has the wrong type.
        case malformedProof
        /// `type` is not `DataIntegrityProof` or the cryptosuite is not
        /// `ecdsa-jcs-2019`/`eddsa-jcs-2022`.
        case unsupportedCryptosuite
        /// The proof's `@context` is not a prefix of the document's.
        case contextMismatch
        /// `proofPurpose` is not the one the verifier expects.
        case proofPurposeMismatch
        /// `created` is not a dateTimeStamp.
        case invalidCreated
        /// `created` is later than now plus the allowed clock skew.
        case createdInFuture
        /// `expires` has passed.
        case proofExpired
        /// `domain` or `challenge` differ from what the verifier expects.
        case domainOrChallengeMismatch
        /// The verification method could not be resolved or is not authorised for the purpose.
        case keyResolutionFailed
        /// The key does not fit the cryptosuite (e.g. Ed25519 for ecdsa-jcs-2019).
        case keyMismatch
        /// `proofValue` is not multibase base58btc of a signature of the right length.
        case malformedProofValue
        /// The signature does not verify: the document or the proof was altered, or another key signed.
        case badSignature
        /// The signer failed.
        case signingFailed
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

    public static func == (lhs: DataIntegrityError, rhs: DataIntegrityError) -> Bool { lhs.code == rhs.code }
}
