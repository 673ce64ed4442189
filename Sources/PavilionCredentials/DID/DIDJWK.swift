import PavilionCore

/// The did:jwk method (did:jwk specification): the DID is the base64url of
/// a public JWK's JSON; resolving it gives one method, `#0`.
public enum DIDJWK {
    /// The did:jwk of `key`: its public members (and `kid`, `use`, `alg`,
    /// `key_ops` when set) as compact JSON with sorted keys, base64url.
    /// - Parameter key: the key; a private part is never written.
    /// - Returns: `did:jwk:eyJ…`.
    /// - Throws: ``DIDError`` `invalidKey` when the JWK cannot be serialised.
    public static func did(for key: JWK) throws(DIDError) -> String {
        let text: [UInt8]
        do { text = try key.publicJWK.jsonValue().serializedBytes } catch { throw DIDError(.invalidKey, error.reason) }
        return "did:jwk:" + Base64URL.encode(text)
    }

    /// Resolve a did:jwk.
    /// - Parameter did: `did:jwk:…`, optionally with the fragment `#0`.
    /// - Returns: the document; `use: sig` keys are not for `keyAgreement`, `use: enc` keys only for it.
    /// - Throws: ``DIDError`` `invalidDID`, `invalidKey` (including a private `d`), `unsupportedKey`.
    public static func resolve(_ did: String) throws(DIDError) -> DIDDocument {
        let (base, fragment) = DIDSyntax.splitFragment(did)
        guard base.hasPrefix("did:jwk:") else { throw DIDError(.invalidDID, "\(did) is not a did:jwk") }
        guard fragment == nil || fragment == "0" else { throw DIDError(.invalidDID, "a did:jwk has the one method #0") }
        let encoded = base.dropFirst("did:jwk:".count)
        let bytes: [UInt8]
        do { bytes = try Base64URL.decode(encoded) } catch { throw DIDError(.invalidDID, "did:jwk value: \(error.reason)") }
        let json: JSONValue
        do { json = try JSONParser().parse(bytes: bytes) } catch { throw DIDError(.invalidDID, "did:jwk value is not JSON: \(error)") }
        guard json["d"] == nil else { throw DIDError(.invalidKey, "a did:jwk must not hold a private key (d)") }
        let key: JWK
        do { key = try JWK(json: json) } catch {
            throw DIDError(error.code == .unsupportedKey ? .unsupportedKey : .invalidKey, error.reason)
        }
        let methodID = base + "#0"
        let method = VerificationMethod(id: methodID, type: "JsonWebKey2020", controller: base, publicKey: key)
        var relationships: [VerificationRelationship: [String]] = [:]
        for relationship in VerificationRelationship.allCases {
            let allowed = switch key.use {
            case "sig": relationship != .keyAgreement
            case "enc": relationship == .keyAgreement
            default: true
            }
            if allowed { relationships[relationship] = [methodID] }
        }
        return try DIDDocument(id: base, contexts: ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
                               verificationMethods: [method], relationships: relationships)
    }
}
