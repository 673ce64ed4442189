/// Owns one OpenSSL `EC_GROUP` and its generator; frees them on `deinit`.
final class ECGroupStorage: @unchecked Sendable {
    // @unchecked: never mutated after `init`; OpenSSL only reads an
    // EC_GROUP during point arithmetic (the API takes `const EC_GROUP *`).
    let pointer: OpaquePointer
    let generator: ECPointStorage

    init(owning pointer: OpaquePointer, generator: OpaquePointer) {
        self.pointer = pointer
        self.generator = ECPointStorage(owning: generator)
    }

    deinit { OpenSSLECMath.freeGroup(pointer) }
}

/// A prime-order elliptic-curve group `y² = x³ + a·x + b` over GF(p), as
/// OpenSSL's `EC_GROUP` for a named curve (`EC_GROUP_new_by_curve_name`).
/// P-256 and P-384 have cofactor 1, so every point but the identity
/// generates the group.
///
/// Obtain one with ``named(_:)``; instances are cached and shared.
public struct ECGroup: Sendable, Hashable {
    /// The curve.
    public let curve: ECCurve
    /// The group order `n` (prime).
    public let order: BigNumber
    /// The field prime `p`.
    public let fieldPrime: BigNumber
    /// The curve coefficient `a` (`p - 3` for both curves).
    public let coefficientA: BigNumber
    /// The curve coefficient `b`.
    public let coefficientB: BigNumber
    let storage: ECGroupStorage

    private init(creating curve: ECCurve) throws(CryptoError) {
        let group = try OpenSSLECMath.newGroup(curve)
        let generator: OpaquePointer
        do { generator = try OpenSSLECMath.generator(group) } catch { OpenSSLECMath.freeGroup(group); throw error }
        storage = ECGroupStorage(owning: group, generator: generator)
        self.curve = curve
        order = BigNumber(owning: try OpenSSLECMath.order(group))
        let (p, a, b) = try OpenSSLECMath.curveParameters(group)
        fieldPrime = BigNumber(owning: p)
        coefficientA = BigNumber(owning: a)
        coefficientB = BigNumber(owning: b)
    }

    private static let p256 = Result { () throws(CryptoError) -> ECGroup in try ECGroup(creating: .p256) }
    private static let p384 = Result { () throws(CryptoError) -> ECGroup in try ECGroup(creating: .p384) }

    /// The shared group of a named curve (`EC_GROUP_new_by_curve_name`, once per process).
    /// - Parameter curve: P-256 or P-384.
    /// - Returns: the group.
    /// - Throws: ``CryptoError`` when OpenSSL cannot build the group.
    public static func named(_ curve: ECCurve) throws(CryptoError) -> ECGroup {
        switch curve {
        case .p256: return try p256.get()
        case .p384: return try p384.get()
        }
    }

    /// Bytes in a scalar mod ``order`` (`Ns`): 32 or 48.
    public var scalarLength: Int { curve.coordinateLength }
    /// Bytes in a field element (`Nfe`): 32 or 48.
    public var fieldElementLength: Int { curve.coordinateLength }
    /// Bytes in a compressed SEC1 point: 33 or 49.
    public var compressedPointLength: Int { 1 + curve.coordinateLength }

    /// The generator `G` (`EC_GROUP_get0_generator`).
    public var generator: ECPoint { ECPoint(group: self, storage: storage.generator) }

    /// The identity element, the point at infinity (`EC_POINT_set_to_infinity`).
    /// - Throws: ``CryptoError`` when OpenSSL cannot allocate.
    public func identity() throws(CryptoError) -> ECPoint {
        ECPoint(group: self, owning: try OpenSSLECMath.identity(storage.pointer))
    }

    /// Groups are equal when their curves are.
    public static func == (lhs: ECGroup, rhs: ECGroup) -> Bool { lhs.curve == rhs.curve }
    public func hash(into hasher: inout Hasher) { hasher.combine(curve) }
}
