import PavilionCrypto

/// A random-oracle hash-to-curve suite of RFC 9380 with `expand_message_xmd`
/// and the simplified SWU map: `P256_XMD:SHA-256_SSWU_RO_` (§8.2) and
/// `P384_XMD:SHA-384_SSWU_RO_` (§8.3). Both curves have cofactor 1, so
/// `clear_cofactor` is the identity map.
public struct HashToCurveSuite: Sendable, Hashable {
    /// The suite identifier, e.g. `P256_XMD:SHA-256_SSWU_RO_`.
    public let identifier: String
    /// The curve.
    public let curve: ECCurve
    /// `H` of `expand_message_xmd`.
    public let digest: DigestAlgorithm
    /// `L`, the bytes hashed per field element: `ceil((ceil(log2(p)) + k) / 8)`.
    public let fieldElementHashLength: Int
    /// The SSWU constant `Z` as a small negative number, `Z = -zMagnitude`.
    let zMagnitude: UInt64

    /// `P256_XMD:SHA-256_SSWU_RO_`: k = 128, L = 48, Z = -10.
    public static let p256SHA256 = HashToCurveSuite(identifier: "P256_XMD:SHA-256_SSWU_RO_", curve: .p256, digest: .sha256,
                                                    fieldElementHashLength: 48, zMagnitude: 10)
    /// `P384_XMD:SHA-384_SSWU_RO_`: k = 192, L = 72, Z = -12.
    public static let p384SHA384 = HashToCurveSuite(identifier: "P384_XMD:SHA-384_SSWU_RO_", curve: .p384, digest: .sha384,
                                                    fieldElementHashLength: 72, zMagnitude: 12)

    /// The suite's group.
    /// - Throws: ``HashToCurveError`` `.cryptoFailure` when OpenSSL cannot build it.
    public func group() throws(HashToCurveError) -> ECGroup {
        do { return try ECGroup.named(curve) } catch { throw HashToCurveError(error) }
    }

    /// `hash_to_field(msg, count)` (RFC 9380 §5.2) into GF(p).
    /// - Parameters:
    ///   - message: `msg`.
    ///   - dst: the domain-separation tag.
    ///   - count: how many elements.
    /// - Returns: `count` field elements.
    /// - Throws: ``HashToCurveError``.
    public func hashToField(_ message: [UInt8], dst: [UInt8], count: Int) throws(HashToCurveError) -> [ECFieldElement] {
        let group = try group()
        let length = fieldElementHashLength
        let uniform = try ExpandMessageXMD.expand(message, dst: dst, length: count * length, digest: digest)
        do {
            return try (0..<count).map { i throws(CryptoError) in
                try ECFieldElement(reducing: Array(uniform[i * length ..< (i + 1) * length]), in: group)
            }
        } catch { throw HashToCurveError(error) }
    }

    /// `hash_to_curve(msg)` (RFC 9380 §3): two field elements, each mapped
    /// with simplified SWU, added; the cofactor is 1.
    /// - Parameters:
    ///   - message: `msg`.
    ///   - dst: the domain-separation tag.
    /// - Returns: a point, practically never the identity.
    /// - Throws: ``HashToCurveError``.
    public func hashToCurve(_ message: [UInt8], dst: [UInt8]) throws(HashToCurveError) -> ECPoint {
        let u = try hashToField(message, dst: dst, count: 2)
        let q0 = try mapToCurve(u[0])
        let q1 = try mapToCurve(u[1])
        do { return try q0.adding(q1) } catch { throw HashToCurveError(error) }
    }
}
