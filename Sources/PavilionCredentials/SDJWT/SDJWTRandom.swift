import PavilionCrypto

/// CSPRNG-driven choices for issuance: decoy counts, decoy digests and the
/// order of `_sd` arrays.
enum SDJWTRandom {
    /// A uniform integer in `range`, by rejection sampling (no modulo bias).
    static func integer(in range: ClosedRange<Int>) throws(SDJWTError) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        guard span > 1 else { return range.lowerBound }
        let limit = UInt64.max - UInt64.max % span
        while true {
            let bytes = try randomBytes(8)
            let n = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if n < limit { return range.lowerBound + Int(n % span) }
        }
    }

    /// The elements in a uniformly random order (Fisher–Yates).
    static func shuffled<T>(_ elements: [T]) throws(SDJWTError) -> [T] {
        var out = elements
        guard out.count > 1 else { return out }
        for i in stride(from: out.count - 1, to: 0, by: -1) {
            let j = try integer(in: 0...i)
            out.swapAt(i, j)
        }
        return out
    }

    /// A decoy digest: the hash of 32 random bytes (RFC 9901 §4.2.5).
    static func decoyDigest(_ algorithm: SDJWTHashAlgorithm) throws(SDJWTError) -> String {
        algorithm.digest(ofBytes: try randomBytes(32))
    }

    private static func randomBytes(_ count: Int) throws(SDJWTError) -> [UInt8] {
        do { return try SecureRandom.bytes(count) } catch { throw SDJWTError(.cryptoFailure, "the CSPRNG failed: \(error)") }
    }
}
