/// Owns one OpenSSL `BIGNUM`; wipes and frees it on `deinit` (`BN_clear_free`).
final class BigNumberStorage: @unchecked Sendable {
    // @unchecked: never mutated after `init`; OpenSSL reads a BIGNUM
    // concurrently without writing it.
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { OpenSSLBN.free(pointer) }
}

/// An arbitrary-precision integer held by OpenSSL (`BIGNUM`), for the RSA
/// accumulator and other number-theoretic code that must not be written by
/// hand. Immutable: every operation returns a new number.
///
/// A number created ``secret`` (or derived from one with
/// ``markedSecret()``) carries `BN_FLG_CONSTTIME`, so exponentiations with
/// it as the exponent run in constant time (`BN_mod_exp_mont_consttime`).
/// Every number is wiped when freed.
public struct BigNumber: Sendable, Comparable, CustomStringConvertible {
    let storage: BigNumberStorage
    /// Whether the number carries `BN_FLG_CONSTTIME`.
    public let isSecret: Bool

    init(owning pointer: OpaquePointer, secret: Bool = false) {
        if secret { OpenSSLBN.setConstantTime(pointer) }
        storage = BigNumberStorage(owning: pointer)
        isSecret = secret
    }

    var pointer: OpaquePointer { storage.pointer }

    /// A small number (`BN_set_word`).
    /// - Throws: ``CryptoError`` when OpenSSL cannot allocate.
    public init(_ value: UInt64) throws(CryptoError) { self.init(owning: try OpenSSLBN.fromWord(value)) }

    /// The non-negative number with these big-endian bytes (`BN_bin2bn`).
    /// - Parameters:
    ///   - bytes: the magnitude, big-endian; empty is zero.
    ///   - secret: mark it for constant-time use.
    /// - Throws: ``CryptoError`` when OpenSSL cannot allocate.
    public init(bigEndian bytes: [UInt8], secret: Bool = false) throws(CryptoError) {
        self.init(owning: try OpenSSLBN.fromBytes(bytes), secret: secret)
    }

    /// The magnitude as big-endian bytes without leading zeros (`BN_bn2bin`); empty for zero.
    public var bigEndianBytes: [UInt8] { OpenSSLBN.toBytes(pointer) }

    /// The magnitude as big-endian bytes, left-padded with zeros to `length`.
    /// - Throws: ``CryptoError`` when the number needs more than `length` bytes.
    public func bigEndianBytes(paddedTo length: Int) throws(CryptoError) -> [UInt8] {
        let bytes = bigEndianBytes
        guard bytes.count <= length else { throw CryptoError(call: "BN_bn2bin", reason: "\(bytes.count) bytes do not fit in \(length)") }
        return [UInt8](repeating: 0, count: length - bytes.count) + bytes
    }

    /// The number of significant bits (`BN_num_bits`).
    public var bitWidth: Int { OpenSSLBN.bitCount(pointer) }
    /// Whether the number is below zero (`BN_is_negative`).
    public var isNegative: Bool { OpenSSLBN.isNegative(pointer) }
    /// Whether the number is zero.
    public var isZero: Bool { bitWidth == 0 }

