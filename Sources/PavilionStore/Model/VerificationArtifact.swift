import PavilionCrypto

/// Something a verification produced besides its claims, kept with it and
/// written in the same transaction: the issued credential, the lineage
/// graph, the quality report, the privacy receipt. Its digest goes into the
/// verification's audit record, so the hash chain covers it without holding
/// it (see `docs/store.md`, "Artifacts").
///
/// Like the verification's result, an artifact never holds the subject's
/// attributes: it is built from minimised claims and identifiers.
public struct VerificationArtifact: Sendable, Hashable {
    /// What it is, a token such as `credential`, `lineage`, `quality`,
    /// `privacy_receipt`; one of each kind per verification.
    public var kind: String
    /// Its media type, e.g. `application/json`, `application/dc+sd-jwt`.
    public var mediaType: String
    /// The bytes.
    public var body: [UInt8]

    /// The largest body accepted, in bytes.
    public static let maxBodyBytes = 1 << 20

    /// `sha256:` and the lowercase hex SHA-256 of ``body``.
    public var digest: String { "sha256:" + SHA256.hex(body) }

    /// - Parameters: see the properties.
    public init(kind: String, mediaType: String, body: [UInt8]) {
        self.kind = kind
        self.mediaType = mediaType
        self.body = body
    }

    /// Check the shapes the store relies on.
    func validate() throws(StoreError) {
        try Validation.require(Validation.isToken(kind), "artifact kind \(Validation.quoted(kind)) is not a token")
        try Validation.require(!mediaType.isEmpty && mediaType.utf8.count <= 128
                                   && mediaType.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F },
                               "artifact media type \(Validation.quoted(mediaType)) is not a media type")
        try Validation.require(body.count <= Self.maxBodyBytes,
                               "a \(kind) artifact of \(body.count) bytes exceeds \(Self.maxBodyBytes)")
    }
}
