/// Resolves did:key, did:jwk and did:web (through the host's fetcher) and
/// finds verification methods for a relationship.
public struct DIDResolver: Sendable {
    private let webFetcher: (any DIDWebFetcher)?

    /// - Parameter webFetcher: the HTTP client for did:web; without one did:web is refused.
    public init(webFetcher: (any DIDWebFetcher)? = nil) {
        self.webFetcher = webFetcher
    }

    /// Resolve `did` (a fragment is ignored).
    /// - Parameter did: a DID or DID URL.
    /// - Returns: its document.
    /// - Throws: ``DIDError``: `unsupportedMethod` for other methods (or did:web without a fetcher), or the method's errors.
    public func resolve(_ did: String) async throws(DIDError) -> DIDDocument {
        let (base, _) = DIDSyntax.splitFragment(did)
        if base.hasPrefix("did:key:") { return try DIDKey.resolve(base) }
        if base.hasPrefix("did:jwk:") { return try DIDJWK.resolve(base) }
        if base.hasPrefix("did:web:") {
            guard let webFetcher else { throw DIDError(.unsupportedMethod, "did:web needs an HTTP fetcher, none configured") }
            return try await DIDWeb.resolve(base, fetcher: webFetcher)
        }
        guard base.hasPrefix("did:") else { throw DIDError(.invalidDID, "\(did) is not a DID") }
        throw DIDError(.unsupportedMethod, "DID method of \(did) is not supported (key, jwk, web are)")
    }

    /// The verification method a DID URL names, checked to be authorised for `relationship`.
    /// - Parameters:
    ///   - didURL: `did:…#fragment`.
    ///   - relationship: e.g. `assertionMethod` for an issuer's proof.
    /// - Returns: the method with its public key.
    /// - Throws: ``DIDError`` as ``resolve(_:)``, or `verificationMethodNotFound`.
    public func verificationMethod(_ didURL: String, for relationship: VerificationRelationship) async throws(DIDError) -> VerificationMethod {
        guard didURL.contains("#") else { throw DIDError(.invalidDID, "\(didURL) names no verification method (no #fragment)") }
        return try await resolve(didURL).verificationMethod(didURL, for: relationship)
    }
}
