/// Owns one OpenSSL `EC_POINT`; wipes and frees it on `deinit` (`EC_POINT_clear_free`).
final class ECPointStorage: @unchecked Sendable {
    // @unchecked: never mutated after `init`; every operation writes a new point.
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { OpenSSLECMath.freePoint(pointer) }
}

/// A point of an ``ECGroup`` (OpenSSL `EC_POINT`). Immutable: every
/// operation returns a new point.
///
/// Constant time: ``multiplied(by:)`` and
/// ``ECGroup/generatorMultiplied(by:)`` make one single-term `EC_POINT_mul`
/// call, which OpenSSL 3 runs in constant time (P-256: `ecp_nistz256`
/// fixed windows; P-384: the Montgomery ladder `ossl_ec_scalar_mul_ladder`),
/// and scalars carry `BN_FLG_CONSTTIME`. ``linearCombination(_:_:_:)`` is a
/// two-term `EC_POINT_mul` (variable-time wNAF) and must see public scalars
/// only, as in proof verification. Addition, decoding and comparison are not
/// constant time.
public struct ECPoint: Sendable, Equatable {
    /// The group the point belongs to.
    public let group: ECGroup
    let storage: ECPointStorage

    init(group: ECGroup, storage: ECPointStorage) {
        self.group = group
        self.storage = storage
    }

    init(group: ECGroup, owning pointer: OpaquePointer) {
        self.init(group: group, storage: ECPointStorage(owning: pointer))
    }

    var pointer: OpaquePointer { storage.pointer }
    var groupPointer: OpaquePointer { group.storage.pointer }

    /// Decode a SEC1 point, compressed (`0x02`/`0x03 || x`, 1 + Nfe bytes)
    /// or uncompressed (`0x04 || x || y`, 1 + 2·Nfe bytes)
    /// (`EC_POINT_oct2point`). Refuses the identity (`0x00`), the hybrid
    /// forms, other lengths, coordinates ≥ p and points off the curve.
    /// - Parameters:
    ///   - bytes: the encoding.
    ///   - group: the group.
    /// - Throws: ``CryptoError`` naming `EC_POINT_oct2point` and why.
    public init(sec1 bytes: [UInt8], in group: ECGroup) throws(CryptoError) {
        let n = group.fieldElementLength
        guard let tag = bytes.first else { throw CryptoError(call: "EC_POINT_oct2point", reason: "empty point encoding") }
        switch (tag, bytes.count) {
        case (0x02, 1 + n), (0x03, 1 + n), (0x04, 1 + 2 * n): break
        case (0x00, _): throw CryptoError(call: "EC_POINT_oct2point", reason: "the identity has no accepted encoding")
        default:
            throw CryptoError(call: "EC_POINT_oct2point",
                              reason: "tag 0x\(String(tag, radix: 16)) with \(bytes.count) bytes is not a compressed or uncompressed \(group.curve.rawValue) point")
        }
        let point = try OpenSSLECMath.decode(group.storage.pointer, bytes)
        self.init(group: group, owning: point)
        // oct2point checks these already; a second look costs little and
        // keeps the guarantee independent of the OpenSSL version.
        guard !isIdentity else { throw CryptoError(call: "EC_POINT_oct2point", reason: "decoded the identity") }
        guard try OpenSSLECMath.isOnCurve(groupPointer, pointer) else {
            throw CryptoError(call: "EC_POINT_is_on_curve", reason: "the point is not on \(group.curve.rawValue)")
        }
    }

    /// The point with affine coordinates `(x, y)` (`EC_POINT_set_affine_coordinates`).
    /// - Throws: ``CryptoError`` when the point is not on the curve.
    public init(x: ECFieldElement, y: ECFieldElement) throws(CryptoError) {
        guard x.group == y.group else { throw CryptoError(call: "EC_POINT_set_affine_coordinates", reason: "x and y are of different curves") }
        self.init(group: x.group, owning: try OpenSSLECMath.fromAffine(x.group.storage.pointer, x: x.value.pointer, y: y.value.pointer))
    }

