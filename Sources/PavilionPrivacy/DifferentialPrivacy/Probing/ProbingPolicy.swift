/// How many yes/no answers about one subject a relying party may get per
/// period.
public struct ProbingPolicy: Sendable, Hashable {
    /// Answers allowed per relying party and subject per period.
    public var answersPerPeriod: UInt64
    /// The period in seconds (windows aligned to the Unix epoch); `nil`
    /// never resets.
    public var resetPeriodSeconds: Int64?

    /// - Parameters:
    ///   - answersPerPeriod: answers allowed per period, at least 1.
    ///   - resetPeriodSeconds: the period, at least 1 s; `nil` never resets.
    public init(answersPerPeriod: UInt64, resetPeriodSeconds: Int64? = 86_400) {
        self.answersPerPeriod = max(answersPerPeriod, 1)
        self.resetPeriodSeconds = resetPeriodSeconds.map { max($0, 1) }
    }

    /// The same periods as a budget policy.
    var windows: BudgetPolicy { BudgetPolicy(limit: .epsilon(.zero), resetPeriodSeconds: resetPeriodSeconds) }
}
