/// A signing key pair on a token: a private key that never leaves it and
/// its public key, sharing a `CKA_LABEL` and a `CKA_ID`.
///
/// Object handles are valid only while the ``PKCS11Token`` that found the
/// pair stays open; after reopening, find the pair again by label.
public struct PKCS11KeyPair: Sendable, Hashable {
    /// `CKA_LABEL` of both objects.
    public let label: String
    /// `CKA_ID` of both objects (16 random bytes for keys Pavilion made).
    public let id: [UInt8]
    /// The public key, read from the public object's `CKA_EC_POINT`.
    public let publicKey: PublicKeyDescription
    /// The private key's protection attributes as the token reports them.
    public let policy: HSMKeyPolicy
    /// The algorithm the pair signs with.
    public var algorithm: SigningAlgorithm { publicKey.algorithm }
    /// The private key object's handle in this token's application.
    let privateHandle: UInt
    /// The public key object's handle.
    let publicHandle: UInt

    init(label: String, id: [UInt8], publicKey: PublicKeyDescription, policy: HSMKeyPolicy,
         privateHandle: UInt, publicHandle: UInt) {
        self.label = label
        self.id = id
        self.publicKey = publicKey
        self.policy = policy
        self.privateHandle = privateHandle
        self.publicHandle = publicHandle
    }
}

/// A private key's protection attributes, read from the token with
/// `C_GetAttributeValue`. `nil` means the token did not say.
public struct HSMKeyPolicy: Sendable, Hashable {
    /// `CKA_TOKEN`: stored on the token (not a session object).
    public var isTokenObject: Bool?
    /// `CKA_PRIVATE`: usable only after login.
    public var isPrivate: Bool?
    /// `CKA_SENSITIVE`: the value can never be read in plaintext.
    public var isSensitive: Bool?
    /// `CKA_EXTRACTABLE`: the value can be wrapped out.
    public var isExtractable: Bool?
    /// `CKA_ALWAYS_SENSITIVE`: sensitive since it was made (so generated in the token).
    public var wasAlwaysSensitive: Bool?
    /// `CKA_NEVER_EXTRACTABLE`: never extractable since it was made.
    public var wasNeverExtractable: Bool?
    /// `CKA_SIGN`.
    public var canSign: Bool?
    /// The other uses the key allows, among `CKA_DECRYPT`, `CKA_UNWRAP`,
    /// `CKA_DERIVE`, `CKA_SIGN_RECOVER`.
    public var otherUses: [String]

    /// What breaks Pavilion's policy for a signing key: it must be a token
    /// object, private, sensitive and never-extractable since creation,
    /// allowed to sign and nothing else. Empty when the key complies.
    public var violations: [String] {
        var found: [String] = []
        if isTokenObject != true { found.append("CKA_TOKEN is not TRUE") }
        if isPrivate != true { found.append("CKA_PRIVATE is not TRUE") }
        if isSensitive != true { found.append("CKA_SENSITIVE is not TRUE") }
        if isExtractable != false { found.append("CKA_EXTRACTABLE is not FALSE") }
        if wasAlwaysSensitive != true { found.append("CKA_ALWAYS_SENSITIVE is not TRUE (the key was once readable)") }
        if wasNeverExtractable != true { found.append("CKA_NEVER_EXTRACTABLE is not TRUE (the key was once extractable)") }
        if canSign != true { found.append("CKA_SIGN is not TRUE") }
        found += otherUses.map { "\($0) is TRUE" }
        return found
    }
}
