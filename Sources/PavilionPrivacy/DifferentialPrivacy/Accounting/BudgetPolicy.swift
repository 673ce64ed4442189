/// A budget's limit and how often it is whole again.
///
/// Periods are fixed windows aligned to the Unix epoch: with a period of
/// 86,400 s every UTC day starts afresh. Charges in earlier windows stay in
/// the ledger but no longer count.
public struct BudgetPolicy: Sendable, Hashable {
    /// The most that may be spent in one period.
    public var limit: PrivacyBudget
    /// The period length in seconds; `nil` for a lifetime budget.
    public var resetPeriodSeconds: Int64?

    /// - Parameters:
    ///   - limit: the most that may be spent in one period.
    ///   - resetPeriodSeconds: the period, at least 1 s; `nil` never resets.
    public init(limit: PrivacyBudget, resetPeriodSeconds: Int64? = nil) {
        self.limit = limit
        self.resetPeriodSeconds = resetPeriodSeconds.map { max($0, 1) }
    }

    /// The start and end (Unix milliseconds) of the window holding `time`;
    /// for a lifetime budget, everything.
    func window(containing timeMilliseconds: Int64) -> (start: Int64, end: Int64?) {
        guard let seconds = resetPeriodSeconds else { return (Int64.min, nil) }
        let length = seconds.multipliedReportingOverflow(by: 1000)
        guard !length.overflow else { return (Int64.min, nil) }
        let start = timeMilliseconds >= 0
            ? timeMilliseconds / length.partialValue * length.partialValue
            : -((-timeMilliseconds + length.partialValue - 1) / length.partialValue) * length.partialValue
        return (start, start.addingReportingOverflow(length.partialValue).overflow ? nil : start + length.partialValue)
    }
}
