/// RFC 9380 `hash_to_curve` for the `*_XMD:*_SSWU_RO_` suites of P-256 and
/// P-384, from the `2·L` uniform bytes that `expand_message_xmd` made:
/// `hash_to_field` reduction, two simplified-SWU maps (Appendix F.2 with
/// `sqrt_ratio` for `q ≡ 3 (mod 4)`) sharing one field inversion, and the
/// point addition (the cofactor is 1).
///
/// Built for throughput: one instance keeps its `BN_CTX`, a Montgomery
/// context for `p` (`BN_MONT_CTX`) and its temporaries across calls, so a
/// batch of millions of hashes does not allocate per field operation.
/// Not `Sendable`: make one per thread. Not constant time in the input
/// (`BN_mod_exp_mont`, `BN_mod_inverse`, branches), like
/// `HashToCurveSuite.mapToCurve` in PavilionPrivacy: it hashes a party's own
/// elements, never a secret key.
public final class ECSimplifiedSWU {
    /// The group.
    public let group: ECGroup
    /// `L`, the bytes per field element.
    public let fieldElementHashLength: Int
    private let workspace: OpenSSLSWUWorkspace

    /// A workspace for `group` with the SSWU constant `Z = -zMagnitude`.
    /// - Parameters:
    ///   - group: P-256 (`Z = -10`, `L = 48`) or P-384 (`Z = -12`, `L = 72`).
    ///   - zMagnitude: `-Z`.
    ///   - fieldElementHashLength: `L`.
    /// - Throws: ``CryptoError`` when OpenSSL cannot allocate or `-Z` is not a square.
    public init(group: ECGroup, zMagnitude: UInt64, fieldElementHashLength: Int) throws(CryptoError) {
        self.group = group
        self.fieldElementHashLength = fieldElementHashLength
        workspace = try OpenSSLSWUWorkspace(group: group.storage.pointer, zMagnitude: zMagnitude, fieldLength: fieldElementHashLength)
    }

    /// `hash_to_curve` from `uniform = expand_message_xmd(msg, DST, 2·L)`.
    /// - Parameter uniform: exactly `2·L` bytes.
    /// - Returns: the point.
    /// - Throws: ``CryptoError`` for a wrong length or when OpenSSL fails.
    public func hashToCurve(uniform: [UInt8]) throws(CryptoError) -> ECPoint {
        ECPoint(group: group, owning: try workspace.hashToCurve(uniform: uniform))
    }
}
