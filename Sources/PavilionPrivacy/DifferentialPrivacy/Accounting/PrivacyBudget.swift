/// An amount of privacy loss, as a budget's limit or a query's cost: pure
/// ε-differential privacy, or ρ-zero-concentrated differential privacy.
///
/// Composition: pure ε adds up (basic composition); ρ adds up (Bun and
/// Steinke 2016, Lemma 2.3). A pure ε charge counts as `ε²/2` against a
/// zCDP budget; a ρ charge cannot be bounded by any pure ε and is refused
/// by a pure-ε budget.
public enum PrivacyBudget: Sendable, Hashable, CustomStringConvertible {
    /// Pure ε-differential privacy.
    case epsilon(PrivacyAmount)
    /// ρ-zero-concentrated differential privacy.
    case rho(PrivacyAmount)

    /// The amount, whichever the kind.
    public var amount: PrivacyAmount {
        switch self {
        case .epsilon(let amount), .rho(let amount): return amount
        }
    }

    /// This cost expressed in the unit of `limit`, or `nil` when it cannot
    /// be (a ρ cost against a pure-ε limit).
    /// - Parameter limit: the budget the cost is charged to.
    /// - Returns: the amount to add to that budget's spending.
    public func cost(against limit: PrivacyBudget) -> PrivacyAmount? {
        switch (self, limit) {
        case (.epsilon(let e), .epsilon): return e
        case (.epsilon(let e), .rho): return e.epsilonToRho
        case (.rho(let r), .rho): return r
        case (.rho, .epsilon): return nil
        }
    }

    /// The same kind with another amount.
    func with(_ amount: PrivacyAmount) -> PrivacyBudget {
        switch self {
        case .epsilon: return .epsilon(amount)
        case .rho: return .rho(amount)
        }
    }

    /// `ε=0.5` or `ρ=0.125`.
    public var description: String {
        switch self {
        case .epsilon(let e): return "ε=\(e)"
        case .rho(let r): return "ρ=\(r)"
        }
    }
}
