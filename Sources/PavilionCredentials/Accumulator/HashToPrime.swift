import PavilionCrypto

/// Maps a credential identifier to a 256-bit prime, deterministically, so
/// anyone can recompute the accumulated element from the identifier.
///
/// For counter = 0, 1, 2, …: `c = SHA-256("pavilion/accumulator/hash-to-prime/v1" ‖ 0x00 ‖
/// uint32be(len(id)) ‖ id ‖ uint32be(counter))`, set the top bit (so the
/// prime has exactly 256 bits) and the low bit (odd); the first `c` that
/// passes `BN_check_prime` (error < 2^-128) is the prime. About
/// ln(2^256)/2 ≈ 89 candidates are tried on average.
///
/// Distinct identifiers map to the same prime only if SHA-256 collides on
/// the accepted candidates, so a prime stands for one identifier. 256-bit
/// primes keep witnesses and update exponents small; primes are never 2 and
/// never divide φ(N)'s small factors in practice.
public enum HashToPrime {
    /// The domain-separation tag.
    public static let domain = Array("pavilion/accumulator/hash-to-prime/v1".utf8)
    /// The prime size in bits.
    public static let bits = 256

    /// The prime for `identifier`, and the counter that produced it.
    /// - Throws: ``AccumulatorError`` `cryptoFailure` when OpenSSL fails.
    public static func prime(for identifier: [UInt8]) throws(AccumulatorError) -> (prime: BigNumber, counter: UInt32) {
        var counter: UInt32 = 0
        while true {
            var input = domain + [0x00] + bigEndian(UInt32(clamping: identifier.count)) + identifier + bigEndian(counter)
            var candidate = SHA256.hash(input)
            candidate[0] |= 0x80
            candidate[31] |= 0x01
            input.removeAll()
            let number = try crypto { () throws(CryptoError) in try BigNumber(bigEndian: candidate) }
            if try crypto({ () throws(CryptoError) in try number.isProbablePrime() }) { return (number, counter) }
            counter &+= 1
        }
    }

    /// The prime for a UTF-8 identifier, e.g. a credential `jti` or `id`.
    /// - Throws: ``AccumulatorError`` `cryptoFailure` when OpenSSL fails.
    public static func prime(for identifier: String) throws(AccumulatorError) -> BigNumber {
        try prime(for: Array(identifier.utf8)).prime
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

/// Run OpenSSL work, converting ``CryptoError`` into ``AccumulatorError``.
func crypto<T>(_ body: () throws(CryptoError) -> T) throws(AccumulatorError) -> T {
    do { return try body() } catch { throw AccumulatorError(.cryptoFailure, error.description) }
}
