import Foundation
import PavilionCore
import PavilionCrypto
import PavilionNet

/// Signs a simulator's provider-API responses the way a signing DP does
/// for a connector with `spec.integrity` (docs/lineage.md "Integrity"):
/// a detached JWS (RFC 7515 Appendix F) over the body, ES256, in the
/// `x-jws-signature` header; or an HTTP Message Signature (RFC 9421,
/// `ecdsa-p256-sha256`) over `@status`, `content-type` and a SHA-256
/// `Content-Digest` (RFC 9530).
public struct SimulatorResponseSigner: Sendable {
    /// How the responses are signed.
    public enum Scheme: String, Sendable, Hashable {
        /// `x-jws-signature: BASE64URL(header)..BASE64URL(signature)`.
        case jws
        /// `Content-Digest`, `Signature-Input` and `Signature` (label `dp`).
        case httpMessageSignatures = "http-message-signatures"
    }

    /// The JWS response header.
    public static let header = "x-jws-signature"
    /// The P-256 signing key.
    public let key: ECPrivateKey
    /// The `kid` (JWS) or `keyid` (RFC 9421).
    public let keyID: String
    /// The scheme.
    public let scheme: Scheme

    /// - Parameters:
    ///   - key: a P-256 private key.
    ///   - keyID: its `kid`.
    ///   - scheme: how to sign.
    public init(key: ECPrivateKey, keyID: String, scheme: Scheme = .jws) {
        self.key = key
        self.keyID = keyID
        self.scheme = scheme
    }

    /// A signer with a fresh P-256 key.
    /// - Parameters:
    ///   - keyID: its `kid`.
    ///   - scheme: how to sign.
    /// - Throws: ``CryptoError`` when key generation fails.
    public static func generate(keyID: String, scheme: Scheme = .jws) throws(CryptoError) -> SimulatorResponseSigner {
        SimulatorResponseSigner(key: try ECPrivateKey(curve: .p256), keyID: keyID, scheme: scheme)
    }

    /// Add the signature fields to `response`.
    /// - Parameters:
    ///   - response: the response to sign.
    ///   - created: the `created` parameter (Unix seconds).
    public func sign(_ response: inout HTTPServerResponse, created: Int64 = Int64(Date().timeIntervalSince1970)) {
        switch scheme {
        case .jws:
            if let signature = signature(for: response.body) { response.headers.replace(name: Self.header, value: signature) }
        case .httpMessageSignatures:
            let digest = "sha-256=:" + Data(SHA256.hash(response.body)).base64EncodedString() + ":"
            response.headers.replace(name: "content-digest", value: digest)
            var components = ["@status"]
            var base = "\"@status\": \(response.status)\n"
            if let type = response.headers["content-type"] {
                components.append("content-type")
                base += "\"content-type\": \(type.trimmingCharacters(in: .whitespaces))\n"
            }
            components.append("content-digest")
            base += "\"content-digest\": \(digest)\n"
            let params = "(" + components.map { "\"\($0)\"" }.joined(separator: " ") + ")"
                + ";created=\(created);keyid=\"\(keyID)\";alg=\"ecdsa-p256-sha256\""
            base += "\"@signature-params\": " + params
            guard let signature = try? key.signature(for: Array(base.utf8), digest: .sha256) else { return }
            response.headers.replace(name: "signature-input", value: "dp=" + params)
            response.headers.replace(name: "signature", value: "dp=:" + Data(signature.rawRepresentation).base64EncodedString() + ":")
        }
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

    static func base64URL(_ bytes: [UInt8]) -> String { Base64URLCoding.encode(bytes) }
}
