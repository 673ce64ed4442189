/// A mean of one value per user, each clamped to `[lower, upper]`: a noisy
/// sum divided by a noisy count, each released with half the budget.
///
/// The sum (sensitivity `max(|lower|, |upper|)`) and the count
/// (sensitivity 1) each get ``NoiseMechanism/halved`` noise; by composition
/// the pair costs at most ``NoiseMechanism/cost``. The division and the
/// clamping of the quotient to `[lower, upper]` are post-processing and
/// cost nothing; with a noisy count below 1 the mean is the midpoint of
/// the bounds.
public struct BoundedMean: Sendable, Hashable {
    /// A released mean with the two noisy statistics it came from.
    public struct Release: Sendable, Hashable {
        /// The noisy sum of clamped values.
        public let noisySum: Int64
        /// The noisy number of users.
        public let noisyCount: Int64
        /// `noisySum / noisyCount`, clamped to the bounds.
        public let mean: Double
    }

    /// The noise for the whole release; each half uses ``NoiseMechanism/halved``.
    public let noise: NoiseMechanism
    private let sum: BoundedSum
    private let count: NoisyCount

    /// - Parameters:
    ///   - lower: the lower bound, `>= -2^31`.
    ///   - upper: the upper bound, `<= 2^31`, not below `lower`.
    ///   - noise: the noise for the whole release.
    /// - Throws: as ``BoundedSum/init(lower:upper:noise:)``.
    public init(lower: Int64, upper: Int64, noise: NoiseMechanism) throws(DifferentialPrivacyError) {
        self.noise = noise
        sum = try BoundedSum(lower: lower, upper: upper, noise: noise.halved)
        count = try NoisyCount(maxContributionsPerUser: 1, noise: noise.halved)
    }

    /// The budget one release consumes (both halves).
    public var cost: PrivacyBudget { noise.cost }

    /// The noisy mean.
    /// - Parameters:
    ///   - values: one value per user.
    ///   - source: the random bits.
    /// - Returns: the mean and the noisy sum and count behind it.
    /// - Throws: as ``NoiseSampler/noisy(_:using:)``.
    public func release(values: [Int64], using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Release {
        let noisySum = try sum.release(values: values, using: source)
        let noisyCount = try count.release(boundedCount: Int64(values.count), using: source)
        let lower = Double(sum.lower), upper = Double(sum.upper)
        let mean = noisyCount < 1 ? (lower + upper) / 2 : min(max(Double(noisySum) / Double(noisyCount), lower), upper)
        return Release(noisySum: noisySum, noisyCount: noisyCount, mean: mean)
    }
}
