/// Where the accountant and the probing guard record what was spent: an
/// append-only list of ``BudgetLedgerEntry``, durable before `append`
/// returns, read back in full at start.
///
/// ``FileBudgetLedger`` keeps it in a JSON-lines file; a store-backed
/// ledger will keep it in the service's database.
public protocol BudgetLedger: Sendable {
    /// Every entry, oldest first.
    /// - Throws: ``DifferentialPrivacyError/Code/ledgerCorrupt`` or
    ///   ``DifferentialPrivacyError/Code/ledgerIO``.
    func entries() throws(DifferentialPrivacyError) -> [BudgetLedgerEntry]

    /// Record one entry durably (it survives a crash once this returns).
    /// - Throws: ``DifferentialPrivacyError/Code/ledgerIO``; the entry is
    ///   then not recorded and the charge must be refused.
    func append(_ entry: BudgetLedgerEntry) throws(DifferentialPrivacyError)
}
