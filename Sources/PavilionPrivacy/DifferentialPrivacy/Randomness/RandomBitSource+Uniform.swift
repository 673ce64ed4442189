extension RandomBitSource {
    /// A uniformly random integer in `[0, n)`, without modulo bias
    /// (Lemire's multiply-and-reject: a draw is rejected when it falls in
    /// the `2^64 mod n` values that would make some outputs more likely).
    /// - Parameter n: the exclusive upper bound, at least 1.
    /// - Returns: the draw.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for
    ///   `n == 0`; ``DifferentialPrivacyError/Code/cryptoFailure`` from the source.
    public func uniform(below n: UInt64) throws(DifferentialPrivacyError) -> UInt64 {
        guard n > 0 else { throw DifferentialPrivacyError(.parameterOutOfRange, "uniform(below: 0)") }
        if n & (n &- 1) == 0 { return try nextUInt64() & (n &- 1) }
        var product = try nextUInt64().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n  // 2^64 mod n
            while product.low < threshold {
                product = try nextUInt64().multipliedFullWidth(by: n)
            }
        }
        return product.high
    }

    /// A uniformly random integer in `[0, n)` for 128-bit `n`, by drawing
    /// as many bits as `n - 1` has and rejecting draws `>= n` (fewer than
    /// two draws on average).
    /// - Parameter n: the exclusive upper bound, at least 1.
    /// - Returns: the draw.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for
    ///   `n == 0`; ``DifferentialPrivacyError/Code/cryptoFailure`` from the source.
    public func uniform(below n: UInt128) throws(DifferentialPrivacyError) -> UInt128 {
        guard n > 0 else { throw DifferentialPrivacyError(.parameterOutOfRange, "uniform(below: 0)") }
        if n <= UInt128(UInt64.max) { return UInt128(try uniform(below: UInt64(n))) }
        let bits = 128 - (n - 1).leadingZeroBitCount
        let mask: UInt128 = bits == 128 ? UInt128.max : (UInt128(1) << bits) - 1
        while true {
            let high = UInt128(try nextUInt64())
            let low = UInt128(try nextUInt64())
            let draw = ((high << 64) | low) & mask
            if draw < n { return draw }
        }
    }

    /// A fair coin.
    /// - Returns: `true` with probability exactly 1/2.
    /// - Throws: ``DifferentialPrivacyError/Code/cryptoFailure`` from the source.
    public func fairCoin() throws(DifferentialPrivacyError) -> Bool {
        try nextUInt64() & 1 == 1
    }
}
