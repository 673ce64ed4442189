/// Which noise a mechanism adds, and the privacy it buys.
///
/// - ``discreteLaplace(epsilon:)``: scale `Δ₁/ε` for L1 sensitivity `Δ₁`;
///   ε-differential privacy (costs ``PrivacyBudget/epsilon(_:)``).
/// - ``discreteGaussian(rho:)``: `σ² = Δ₂²/(2ρ)` for L2 sensitivity `Δ₂`;
///   ρ-zCDP (costs ``PrivacyBudget/rho(_:)``; Canonne, Kamath and Steinke
///   2020, Theorem 14).
///
/// Neighbouring datasets differ by adding or removing one user's
/// contributions. A scale or `σ²` that does not fit the samplers' 62-bit
/// terms is rounded **up** (more noise, never less privacy).
public enum NoiseMechanism: Sendable, Hashable, CustomStringConvertible {
    /// Discrete Laplace noise for pure ε-DP.
    case discreteLaplace(epsilon: PrivacyAmount)
    /// Discrete Gaussian noise for ρ-zCDP.
    case discreteGaussian(rho: PrivacyAmount)

    /// What one release with this noise costs.
    public var cost: PrivacyBudget {
        switch self {
        case .discreteLaplace(let epsilon): return .epsilon(epsilon)
        case .discreteGaussian(let rho): return .rho(rho)
        }
    }

    /// The same noise with half the ε or ρ (rounded down), for a mechanism
    /// that releases two statistics; the two halves compose to at most
    /// ``cost``.
    public var halved: NoiseMechanism {
        switch self {
        case .discreteLaplace(let epsilon): return .discreteLaplace(epsilon: epsilon.halved)
        case .discreteGaussian(let rho): return .discreteGaussian(rho: rho.halved)
        }
    }

    /// The sampler calibrated to a query's sensitivity.
    /// - Parameters:
    ///   - l1Sensitivity: the most one user changes the output in L1
    ///     (used by the Laplace), at least 1.
    ///   - l2SensitivitySquared: the square of the most one user changes the
    ///     output in L2 (used by the Gaussian), at least 1.
    /// - Returns: the calibrated sampler.
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for a
    ///   zero ε, ρ or sensitivity, or a scale above the samplers' range.
    public func sampler(l1Sensitivity: UInt64, l2SensitivitySquared: UInt64) throws(DifferentialPrivacyError) -> NoiseSampler {
        guard l1Sensitivity > 0, l2SensitivitySquared > 0 else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "sensitivity must be at least 1")
        }
        let units = UInt128(PrivacyAmount.unitsPerOne)
        switch self {
        case .discreteLaplace(let epsilon):
            guard epsilon.nanos > 0 else { throw DifferentialPrivacyError(.parameterOutOfRange, "ε is zero") }
            let scale = try ExactRational.roundingUp(UInt128(l1Sensitivity) * units, UInt128(epsilon.nanos))
            return NoiseSampler(.laplace(try DiscreteLaplaceSampler(scale: scale)))
        case .discreteGaussian(let rho):
            guard rho.nanos > 0 else { throw DifferentialPrivacyError(.parameterOutOfRange, "ρ is zero") }
            let sigmaSquared = try ExactRational.roundingUp(UInt128(l2SensitivitySquared) * units, 2 * UInt128(rho.nanos))
            return NoiseSampler(.gaussian(try DiscreteGaussianSampler(sigmaSquared: sigmaSquared)))
        }
    }

    /// `discrete Laplace ε=0.5` or `discrete Gaussian ρ=0.1`.
    public var description: String {
        switch self {
        case .discreteLaplace(let epsilon): return "discrete Laplace ε=\(epsilon)"
        case .discreteGaussian(let rho): return "discrete Gaussian ρ=\(rho)"
        }
    }
}
