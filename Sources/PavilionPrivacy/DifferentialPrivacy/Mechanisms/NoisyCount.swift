/// A count of records released with noise, each user's records counted at
/// most ``maxContributionsPerUser`` times.
///
/// Sensitivity (add or remove one user): `k` in L1 and in L2, where `k` is
/// ``maxContributionsPerUser``. Costs ``NoiseMechanism/cost`` once.
public struct NoisyCount: Sendable, Hashable {
    /// `k`: how many of one user's records are counted.
    public let maxContributionsPerUser: UInt64
    /// The noise and its ε or ρ.
    public let noise: NoiseMechanism
    private let sampler: NoiseSampler

    /// - Parameters:
    ///   - maxContributionsPerUser: `k`, in `1...2^20`.
    ///   - noise: the noise and its ε or ρ.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for
    ///   `k` out of range or noise the samplers cannot take.
    public init(maxContributionsPerUser: UInt64 = 1, noise: NoiseMechanism) throws(DifferentialPrivacyError) {
        guard (1...(1 << 20)).contains(maxContributionsPerUser) else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "contributions per user must be in 1...2^20")
        }
        self.maxContributionsPerUser = maxContributionsPerUser
        self.noise = noise
        sampler = try noise.sampler(l1Sensitivity: maxContributionsPerUser,
                                    l2SensitivitySquared: maxContributionsPerUser * maxContributionsPerUser)
    }

    /// The L1 sensitivity, `k`.
    public var l1Sensitivity: UInt64 { maxContributionsPerUser }
    /// The L2 sensitivity, `k`.
    public var l2Sensitivity: UInt64 { maxContributionsPerUser }
    /// The budget one release consumes.
    public var cost: PrivacyBudget { noise.cost }

    /// The noisy number of records, each user counted at most `k` times.
    /// - Parameters:
    ///   - users: one element per record: the user it belongs to.
    ///   - source: the random bits.
    /// - Returns: the noisy count (it may be negative; clamp it as post-processing if needed).
    /// - Throws: as ``NoiseSampler/noisy(_:using:)``.
    public func release<User: Hashable>(users: some Sequence<User>, using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Int64 {
        var perUser: [User: UInt64] = [:]
        var count: Int128 = 0
        for user in users {
            let seen = perUser[user, default: 0]
            guard seen < maxContributionsPerUser else { continue }
            perUser[user] = seen + 1
            count += 1
        }
        return try sampler.noisy(count, using: source)
    }

    /// The noisy value of a count the caller has already bounded (each
    /// user adds at most `k`).
    /// - Parameters:
    ///   - boundedCount: the exact count.
    ///   - source: the random bits.
    /// - Returns: the noisy count.
    /// - Throws: as ``NoiseSampler/noisy(_:using:)``.
    public func release(boundedCount: Int64, using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Int64 {
        try sampler.noisy(Int128(boundedCount), using: source)
    }
}
