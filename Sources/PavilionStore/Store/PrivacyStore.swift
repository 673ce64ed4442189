import Foundation

/// One append-only record of the privacy ledger: a differential-privacy
/// charge to a tenant's dataset (or connector), or one yes/no answer about
/// a subject to a relying party. The subject appears only as a keyed digest.
public struct PrivacyLedgerRecord: Sendable, Hashable {
    /// Whose budget.
    public enum Account: Sendable, Hashable {
        /// A dataset or connector of a tenant (and so the tenant's budget).
        case dataset(tenant: String, dataset: String)
        /// One relying party's answers about one subject (a keyed digest, hex).
        case probing(relyingParty: String, subjectDigest: String)
    }

    /// Whose budget.
    public var account: Account
    /// The mechanism or question kind (`count`, `verify:echo`); never a value.
    public var mechanism: String
    /// `epsilon`, `rho` or `answers`.
    public var unit: String
    /// The amount in `unit`, as a decimal (nine places at most) or an integer.
    public var amount: String
    /// When, in Unix milliseconds.
    public var timeMilliseconds: Int64

    /// - Parameters: as the properties of the same names.
    public init(account: Account, mechanism: String, unit: String, amount: String, timeMilliseconds: Int64) {
        self.account = account
        self.mechanism = mechanism
        self.unit = unit
        self.amount = amount
        self.timeMilliseconds = timeMilliseconds
    }

    /// Check the shapes the store relies on.
    func validate() throws(StoreError) {
        switch account {
        case .dataset(let tenant, let dataset):
            try Validation.require(Validation.isToken(tenant), "ledger tenant \(Validation.quoted(tenant)) is not a token")
            try Validation.require(Validation.isToken(dataset), "ledger dataset \(Validation.quoted(dataset)) is not a token")
        case .probing(let relyingParty, let digest):
            try Validation.require(Validation.isToken(relyingParty), "ledger relying party \(Validation.quoted(relyingParty)) is not a token")
            try Validation.require(digest.utf8.count == 64 && digest.utf8.allSatisfy {
                                       ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
                                   }, "a subject digest is 64 lowercase hex digits")
        }
        try Validation.require(Validation.isToken(mechanism), "ledger mechanism \(Validation.quoted(mechanism)) is not a token")
        try Validation.require(["epsilon", "rho", "answers"].contains(unit), "ledger unit \(Validation.quoted(unit)) is unknown")
        try Validation.require(!amount.isEmpty && amount.utf8.count <= 32 && amount.utf8.allSatisfy { $0 == UInt8(ascii: ".")
                                   || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) },
                               "ledger amount \(Validation.quoted(amount)) is not a decimal")
    }
}

/// An OPRF key of a tenant as stored: the private key sealed under a key
/// the store never sees, the public key in the clear.
public struct StoredOPRFKey: Sendable, Hashable {
    /// The tenant.
    public var tenant: TenantID
    /// The key's name, a token naming its purpose (`blocklist-phone`).
    public var name: String
    /// 1 for the first key of the name, one more per rotation.
    public var version: Int64
    /// The RFC 9497 suite, e.g. `P256-SHA256`.
    public var suite: String
    /// `oprf`, `voprf` or `poprf`.
    public var mode: String
    /// The sealed private key (nonce ‖ ciphertext ‖ tag, opaque to the store).
    public var sealedKey: [UInt8]
    /// The compressed public key.
    public var publicKey: [UInt8]
    /// When it was made.
    public var createdAt: Date
    /// When a rotation replaced it; `nil` for the key in use.
    public var retiredAt: Date?

    /// - Parameters: as the properties of the same names.
    public init(tenant: TenantID, name: String, version: Int64, suite: String, mode: String, sealedKey: [UInt8],
                publicKey: [UInt8], createdAt: Date, retiredAt: Date? = nil) {
        self.tenant = tenant
        self.name = name
        self.version = version
        self.suite = suite
        self.mode = mode
        self.sealedKey = sealedKey
        self.publicKey = publicKey
        self.createdAt = createdAt
        self.retiredAt = retiredAt
    }
}

/// What the privacy analytics count by.
public enum PrivacyCountDimension: String, Sendable, Hashable, CaseIterable {
    /// Requests (audit records) by connector.
    case connector
    /// Requests by outcome: `completed`, `not_found`, `denied` (refused by
    /// policy or limits), `failed` (anything else).
    case outcome
    /// Requests by lawful basis.
    case lawfulBasis = "lawful_basis"
    /// Stored verifications by the region whose data provider answered.
    case region
    /// Stored verifications by the subject's residency zone.
    case jurisdiction
}

/// The privacy engine's durable state: the differential-privacy ledger
/// (budgets and the probing guard), OPRF keys, and the privacy-receipt
/// transparency log. ``SQLiteStore`` implements it (schema version 5; see
/// `docs/store.md` and `docs/privacy.md`).
///
/// The ledger calls are synchronous on purpose: the budget accountant and
/// probing guard record a charge durably before granting it, inside their
/// actors, as the file ledger does with `fsync`. They block the caller
/// until the row is committed.
public protocol PrivacyStore: Sendable {
    /// Every ledger record, oldest first (read once at start).
    func privacyLedgerRecords() throws(StoreError) -> [PrivacyLedgerRecord]

    /// Append one ledger record durably; it survives a crash once this returns.
    /// - Throws: ``StoreError/Code/invalidInput`` for a malformed record.
    func appendPrivacyLedgerRecord(_ record: PrivacyLedgerRecord) throws(StoreError)

    /// Add an OPRF key: version 1 of a new name, or (`rotate`) the next
    /// version of an existing one, retiring the version in use.
    /// - Returns: the key as stored (with its version).
    /// - Throws: ``StoreError/Code/duplicate`` when creating a name that
    ///   exists, ``StoreError/Code/notFound`` when rotating one that does
    ///   not (or for an unknown tenant).
    func addOPRFKey(tenant: TenantID, name: String, suite: String, mode: String, sealedKey: [UInt8], publicKey: [UInt8],
                    rotate: Bool) async throws(StoreError) -> StoredOPRFKey

    /// The key of `name` in use for `tenant`, or `nil`.
    func oprfKey(tenant: TenantID, name: String) async throws(StoreError) -> StoredOPRFKey?

    /// Every version of every OPRF key of `tenant`, by name then version.
    func oprfKeys(tenant: TenantID) async throws(StoreError) -> [StoredOPRFKey]

    /// Append a transparency-log entry. (A verification's artifact of kind
    /// `privacy_receipt` is appended by ``Store/recordVerification(_:audit:artifacts:)``
    /// in the verification's own transaction instead, which returns its index.)
    /// - Returns: its leaf index (0 for the first).
    func appendPrivacyLogEntry(_ entry: [UInt8]) async throws(StoreError) -> Int64

    /// Log entries from `leafIndex` on, in order, at most `limit`.
    func privacyLogEntries(from leafIndex: Int64, limit: Int) async throws(StoreError) -> [[UInt8]]

    /// Exact counts of `tenant`'s requests (or stored verifications, for
    /// region and jurisdiction) grouped by `dimension`; rows without a
    /// value are left out. For the DP analytics only: never released
    /// without noise.
    func privacyCounts(tenant: TenantID, by dimension: PrivacyCountDimension) async throws(StoreError) -> [String: Int64]

    /// Keep a signed tree head (its JSON); one per tree size, the first kept.
    func recordPrivacyTreeHead(treeSize: Int64, signed: String) async throws(StoreError)

    /// The signed tree head kept for `treeSize`, or `nil`.
    func privacyTreeHead(treeSize: Int64) async throws(StoreError) -> String?
}
