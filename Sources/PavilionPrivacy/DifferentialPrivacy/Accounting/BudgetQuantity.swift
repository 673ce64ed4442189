/// A quantity of budget: a privacy amount (ε or ρ), or a number of yes/no
/// answers (the probing guard's unit).
public enum BudgetQuantity: Sendable, Hashable, CustomStringConvertible {
    /// An ε or a ρ.
    case privacy(PrivacyBudget)
    /// A count of yes/no answers.
    case answers(UInt64)

    /// `ε=0.5`, `ρ=0.1` or `3 answers`.
    public var description: String {
        switch self {
        case .privacy(let budget): return budget.description
        case .answers(let count): return "\(count) answers"
        }
    }
}
