import Foundation
import PavilionCore
import PavilionCredentials
import PavilionData
import PavilionManifest

/// Verifies a DP's detached JWS over its response body (RFC 7515
/// Appendix F): the `x-jws-signature` header holds
/// `BASE64URL(header)..BASE64URL(signature)`, the payload is the body as
/// received. The key is chosen by `kid` among the manifest's trusted keys
/// (`spec.integrity.keys`); the algorithm must be among
/// `spec.integrity.algorithms`.
public struct JWSResponseVerifier: ResponseSignatureVerifier {
    /// The response header that carries the signature.
    public static let header = "x-jws-signature"
    /// Largest signature header accepted, in bytes.
    public static let maxHeaderBytes = 8192

    public var scheme: ResponseSignatureScheme { .jws }
    /// The trusted public keys.
    public let keys: JWKSet
    /// The algorithms accepted.
    public let algorithms: Set<JWSAlgorithm>

    /// Keys from `spec.integrity`.
    /// - Parameter integrity: the manifest's section.
    /// - Throws: ``ResponseSignatureError`` `malformed` as ``trustedKeys(_:)`` does.
    public init(_ integrity: Manifest.Integrity) throws(ResponseSignatureError) {
        try self.init(keys: try Self.trustedKeys(integrity), algorithms: integrity.algorithms)
    }

    /// The public keys `spec.integrity.keys` names (a file or inline).
    /// - Parameter integrity: the manifest's section.
    /// - Returns: the keys.
    /// - Throws: ``ResponseSignatureError`` `malformed` when the key file
    ///   cannot be read, the set does not parse, holds a private key or no
    ///   usable key.
    public static func trustedKeys(_ integrity: Manifest.Integrity) throws(ResponseSignatureError) -> JWKSet {
        let set: JWKSet
        do {
            if let file = integrity.keysFile {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ResponseSignatureError(.malformed, "cannot read the JWK set file \(file)")
                }
                set = try JWKSet(parsing: String(decoding: data, as: UTF8.self))
            } else if let inline = integrity.inlineKeys {
                set = try JWKSet(json: inline)
            } else {
                throw ResponseSignatureError(.malformed, "no keys given")
            }
        } catch let error as ResponseSignatureError {
            throw error
        } catch {
            throw ResponseSignatureError(.malformed, "not a usable JWK set: \(error)")
        }
        guard !set.keys.isEmpty else { throw ResponseSignatureError(.malformed, "the JWK set holds no usable key") }
        if set.keys.contains(where: \.isPrivate) {
            throw ResponseSignatureError(.malformed, "the JWK set holds a private key; give the DP's public keys only")
        }
        return set
    }

    /// - Parameters:
    ///   - keys: the trusted public keys.
    ///   - algorithms: `alg` names accepted.
    /// - Throws: ``ResponseSignatureError`` `malformed` for an unknown algorithm name.
    public init(keys: JWKSet, algorithms: [String]) throws(ResponseSignatureError) {
        var allowed: Set<JWSAlgorithm> = []
        for name in algorithms {
            guard let algorithm = JWSAlgorithm(rawValue: name) else {
                throw ResponseSignatureError(.malformed, "unknown JWS algorithm \(name)")
            }
            allowed.insert(algorithm)
        }
        self.keys = keys
        self.algorithms = allowed
    }

    public func verify(_ response: SignedResponse) throws(ResponseSignatureError) -> VerifiedResponseSignature {
        let values = response.headers.filter { $0.name.lowercased() == Self.header }.map(\.value)
        guard let value = values.first else {
            throw ResponseSignatureError(.unsigned, "the response has no \(Self.header) header")
        }
        guard values.count == 1 else { throw ResponseSignatureError(.malformed, "the response has \(values.count) \(Self.header) headers") }
        let text = value.trimmingCharacters(in: .whitespaces)
        guard text.utf8.count <= Self.maxHeaderBytes else {
            throw ResponseSignatureError(.malformed, "the \(Self.header) header exceeds \(Self.maxHeaderBytes) bytes")
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].isEmpty, !parts[0].isEmpty, !parts[2].isEmpty else {
            throw ResponseSignatureError(.malformed, "expected a detached JWS: BASE64URL(header)..BASE64URL(signature)")
        }
        let compact = "\(parts[0]).\(Base64URL.encode(response.body)).\(parts[2])"
        let header: [String: JSONValue]
        do { header = try JWS.unverifiedHeader(ofCompact: compact) } catch {
            throw ResponseSignatureError(.malformed, "the JWS header: \(error.reason)")
        }
        let candidates: [JWK]
        switch header["kid"] {
        case .string(let kid)?:
            candidates = keys.keys(withID: kid)
            guard !candidates.isEmpty else { throw ResponseSignatureError(.unknownKey, "no trusted key has kid \(Tokens.printable(kid))") }
        case nil:
            guard keys.keys.count == 1 else {
                throw ResponseSignatureError(.unknownKey, "the JWS names no kid and several keys are trusted")
            }
            candidates = keys.keys
        default:
            throw ResponseSignatureError(.malformed, "kid is not a string")
        }
        var lastError: JOSEError?
        for key in candidates {
            do {
                let verified = try JWS.verifyCompact(compact, key: key, allowedAlgorithms: algorithms)
                return VerifiedResponseSignature(scheme: .jws, keyID: key.keyID ?? header["kid"]?.stringValue ?? "",
                                                 algorithm: verified.algorithm.rawValue, coveredComponents: ["payload"],
                                                 payload: response.body)
            } catch {
                lastError = error
            }
        }
        guard let lastError else { throw ResponseSignatureError(.unknownKey, "no key to verify with") }
        switch lastError.code {
        case .algorithmNotAllowed, .unsupportedAlgorithm: throw ResponseSignatureError(.algorithmNotAllowed, lastError.reason)
        case .badSignature: throw ResponseSignatureError(.badSignature, lastError.reason)
        default: throw ResponseSignatureError(.malformed, lastError.reason)
        }
    }
}
