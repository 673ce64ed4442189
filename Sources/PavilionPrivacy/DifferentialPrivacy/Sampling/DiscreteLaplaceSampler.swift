/// The discrete Laplace distribution on the integers with scale `τ = t/s`:
/// `P(x) = (e^{1/τ} - 1)/(e^{1/τ} + 1) · e^{-|x|/τ}`, sampled exactly
/// (Canonne, Kamath and Steinke 2020, Algorithm 2).
///
/// Adding it to an integer query with L1 sensitivity `Δ` and `τ = Δ/ε`
/// gives ε-differential privacy.
public struct DiscreteLaplaceSampler: Sendable, Hashable {
    /// The largest scale accepted, `2^40`: a sample then leaves `Int64`
    /// with probability below `exp(-2^23)`.
    public static let maximumScale: UInt64 = 1 << 40

    /// The scale `τ = t/s`.
    public let scale: ExactRational

    /// - Parameter scale: `t/s` with both terms in `1...2^62` and
    ///   `t/s <= 2^40` (``maximumScale``).
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for a
    ///   zero scale or one above ``maximumScale``.
    public init(scale: ExactRational) throws(DifferentialPrivacyError) {
        guard scale.numerator > 0 else { throw DifferentialPrivacyError(.parameterOutOfRange, "discrete Laplace scale is zero") }
        guard UInt128(scale.numerator) <= UInt128(scale.denominator) * UInt128(Self.maximumScale) else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "discrete Laplace scale \(scale) is above 2^40")
        }
        self.scale = scale
    }

    /// One sample.
    ///
    /// Draw `U` uniform in `[0, t)` and keep it with probability
    /// `exp(-U/t)`; count `V` successes of `Bernoulli(exp(-1))` before the
    /// first failure; `X = U + t·V` is geometric with parameter `1 - e^{-1/t}`,
    /// `Y = floor(X/s)` geometric with parameter `1 - e^{-s/t}`; a fair
    /// sign, rejecting negative zero.
    /// - Parameter source: the random bits.
    /// - Returns: the sample.
    /// - Throws: ``DifferentialPrivacyError/Code/cryptoFailure`` from the
    ///   source; ``DifferentialPrivacyError/Code/sampleOutOfRange`` if
    ///   `|Y| > Int64.max` (probability below `exp(-2^63·s/t) <= exp(-2^23)`).
    public func sample(using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Int64 {
        let t = scale.numerator
        let s = UInt128(scale.denominator)
        while true {
            let u = try source.uniform(below: t)
            guard try ExactBernoulli.expMinusFraction(numerator: UInt128(u), denominator: UInt128(t), using: source) else { continue }
            var v: UInt64 = 0
            while try ExactBernoulli.expMinusFraction(numerator: 1, denominator: 1, using: source) {
                guard v < UInt64.max else { throw DifferentialPrivacyError(.sampleOutOfRange, "geometric count past 2^64") }
                v += 1
            }
            // t <= 2^62 and v < 2^64, so x < 2^127.
            let x = UInt128(u) + UInt128(t) * UInt128(v)
            let y = x / s
            let negative = try source.fairCoin()
            if negative && y == 0 { continue }
            guard y <= UInt128(Int64.max) else {
                throw DifferentialPrivacyError(.sampleOutOfRange, "discrete Laplace sample beyond Int64")
            }
            return negative ? -Int64(y) : Int64(y)
        }
    }
}
