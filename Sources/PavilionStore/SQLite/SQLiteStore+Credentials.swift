import Foundation

/// The signing key registry and the credential status lists (schema version 3).
extension SQLiteStore: CredentialStore {
    // MARK: Signing keys

    private static let signingKeyColumns = "kid, label, region, alg, published_at, activates_at, retired_at"

    private static func decodeSigningKey(_ row: SQLiteRow) throws(StoreError) -> SigningKeyRecord {
        try row.decode("signing key") { r throws(SQLiteError) in
            SigningKeyRecord(kid: try r.text(0), label: try r.text(1), region: try r.text(2), algorithm: try r.text(3),
                             publishedAt: Timestamp.date(try r.integer(4)), activatesAt: Timestamp.date(try r.integer(5)),
                             retiredAt: try r.optionalInteger(6).map(Timestamp.date))
        }
    }

    public func registerSigningKey(_ key: SigningKeyRecord) async throws(StoreError) {
        try Validation.require((1...128).contains(key.kid.utf8.count)
                                   && key.kid.utf8.allSatisfy { $0 == 0x2D || $0 == 0x5F || (0x30...0x39).contains($0)
                                       || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) },
                               "key id \(Validation.quoted(key.kid)) is not base64url")
        try Validation.require(Validation.isToken(key.label), "key label \(Validation.quoted(key.label))")
        try Validation.require(!key.region.isEmpty && key.region.utf8.count <= 128, "region \(Validation.quoted(key.region))")
        try Validation.require(["ES256", "ES384", "EdDSA"].contains(key.algorithm), "algorithm \(Validation.quoted(key.algorithm))")
        try await worker.run { db throws(StoreError) in
            let existing = try db.storeQueryOne("cannot read signing keys", "SELECT kid FROM signing_keys WHERE kid = ?1 OR label = ?2",
                                                [.text(key.kid), .text(key.label)])
            if existing != nil { throw StoreError(.duplicate, "a signing key with kid \(key.kid) or label \(key.label) is registered") }
            try db.storeRun("cannot register signing key \(key.kid)", """
                INSERT INTO signing_keys (\(Self.signingKeyColumns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """, [.text(key.kid), .text(key.label), .text(key.region), .text(key.algorithm),
                      .integer(Timestamp.milliseconds(key.publishedAt)), .integer(Timestamp.milliseconds(key.activatesAt)),
                      .optionalInteger(key.retiredAt.map(Timestamp.milliseconds))])
        }
    }

    public func signingKeys() async throws(StoreError) -> [SigningKeyRecord] {
        let rows = try await readers.read { db throws(StoreError) in
            try db.storeQuery("cannot list signing keys",
                              "SELECT \(Self.signingKeyColumns) FROM signing_keys ORDER BY published_at, kid")
        }
        var out: [SigningKeyRecord] = []
        for row in rows { out.append(try Self.decodeSigningKey(row)) }
        return out
    }

    public func updateSigningKey(kid: String, activatesAt: Date, retiredAt: Date?) async throws(StoreError) {
        let changed = try await worker.run { db throws(StoreError) in
            try db.storeRun("cannot update signing key \(kid)",
                            "UPDATE signing_keys SET activates_at = ?1, retired_at = ?2 WHERE kid = ?3",
                            [.integer(Timestamp.milliseconds(activatesAt)),
                             .optionalInteger(retiredAt.map(Timestamp.milliseconds)), .text(kid)])
        }
        guard changed == 1 else { throw StoreError(.notFound, "no signing key \(kid)") }
    }

    // MARK: Status lists

    private static let statusColumns = "verification_id, tenant_id, list_id, idx, status, updated_at"

    private static func decodeStatus(_ row: SQLiteRow) throws(StoreError) -> CredentialStatusEntry {
        let (id, tenant, list, index, status, updated) = try row.decode("credential status") { r throws(SQLiteError) in
            (try r.text(0), try r.text(1), try r.integer(2), try r.integer(3), try r.text(4), try r.integer(5))
        }
        guard let value = CredentialStatusEntry.Status(rawValue: status) else {
            throw StoreError(.corruptDatabase, "credential \(id) has unknown status \(Validation.quoted(status))")
        }
        return CredentialStatusEntry(verificationID: VerificationID(trusted: id), tenantID: TenantID(trusted: tenant),
                                     listID: list, index: Int(index), status: value, updatedAt: Timestamp.date(updated))
    }

    public func allocateCredentialStatus(verification: VerificationID, tenant: TenantID, region: String, capacity: Int,
                                         fillLimit: Int, candidates: [Int]) async throws(StoreError) -> CredentialStatusEntry? {
        try Validation.require(capacity >= 16_384 && (1...capacity).contains(fillLimit), "status list capacity \(capacity) / fill limit \(fillLimit)")
        try Validation.require(candidates.allSatisfy { (0..<capacity).contains($0) }, "status index candidates below \(capacity)")
        try Validation.require(!region.isEmpty && region.utf8.count <= 128, "region \(Validation.quoted(region))")
        let at = now
        return try await worker.run { db throws(StoreError) -> CredentialStatusEntry? in
            try db.storeTransaction("cannot allocate a status entry") { () throws(StoreError) -> CredentialStatusEntry? in
                if try db.storeQueryOne("cannot read credential statuses", "SELECT 1 FROM credential_statuses WHERE verification_id = ?1",
                                        [.text(verification.rawValue)]) != nil {
                    throw StoreError(.duplicate, "credential \(verification) already has a status entry")
                }
                var listID: Int64
                let open = try db.storeQueryOne("cannot read status lists", """
                    SELECT id, capacity FROM status_lists WHERE region = ?1 AND allocated < ?2 AND capacity = ?3
                    ORDER BY id DESC LIMIT 1
                    """, [.text(region), .integer(Int64(fillLimit)), .integer(Int64(capacity))])
                if let open {
                    listID = try open.decode("status list") { r throws(SQLiteError) in try r.integer(0) }
                } else {
                    try db.storeRun("cannot create a status list", """
                        INSERT INTO status_lists (region, capacity, allocated, created_at, updated_at) VALUES (?1, ?2, 0, ?3, ?3)
                        """, [.text(region), .integer(Int64(capacity)), .integer(at)])
                    let row = try db.storeQueryOne("cannot read status lists", "SELECT last_insert_rowid()")
                    guard let row else { throw StoreError(.database, "no id for the new status list") }
                    listID = try row.decode("status list") { r throws(SQLiteError) in try r.integer(0) }
                }
                for index in candidates {
                    let inserted = try db.storeRun("cannot allocate a status entry", """
                        INSERT OR IGNORE INTO credential_statuses (\(Self.statusColumns)) VALUES (?1, ?2, ?3, ?4, 'valid', ?5)
                        """, [.text(verification.rawValue), .text(tenant.rawValue), .integer(listID), .integer(Int64(index)),
                              .integer(at)])
                    if inserted == 1 {
                        try db.storeRun("cannot count a status entry",
                                        "UPDATE status_lists SET allocated = allocated + 1 WHERE id = ?1", [.integer(listID)])
                        return CredentialStatusEntry(verificationID: verification, tenantID: tenant, listID: listID, index: index,
                                                     status: .valid, updatedAt: Timestamp.date(at))
                    }
                }
                return nil
            }
        }
    }

    public func credentialStatus(verification: VerificationID) async throws(StoreError) -> CredentialStatusEntry? {
        let row = try await readers.read { db throws(StoreError) in
            try db.storeQueryOne("cannot read the status of \(verification)",
                                 "SELECT \(Self.statusColumns) FROM credential_statuses WHERE verification_id = ?1",
                                 [.text(verification.rawValue)])
        }
        return try row.map { row throws(StoreError) in try Self.decodeStatus(row) }
    }

    public func setCredentialStatus(_ status: CredentialStatusEntry.Status,
                                    verification: VerificationID) async throws(StoreError) -> CredentialStatusEntry {
        let at = now
        return try await worker.run { db throws(StoreError) -> CredentialStatusEntry in
            try db.storeTransaction("cannot change the status of \(verification)") { () throws(StoreError) -> CredentialStatusEntry in
                guard let row = try db.storeQueryOne("cannot read the status of \(verification)",
                                                     "SELECT \(Self.statusColumns) FROM credential_statuses WHERE verification_id = ?1",
                                                     [.text(verification.rawValue)]) else {
                    throw StoreError(.notFound, "credential \(verification) has no status entry")
                }
                var entry = try Self.decodeStatus(row)
                if entry.status == .revoked, status != .revoked {
                    throw StoreError(.invalidInput, "credential \(verification) is revoked; revocation is final")
                }
                guard entry.status != status else { return entry }
                try db.storeRun("cannot change the status of \(verification)",
                                "UPDATE credential_statuses SET status = ?1, updated_at = ?2 WHERE verification_id = ?3",
                                [.text(status.rawValue), .integer(at), .text(verification.rawValue)])
                try db.storeRun("cannot touch status list \(entry.listID)",
                                "UPDATE status_lists SET updated_at = max(updated_at + 1, ?1) WHERE id = ?2",
                                [.integer(at), .integer(entry.listID)])
                entry.status = status
                entry.updatedAt = Timestamp.date(at)
                return entry
            }
        }
    }

    public func statusList(id: Int64) async throws(StoreError) -> StatusListRecord? {
        let (list, rows) = try await readers.read { db throws(StoreError) in
            let list = try db.storeQueryOne("cannot read status list \(id)",
                                            "SELECT region, capacity, allocated, updated_at FROM status_lists WHERE id = ?1",
                                            [.integer(id)])
            let rows = list == nil ? [] : try db.storeQuery("cannot read status list \(id)",
                                                            "SELECT idx, status FROM credential_statuses WHERE list_id = ?1 AND status != 'valid'",
                                                            [.integer(id)])
            return (list, rows)
        }
        guard let list else { return nil }
        var record = try list.decode("status list") { r throws(SQLiteError) in
            StatusListRecord(id: id, region: try r.text(0), capacity: Int(try r.integer(1)), allocated: Int(try r.integer(2)),
                             statuses: [:], updatedAt: Timestamp.date(try r.integer(3)))
        }
        for row in rows {
            let (index, status) = try row.decode("credential status") { r throws(SQLiteError) in (try r.integer(0), try r.text(1)) }
            guard let value = CredentialStatusEntry.Status(rawValue: status) else {
                throw StoreError(.corruptDatabase, "status list \(id) has unknown status \(Validation.quoted(status))")
            }
            record.statuses[Int(index)] = value
        }
        return record
    }
}
