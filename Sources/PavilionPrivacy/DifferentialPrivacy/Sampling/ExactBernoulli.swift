/// Exact Bernoulli draws with rational parameters, by integer comparison
/// only: Bernoulli(p) and Bernoulli(exp(-γ)) (Canonne, Kamath and Steinke,
/// "The Discrete Gaussian for Differential Privacy", 2020, Algorithm 1).
public enum ExactBernoulli {
    /// A draw that is `true` with probability exactly `p`.
    /// - Parameters:
    ///   - p: the probability, in `[0, 1]`.
    ///   - source: the random bits.
    /// - Returns: the draw.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for
    ///   `p > 1`; ``DifferentialPrivacyError/Code/cryptoFailure`` from the source.
    public static func sample(probability p: ExactRational, using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Bool {
        guard p.isAtMostOne else { throw DifferentialPrivacyError(.parameterOutOfRange, "probability \(p) is above 1") }
        return try source.uniform(below: p.denominator) < p.numerator
    }

    /// A draw that is `true` with probability exactly `exp(-γ)`
    /// (CKS Algorithm 1). For `γ` in `[0, 1]`: draw `A_k ~ Bernoulli(γ/k)`
    /// for `k = 1, 2, …` until one is 0, and answer whether that `k` is odd.
    /// For `γ > 1`: `floor(γ)` draws of `Bernoulli(exp(-1))` and one of
    /// `Bernoulli(exp(-(γ - floor(γ))))`, all of which must be 1.
    /// - Parameters:
    ///   - gamma: `γ >= 0`.
    ///   - source: the random bits.
    /// - Returns: the draw.
    /// - Throws: ``DifferentialPrivacyError/Code/cryptoFailure`` from the source.
    public static func sampleExpMinus(_ gamma: ExactRational, using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Bool {
        let n = UInt128(gamma.numerator)
        let d = UInt128(gamma.denominator)
        return try expMinus(integerHigh: 0, integerLow: n / d, numerator: n % d, denominator: d, using: source)
    }

    /// Bernoulli(exp(-(q + r/d))) with the integer part `q = high·2^128 + low`
    /// and `r < d`. The integer part can exceed 128 bits for the discrete
    /// Gaussian's far tail; it is counted down exactly.
    static func expMinus(integerHigh: UInt128, integerLow: UInt128, numerator r: UInt128, denominator d: UInt128,
                         using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Bool {
        var high = integerHigh
        var low = integerLow
        while high > 0 || low > 0 {
            guard try expMinusFraction(numerator: 1, denominator: 1, using: source) else { return false }
            if low == 0 { high -= 1; low = UInt128.max } else { low -= 1 }
        }
        return try expMinusFraction(numerator: r, denominator: d, using: source)
    }

    /// Bernoulli(exp(-n/d)) for `n <= d`, `d >= 1` (the `γ ∈ [0, 1]` branch
    /// of CKS Algorithm 1).
    static func expMinusFraction(numerator n: UInt128, denominator d: UInt128,
                                 using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Bool {
        var k: UInt64 = 1
        while try sample(numerator: n, denominator: d, divisor: k, using: source) {
            // Reaching k = 2^64 has probability below 1/(2^64)!.
            guard k < UInt64.max else { throw DifferentialPrivacyError(.sampleOutOfRange, "Bernoulli(exp(-γ)) ran past k = 2^64") }
            k += 1
        }
        return k & 1 == 1
    }

    /// Bernoulli(n / (d·k)) without forming `d·k`: a uniform `X` in
    /// `[0, d·k)` is `u·k + j` for uniform `u` in `[0, d)` and `j` in
    /// `[0, k)`, and `X < n` exactly when `j < n` and `u < ceil((n - j)/k)`.
    static func sample(numerator n: UInt128, denominator d: UInt128, divisor k: UInt64,
                       using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Bool {
        if k == 1 { return try source.uniform(below: d) < n }
        let j = UInt128(try source.uniform(below: k))
        guard j < n else { return false }
        let difference = n - j
        let kk = UInt128(k)
        let bound = difference / kk + (difference % kk == 0 ? 0 : 1)
        return try source.uniform(below: d) < bound
    }
}
