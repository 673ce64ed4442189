/// An element of the base field GF(p) of an ``ECGroup``, reduced to
/// `0..<p`: the arithmetic RFC 9380 needs for the simplified SWU map
/// (`inv0`, `is_square`, `sqrt`, `sqrt_ratio`, `sgn0`, `CMOV`), over
/// OpenSSL `BN_mod_*` calls.
///
/// Not constant time: `BN_mod_add`/`BN_mod_mul`/`BN_mod_inverse` may take
/// operand-dependent time, and ``select(_:_:_:)`` is a branch. Values carry
/// `BN_FLG_CONSTTIME`, so the exponentiations (``power(_:)``, square roots,
/// Legendre symbol) take `BN_mod_exp_mont_consttime`. Hash-to-curve touches
/// the client's input here, never a server key.
public struct ECFieldElement: Sendable, Equatable {
    /// The group whose field this element belongs to.
    public let group: ECGroup
    /// The value in `0..<p`.
    let value: BigNumber

    init(group: ECGroup, owning pointer: OpaquePointer) {
        self.group = group
        value = BigNumber(owning: pointer, secret: true)
    }

    private var p: OpaquePointer { group.fieldPrime.pointer }

    /// The big-endian number `bytes` reduced mod p, as `hash_to_field`
    /// (RFC 9380 §5.2) does with each `L`-byte chunk (`BN_bin2bn`, `BN_nnmod`).
    /// - Parameters:
    ///   - bytes: any length.
    ///   - group: the group.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public init(reducing bytes: [UInt8], in group: ECGroup) throws(CryptoError) {
        let number = try BigNumber(bigEndian: bytes, secret: true)
        self.init(group: group, owning: try OpenSSLECMath.reduce(number.pointer, group.fieldPrime.pointer))
    }

    /// A number reduced mod p, e.g. a curve constant.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public init(_ number: BigNumber, in group: ECGroup) throws(CryptoError) {
        self.init(group: group, owning: try OpenSSLECMath.reduce(number.pointer, group.fieldPrime.pointer))
    }

    /// A small constant.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public init(_ value: UInt64, in group: ECGroup) throws(CryptoError) {
        try self.init(BigNumber(value), in: group)
    }

    /// The value as ``ECGroup/fieldElementLength`` big-endian bytes (`BN_bn2binpad`).
    public func bigEndianBytes() -> [UInt8] {
        // A reduced value always fits: reaching `nil` would be our bug.
        guard let bytes = OpenSSLECMath.paddedBytes(value.pointer, length: group.fieldElementLength) else {
            preconditionFailure("a reduced field element exceeds \(group.fieldElementLength) bytes")
        }
        return bytes
    }

    /// Whether the element is zero.
    public var isZero: Bool { value.isZero }

    /// `sgn0(x)` for a prime field (RFC 9380 §4.1): `x mod 2` (`BN_is_odd`).
    public var sign: Bool { OpenSSLECMath.isOdd(value.pointer) }

    /// `self + other mod p` (`BN_mod_add`).
    public func adding(_ other: ECFieldElement) throws(CryptoError) -> ECFieldElement {
        ECFieldElement(group: group, owning: try OpenSSLECMath.modAdd(value.pointer, other.value.pointer, p))
    }

    /// `self - other mod p` (`BN_mod_sub`).
    public func subtracting(_ other: ECFieldElement) throws(CryptoError) -> ECFieldElement {
        ECFieldElement(group: group, owning: try OpenSSLECMath.modSubtract(value.pointer, other.value.pointer, p))
    }

    /// `self · other mod p` (`BN_mod_mul`).
    public func multiplied(by other: ECFieldElement) throws(CryptoError) -> ECFieldElement {
        ECFieldElement(group: group, owning: try OpenSSLECMath.modMultiply(value.pointer, other.value.pointer, p))
    }

    /// `self² mod p` (`BN_mod_sqr`).
    public func squared() throws(CryptoError) -> ECFieldElement {
        ECFieldElement(group: group, owning: try OpenSSLECMath.modSquare(value.pointer, p))
    }

    /// `-self mod p` (`BN_mod_sub` from zero).
    public func negated() throws(CryptoError) -> ECFieldElement {
        try ECFieldElement(0, in: group).subtracting(self)
    }

    /// `self^e mod p` (`BN_mod_exp`, constant-time Montgomery: the base is `BN_FLG_CONSTTIME`).
    public func power(_ exponent: BigNumber) throws(CryptoError) -> ECFieldElement {
        ECFieldElement(group: group, owning: try OpenSSLECMath.modExp(value.pointer, exponent.pointer, p))
    }

    /// `inv0(self)` (RFC 9380 §4): the inverse, or zero for zero (`BN_mod_inverse`).
    public func inverse0() throws(CryptoError) -> ECFieldElement {
        guard !isZero else { return self }
        return ECFieldElement(group: group, owning: try OpenSSLECMath.modInverse(value.pointer, p))
    }

    /// `is_square(self)` (RFC 9380 §4): the Legendre symbol `self^((p-1)/2)`
    /// is 0 or 1.
    public func isSquare() throws(CryptoError) -> Bool {
        let exponent = try group.fieldPrime.subtracting(BigNumber(1)).quotientAndRemainder(dividingBy: BigNumber(2)).quotient
        let symbol = try power(exponent)
        let one = try ECFieldElement(1, in: group)
        return symbol.isZero || symbol == one
    }

    /// `sqrt_ratio(u, v)` (RFC 9380 §F.2.1.2, the `q ≡ 3 (mod 4)` case, which
    /// P-256 and P-384 both are): `(true, sqrt(u/v))` when `u/v` is square,
    /// else `(false, sqrt(Z·u/v))`, with one exponentiation.
    /// - Parameters:
    ///   - u: the numerator.
    ///   - v: the denominator, non-zero.
    ///   - z: the map's non-square constant `Z`.
    /// - Throws: ``CryptoError`` when the field is not `3 mod 4` or OpenSSL fails.
    public static func sqrtRatio(_ u: ECFieldElement, _ v: ECFieldElement,
                                 z: ECFieldElement) throws(CryptoError) -> (isSquare: Bool, root: ECFieldElement) {
        let group = u.group
        let prime = group.fieldPrime
        let (c1, rem) = try prime.subtracting(BigNumber(3)).quotientAndRemainder(dividingBy: BigNumber(4))  // (q - 3) / 4
        guard rem.isZero else { throw CryptoError(call: "BN_div", reason: "sqrt_ratio here needs p ≡ 3 (mod 4)") }
        let c2 = try z.negated().squareRoot3Mod4()                       // sqrt(-Z)
        var tv1 = try v.squared()                                         // 1. tv1 = v^2
        let tv2 = try u.multiplied(by: v)                                 // 2. tv2 = u * v
        tv1 = try tv1.multiplied(by: tv2)                                 // 3. tv1 = tv1 * tv2
        var y1 = try tv1.power(c1)                                        // 4. y1 = tv1^c1
        y1 = try y1.multiplied(by: tv2)                                   // 5. y1 = y1 * tv2
        let y2 = try y1.multiplied(by: c2)                                // 6. y2 = y1 * c2
        var tv3 = try y1.squared()                                        // 7. tv3 = y1^2
        tv3 = try tv3.multiplied(by: v)                                   // 8. tv3 = tv3 * v
        let isQR = tv3 == u                                               // 9. isQR = tv3 == u
        return (isQR, select(y2, y1, isQR))                               // 10. y = CMOV(y2, y1, isQR)
    }

    /// `sqrt(self)` for `p ≡ 3 (mod 4)`: `self^((p+1)/4)`, checked.
    /// - Throws: ``CryptoError`` when `self` is not a square.
    public func squareRoot3Mod4() throws(CryptoError) -> ECFieldElement {
        let exponent = try group.fieldPrime.adding(BigNumber(1)).quotientAndRemainder(dividingBy: BigNumber(4)).quotient
        let root = try power(exponent)
        guard try root.squared() == self else { throw CryptoError(call: "BN_mod_exp", reason: "the element is not a square in GF(p)") }
        return root
    }

    /// `CMOV(a, b, c)` (RFC 9380 §4): `b` when `c`, else `a`. A branch, not constant time.
    public static func select(_ a: ECFieldElement, _ b: ECFieldElement, _ c: Bool) -> ECFieldElement { c ? b : a }

    /// Numeric equality (`BN_cmp`). Not constant time.
    public static func == (lhs: ECFieldElement, rhs: ECFieldElement) -> Bool {
        lhs.group == rhs.group && lhs.value == rhs.value
    }
}
