import PavilionPrivacy
import PavilionStore

/// A ``BudgetLedger`` kept in the store's `privacy_ledger` table (schema
/// version 5), so budget spending and probing answers survive restarts and
/// sit beside the audit trail. Appends block until committed, as the file
/// ledger blocks on `fsync`.
public struct StoreBudgetLedger: BudgetLedger {
    private let store: any PrivacyStore

    /// - Parameter store: where the ledger lives.
    public init(store: any PrivacyStore) { self.store = store }

    public func entries() throws(DifferentialPrivacyError) -> [BudgetLedgerEntry] {
        let records: [PrivacyLedgerRecord]
        do { records = try store.privacyLedgerRecords() } catch {
            throw DifferentialPrivacyError(.ledgerIO, "cannot read the privacy ledger: \(error.description)")
        }
        var out: [BudgetLedgerEntry] = []
        out.reserveCapacity(records.count)
        for record in records {
            let account: BudgetLedgerEntry.Account
            switch record.account {
            case .dataset(let tenant, let dataset): account = .dataset(tenant: tenant, dataset: dataset)
            case .probing(let rp, let digest): account = .probing(relyingParty: rp, subjectDigest: digest)
            }
            let amount: BudgetQuantity
            do throws(DifferentialPrivacyError) {
                switch record.unit {
                case "epsilon": amount = .privacy(.epsilon(try PrivacyAmount(record.amount)))
                case "rho": amount = .privacy(.rho(try PrivacyAmount(record.amount)))
                default:
                    guard let n = UInt64(record.amount) else { throw DifferentialPrivacyError(.ledgerCorrupt, "answers '\(record.amount)'") }
                    amount = .answers(n)
                }
            } catch {
                throw DifferentialPrivacyError(.ledgerCorrupt, "a privacy ledger amount is malformed: \(error.reason)")
            }
            out.append(BudgetLedgerEntry(account: account, mechanism: record.mechanism, amount: amount,
                                         timeMilliseconds: record.timeMilliseconds))
        }
        return out
    }

    public func append(_ entry: BudgetLedgerEntry) throws(DifferentialPrivacyError) {
        let account: PrivacyLedgerRecord.Account
        switch entry.account {
        case .dataset(let tenant, let dataset): account = .dataset(tenant: tenant, dataset: dataset)
        case .probing(let rp, let digest): account = .probing(relyingParty: rp, subjectDigest: digest)
        }
        let unit: String, amount: String
        switch entry.amount {
        case .privacy(.epsilon(let e)): (unit, amount) = ("epsilon", e.description)
        case .privacy(.rho(let r)): (unit, amount) = ("rho", r.description)
        case .answers(let n): (unit, amount) = ("answers", String(n))
        }
        do {
            try store.appendPrivacyLedgerRecord(PrivacyLedgerRecord(account: account, mechanism: entry.mechanism, unit: unit,
                                                                    amount: amount, timeMilliseconds: entry.timeMilliseconds))
        } catch {
            throw DifferentialPrivacyError(.ledgerIO, "cannot record a privacy ledger entry: \(error.description)")
        }
    }
}
