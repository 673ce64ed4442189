/// The did:key method (W3C CCG did:key v0.7): the DID is the Multikey of a
/// P-256, P-384 or Ed25519 public key, and resolving it expands the key
/// into a one-method document.
public enum DIDKey {
    /// How the resolved document writes the key.
    public enum Representation: Sendable {
        /// `type: Multikey` with `publicKeyMultibase` (the default).
        case multikey
        /// `type: JsonWebKey2020` with `publicKeyJwk`.
        case jsonWebKey2020
    }

    /// The did:key of `key`.
    /// - Parameter key: an EC P-256/P-384 or Ed25519 key (a private part is ignored).
    /// - Returns: `did:key:z…`.
    /// - Throws: ``DIDError`` `unsupportedKey` for RSA.
    public static func did(for key: JWK) throws(DIDError) -> String {
        "did:key:" + (try Multikey(jwk: key).multibase)
    }

    /// The DID URL of the key's verification method, `did:key:z…#z…`, as a
    /// proof's `verificationMethod` or a JWS `kid` names it.
    /// - Parameter key: the key.
    /// - Throws: ``DIDError`` `unsupportedKey` for RSA.
    public static func verificationMethodID(for key: JWK) throws(DIDError) -> String {
        let multibase = try Multikey(jwk: key).multibase
        return "did:key:\(multibase)#\(multibase)"
    }

    /// Resolve a did:key (a DID URL's fragment, if any, must be the key itself).
    /// - Parameters:
    ///   - did: `did:key:z…`, optionally `#z…`.
    ///   - representation: Multikey (default) or JsonWebKey2020.
    /// - Returns: the document: one method, authorised for every relationship but `keyAgreement`.
    /// - Throws: ``DIDError`` `invalidDID`, `invalidEncoding`, `unsupportedKey`, `invalidKey`.
    public static func resolve(_ did: String, representation: Representation = .multikey) throws(DIDError) -> DIDDocument {
        let (base, fragment) = DIDSyntax.splitFragment(did)
        guard base.hasPrefix("did:key:") else { throw DIDError(.invalidDID, "\(did) is not a did:key") }
        let multibase = String(base.dropFirst("did:key:".count))
        guard !multibase.contains(":") else { throw DIDError(.invalidDID, "did:key \(did) has a version or extra part") }
        if let fragment, fragment != multibase {
            throw DIDError(.invalidDID, "the fragment of \(did) is not its key")
        }
        let key = try Multikey(multibase: multibase)
        let methodID = "\(base)#\(multibase)"
        let method: VerificationMethod
        let contexts: [String]
        switch representation {
        case .multikey:
            method = VerificationMethod(id: methodID, type: "Multikey", controller: base, publicKey: key.jwk)
            contexts = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
        case .jsonWebKey2020:
            method = VerificationMethod(id: methodID, type: "JsonWebKey2020", controller: base, publicKey: key.jwk)
            contexts = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"]
        }
        return try DIDDocument(id: base, contexts: contexts, verificationMethods: [method],
                               relationships: [.assertionMethod: [methodID], .authentication: [methodID],
                                               .capabilityInvocation: [methodID], .capabilityDelegation: [methodID]])
    }
}

/// DID syntax helpers (DID Core §3).
enum DIDSyntax {
    /// `did` without its `#fragment`, and the fragment.
    static func splitFragment(_ didURL: String) -> (String, String?) {
        guard let hash = didURL.firstIndex(of: "#") else { return (didURL, nil) }
        return (String(didURL[..<hash]), String(didURL[didURL.index(after: hash)...]))
    }
}
