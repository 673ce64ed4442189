import Foundation

/// Randomness from OpenSSL's CSPRNG (`RAND_bytes`), the only source of
/// randomness Pavilion uses for anything that matters.
public enum SecureRandom {
    /// `count` random bytes.
    /// - Throws: ``CryptoError`` when the CSPRNG is not seeded or fails.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try OpenSSL.randomBytes(into: &out)
        return out
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether `a` and `b` are equal, through `CRYPTO_memcmp`. Lengths are
    /// not secret.
    public static func equal(_ a: some ContiguousBytes, _ b: some ContiguousBytes) -> Bool {
        OpenSSL.constantTimeEqual(a, b)
    }

    /// Overwrite `buffer` with zeros in a way the compiler cannot elide
    /// (`OPENSSL_cleanse`).
    public static func wipe(_ buffer: inout [UInt8]) { OpenSSL.cleanse(&buffer) }
}
