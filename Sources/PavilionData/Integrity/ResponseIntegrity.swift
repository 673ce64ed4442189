/// The host's one call before it uses a DP response: digest it, verify its
/// signature when the connector's DP signs, and say what to record.
public struct ResponseIntegrity: Sendable {
    /// How a connector's DP signs, from its manifest; `nil` when it does not.
    public var requiredScheme: ResponseSignatureScheme?
    /// The verifier for ``requiredScheme``.
    public var verifier: (any ResponseSignatureVerifier)?
    /// SHA-256 for response bodies.
    public var digester: ContentDigester

    /// - Parameters:
    ///   - requiredScheme: the scheme a signing DP uses, or `nil`.
    ///   - verifier: its verifier (required when `requiredScheme` is set).
    ///   - digester: SHA-256.
    public init(requiredScheme: ResponseSignatureScheme?, verifier: (any ResponseSignatureVerifier)?, digester: ContentDigester) {
        self.requiredScheme = requiredScheme
        self.verifier = verifier
        self.digester = digester
    }

    /// Check `response`.
    /// - Parameter response: as received.
    /// - Returns: the body's digest, the verified signature (or `nil` for a
    ///   connector whose DP does not sign) and the bytes to use.
    /// - Throws: ``ResponseSignatureError``: `unsigned` when a signature is
    ///   required and no verifier is configured, or what the verifier throws.
    public func check(_ response: SignedResponse) throws(ResponseSignatureError) -> CheckedResponse {
        let digest = digester.digest(response.body)
        guard let scheme = requiredScheme else {
            return CheckedResponse(digest: digest, signature: nil, payload: response.body)
        }
        guard let verifier, verifier.scheme == scheme else {
            throw ResponseSignatureError(.unsigned, "the connector requires \(scheme.rawValue) signatures and no verifier for it is configured")
        }
        let verified = try verifier.verify(response)
        return CheckedResponse(digest: digest, signature: verified, payload: verified.payload)
    }
}

/// What ``ResponseIntegrity/check(_:)`` established.
public struct CheckedResponse: Sendable, Hashable {
    /// The digest of the body as received.
    public var digest: ContentDigest
    /// The verified signature, or `nil` when the DP does not sign.
    public var signature: VerifiedResponseSignature?
    /// The bytes to read the data from.
    public var payload: [UInt8]

    /// - Parameters: the fields above.
    public init(digest: ContentDigest, signature: VerifiedResponseSignature?, payload: [UInt8]) {
        self.digest = digest
        self.signature = signature
        self.payload = payload
    }
}
