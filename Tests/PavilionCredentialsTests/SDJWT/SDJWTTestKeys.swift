import PavilionCore
import PavilionCredentials
import PavilionCrypto

/// Fresh keys and small builders for the SD-JWT tests.
struct SDJWTTestKeys {
    let issuer: JWK
    let holder: JWK
    let issuerSigner: JWKSigner
    let holderSigner: JWKSigner

    init() throws {
        let issuerKey = try ECPrivateKey(curve: .p256)
        issuer = JWK(.ec(issuerKey.publicKey, issuerKey)).withThumbprintKeyID()
        let holderKey = try ECPrivateKey(curve: .p256)
        holder = JWK(.ec(holderKey.publicKey, holderKey))
        issuerSigner = try JWKSigner(key: issuer, algorithm: .es256)
        holderSigner = try JWKSigner(key: holder, algorithm: .es256)
    }

    /// Sign `payload` as an issuer-signed JWT and append `disclosures`.
    func sdJWT(payload: [String: JSONValue], disclosures: [Disclosure], header: [String: JSONValue] = [:]) throws -> SDJWT {
        let jwt = try JWS.signCompact(payload: JSONValue.object(payload).serializedBytes, signer: issuerSigner, header: header)
        return SDJWT(issuerSignedJWT: jwt, disclosures: disclosures.map(\.encoded))
    }

    func verifier(keyBinding: KeyBindingPolicy = .notRequired) -> SDJWTVerifier {
        SDJWTVerifier(issuerKeys: [issuer.publicJWK], keyBinding: keyBinding)
    }
}
