import Foundation

/// The privacy engine's state in SQLite (schema version 5): the ledger,
/// OPRF keys, and the transparency log's leaves and tree heads.
extension SQLiteStore {
    // MARK: Ledger

    public func privacyLedgerRecords() throws(StoreError) -> [PrivacyLedgerRecord] {
        try worker.runBlocking { db throws(StoreError) -> [PrivacyLedgerRecord] in
            var out: [PrivacyLedgerRecord] = []
            for row in try db.storeQuery("cannot read the privacy ledger", """
                SELECT account, tenant_id, dataset, relying_party, subject_digest, mechanism, unit, amount, time_ms
                FROM privacy_ledger ORDER BY id
                """) {
                let record = try row.decode("privacy ledger record") { r throws(SQLiteError) -> PrivacyLedgerRecord? in
                    let account: PrivacyLedgerRecord.Account
                    switch (try r.text(0), try r.optionalText(1), try r.optionalText(2), try r.optionalText(3), try r.optionalText(4)) {
                    case ("dataset", let tenant?, let dataset?, _, _): account = .dataset(tenant: tenant, dataset: dataset)
                    case ("probing", _, _, let rp?, let digest?): account = .probing(relyingParty: rp, subjectDigest: digest)
                    default: return nil
                    }
                    return PrivacyLedgerRecord(account: account, mechanism: try r.text(5), unit: try r.text(6),
                                               amount: try r.text(7), timeMilliseconds: try r.integer(8))
                }
                guard let record else { throw StoreError(.corruptDatabase, "a privacy ledger record names no account") }
                out.append(record)
            }
            return out
        }
    }

    public func appendPrivacyLedgerRecord(_ record: PrivacyLedgerRecord) throws(StoreError) {
        try record.validate()
        var values: [SQLiteValue]
        switch record.account {
        case .dataset(let tenant, let dataset):
            values = [.text("dataset"), .text(tenant), .text(dataset), .null, .null]
        case .probing(let rp, let digest):
            values = [.text("probing"), .null, .null, .text(rp), .text(digest)]
        }
        values += [.text(record.mechanism), .text(record.unit), .text(record.amount), .integer(record.timeMilliseconds)]
        let bound = values
        // Blocking on the writer's queue (never called from it): the
        // accountant must know the charge is durable before granting it.
        _ = try worker.runBlocking { db throws(StoreError) in
            try db.storeRun("cannot append to the privacy ledger", """
                INSERT INTO privacy_ledger (account, tenant_id, dataset, relying_party, subject_digest, mechanism, unit, amount, time_ms)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                """, bound)
        }
    }

    // MARK: OPRF keys

    private static let oprfColumns = "tenant_id, name, version, suite, mode, sealed_key, public_key, created_at, retired_at"

    private static func decodeOPRFKey(_ row: SQLiteRow) throws(StoreError) -> StoredOPRFKey {
        try row.decode("OPRF key") { r throws(SQLiteError) in
            StoredOPRFKey(tenant: TenantID(trusted: try r.text(0)), name: try r.text(1), version: try r.integer(2),
                          suite: try r.text(3), mode: try r.text(4), sealedKey: try r.blob(5), publicKey: try r.blob(6),
                          createdAt: Timestamp.date(try r.integer(7)), retiredAt: try r.optionalInteger(8).map(Timestamp.date))
        }
    }

