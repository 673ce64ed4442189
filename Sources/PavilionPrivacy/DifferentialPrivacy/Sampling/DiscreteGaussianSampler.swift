/// The discrete Gaussian distribution on the integers with parameter
/// `σ² = a/b`: `P(x) ∝ exp(-x²/(2σ²))`, sampled exactly by rejection from
/// the discrete Laplace (Canonne, Kamath and Steinke 2020, Algorithm 3).
///
/// Adding it to an integer query with L2 sensitivity `Δ` gives
/// `ρ = Δ²/(2σ²)` zero-concentrated differential privacy.
public struct DiscreteGaussianSampler: Sendable, Hashable {
    /// The parameter `σ² = a/b`.
    public let sigmaSquared: ExactRational
    /// `t = floor(σ) + 1`, the scale of the discrete Laplace proposal.
    let t: UInt64
    /// `b·t` (at most `2^63`).
    let bt: UInt128
    /// `2·a·b·t²` (below `2^127`), the denominator of the rejection exponent.
    let gammaDenominator: UInt128
    let proposal: DiscreteLaplaceSampler

    /// - Parameter sigmaSquared: `a/b` with both terms in `1...2^62`.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for
    ///   `σ² = 0`.
    public init(sigmaSquared: ExactRational) throws(DifferentialPrivacyError) {
        guard sigmaSquared.numerator > 0 else { throw DifferentialPrivacyError(.parameterOutOfRange, "discrete Gaussian σ² is zero") }
        self.sigmaSquared = sigmaSquared
        let a = sigmaSquared.numerator
        let b = sigmaSquared.denominator
        // floor(sqrt(a/b)) = isqrt(floor(a/b)); t <= 2^31 + 1.
        t = ExactRational.integerSquareRoot(a / b) + 1
        // b·t <= sqrt(ab) + b <= 2^63; b·t² <= a + 2·sqrt(ab) + b <= 2^64;
        // 2·a·b·t² <= 2^127.
        bt = UInt128(b) * UInt128(t)
        gammaDenominator = 2 * UInt128(a) * bt * UInt128(t)
        proposal = try DiscreteLaplaceSampler(scale: ExactRational(t, 1))
    }

    /// One sample: draw `Y` from the discrete Laplace with scale `t` and
    /// keep it with probability `exp(-(|Y| - σ²/t)²/(2σ²))`.
    ///
    /// The exponent is `(|Y|·b·t - a)² / (2·a·b·t²)`; its numerator (up to
    /// 252 bits) is formed and divided in two 128-bit words, so the
    /// acceptance test is exact for every `Y`.
    /// - Parameter source: the random bits.
    /// - Returns: the sample.
    /// - Throws: ``DifferentialPrivacyError/Code/cryptoFailure`` from the
    ///   source; ``DifferentialPrivacyError/Code/sampleOutOfRange`` as the
    ///   proposal does.
    public func sample(using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Int64 {
        let a = UInt128(sigmaSquared.numerator)
        while true {
            let y = try proposal.sample(using: source)
            // |y| <= 2^63 and b·t <= 2^63, so the product is below 2^126.
            let scaled = UInt128(y.magnitude) * bt
            let e = scaled >= a ? scaled - a : a - scaled
            let square = e.multipliedFullWidth(by: e)
            let quotientHigh = square.high / gammaDenominator
            let (quotientLow, remainder) = gammaDenominator.dividingFullWidth((square.high % gammaDenominator, square.low))
            if try ExactBernoulli.expMinus(integerHigh: quotientHigh, integerLow: quotientLow, numerator: remainder,
                                           denominator: gammaDenominator, using: source) {
                return y
            }
        }
    }
}
