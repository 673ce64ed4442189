/// Why an SD-JWT, a disclosure, a Key Binding JWT or an SD-JWT VC was
/// refused. Equal by ``code``; ``reason`` says what exactly, and
/// ``underlying`` carries the JOSE error when a signature check failed.
public struct SDJWTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// Not `<JWT>~<D1>~…~<Dn>~[<KB-JWT>]`: wrong shape, empty parts, a JWT that is not three parts.
        case invalidSerialization
        /// A disclosure that is not base64url of a JSON array of 2 or 3 elements with a string salt (and name).
        case invalidDisclosure
        /// The issuer-signed JWT's payload or header is malformed (not an object, `_sd` not an array of strings…).
        case invalidPayload
        /// A disclosure whose digest appears nowhere in the payload or in other disclosures.
        case disclosureWithoutDigest
        /// The same disclosure was sent twice.
        case duplicateDisclosure
        /// The same digest appears more than once in the payload (directly or through disclosures).
        case duplicateDigest
        /// A disclosed claim name already exists at its level.
        case claimNameCollision
        /// `_sd` or `...` used as a claim name, a 2-element disclosure in `_sd`, a 3-element one in an array,
        /// or `_sd_alg` below the top level.
        case reservedNameMisuse
        /// `_sd_alg` names a hash function that is unknown or not allowed.
        case unsupportedHashAlgorithm
        /// The issuer-signed JWT's signature, algorithm or key was refused (see ``underlying``).
        case issuerSignatureInvalid
        /// No issuer key fits the issuer-signed JWT.
        case issuerKeyUnknown
        /// The issuer-signed JWT's `typ` is not the expected one.
        case unexpectedType
        /// The credential expired (`exp`).
        case expired
        /// The credential is not valid yet (`nbf`, or `iat` in the future).
        case notYetValid
        /// A registered claim has the wrong type (e.g. `exp` not a number).
        case invalidClaim
        /// Key binding is required but the presentation has no KB-JWT.
        case kbMissing
        /// A KB-JWT was present where none may be (an issuance handed to a holder).
        case kbUnexpected
        /// Key binding is required but the payload has no usable `cnf.jwk`.
        case cnfMissing
        /// The KB-JWT's header is wrong: `typ` is not `kb+jwt`, or it is malformed.
        case kbInvalidHeader
        /// The KB-JWT's signature, algorithm or key was refused (see ``underlying``).
        case kbSignatureInvalid
        /// The KB-JWT lacks `iat`, `aud`, `nonce` or `sd_hash`, or one has the wrong type.
        case kbMissingClaim
        /// The KB-JWT's `nonce` is not the verifier's.
        case kbNonceMismatch
        /// The KB-JWT's `aud` is not the verifier.
        case kbAudienceMismatch
        /// The KB-JWT's `sd_hash` is not the digest of the presented SD-JWT.
        case kbSdHashMismatch
        /// The KB-JWT's `iat` is older than the verifier accepts.
        case kbExpired
        /// The KB-JWT's `iat` lies in the future beyond the allowed skew.
        case kbIssuedInFuture
        /// An SD-JWT VC lacks a required claim (`iss`, `vct`) or has one of the wrong type.
        case vcMissingClaim
        /// An SD-JWT VC claim that must stay visible (`iss`, `nbf`, `exp`, `cnf`, `vct`, `vct#integrity`, `status`)
        /// was made selectively disclosable.
        case vcClaimMustNotBeDisclosable
        /// Type or issuer metadata is malformed, does not match its integrity hash, or names another `vct`/issuer.
        case metadataInvalid
        /// The issuer's input claims hold `_sd` or `...`, or a disclosable path that does not exist.
        case invalidIssuanceInput
        /// Signing or the CSPRNG failed.
        case cryptoFailure
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly was wrong.
    public let reason: String
    /// The JOSE error beneath a signature refusal, if any.
    public let underlying: JOSEError?
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: what exactly was wrong.
    ///   - underlying: the JOSE error beneath it, if any.
    public init(_ code: Code, _ reason: String, underlying: JOSEError? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        if let underlying { return "\(code.rawValue): \(reason) (\(underlying))" }
        return "\(code.rawValue): \(reason)"
    }

    public static func == (lhs: SDJWTError, rhs: SDJWTError) -> Bool { lhs.code == rhs.code }
}
