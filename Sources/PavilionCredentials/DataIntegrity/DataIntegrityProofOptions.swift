import Foundation

/// What a new proof says about itself (the proof configuration of
/// W3C VC Data Integrity §4.2 before it is signed).
public struct DataIntegrityProofOptions: Sendable {
    /// The cryptosuite.
    public var cryptosuite: DataIntegrityCryptosuite
    /// The DID URL of the key, e.g. `did:key:zDn…#zDn…`; `nil` uses the
    /// signer's own did:key.
    public var verificationMethod: String?
    /// Why the proof is made; `assertionMethod` for issuing credentials.
    public var proofPurpose: String
    /// When; written as a dateTimeStamp in whole seconds. `nil` leaves `created` out.
    public var created: Date?
    /// When the proof stops being valid, if ever.
    public var expires: Date?
    /// The security domain the proof is restricted to, if any.
    public var domain: String?
    /// The verifier's challenge, if any.
    public var challenge: String?

    /// - Parameters:
    ///   - cryptosuite: the cryptosuite.
    ///   - verificationMethod: the key's DID URL, or `nil` for the signer's did:key.
    ///   - proofPurpose: `assertionMethod` unless given.
    ///   - created: the creation time.
    ///   - expires: the expiry, if any.
    ///   - domain: the domain, if any.
    ///   - challenge: the challenge, if any.
    public init(cryptosuite: DataIntegrityCryptosuite, verificationMethod: String? = nil, proofPurpose: String = "assertionMethod",
                created: Date?, expires: Date? = nil, domain: String? = nil, challenge: String? = nil) {
        self.cryptosuite = cryptosuite
        self.verificationMethod = verificationMethod
        self.proofPurpose = proofPurpose
        self.created = created
        self.expires = expires
        self.domain = domain
        self.challenge = challenge
    }
}

/// What a verifier expects of a proof besides a valid signature.
public struct DataIntegrityVerificationOptions: Sendable {
    /// The purpose the proof must state.
    public var expectedProofPurpose: String
    /// The domain the proof must state, if the verifier set one.
    public var expectedDomain: String?
    /// The challenge the proof must state, if the verifier issued one.
    public var expectedChallenge: String?
    /// How far in the future `created` may be (clock skew between issuer and verifier).
    public var maxClockSkew: TimeInterval

    /// - Parameters:
    ///   - expectedProofPurpose: `assertionMethod` unless given.
    ///   - expectedDomain: the domain, if any.
    ///   - expectedChallenge: the challenge, if any.
    ///   - maxClockSkew: seconds of tolerated skew, 60 unless given.
    public init(expectedProofPurpose: String = "assertionMethod", expectedDomain: String? = nil,
                expectedChallenge: String? = nil, maxClockSkew: TimeInterval = 60) {
        self.expectedProofPurpose = expectedProofPurpose
        self.expectedDomain = expectedDomain
        self.expectedChallenge = expectedChallenge
        self.maxClockSkew = maxClockSkew
    }
}
