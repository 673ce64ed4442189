/// A calibrated noise distribution, made by ``NoiseMechanism/sampler(l1Sensitivity:l2SensitivitySquared:)``.
public struct NoiseSampler: Sendable, Hashable {
    /// The distribution.
    public enum Distribution: Sendable, Hashable {
        /// Discrete Laplace.
        case laplace(DiscreteLaplaceSampler)
        /// Discrete Gaussian.
        case gaussian(DiscreteGaussianSampler)
    }

    /// The distribution and its exact parameter.
    public let distribution: Distribution

    init(_ distribution: Distribution) { self.distribution = distribution }

    /// One noise sample.
    /// - Parameter source: the random bits.
    /// - Returns: the sample.
    /// - Throws: as the samplers do.
    public func sample(using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Int64 {
        switch distribution {
        case .laplace(let sampler): return try sampler.sample(using: source)
        case .gaussian(let sampler): return try sampler.sample(using: source)
        }
    }

    /// `value` plus one noise sample.
    /// - Parameters:
    ///   - value: the exact statistic (kept within 128 bits by the caller).
    ///   - source: the random bits.
    /// - Returns: the noisy statistic.
    /// - Throws: ``DifferentialPrivacyError/Code/sampleOutOfRange`` when the
    ///   sum does not fit in `Int64`; as the samplers do.
    public func noisy(_ value: Int128, using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Int64 {
        let noise = Int128(try sample(using: source))
        let (sum, overflow) = value.addingReportingOverflow(noise)
        guard !overflow, let result = Int64(exactly: sum) else {
            throw DifferentialPrivacyError(.sampleOutOfRange, "noisy statistic does not fit in Int64")
        }
        return result
    }
}
