/// Why a differential-privacy operation was refused or failed. Equal by
/// ``code``; ``reason`` says what exactly, and a refused budget carries a
/// ``BudgetRefusal`` naming it.
public struct DifferentialPrivacyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, machine-readable kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A sampler or mechanism parameter is outside its documented range
        /// (zero denominator, numerator above 2^62, lower bound above upper, …).
        case parameterOutOfRange
        /// OpenSSL failed: the CSPRNG, or the HMAC of a subject digest (the
        /// call and reason in ``reason``).
        case cryptoFailure
        /// A sample or a noisy result does not fit in `Int64`. For the
        /// documented ranges this happens with probability below `exp(-2^22)`;
        /// no sample that is returned is inexact.
        case sampleOutOfRange
        /// The query would exceed a privacy budget; see ``refusal``.
        case budgetExceeded
        /// Every yes/no answer about this subject allowed to this relying
        /// party in this period has been given; see ``refusal``.
        case probingLimitReached
        /// A zCDP (ρ) charge against a pure-ε budget, which ρ cannot bound.
        case incompatibleBudget
        /// No budget is configured for the tenant: queries are refused.
        case noBudgetConfigured
        /// The ledger file has a line that does not parse (not a torn tail).
        case ledgerCorrupt
        /// Reading, writing or syncing the ledger failed.
        case ledgerIO
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly was wrong.
    public let reason: String
    /// For ``Code/budgetExceeded`` and ``Code/probingLimitReached``: which
    /// budget refused, what remains and what was asked.
    public let refusal: BudgetRefusal?
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: what exactly was wrong.
    ///   - refusal: the budget that refused, for budget errors.
    public init(_ code: Code, _ reason: String, refusal: BudgetRefusal? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.refusal = refusal
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: DifferentialPrivacyError, rhs: DifferentialPrivacyError) -> Bool { lhs.code == rhs.code }
}
