import PavilionCore

/// What a holder needs to bind a presentation to a verifier's request.
public struct KeyBindingRequest: Sendable {
    /// The verifier (`aud`).
    public var audience: String
    /// The verifier's nonce.
    public var nonce: String
    /// `iat`, Unix seconds.
    public var issuedAt: Int64
    /// The holder's key: the private half of the SD-JWT's `cnf.jwk`.
    public var signer: any JWSSigner

    /// - Parameters:
    ///   - audience: the verifier (`aud`).
    ///   - nonce: the verifier's nonce.
    ///   - issuedAt: `iat`, Unix seconds.
    ///   - signer: the holder's key.
    public init(audience: String, nonce: String, issuedAt: Int64, signer: some JWSSigner) {
        self.audience = audience
        self.nonce = nonce
        self.issuedAt = issuedAt
        self.signer = signer
    }
}

/// The holder's side (RFC 9901 §7.2): choose disclosures for a verifier
/// and, when asked, bind the presentation with a KB-JWT.
public enum SDJWTHolder {
    /// Build a presentation from an issuance the holder has verified (with
    /// ``SDJWTVerifier`` and ``KeyBindingPolicy/forbidden``).
    ///
    /// A disclosure is sent when its claim path is one of `paths`, lies
    /// above one (so recursive disclosures stay connected) or lies below
    /// one (disclosing `address` discloses all of it).
    /// - Parameters:
    ///   - issuance: the verified issuance.
    ///   - paths: the claims to disclose.
    ///   - keyBinding: the verifier's audience and nonce and the holder key, or `nil` for no KB-JWT.
    /// - Returns: the SD-JWT or SD-JWT+KB to send.
    /// - Throws: ``SDJWTError`` `invalidIssuanceInput` when a path names no
    ///   disclosable claim; `cryptoFailure` when signing fails.
    public static func presentation(of issuance: VerifiedSDJWT, disclosing paths: Set<ClaimPath>,
                                    keyBinding: KeyBindingRequest?) throws(SDJWTError) -> SDJWT {
        var selected: [String] = []
        var matched: Set<ClaimPath> = []
        for (disclosure, path) in zip(issuance.disclosures, issuance.disclosurePaths) {
            let related = paths.filter { path.isPrefix(of: $0) || $0.isPrefix(of: path) }
            guard !related.isEmpty else { continue }
            matched.formUnion(related)
            selected.append(disclosure.encoded)
        }
        let unmatched = paths.subtracting(matched)
        guard unmatched.isEmpty else {
            throw SDJWTError(.invalidIssuanceInput, "no disclosure for \(unmatched.map(\.description).sorted())")
        }
        var presentation = SDJWT(issuerSignedJWT: issuance.sdJWT.issuerSignedJWT, disclosures: selected)
        if let keyBinding {
            presentation.keyBindingJWT = try KeyBindingJWT.sign(over: presentation, hashAlgorithm: issuance.hashAlgorithm,
                                                                audience: keyBinding.audience, nonce: keyBinding.nonce,
                                                                issuedAt: keyBinding.issuedAt, signer: keyBinding.signer)
        }
        return presentation
    }
}