    /// Whether this is the identity, the point at infinity (`EC_POINT_is_at_infinity`).
    public var isIdentity: Bool { OpenSSLECMath.isAtInfinity(groupPointer, pointer) }

    /// The SEC1 encoding (`EC_POINT_point2oct`).
    /// - Parameter compressed: `0x02`/`0x03 || x` when true (the default),
    ///   `0x04 || x || y` otherwise.
    /// - Returns: 1 + Nfe or 1 + 2·Nfe bytes.
    /// - Throws: ``CryptoError`` for the identity, which has no such encoding.
    public func sec1(compressed: Bool = true) throws(CryptoError) -> [UInt8] {
        guard !isIdentity else { throw CryptoError(call: "EC_POINT_point2oct", reason: "the identity has no SEC1 point encoding") }
        return try OpenSSLECMath.encode(groupPointer, pointer, compressed: compressed)
    }

    /// The affine coordinates (`EC_POINT_get_affine_coordinates`).
    /// - Throws: ``CryptoError`` for the identity.
    public func affineCoordinates() throws(CryptoError) -> (x: ECFieldElement, y: ECFieldElement) {
        let (x, y) = try OpenSSLECMath.affine(groupPointer, pointer)
        return (ECFieldElement(group: group, owning: x), ECFieldElement(group: group, owning: y))
    }

    /// `self + other` (`EC_POINT_add`).
    /// - Throws: ``CryptoError`` when the points are of different groups or OpenSSL fails.
    public func adding(_ other: ECPoint) throws(CryptoError) -> ECPoint {
        try sameGroup(other, "EC_POINT_add")
        return ECPoint(group: group, owning: try OpenSSLECMath.add(groupPointer, pointer, other.pointer))
    }

    /// `-self` (`EC_POINT_invert`).
    public func negated() throws(CryptoError) -> ECPoint {
        ECPoint(group: group, owning: try OpenSSLECMath.negate(groupPointer, pointer))
    }

    /// `k·self`, in constant time with respect to `k` (a single-term `EC_POINT_mul`).
    /// - Parameter scalar: the multiplier, possibly secret.
    /// - Throws: ``CryptoError`` when the scalar is of another group or OpenSSL fails.
    public func multiplied(by scalar: ECScalar) throws(CryptoError) -> ECPoint {
        guard scalar.group == group else { throw CryptoError(call: "EC_POINT_mul", reason: "the scalar is of another group") }
        return ECPoint(group: group, owning: try OpenSSLECMath.multiply(groupPointer, generatorScalar: nil, point: pointer,
                                                                        pointScalar: scalar.value.pointer))
    }

    /// `a·G + b·P` in one `EC_POINT_mul` call (variable-time wNAF): for
    /// public scalars only, e.g. verifying a proof.
    /// - Parameters:
    ///   - a: the generator's multiplier.
    ///   - b: `point`'s multiplier.
    ///   - point: `P`.
    /// - Throws: ``CryptoError`` when the inputs are of different groups or OpenSSL fails.
    public static func linearCombination(_ a: ECScalar, _ b: ECScalar, _ point: ECPoint) throws(CryptoError) -> ECPoint {
        let group = point.group
        guard a.group == group, b.group == group else { throw CryptoError(call: "EC_POINT_mul", reason: "the scalars are of another group") }
        return ECPoint(group: group, owning: try OpenSSLECMath.multiply(group.storage.pointer, generatorScalar: a.value.pointer,
                                                                        point: point.pointer, pointScalar: b.value.pointer))
    }

    /// Equality (`EC_POINT_cmp`); false across groups or when OpenSSL fails.
    public static func == (lhs: ECPoint, rhs: ECPoint) -> Bool {
        lhs.group == rhs.group && OpenSSLECMath.compare(lhs.groupPointer, lhs.pointer, rhs.pointer) == 0
    }

    private func sameGroup(_ other: ECPoint, _ call: String) throws(CryptoError) {
        guard other.group == group else { throw CryptoError(call: call, reason: "the points are of different curves") }
    }
}