    /// The same value with `BN_FLG_CONSTTIME` (`BN_dup`, `BN_set_flags`).
    /// - Throws: ``CryptoError`` when OpenSSL cannot allocate.
    public func markedSecret() throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.duplicate(pointer), secret: true)
    }

    // MARK: Arithmetic

    /// `self + other` (`BN_add`).
    public func adding(_ other: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.add(pointer, other.pointer), secret: isSecret || other.isSecret)
    }

    /// `self - other`, possibly negative (`BN_sub`).
    public func subtracting(_ other: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.subtract(pointer, other.pointer), secret: isSecret || other.isSecret)
    }

    /// `self × other` (`BN_mul`).
    public func multiplied(by other: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.multiply(pointer, other.pointer), secret: isSecret || other.isSecret)
    }

    /// Quotient and remainder of `self / divisor` (`BN_div`).
    /// - Throws: ``CryptoError`` for a zero divisor.
    public func quotientAndRemainder(dividingBy divisor: BigNumber) throws(CryptoError) -> (quotient: BigNumber, remainder: BigNumber) {
        let (q, r) = try OpenSSLBN.divide(pointer, divisor.pointer)
        let secret = isSecret || divisor.isSecret
        return (BigNumber(owning: q, secret: secret), BigNumber(owning: r, secret: secret))
    }

    /// The residue in `0..<modulus` (`BN_nnmod`).
    public func modulo(_ modulus: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.modulo(pointer, modulus.pointer), secret: isSecret || modulus.isSecret)
    }

    /// `self × other mod modulus` (`BN_mod_mul`).
    public func multiplied(by other: BigNumber, modulo modulus: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.modMultiply(pointer, other.pointer, modulus.pointer),
                  secret: isSecret || other.isSecret || modulus.isSecret)
    }

    /// `self^exponent mod modulus` (`BN_mod_exp`); constant time when the
    /// exponent or base is secret (`BN_mod_exp_mont_consttime`, odd modulus).
    /// - Throws: ``CryptoError`` from OpenSSL, e.g. a negative exponent.
    public func power(_ exponent: BigNumber, modulo modulus: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.modExp(pointer, exponent.pointer, modulus.pointer),
                  secret: isSecret || exponent.isSecret)
    }

    /// The greatest common divisor (`BN_gcd`).
    public func greatestCommonDivisor(with other: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.gcd(pointer, other.pointer), secret: isSecret || other.isSecret)
    }

    /// `self^-1 mod modulus` (`BN_mod_inverse`).
    /// - Throws: ``CryptoError`` (call `BN_mod_inverse`) when `gcd(self, modulus) ≠ 1`.
    public func inverse(modulo modulus: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.modInverse(pointer, modulus.pointer), secret: isSecret || modulus.isSecret)
    }

    // MARK: Primes and randomness

    /// Whether the number is (probably) prime, error rate below 2^-128 (`BN_check_prime`).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func isProbablePrime() throws(CryptoError) -> Bool { try OpenSSLBN.isPrime(pointer) }

    /// A random prime of exactly `bits` bits (`BN_generate_prime_ex2`).
    /// - Parameters:
    ///   - bits: the size.
    ///   - safe: also require `(p-1)/2` prime (much slower).
    ///   - secret: mark the prime for constant-time use.
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public static func randomPrime(bits: Int, safe: Bool = false, secret: Bool = true) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.generatePrime(bits: bits, safe: safe), secret: secret)
    }

    /// A uniform random number in `0..<upperBound` from the CSPRNG (`BN_rand_range`).
    public static func random(below upperBound: BigNumber) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.random(below: upperBound.pointer))
    }

    /// A random number of exactly `bits` bits (`BN_rand`).
    public static func random(bits: Int) throws(CryptoError) -> BigNumber {
        BigNumber(owning: try OpenSSLBN.random(bits: bits))
    }

    // MARK: Comparison

    /// Numeric equality (`BN_cmp`). Not constant time.
    public static func == (lhs: BigNumber, rhs: BigNumber) -> Bool { OpenSSLBN.compare(lhs.pointer, rhs.pointer) == 0 }
    /// Numeric order (`BN_cmp`). Not constant time.
    public static func < (lhs: BigNumber, rhs: BigNumber) -> Bool { OpenSSLBN.compare(lhs.pointer, rhs.pointer) < 0 }

    /// Hex of the magnitude (with `-` when negative); `<secret>` for secret numbers.
    public var description: String {
        if isSecret { return "<secret \(bitWidth)-bit number>" }
        let hex = bigEndianBytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return (isNegative ? "-0x" : "0x") + (hex.isEmpty ? "0" : hex)
    }
}
