/// Counts over a fixed, public set of bins, each user contributing to at
/// most ``maxBinsPerUser`` distinct bins, each count released with noise.
///
/// Sensitivity (add or remove one user): `k` in L1 and `√k` in L2 (a user
/// adds at most 1 to at most `k` bins), `k` being ``maxBinsPerUser``. The
/// Laplace uses scale `k/ε` per bin; the Gaussian `σ² = k/(2ρ)` per bin.
/// The whole histogram costs ``NoiseMechanism/cost`` once. Records naming
/// a bin outside `0..<binCount` are dropped: the bins must be fixed before
/// looking at the data.
public struct BoundedHistogram: Sendable, Hashable {
    /// The number of bins.
    public let binCount: Int
    /// `k`: the most distinct bins one user is counted in.
    public let maxBinsPerUser: UInt64
    /// The noise and its ε or ρ.
    public let noise: NoiseMechanism
    private let sampler: NoiseSampler

    /// - Parameters:
    ///   - binCount: the number of bins, in `1...2^20`.
    ///   - maxBinsPerUser: `k`, in `1...binCount`.
    ///   - noise: the noise and its ε or ρ.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for
    ///   counts out of range or noise the samplers cannot take.
    public init(binCount: Int, maxBinsPerUser: UInt64 = 1, noise: NoiseMechanism) throws(DifferentialPrivacyError) {
        guard (1...(1 << 20)).contains(binCount), maxBinsPerUser >= 1, maxBinsPerUser <= UInt64(binCount) else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "\(binCount) bins with \(maxBinsPerUser) per user")
        }
        self.binCount = binCount
        self.maxBinsPerUser = maxBinsPerUser
        self.noise = noise
        sampler = try noise.sampler(l1Sensitivity: maxBinsPerUser, l2SensitivitySquared: maxBinsPerUser)
    }

    /// The L1 sensitivity, `k`.
    public var l1Sensitivity: UInt64 { maxBinsPerUser }
    /// The squared L2 sensitivity, `k`.
    public var l2SensitivitySquared: UInt64 { maxBinsPerUser }
    /// The budget one release consumes.
    public var cost: PrivacyBudget { noise.cost }

    /// The noisy counts, one per bin.
    /// - Parameters:
    ///   - records: `(user, bin)` pairs; a user's first `k` distinct bins
    ///     (in record order) count, the rest are dropped.
    ///   - source: the random bits.
    /// - Returns: `binCount` noisy counts.
    /// - Throws: as ``NoiseSampler/noisy(_:using:)``.
    public func release<User: Hashable>(records: some Sequence<(user: User, bin: Int)>,
                                        using source: some RandomBitSource) throws(DifferentialPrivacyError) -> [Int64] {
        var binsOfUser: [User: Set<Int>] = [:]
        var counts = [Int128](repeating: 0, count: binCount)
        for record in records {
            guard (0..<binCount).contains(record.bin) else { continue }
            var bins = binsOfUser[record.user, default: []]
            guard !bins.contains(record.bin), UInt64(bins.count) < maxBinsPerUser else { continue }
            bins.insert(record.bin)
            binsOfUser[record.user] = bins
            counts[record.bin] += 1
        }
        var released: [Int64] = []
        released.reserveCapacity(binCount)
        for count in counts { released.append(try sampler.noisy(count, using: source)) }
        return released
    }
}
