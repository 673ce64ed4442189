/// An integer modulo the order `n` of an ``ECGroup``, always reduced to
/// `0..<n`. Every scalar carries `BN_FLG_CONSTTIME` and is wiped when freed
/// (`BN_clear_free`), since any of them may be a key, a blind or a nonce.
///
/// Constant time: ``inverted()`` is Fermat's `k^(n-2) mod n` through
/// `BN_mod_exp_mont_consttime`; scalar multiplication is in ``ECPoint``.
/// Addition and multiplication go through `BN_mod_add`/`BN_mod_mul`, which
/// are not guaranteed constant time in OpenSSL (their timing can depend on
/// the operands' word lengths); the secret-key paths use them once per
/// request on uniformly random values. ``==`` compares the fixed-length
/// encodings with `CRYPTO_memcmp`.
public struct ECScalar: Sendable, Equatable, CustomStringConvertible {
    /// The group whose order this scalar is taken modulo.
    public let group: ECGroup
    /// The value in `0..<n`, with `BN_FLG_CONSTTIME`.
    let value: BigNumber

    init(group: ECGroup, owning pointer: OpaquePointer) {
        self.group = group
        value = BigNumber(owning: pointer, secret: true)
    }

    /// A uniform random scalar in `1..<n` from OpenSSL's private CSPRNG (`BN_priv_rand_range`).
    /// - Parameter group: the group.
    /// - Throws: ``CryptoError`` when the CSPRNG fails.
    public static func random(in group: ECGroup) throws(CryptoError) -> ECScalar {
        ECScalar(group: group, owning: try OpenSSLECMath.randomNonZero(below: group.order.pointer))
    }

    /// Decode a fixed-length big-endian scalar, refusing values ≥ n (`BN_bin2bn`).
    /// - Parameters:
    ///   - bytes: exactly ``ECGroup/scalarLength`` bytes.
    ///   - group: the group.
    /// - Throws: ``CryptoError`` (call `BN_bin2bn`) for a wrong length or a value ≥ n.
    public init(bigEndian bytes: [UInt8], in group: ECGroup) throws(CryptoError) {
        guard bytes.count == group.scalarLength else {
            throw CryptoError(call: "BN_bin2bn", reason: "a \(group.curve.rawValue) scalar has \(group.scalarLength) bytes, got \(bytes.count)")
        }
        let number = try BigNumber(bigEndian: bytes, secret: true)
        guard number < group.order else { throw CryptoError(call: "BN_bin2bn", reason: "the scalar is not below the group order") }
        self.group = group
        value = number
    }

    /// The big-endian number `bytes` reduced mod n, for hash-to-field with the
    /// group order as modulus (`BN_bin2bn`, `BN_nnmod`).
    /// - Parameters:
    ///   - bytes: any length.
    ///   - group: the group.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public init(reducing bytes: [UInt8], in group: ECGroup) throws(CryptoError) {
        let number = try BigNumber(bigEndian: bytes, secret: true)
        self.init(group: group, owning: try OpenSSLECMath.reduce(number.pointer, group.order.pointer))
    }

    /// A small constant, e.g. 0 or 1.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public init(_ value: UInt64, in group: ECGroup) throws(CryptoError) {
        try self.init(reducing: withUnsafeBytes(of: value.bigEndian) { Array($0) }, in: group)
    }

    /// The value as ``ECGroup/scalarLength`` big-endian bytes (`BN_bn2binpad`).
    /// The caller wipes it (``ConstantTime/wipe(_:)``) when the scalar is secret.
    public func bigEndianBytes() -> [UInt8] {
        // A reduced value always fits: reaching `nil` would be our bug.
        guard let bytes = OpenSSLECMath.paddedBytes(value.pointer, length: group.scalarLength) else {
            preconditionFailure("a reduced scalar exceeds \(group.scalarLength) bytes")
        }
        return bytes
    }

    /// Whether the scalar is zero.
    public var isZero: Bool { value.isZero }

    /// `(self + other) mod n` (`BN_mod_add`).
    public func adding(_ other: ECScalar) throws(CryptoError) -> ECScalar {
        try sameGroup(other, "BN_mod_add")
        return ECScalar(group: group, owning: try OpenSSLECMath.modAdd(value.pointer, other.value.pointer, group.order.pointer))
    }

    /// `(self - other) mod n` (`BN_mod_sub`).
    public func subtracting(_ other: ECScalar) throws(CryptoError) -> ECScalar {
        try sameGroup(other, "BN_mod_sub")
        return ECScalar(group: group, owning: try OpenSSLECMath.modSubtract(value.pointer, other.value.pointer, group.order.pointer))
    }

    /// `self · other mod n` (`BN_mod_mul`).
    public func multiplied(by other: ECScalar) throws(CryptoError) -> ECScalar {
        try sameGroup(other, "BN_mod_mul")
        return ECScalar(group: group, owning: try OpenSSLECMath.modMultiply(value.pointer, other.value.pointer, group.order.pointer))
    }

    /// `-self mod n` (`BN_mod_sub` from zero).
    public func negated() throws(CryptoError) -> ECScalar {
        try ECScalar(0, in: group).subtracting(self)
    }

    /// `self^-1 mod n` by Fermat, `self^(n-2) mod n`, in constant time
    /// (`BN_mod_exp` → `BN_mod_exp_mont_consttime`, the base is `BN_FLG_CONSTTIME`).
    /// - Throws: ``CryptoError`` (call `BN_mod_exp`) for zero, which has no inverse.
    public func inverted() throws(CryptoError) -> ECScalar {
        guard !isZero else { throw CryptoError(call: "BN_mod_exp", reason: "zero has no inverse mod the group order") }
        let exponent = try group.order.subtracting(BigNumber(2))
        return ECScalar(group: group, owning: try OpenSSLECMath.modExp(value.pointer, exponent.pointer, group.order.pointer))
    }

    /// Equality of the fixed-length encodings, in constant time (`CRYPTO_memcmp`).
    public static func == (lhs: ECScalar, rhs: ECScalar) -> Bool {
        guard lhs.group == rhs.group else { return false }
        var a = lhs.bigEndianBytes(), b = rhs.bigEndianBytes()
        defer { ConstantTime.wipe(&a); ConstantTime.wipe(&b) }
        return ConstantTime.equal(a, b)
    }

    /// Never the value: `<scalar mod n of P-256>`.
    public var description: String { "<scalar mod n of \(group.curve.rawValue)>" }

    private func sameGroup(_ other: ECScalar, _ call: String) throws(CryptoError) {
        guard other.group == group else { throw CryptoError(call: call, reason: "the scalars are of different groups") }
    }
}