    public func addOPRFKey(tenant: TenantID, name: String, suite: String, mode: String, sealedKey: [UInt8], publicKey: [UInt8],
                           rotate: Bool) async throws(StoreError) -> StoredOPRFKey {
        try Validation.require(Validation.isToken(name, maxLength: 64), "OPRF key name \(Validation.quoted(name)) is not a token")
        try Validation.requireToken(suite, "OPRF suite")
        try Validation.require(["oprf", "voprf", "poprf"].contains(mode), "OPRF mode \(Validation.quoted(mode)) is unknown")
        try Validation.require(!sealedKey.isEmpty && sealedKey.count <= 1024 && !publicKey.isEmpty && publicKey.count <= 1024,
                               "an OPRF key's sealed and public parts are 1...1024 bytes")
        let at = now
        return try await worker.run { db throws(StoreError) -> StoredOPRFKey in
            try db.storeTransaction("cannot add OPRF key \(name) of tenant \(tenant)") { () throws(StoreError) -> StoredOPRFKey in
                let context = "cannot read OPRF key \(name) of tenant \(tenant)"
                let exists = try db.storeQueryOne(context, "SELECT 1 FROM tenants WHERE id = ?1", [.text(tenant.rawValue)])
                guard exists != nil else { throw StoreError(.notFound, "no tenant \(tenant)") }
                let row = try db.storeQueryOne(context, "SELECT max(version) FROM privacy_oprf_keys WHERE tenant_id = ?1 AND name = ?2",
                                               [.text(tenant.rawValue), .text(name)])
                let last = try row?.decode("OPRF key version") { r throws(SQLiteError) in try r.optionalInteger(0) } ?? nil
                switch (last, rotate) {
                case (.some, false):
                    throw StoreError(.duplicate, "tenant \(tenant) already has an OPRF key \(name); rotate it instead")
                case (.none, true):
                    throw StoreError(.notFound, "tenant \(tenant) has no OPRF key \(name) to rotate")
                default: break
                }
                try db.storeRun(context, """
                    UPDATE privacy_oprf_keys SET retired_at = ?3 WHERE tenant_id = ?1 AND name = ?2 AND retired_at IS NULL
                    """, [.text(tenant.rawValue), .text(name), .integer(at)])
                let version = (last ?? 0) + 1
                try db.storeRun(context, """
                    INSERT INTO privacy_oprf_keys (tenant_id, name, version, suite, mode, sealed_key, public_key, created_at)
                    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                    """, [.text(tenant.rawValue), .text(name), .integer(version), .text(suite), .text(mode), .blob(sealedKey),
                          .blob(publicKey), .integer(at)])
                return StoredOPRFKey(tenant: tenant, name: name, version: version, suite: suite, mode: mode, sealedKey: sealedKey,
                                     publicKey: publicKey, createdAt: Timestamp.date(at))
            }
        }
    }

    public func oprfKey(tenant: TenantID, name: String) async throws(StoreError) -> StoredOPRFKey? {
        let row = try await readers.read { db throws(StoreError) in
            try db.storeQueryOne("cannot read OPRF key \(name) of tenant \(tenant)", """
                SELECT \(Self.oprfColumns) FROM privacy_oprf_keys
                WHERE tenant_id = ?1 AND name = ?2 AND retired_at IS NULL ORDER BY version DESC LIMIT 1
                """, [.text(tenant.rawValue), .text(name)])
        }
        return try row.map { row throws(StoreError) in try Self.decodeOPRFKey(row) }
    }

    public func oprfKeys(tenant: TenantID) async throws(StoreError) -> [StoredOPRFKey] {
        let rows = try await readers.read { db throws(StoreError) in
            try db.storeQuery("cannot list OPRF keys of tenant \(tenant)", """
                SELECT \(Self.oprfColumns) FROM privacy_oprf_keys WHERE tenant_id = ?1 ORDER BY name, version
                """, [.text(tenant.rawValue)])
        }
        var out: [StoredOPRFKey] = []
        for row in rows { out.append(try Self.decodeOPRFKey(row)) }
        return out
    }

    // MARK: Transparency log

    /// The artifact kind that is stored as a transparency-log entry (and
    /// not in `verification_artifacts`).
    static let privacyReceiptKind = "privacy_receipt"
    /// The media type of a `privacy_receipt` artifact.
    static let privacyReceiptMediaType = "application/json"

    /// A verification's `privacy_receipt` artifact: its transparency-log
    /// entry. (Databases written before receipts were stored once also hold
    /// it in `verification_artifacts`, with the same bytes.)
    func privacyReceiptArtifact(of id: VerificationID, tenant: TenantID?) async throws(StoreError) -> VerificationArtifact? {
        let row = try await readers.read { db throws(StoreError) in
            try db.storeQueryOne("cannot read the privacy receipt of verification \(id)", """
                SELECT l.entry FROM privacy_log_entries l JOIN verifications v ON v.id = l.verification_id
                WHERE l.verification_id = ?1 AND (?2 IS NULL OR v.tenant_id = ?2)
                """, [.text(id.rawValue), .optionalText(tenant?.rawValue)])
        }
        guard let row else { return nil }
        return try row.decode("privacy receipt") { r throws(SQLiteError) in
            VerificationArtifact(kind: Self.privacyReceiptKind, mediaType: Self.privacyReceiptMediaType, body: try r.blob(0))
        }
    }

