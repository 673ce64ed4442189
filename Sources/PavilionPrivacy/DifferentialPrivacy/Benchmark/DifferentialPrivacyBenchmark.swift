import PavilionCore

/// Micro-benchmarks of the differential-privacy samplers, for
/// `pavilion bench privacy`. Not tests: they report speed, they assert
/// nothing.
public enum DifferentialPrivacyBenchmark {
    /// The key `pavilion bench privacy` reports the sampler speed under.
    public static let discreteGaussianMetric = "dgauss_samples_per_s"

    /// Exact discrete Gaussian samples per second from the production
    /// source (OpenSSL's CSPRNG), on the calling thread.
    /// - Parameters:
    ///   - sigmaSquared: `σ²`; the default 100 (σ = 10) is a count released
    ///     with ρ = 1/200.
    ///   - samples: how many samples to time, at least 1.
    /// - Returns: samples per second over the timed run.
    /// - Throws: as ``DiscreteGaussianSampler/sample(using:)``.
    public static func discreteGaussianSamplesPerSecond(sigmaSquared: ExactRational? = nil,
                                                        samples: Int = 200_000) throws(DifferentialPrivacyError) -> Double {
        let parameter = if let sigmaSquared { sigmaSquared } else { try ExactRational(100, 1) }
        let sampler = try DiscreteGaussianSampler(sigmaSquared: parameter)
        let source = SecureRandomBitSource()
        let count = max(samples, 1)
        // Warm the buffer and the code paths before timing.
        for _ in 0..<min(count, 1_000) { _ = try sampler.sample(using: source) }
        var checksum: Int64 = 0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { checksum &+= try sampler.sample(using: source) }
        let elapsed = start.duration(to: clock.now)
        withExtendedLifetime(checksum) {}
        let seconds = elapsed.inSeconds
        return seconds > 0 ? Double(count) / seconds : Double.infinity
    }
}
