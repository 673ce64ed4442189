import PavilionCrypto

/// The group and the two generators every proof of this toolkit uses:
/// P-256, its standard base point `G`, and a second generator `H` derived
/// by hash-to-curve so that nobody knows `log_G(H)`:
/// `H = hash_to_curve("H")` with `P256_XMD:SHA-256_SSWU_RO_` and the DST
/// ``pedersenDST``.
public struct ZKParameters: Sendable, Equatable {
    /// The DST that derives `H`.
    public static let pedersenDST = "Pavilion-ZK-v1-Pedersen-H"

    /// P-256.
    public let group: ECGroup
    /// The standard base point.
    public let g: ECPoint
    /// The second Pedersen generator, of unknown discrete log relative to ``g``.
    public let h: ECPoint

    /// The P-256 parameters.
    /// - Throws: ``ZKError`` `.cryptoFailure` when OpenSSL or hash-to-curve fails.
    public static func p256() throws(ZKError) -> ZKParameters {
        try ZKError.wrap {
            let suite = HashToCurveSuite.p256SHA256
            let group = try suite.group()
            let h = try suite.hashToCurve(Array("H".utf8), dst: Array(pedersenDST.utf8))
            return ZKParameters(group: group, g: group.generator, h: h)
        }
    }

    /// Serialised sizes: a compressed point and a scalar.
    public var pointLength: Int { group.compressedPointLength }
    /// The length of a serialised scalar.
    public var scalarLength: Int { group.scalarLength }
}
