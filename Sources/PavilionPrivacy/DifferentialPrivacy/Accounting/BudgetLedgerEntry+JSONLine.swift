import Foundation

extension BudgetLedgerEntry {
    /// The stored form, one JSON object per line (schema version 1):
    ///
    /// `{"account":"dataset","amount":"0.5","dataset":"claims","mechanism":"count","tenant":"acme","time_ms":1700000000000,"unit":"epsilon","v":1}`
    ///
    /// `account` is `dataset` (with `tenant`, `dataset`) or `probing` (with
    /// `relying_party`, `subject_digest`); `unit` is `epsilon`, `rho`
    /// (`amount` a decimal) or `answers` (`amount` an integer).
    private struct Line: Codable {
        var v: Int
        var account: String
        var tenant: String?
        var dataset: String?
        var relying_party: String?
        var subject_digest: String?
        var mechanism: String
        var unit: String
        var amount: String
        var time_ms: Int64
    }

    /// The entry as one line of JSON, newline included.
    public func jsonLine() throws(DifferentialPrivacyError) -> [UInt8] {
        var line = Line(v: 1, account: "", mechanism: mechanism, unit: "", amount: "", time_ms: timeMilliseconds)
        switch account {
        case .dataset(let tenant, let dataset):
            line.account = "dataset"; line.tenant = tenant; line.dataset = dataset
        case .probing(let relyingParty, let digest):
            line.account = "probing"; line.relying_party = relyingParty; line.subject_digest = digest
        }
        switch amount {
        case .privacy(.epsilon(let e)): line.unit = "epsilon"; line.amount = e.description
        case .privacy(.rho(let r)): line.unit = "rho"; line.amount = r.description
        case .answers(let n): line.unit = "answers"; line.amount = String(n)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(line)) + [0x0A] } catch {
            throw DifferentialPrivacyError(.ledgerIO, "cannot encode a ledger entry: \(error)")
        }
    }

    /// Parse one stored line (without its newline).
    /// - Throws: ``DifferentialPrivacyError/Code/ledgerCorrupt`` when it is
    ///   not a version-1 entry.
    public init(jsonLine bytes: some Collection<UInt8>) throws(DifferentialPrivacyError) {
        let line: Line
        do { line = try JSONDecoder().decode(Line.self, from: Data(bytes)) } catch {
            throw DifferentialPrivacyError(.ledgerCorrupt, "ledger line is not an entry: \(error)")
        }
        guard line.v == 1 else { throw DifferentialPrivacyError(.ledgerCorrupt, "ledger entry version \(line.v)") }
        let account: Account
        switch (line.account, line.tenant, line.dataset, line.relying_party, line.subject_digest) {
        case ("dataset", let tenant?, let dataset?, nil, nil): account = .dataset(tenant: tenant, dataset: dataset)
        case ("probing", nil, nil, let rp?, let digest?): account = .probing(relyingParty: rp, subjectDigest: digest)
        default: throw DifferentialPrivacyError(.ledgerCorrupt, "ledger entry account '\(line.account)' malformed")
        }
        let amount: BudgetQuantity
        do throws(DifferentialPrivacyError) {
            switch line.unit {
            case "epsilon": amount = .privacy(.epsilon(try PrivacyAmount(line.amount)))
            case "rho": amount = .privacy(.rho(try PrivacyAmount(line.amount)))
            case "answers":
                guard let n = UInt64(line.amount) else { throw DifferentialPrivacyError(.ledgerCorrupt, "answers '\(line.amount)'") }
                amount = .answers(n)
            default: throw DifferentialPrivacyError(.ledgerCorrupt, "ledger unit '\(line.unit)'")
            }
        } catch {
            throw DifferentialPrivacyError(.ledgerCorrupt, "ledger amount: \(error.reason)")
        }
        self.init(account: account, mechanism: line.mechanism, amount: amount, timeMilliseconds: line.time_ms)
    }
}
