import Foundation
import PavilionCredentials
import PavilionCrypto
import PavilionData

/// Verifies a DP's HTTP Message Signature on its response (RFC 9421) with
/// the body bound by `Content-Digest` (RFC 9530): at least one signature
/// whose `keyid` names a trusted key must cover `@status` and
/// `content-digest`, verify over its signature base, not be expired, and
/// the digest must match the body.
///
/// Algorithms come from the key (RFC 9421 §3.3.7): EC P-256 →
/// `ecdsa-p256-sha256`, P-384 → `ecdsa-p384-sha384`, Ed25519 → `ed25519`;
/// an `alg` parameter must agree. RSA and HMAC keys are refused.
public struct HTTPMessageSignatureVerifier: ResponseSignatureVerifier {
    public var scheme: ResponseSignatureScheme { .httpMessageSignatures }
    /// Components every accepted signature covers.
    public static let requiredComponents = ["@status", "content-digest"]
    /// How far in the future `created` may be (clock skew), in seconds.
    public static let createdTolerance: Int64 = 300
    /// The trusted public keys.
    public let keys: JWKSet
    /// The RFC 9421 algorithm names accepted.
    public let algorithms: Set<String>
    /// The current time, in Unix seconds.
    public let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - keys: the trusted public keys (each with a `kid`).
    ///   - jwsAlgorithms: the manifest's `algorithms` (JWS names), mapped to RFC 9421 names.
    ///   - now: the clock.
    public init(keys: JWKSet, jwsAlgorithms: [String], now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.keys = keys
        let names: [String: String] = ["ES256": "ecdsa-p256-sha256", "ES384": "ecdsa-p384-sha384", "EdDSA": "ed25519"]
        self.algorithms = Set(jwsAlgorithms.compactMap { names[$0] })
        self.now = now
    }

    public func verify(_ response: SignedResponse) throws(ResponseSignatureError) -> VerifiedResponseSignature {
        let inputs = try HTTPMessageSignatureInput.parse(response)
        var firstError: ResponseSignatureError?
        for input in inputs {
            do {
                return try verify(input, response)
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? ResponseSignatureError(.unsigned, "no signature")
    }

    private func verify(_ input: HTTPMessageSignatureInput, _ response: SignedResponse) throws(ResponseSignatureError) -> VerifiedResponseSignature {
        guard let keyID = input.keyID else { throw ResponseSignatureError(.unknownKey, "\(input.label) names no keyid") }
        let candidates = keys.keys(withID: keyID)
        guard !candidates.isEmpty else { throw ResponseSignatureError(.unknownKey, "no trusted key has keyid \(keyID)") }
        for required in Self.requiredComponents where !input.components.contains(required) {
            throw ResponseSignatureError(.componentNotCovered, "\(input.label) does not cover \(required)")
        }
        let now = now()
        if let expires = input.expires, expires < now {
            throw ResponseSignatureError(.expired, "\(input.label) expired at \(expires)")
        }
        if let created = input.created, created > now + Self.createdTolerance {
            throw ResponseSignatureError(.expired, "\(input.label) was created in the future (\(created))")
        }
        var lastError = ResponseSignatureError(.badSignature, "\(input.label) does not verify")
        for key in candidates {
            let algorithm: String
            switch key.material {
            case .ec(let k, _): algorithm = k.curve == .p256 ? "ecdsa-p256-sha256" : "ecdsa-p384-sha384"
            case .ed25519: algorithm = "ed25519"
            case .rsa:
                lastError = ResponseSignatureError(.algorithmNotAllowed, "RSA keys are not accepted for HTTP Message Signatures")
                continue
            }
            guard algorithms.contains(algorithm) else {
                lastError = ResponseSignatureError(.algorithmNotAllowed, "\(algorithm) is not among the manifest's algorithms")
                continue
            }
            if let declared = input.algorithm, declared != algorithm {
                lastError = ResponseSignatureError(.algorithmNotAllowed, "\(input.label) declares alg \(declared) but key \(keyID) is \(algorithm)")
                continue
            }
            guard Self.isValid(input.signature, over: input.base, key: key) else { continue }
            _ = try HTTPMessageSignatureInput.checkContentDigest(response, hashes: [
                "sha-256": { DigestAlgorithm.sha256.hash($0) }, "sha-512": { DigestAlgorithm.sha512.hash($0) },
            ])
            return VerifiedResponseSignature(scheme: .httpMessageSignatures, keyID: keyID, algorithm: algorithm,
                                             coveredComponents: input.components, payload: response.body)
        }
        throw lastError
    }

    /// Whether `signature` verifies over `base` with `key` (RFC 9421 §3.3.4–3.3.6).
    static func isValid(_ signature: [UInt8], over base: [UInt8], key: JWK) -> Bool {
        switch key.material {
        case .ec(let k, _):
            guard let sig = try? ECDSASignature(rawRepresentation: signature, curve: k.curve) else { return false }
            return k.isValidSignature(sig, for: base, digest: k.curve == .p256 ? .sha256 : .sha384)
        case .ed25519(let k, _):
            return k.isValidSignature(signature, for: base)
        case .rsa:
            return false
        }
    }
}
