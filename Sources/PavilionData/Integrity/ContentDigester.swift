import PavilionCore

/// Computes ``ContentDigest``s with a hash function the host supplies.
///
/// PavilionData does no cryptography: the host passes SHA-256 from
/// PavilionCrypto (`DigestAlgorithm.sha256.hash`), or for intermediate
/// results a keyed HMAC-SHA-256 under a per-tenant key, since a plain digest
/// of a small value (`{"age_over_18": true}`) can be reversed by trying the
/// few possible values.
///
/// ```swift
/// let sha256 = ContentDigester.sha256 { DigestAlgorithm.sha256.hash($0) }
/// sha256.digest(responseBody)   // sha-256:e3b0c442…
/// ```
public struct ContentDigester: Sendable {
    /// The algorithm's name written beside each digest.
    public let algorithm: String
    /// The digest length in bytes the function must return.
    public let outputLength: Int
    private let function: @Sendable ([UInt8]) -> [UInt8]

    /// - Parameters:
    ///   - algorithm: the name recorded with each digest, e.g. `sha-256`.
    ///   - outputLength: the digest length in bytes.
    ///   - function: the hash function.
    public init(algorithm: String, outputLength: Int, function: @escaping @Sendable ([UInt8]) -> [UInt8]) {
        self.algorithm = algorithm
        self.outputLength = outputLength
        self.function = function
    }

    /// A SHA-256 digester over `function`.
    /// - Parameter function: SHA-256, e.g. `{ DigestAlgorithm.sha256.hash($0) }`.
    /// - Returns: a digester named `sha-256`.
    public static func sha256(_ function: @escaping @Sendable ([UInt8]) -> [UInt8]) -> ContentDigester {
        ContentDigester(algorithm: "sha-256", outputLength: 32, function: function)
    }

    /// A keyed HMAC-SHA-256 digester, e.g. under the tenant's key.
    /// - Parameter function: HMAC-SHA-256 under a key the host holds.
    /// - Returns: a digester named `hmac-sha-256`.
    public static func hmacSHA256(_ function: @escaping @Sendable ([UInt8]) -> [UInt8]) -> ContentDigester {
        ContentDigester(algorithm: "hmac-sha-256", outputLength: 32, function: function)
    }

    /// The digest of `bytes`.
    /// - Parameter bytes: the content, e.g. a DP's response body as received.
    /// - Returns: the digest.
    public func digest(_ bytes: [UInt8]) -> ContentDigest {
        let out = function(bytes)
        // A function of the wrong length is the host's bug, not the world's.
        precondition(out.count == outputLength, "\(algorithm) digester returned \(out.count) bytes, expected \(outputLength)")
        return ContentDigest(algorithm: algorithm, bytes: out)
    }

    /// The digest of a JSON value's canonical text (sorted keys, compact),
    /// so equal values have equal digests whatever their member order.
    /// - Parameter value: an intermediate result.
    /// - Returns: the digest.
    public func digest(_ value: JSONValue) -> ContentDigest { digest(value.serializedBytes) }
}
