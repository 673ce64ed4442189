import Foundation
import PavilionCrypto

/// Limits the yes/no answers a relying party gets about one subject, so an
/// attribute cannot be learned by probing ("is the date of birth X?" for
/// many X): each answer costs one from a per-(relying party, subject)
/// budget per period, and when it is spent further questions are refused.
///
/// The subject is kept only as a keyed digest, `HMAC-SHA256(ledger key,
/// "pavilion/dp/probing-subject/v1" || 0x00 || subject)`, never raw: not in
/// memory beyond the call, not in the ledger, not in refusals. The ledger
/// key must stay secret (without it the digest of a guessed identifier
/// cannot be recomputed) and fixed (a new key forgets past answers).
/// Answers are recorded in the ``BudgetLedger`` before they are granted
/// and read back at start.
public actor ProbingGuard {
    private static let domain = Array("pavilion/dp/probing-subject/v1".utf8) + [0x00]

    private struct Key: Hashable {
        var relyingParty: String
        var subjectDigest: String
    }

    private let ledger: any BudgetLedger
    private var digestKey: [UInt8]
    private let policy: ProbingPolicy
    private let now: @Sendable () -> Date
    private var answers: [Key: [Int64]] = [:]

    /// Start a guard, reading back the probing entries of `ledger`.
    /// - Parameters:
    ///   - ledger: where answers are recorded (may be the accountant's).
    ///   - digestKey: the ledger key for subject digests, at least 32 bytes.
    ///   - policy: the answers allowed per period.
    ///   - now: the clock (tests drive their own).
    /// - Throws: ``DifferentialPrivacyError/Code/parameterOutOfRange`` for a
    ///   short key; as ``BudgetLedger/entries()``.
    public init(ledger: any BudgetLedger, digestKey: [UInt8], policy: ProbingPolicy,
                now: @escaping @Sendable () -> Date = { Date() }) throws(DifferentialPrivacyError) {
        guard digestKey.count >= 32 else {
            throw DifferentialPrivacyError(.parameterOutOfRange, "the probing digest key must have at least 32 bytes")
        }
        self.ledger = ledger
        self.digestKey = digestKey
        self.policy = policy
        self.now = now
        var loaded: [Key: [Int64]] = [:]
        for entry in try ledger.entries() {
            guard case .probing(let rp, let digest) = entry.account, case .answers(let count) = entry.amount else { continue }
            loaded[Key(relyingParty: rp, subjectDigest: digest), default: []]
                .append(contentsOf: repeatElement(entry.timeMilliseconds, count: Int(min(count, 1 << 20))))
        }
        answers = loaded
    }

    deinit { ConstantTime.wipe(&digestKey) }

    /// The keyed digest under which `subject` is recorded, as hex.
    /// - Throws: ``DifferentialPrivacyError/Code/cryptoFailure`` when HMAC fails.
    public func subjectDigest(_ subject: String) throws(DifferentialPrivacyError) -> String {
        do throws(CryptoError) {
            return Hex.encode(try HMACSHA256.authenticate(Self.domain + Array(subject.utf8), key: digestKey))
        } catch {
            throw DifferentialPrivacyError(.cryptoFailure, "HMAC of the subject: \(error.description)")
        }
    }

    /// Spend one answer about `subject` for `relyingParty`, or refuse.
    /// - Parameters:
    ///   - relyingParty: who asks.
    ///   - subject: the subject identifier (digested, never stored).
    ///   - question: a label for the ledger, e.g. `verify:birthdate`;
    ///     never the asked value.
    /// - Returns: the answers left this period after this one.
    /// - Throws: ``DifferentialPrivacyError/Code/probingLimitReached`` with a
    ///   ``BudgetRefusal`` (scope ``BudgetRefusal/Scope/probing``);
    ///   ``DifferentialPrivacyError/Code/ledgerIO`` when the answer cannot
    ///   be recorded (then it must not be given).
    public func chargeAnswer(relyingParty: String, subject: String, question: String) throws(DifferentialPrivacyError) -> UInt64 {
        let key = Key(relyingParty: relyingParty, subjectDigest: try subjectDigest(subject))
        let time = BudgetAccountant.milliseconds(now())
        let used = used(key, at: time)
        guard used < policy.answersPerPeriod else {
            let refusal = BudgetRefusal(
                scope: .probing, relyingParty: relyingParty, limit: .answers(policy.answersPerPeriod),
                remaining: .answers(0), requested: .answers(1),
                resetsAt: policy.windows.window(containing: time).end.map { Date(timeIntervalSince1970: Double($0) / 1000) },
                exceedsLimit: false)
            throw DifferentialPrivacyError(.probingLimitReached, refusal.description, refusal: refusal)
        }
        try ledger.append(BudgetLedgerEntry(account: .probing(relyingParty: relyingParty, subjectDigest: key.subjectDigest),
                                            mechanism: question, amount: .answers(1), timeMilliseconds: time))
        answers[key, default: []].append(time)
        return policy.answersPerPeriod - used - 1
    }

    /// The answers `relyingParty` may still get about `subject` this period.
    /// - Throws: as ``subjectDigest(_:)``.
    public func remainingAnswers(relyingParty: String, subject: String) throws(DifferentialPrivacyError) -> UInt64 {
        let key = Key(relyingParty: relyingParty, subjectDigest: try subjectDigest(subject))
        let used = used(key, at: BudgetAccountant.milliseconds(now()))
        return policy.answersPerPeriod > used ? policy.answersPerPeriod - used : 0
    }

    private func used(_ key: Key, at time: Int64) -> UInt64 {
        let window = policy.windows.window(containing: time)
        return UInt64((answers[key] ?? []).filter { t in t >= window.start && window.end.map { t < $0 } ?? true }.count)
    }
}
