internal import COpenSSL

/// Thin internal wrappers over OpenSSL's `BN_*` functions. `BIGNUM`s cross
/// this file only as `OpaquePointer`s owned by ``BigNumberStorage``; each
/// operation makes its own `BN_CTX` (`BN_CTX_secure_new`) and frees it.
enum OpenSSLBN {
    static func fail(_ call: String) -> CryptoError { OpenSSL.fail(call) }

    static func new() throws(CryptoError) -> OpaquePointer {
        guard let bn = BN_new() else { throw fail("BN_new") }
        return bn
    }

    /// Free and wipe (`BN_clear_free`): any value may be secret.
    static func free(_ bn: OpaquePointer) { BN_clear_free(bn) }

    static func duplicate(_ bn: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        guard let copy = BN_dup(bn) else { throw fail("BN_dup") }
        return copy
    }

    static func fromBytes(_ bytes: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let bn = bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(clamping: $0.count), nil) }
        guard let bn else { throw fail("BN_bin2bn") }
        return bn
    }

    static func fromWord(_ value: UInt64) throws(CryptoError) -> OpaquePointer {
        let bn = try new()
        guard BN_set_word(bn, UInt(value)) == 1 else { free(bn); throw fail("BN_set_word") }
        return bn
    }

    /// Big-endian magnitude, no leading zeros (`BN_bn2bin`); empty for zero.
    static func toBytes(_ bn: OpaquePointer) -> [UInt8] {
        let count = Int((BN_num_bits(bn) + 7) / 8)
        var out = [UInt8](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { _ = BN_bn2bin(bn, $0.baseAddress) }
        return out
    }

    static func bitCount(_ bn: OpaquePointer) -> Int { Int(BN_num_bits(bn)) }
    static func isNegative(_ bn: OpaquePointer) -> Bool { BN_is_negative(bn) == 1 }
    static func compare(_ a: OpaquePointer, _ b: OpaquePointer) -> Int32 { BN_cmp(a, b) }

    /// Mark `bn` so OpenSSL takes constant-time paths with it (`BN_FLG_CONSTTIME`).
    static func setConstantTime(_ bn: OpaquePointer) { BN_set_flags(bn, BN_FLG_CONSTTIME) }

    // MARK: Arithmetic

    private static func withContext<T>(_ call: String, _ body: (OpaquePointer) -> T) throws(CryptoError) -> T {
        guard let ctx = BN_CTX_secure_new() else { throw fail("BN_CTX_secure_new") }
        defer { BN_CTX_free(ctx) }
        return body(ctx)
    }

    /// `r = op(…)`, freeing `r` when `op` fails.
    private static func result(_ call: String, _ op: (OpaquePointer) throws(CryptoError) -> Int32) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let r = try new()
        let ok: Int32
        do { ok = try op(r) } catch { free(r); throw error }
        guard ok == 1 else { free(r); throw fail(call) }
        return r
    }

    static func add(_ a: OpaquePointer, _ b: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try result("BN_add") { BN_add($0, a, b) }
    }

    static func subtract(_ a: OpaquePointer, _ b: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try result("BN_sub") { BN_sub($0, a, b) }
    }

    static func multiply(_ a: OpaquePointer, _ b: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try result("BN_mul") { r throws(CryptoError) in try withContext("BN_mul") { BN_mul(r, a, b, $0) } }
    }

    /// Floor division of non-negative numbers (`BN_div`): quotient and remainder.
    static func divide(_ a: OpaquePointer, _ b: OpaquePointer) throws(CryptoError) -> (OpaquePointer, OpaquePointer) {
        let remainder = try new()
        let quotient: OpaquePointer
        do {
            quotient = try result("BN_div") { q throws(CryptoError) in try withContext("BN_div") { BN_div(q, remainder, a, b, $0) } }
        } catch {
            free(remainder)
            throw error
        }
        return (quotient, remainder)
    }

    /// The non-negative residue `a mod m` (`BN_nnmod`).
    static func modulo(_ a: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try result("BN_nnmod") { r throws(CryptoError) in try withContext("BN_nnmod") { BN_nnmod(r, a, m, $0) } }
    }

    static func modMultiply(_ a: OpaquePointer, _ b: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try result("BN_mod_mul") { r throws(CryptoError) in try withContext("BN_mod_mul") { BN_mod_mul(r, a, b, m, $0) } }
    }

    /// `a^e mod m` (`BN_mod_exp`; with `BN_FLG_CONSTTIME` on `e` or `a`,
    /// OpenSSL uses `BN_mod_exp_mont_consttime`).
    static func modExp(_ a: OpaquePointer, _ e: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try result("BN_mod_exp") { r throws(CryptoError) in try withContext("BN_mod_exp") { BN_mod_exp(r, a, e, m, $0) } }
    }

    static func gcd(_ a: OpaquePointer, _ b: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try result("BN_gcd") { r throws(CryptoError) in try withContext("BN_gcd") { BN_gcd(r, a, b, $0) } }
    }

    /// `a^-1 mod m` (`BN_mod_inverse`); fails when `gcd(a, m) ≠ 1`.
    static func modInverse(_ a: OpaquePointer, _ m: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let r = try new()
        let ok = try withContext("BN_mod_inverse") { BN_mod_inverse(r, a, m, $0) != nil }
        guard ok else { free(r); throw fail("BN_mod_inverse") }
        return r
    }

    // MARK: Primes and randomness

    /// Whether `bn` is prime, with OpenSSL's default rounds for its size
    /// (false-positive rate below 2^-128) (`BN_check_prime`).
    static func isPrime(_ bn: OpaquePointer) throws(CryptoError) -> Bool {
        ERR_clear_error()
        let answer = try withContext("BN_check_prime") { BN_check_prime(bn, $0, nil) }
        guard answer >= 0 else { throw fail("BN_check_prime") }
        return answer == 1
    }

    /// A random prime of exactly `bits` bits; a safe prime (`(p-1)/2` prime
    /// too) when `safe` (`BN_generate_prime_ex2`).
    static func generatePrime(bits: Int, safe: Bool) throws(CryptoError) -> OpaquePointer {
        try result("BN_generate_prime_ex2") { r throws(CryptoError) in
            try withContext("BN_generate_prime_ex2") { BN_generate_prime_ex2(r, Int32(bits), safe ? 1 : 0, nil, nil, nil, $0) }
        }
    }

    /// A uniform random number in `0..<range` (`BN_rand_range`).
    static func random(below range: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        try result("BN_rand_range") { BN_rand_range($0, range) }
    }

    /// A random number of exactly `bits` bits (`BN_rand`, top bit set).
    static func random(bits: Int) throws(CryptoError) -> OpaquePointer {
        try result("BN_rand") { BN_rand($0, Int32(bits), BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) }
    }
}
