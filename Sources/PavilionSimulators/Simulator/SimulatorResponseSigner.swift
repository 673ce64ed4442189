import Foundation
import PavilionCore
import PavilionCrypto

/// Signs a simulator's provider-API responses the way a signing DP does
/// for a connector with `spec.integrity: {response_signature: jws}`: a
/// detached JWS (RFC 7515 Appendix F) over the body, ES256, in the
/// `x-jws-signature` header (docs/lineage.md "Integrity").
public struct SimulatorResponseSigner: Sendable {
    /// The response header.
    public static let header = "x-jws-signature"
    /// The P-256 signing key.
    public let key: ECPrivateKey
    /// The `kid` written in the JWS header.
    public let keyID: String

    /// - Parameters:
    ///   - key: a P-256 private key.
    ///   - keyID: its `kid`.
    public init(key: ECPrivateKey, keyID: String) {
        self.key = key
        self.keyID = keyID
    }

    /// A signer with a fresh P-256 key.
    /// - Parameter keyID: its `kid`.
    /// - Throws: ``CryptoError`` when key generation fails.
    public static func generate(keyID: String) throws(CryptoError) -> SimulatorResponseSigner {
        SimulatorResponseSigner(key: try ECPrivateKey(curve: .p256), keyID: keyID)
    }

    /// The public key as a JWK set (`{"keys": [{"kty": "EC", …}]}`), for the manifest.
    public var publicJWKS: JSONValue {
        .object(["keys": .array([.object([
            "kty": "EC", "crv": "P-256", "kid": .string(keyID), "alg": "ES256", "use": "sig",
            "x": .string(Self.base64URL(key.publicKey.x)), "y": .string(Self.base64URL(key.publicKey.y)),
        ])])])
    }

    /// The detached JWS over `body`: `BASE64URL(header)..BASE64URL(signature)`.
    /// - Parameter body: the response body.
    /// - Returns: the header value, or `nil` when signing fails.
    public func signature(for body: [UInt8]) -> String? {
        let header = Self.base64URL(JSONValue.object(["alg": "ES256", "kid": .string(keyID)]).serializedBytes)
        let input = Array("\(header).\(Self.base64URL(body))".utf8)
        guard let signature = try? key.signature(for: input, digest: .sha256) else { return nil }
        return "\(header)..\(Self.base64URL(signature.rawRepresentation))"
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