    public func appendPrivacyLogEntry(_ entry: [UInt8]) async throws(StoreError) -> Int64 {
        try Validation.require(!entry.isEmpty && entry.count <= 1 << 20, "a log entry is 1 byte to 1 MiB")
        let at = now
        return try await worker.run { [self] db throws(StoreError) -> Int64 in
            try db.storeTransaction("cannot append to the transparency log") { () throws(StoreError) -> Int64 in
                try appendPrivacyLogEntryLocked(db, entry, verification: nil, at: at)
            }
        }
    }

    /// Append `entry` as the next leaf; the caller holds a write transaction.
    /// - Returns: its leaf index.
    func appendPrivacyLogEntryLocked(_ db: SQLiteConnection, _ entry: [UInt8], verification: VerificationID?,
                                     at: Int64) throws(StoreError) -> Int64 {
        let context = "cannot append to the transparency log"
        let row = try db.storeQueryOne(context, "SELECT coalesce(max(leaf_index) + 1, 0) FROM privacy_log_entries")
        let index = try row?.decode("log size") { r throws(SQLiteError) in try r.integer(0) } ?? 0
        try db.storeRun(context, "INSERT INTO privacy_log_entries (leaf_index, entry, verification_id, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                        [.integer(index), .blob(entry), .optionalText(verification?.rawValue), .integer(at)])
        return index
    }

    public func privacyLogEntries(from leafIndex: Int64, limit: Int) async throws(StoreError) -> [[UInt8]] {
        let rows = try await readers.read { db throws(StoreError) in
            try db.storeQuery("cannot read the transparency log", """
                SELECT leaf_index, entry FROM privacy_log_entries WHERE leaf_index >= ?1 ORDER BY leaf_index LIMIT ?2
                """, [.integer(leafIndex), .integer(Int64(max(0, limit)))])
        }
        var out: [[UInt8]] = []
        out.reserveCapacity(rows.count)
        for (offset, row) in rows.enumerated() {
            let (index, entry) = try row.decode("log entry") { r throws(SQLiteError) in (try r.integer(0), try r.blob(1)) }
            guard index == leafIndex + Int64(offset) else {
                throw StoreError(.corruptDatabase, "the transparency log has no leaf \(leafIndex + Int64(offset))")
            }
            out.append(entry)
        }
        return out
    }

    public func privacyCounts(tenant: TenantID, by dimension: PrivacyCountDimension) async throws(StoreError) -> [String: Int64] {
        let sql: String
        switch dimension {
        case .connector, .lawfulBasis:
            let column = dimension == .connector ? "connector" : "lawful_basis"
            sql = "SELECT \(column), count(*) FROM audit_records WHERE tenant_id = ?1 AND \(column) IS NOT NULL GROUP BY \(column)"
        case .outcome:
            sql = """
                SELECT CASE WHEN decision = 'deny' THEN 'denied' WHEN outcome IN ('completed', 'not_found') THEN outcome
                            ELSE 'failed' END AS bin, count(*)
                FROM audit_records WHERE tenant_id = ?1 GROUP BY bin
                """
        case .region, .jurisdiction:
            let column = dimension.rawValue
            sql = "SELECT \(column), count(*) FROM verifications WHERE tenant_id = ?1 AND \(column) IS NOT NULL GROUP BY \(column)"
        }
        let rows = try await readers.read { db throws(StoreError) in
            try db.storeQuery("cannot count the requests of tenant \(tenant)", sql, [.text(tenant.rawValue)])
        }
        var out: [String: Int64] = [:]
        for row in rows {
            let (key, count) = try row.decode("count") { r throws(SQLiteError) in (try r.text(0), try r.integer(1)) }
            out[key] = count
        }
        return out
    }

    public func recordPrivacyTreeHead(treeSize: Int64, signed: String) async throws(StoreError) {
        let at = now
        try await worker.run { db throws(StoreError) in
            try db.storeRun("cannot keep the tree head of size \(treeSize)", """
                INSERT INTO privacy_log_tree_heads (tree_size, signed, created_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (tree_size) DO NOTHING
                """, [.integer(treeSize), .text(signed), .integer(at)])
        }
    }

    public func privacyTreeHead(treeSize: Int64) async throws(StoreError) -> String? {
        let row = try await readers.read { db throws(StoreError) in
            try db.storeQueryOne("cannot read the tree head of size \(treeSize)",
                                 "SELECT signed FROM privacy_log_tree_heads WHERE tree_size = ?1", [.integer(treeSize)])
        }
        return try row?.decode("tree head") { r throws(SQLiteError) in try r.text(0) }
    }
}
