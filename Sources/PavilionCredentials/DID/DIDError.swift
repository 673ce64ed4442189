/// Why a DID, a key encoding or a DID document was refused. Equal by ``code``.
public struct DIDError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Not a DID or DID URL of a supported method, or malformed for its method.
        case invalidDID
        /// A DID method Pavilion does not resolve (only `key`, `jwk`, `web`).
        case unsupportedMethod
        /// Multibase, base58btc or multicodec input that does not decode.
        case invalidEncoding
        /// A key type the method or Pavilion does not support (e.g. secp256k1, X25519).
        case unsupportedKey
        /// A key that decodes but is not valid (point not on the curve, private key given).
        case invalidKey
        /// A DID document that is not JSON or breaks the DID Core rules Pavilion checks.
        case invalidDocument
        /// The document's `id` is not the DID that was resolved.
        case idMismatch
        /// The verification method named is not in the document, or not authorised
        /// for the relationship asked for (e.g. not an `assertionMethod`).
        case verificationMethodNotFound
        /// The did:web fetcher failed (network, HTTP status, size).
        case fetchFailed
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

    public static func == (lhs: DIDError, rhs: DIDError) -> Bool { lhs.code == rhs.code }
}
