/// Fast `k·B` for one fixed point `B`: a copy of the group with `B` as its
/// generator and OpenSSL's precomputed multiples of it
/// (`EC_GROUP_set_generator`, `EC_GROUP_precompute_mult`).
///
/// On P-256 OpenSSL's `ecp_nistz256` builds its 7-bit-window table for the
/// new generator and multiplies with constant-time table lookups
/// (`ecp_nistz256_gather_w7`), so `k` may be secret; a multiplication costs
/// about a third of a variable-base one. Building the table costs about a
/// hundred multiplications: worth it for a batch.
public struct ECFixedBaseTable: Sendable {
    /// The group.
    public let group: ECGroup
    /// `B`.
    public let base: ECPoint
    private let table: OpenSSLFixedBaseGroup

    /// Precompute multiples of `base`.
    /// - Parameter base: `B`, not the identity.
    /// - Throws: ``CryptoError`` for the identity or when OpenSSL fails.
    public init(base: ECPoint) throws(CryptoError) {
        guard !base.isIdentity else { throw CryptoError(call: "EC_GROUP_set_generator", reason: "the identity generates nothing") }
        group = base.group
        self.base = base
        table = try OpenSSLFixedBaseGroup(group: base.groupPointer, base: base.pointer)
    }

    /// `k·B`, in constant time with respect to `k` (single-term `EC_POINT_mul`).
    /// - Parameter scalar: `k`, possibly secret.
    /// - Returns: a point of ``group``.
    /// - Throws: ``CryptoError`` when the scalar is of another group or OpenSSL fails.
    public func multiply(_ scalar: ECScalar) throws(CryptoError) -> ECPoint {
        guard scalar.group == group else { throw CryptoError(call: "EC_POINT_mul", reason: "the scalar is of another group") }
        return ECPoint(group: group, owning: try table.multiply(scalar.value.pointer))
    }
}
