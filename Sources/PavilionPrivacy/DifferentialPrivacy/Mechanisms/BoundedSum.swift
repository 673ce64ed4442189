/// A sum of one value per user, each clamped to `[lower, upper]`, released
/// with noise.
///
/// Sensitivity (add or remove one user): `max(|lower|, |upper|)` in L1 and
/// in L2. Costs ``NoiseMechanism/cost`` once.
public struct BoundedSum: Sendable, Hashable {
    /// The largest magnitude of a clamping bound, `2^31`.
    public static let maximumBound: Int64 = 1 << 31

    /// The lower clamping bound.
    public let lower: Int64
    /// The upper clamping bound.
    public let upper: Int64
    /// The noise and its ε or ρ.
    public let noise: NoiseMechanism
    private let sampler: NoiseSampler

    /// - Parameters:
    ///   - lower: the lower bound, `>= -2^31`.
    ///   - upper: the upper bound, `<= 2^31`, not below `lower`.
    ///   - noise: the noise and its ε or ρ.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for
    ///   bounds out of range or in the wrong order, or noise the samplers
    ///   cannot take.
    public init(lower: Int64, upper: Int64, noise: NoiseMechanism) throws(DifferentialPrivacyError) {
        guard lower <= upper, lower >= -Self.maximumBound, upper <= Self.maximumBound else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "clamping bounds [\(lower), \(upper)] not within ±2^31 and ordered")
        }
        self.lower = lower
        self.upper = upper
        self.noise = noise
        let sensitivity = max(lower.magnitude, upper.magnitude, 1)
        sampler = try noise.sampler(l1Sensitivity: sensitivity, l2SensitivitySquared: sensitivity * sensitivity)
    }

    /// The L1 (and L2) sensitivity, `max(|lower|, |upper|)` (at least 1).
    public var sensitivity: UInt64 { max(lower.magnitude, upper.magnitude, 1) }
    /// The budget one release consumes.
    public var cost: PrivacyBudget { noise.cost }

    /// The noisy sum of the clamped values.
    /// - Parameters:
    ///   - values: one value per user (combine a user's records first).
    ///   - source: the random bits.
    /// - Returns: the noisy sum.
    /// - Throws: as ``NoiseSampler/noisy(_:using:)``.
    public func release(values: some Sequence<Int64>, using source: some RandomBitSource) throws(DifferentialPrivacyError) -> Int64 {
        try sampler.noisy(clampedSum(values), using: source)
    }

    /// The exact sum of the clamped values (no noise: never release it).
    func clampedSum(_ values: some Sequence<Int64>) -> Int128 {
        // Each term is within ±2^31, so 2^96 values fit in 128 bits.
        values.reduce(Int128(0)) { $0 + Int128(min(max($1, lower), upper)) }
    }
}
