import Foundation
import PavilionCore
import PavilionCrypto
import Synchronization

/// The embedded ``Store``: one SQLite database in WAL mode in the data
/// directory, with durable commits (`synchronous=FULL`), foreign keys on,
/// a busy timeout, and schema migrations applied in one transaction at open.
///
/// Files in the data directory (created with mode 0700 if missing):
/// `pavilion.sqlite3` (and SQLite's `-wal`/`-shm` beside it), mode 0600;
/// `audit-signing.key`, the checkpoint signing key, mode 0600.
public final class SQLiteStore: Store {
    /// Knobs for opening a store.
    public struct Configuration: Sendable {
        /// A signed checkpoint is written with every `checkpointInterval`-th
        /// audit record (and on demand).
        public var checkpointInterval: Int64
        /// How long a write waits for another writer's lock.
        public var busyTimeoutMilliseconds: Int32
        /// Public keys of earlier signing keys whose checkpoints still count.
        public var additionalTrustedCheckpointKeys: [Ed25519PublicKey]
        /// The clock for `created_at` and friends.
        public var clock: @Sendable () -> Date
        /// WAL frames (pages) after which a background checkpoint copies
        /// them into the database file (SQLite's own default is 1000).
        public var checkpointFrames: Int
        /// How long a successful key check and a tenant's enabled
        /// connectors are reused without reading the database (`.zero`:
        /// never). Changes made through this store take effect at once;
        /// changes by another process on the same data directory within
        /// this time. See ``AccessCache``.
        public var accessCacheTTL: Duration
        /// The monotonic clock the access cache ages by.
        public var monotonicClock: @Sendable () -> ContinuousClock.Instant

        /// - Parameters:
        ///   - checkpointInterval: records per periodic checkpoint (at least 1).
        ///   - busyTimeoutMilliseconds: the SQLite busy timeout.
        ///   - additionalTrustedCheckpointKeys: earlier checkpoint keys still trusted.
        ///   - clock: the time source.
        ///   - checkpointFrames: WAL frames that trigger a background checkpoint.
        ///   - accessCacheTTL: how long key checks and enabled connectors are reused.
        ///   - monotonicClock: the access cache's clock.
        public init(checkpointInterval: Int64 = 1000, busyTimeoutMilliseconds: Int32 = 5000,
                    additionalTrustedCheckpointKeys: [Ed25519PublicKey] = [],
                    clock: @escaping @Sendable () -> Date = { Date() }, checkpointFrames: Int = 1000,
                    accessCacheTTL: Duration = .seconds(1),
                    monotonicClock: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
            self.checkpointFrames = max(1, checkpointFrames)
            self.accessCacheTTL = max(.zero, accessCacheTTL)
            self.monotonicClock = monotonicClock
            self.checkpointInterval = max(1, checkpointInterval)
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.additionalTrustedCheckpointKeys = additionalTrustedCheckpointKeys
            self.clock = clock
        }
    }

    /// The database file's name inside the data directory.
    public static let databaseFileName = "pavilion.sqlite3"
    /// The checkpoint key file's name inside the data directory.
    public static let signingKeyFileName = AuditSigner.fileName
    /// Bytes of the database file read through a memory mapping (SQLite's
    /// `mmap_size`) by the writer (the read connections map nothing, see
    /// ``ReadConnectionPool``).
    static let mmapSize = 256 << 20
    /// The schema version this code writes.
    public static var schemaVersion: Int64 { SQLiteSchema.latestVersion }

    /// The data directory.
    public let dataDirectory: String
    /// The database file.
    public let databasePath: String
    /// The public key that signs this store's checkpoints.
    public var checkpointPublicKey: Ed25519PublicKey { signer.publicKey }

    private let configuration: Configuration
    /// `configuration.clock` and `.checkpointInterval`, kept apart so the
    /// hot path does not copy the whole configuration.
    private let clock: @Sendable () -> Date
    private let checkpointInterval: Int64
    private let signer: AuditSigner
    let worker: DatabaseWorker
    /// Connections for the hot-path lookups (keys, enabled connectors,
    /// single verifications), used on the caller's thread: in WAL mode they
    /// read the last committed state without waiting behind a group commit.
    let readers: ReadConnectionPool
    /// Copies the WAL into the database file off the writer's queue.
    let checkpointer: WALCheckpointer
    /// Key checks and enabled connectors kept for a moment; nil when off.
    let access: AccessCache?
    /// Verifications waiting to be written together (group commit).
    private let commits = GroupCommit<PendingVerification, RecordedVerification>()
    private let commitObserver = Mutex<CommitObserver?>(nil)

    /// The observer in a struct: a function type held directly as a
    /// `Mutex`'s value is reabstracted on the way into `withLock`'s `inout`
    /// and again on the way back, so each `withLock { $0 }` wrapped it in
    /// two more thunks. The chain grew with every commit: after 20,000 calls
    /// one call walked 40,000 thunks, and a long-running service would have
    /// spent ever more of its writer on it, then overflowed the stack.
    private struct CommitObserver: Sendable {
        let body: @Sendable (Duration, Int) -> Void
    }

    public func observeCommits(_ observer: @escaping @Sendable (_ duration: Duration, _ verifications: Int) -> Void) {
        commitObserver.withLock { $0 = CommitObserver(body: observer) }
    }

    /// Open the store in `dataDirectory`, creating the directory, database
    /// and signing key on first use and migrating the schema.
    /// - Parameters:
    ///   - dataDirectory: where the files live (from the caller's config).
    ///   - configuration: knobs.
    /// - Throws: ``StoreError/Code/corruptDatabase`` for a file that is not a
    ///   (Pavilion) database, ``StoreError/Code/schemaTooNew`` for a database
    ///   from a newer Pavilion, ``StoreError/Code/migrationFailed``,
    ///   ``StoreError/Code/fileSystem``.
    public init(dataDirectory: String, configuration: Configuration = Configuration()) throws(StoreError) {
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        clock = configuration.clock
        checkpointInterval = configuration.checkpointInterval
        databasePath = (dataDirectory as NSString).appendingPathComponent(Self.databaseFileName)
        try FileCalls.ensureDirectory(dataDirectory)
        try FileCalls.ensurePrivateFile(databasePath)
        for suffix in ["-wal", "-shm"] where FileCalls.exists(databasePath + suffix) {
            try FileCalls.ensurePrivateFile(databasePath + suffix)
        }
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: databasePath, create: false,
                                              busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
        } catch {
            throw StoreError(error, "cannot open \(databasePath)")
        }
        worker = DatabaseWorker(connection: connection, label: "pavilion.store.sqlite")
        let path = databasePath
        let now = Timestamp.milliseconds(configuration.clock())
        try worker.runBlocking { connection throws(StoreError) in
            try Self.configure(connection, path: path)
            try Self.migrate(connection, path: path, now: now)
        }
        signer = try AuditSigner.loadOrCreate(directory: dataDirectory)
        readers = try ReadConnectionPool(path: databasePath, busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
        access = configuration.accessCacheTTL > .zero
            ? AccessCache(ttl: configuration.accessCacheTTL, now: configuration.monotonicClock) : nil
        let checkpointer = try WALCheckpointer(path: databasePath, threshold: configuration.checkpointFrames,
                                               busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds)
        self.checkpointer = checkpointer
        try worker.runBlocking { connection in
            connection.onCommit { frames in checkpointer.walGrew(frames: frames) }
        }
    }

    // MARK: Opening

    private static func configure(_ db: SQLiteConnection, path: String) throws(StoreError) {
        let context = "\(path) is not a usable Pavilion database"
        let mode = try db.storeQueryOne(context, "PRAGMA journal_mode = WAL")
        guard case .text(let journal)? = mode?.values.first, journal.lowercased() == "wal" else {
            throw StoreError(.database, "\(path): SQLite refused WAL mode (journal_mode is \(String(describing: mode?.values.first)))",
                             call: "sqlite3_step")
        }
        try db.storeRun(context, "PRAGMA synchronous = FULL")
        _ = try db.storeQueryOne(context, "PRAGMA mmap_size = \(mmapSize)")
        try db.storeRun(context, "PRAGMA foreign_keys = ON")
        let application = try db.storeQueryOne(context, "PRAGMA application_id")
        if case .integer(let id)? = application?.values.first, id != 0, id != SQLiteSchema.applicationID {
            throw StoreError(.corruptDatabase, "\(path) belongs to another application (application_id \(id))")
        }
    }

    private static func migrate(_ db: SQLiteConnection, path: String, now: Int64) throws(StoreError) {
        try db.storeTransaction("cannot migrate \(path)") { () throws(StoreError) in
            let context = "cannot read the schema version of \(path)"
            try db.storeRun(context, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     INTEGER PRIMARY KEY NOT NULL,
                    name        TEXT NOT NULL,
                    applied_at  INTEGER NOT NULL
                ) STRICT
                """)
            let row = try db.storeQueryOne(context, "SELECT coalesce(max(version), 0) FROM schema_migrations")
            let current = try row?.decode("schema version") { r throws(SQLiteError) in try r.integer(0) } ?? 0
            guard current <= SQLiteSchema.latestVersion else {
                throw StoreError(.schemaTooNew,
                                 "\(path) has schema version \(current) but this Pavilion knows only up to \(SQLiteSchema.latestVersion); run a newer Pavilion or restore a backup")
            }
            for migration in SQLiteSchema.migrations where migration.version > current {
                do throws(SQLiteError) {
                    try db.execute(migration.sql)
                } catch {
                    throw StoreError(.migrationFailed, "migration \(migration.version) (\(migration.name)) failed on \(path): \(error.message)",
                                     call: error.call, resultCode: error.code)
                }
                try db.storeRun("cannot record migration \(migration.version)",
                                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                                [.integer(migration.version), .text(migration.name), .integer(now)])
            }
            if current == 0 {
                try db.storeRun("cannot stamp \(path)", "PRAGMA application_id = \(SQLiteSchema.applicationID)")
            }
        }
    }

    var now: Int64 { Timestamp.milliseconds(clock()) }

    // MARK: Tenants

    public func createTenant(id: TenantID, name: String) async throws(StoreError) -> Tenant {
        if let problem = Validation.nameProblem(name) {
            throw StoreError(.invalidInput, "tenant name \(Validation.quoted(name)) \(problem)")
        }
        let tenant = Tenant(id: id, name: name, status: .active, createdAt: configuration.clock())
        try await worker.run { db throws(StoreError) in
            try db.storeRun("cannot create tenant \(id)",
                            "INSERT INTO tenants (id, name, status, created_at) VALUES (?1, ?2, ?3, ?4)",
                            [.text(id.rawValue), .text(name), .text(tenant.status.rawValue),
                             .integer(Timestamp.milliseconds(tenant.createdAt))])
        }
        return tenant
    }

    private static let tenantColumns = "id, name, status, created_at"

    private static func decodeTenant(_ row: SQLiteRow) throws(StoreError) -> Tenant {
        let (id, name, status, created) = try row.decode("tenant") { r throws(SQLiteError) in
            (try r.text(0), try r.text(1), try r.text(2), try r.integer(3))
        }
        guard let status = TenantStatus(rawValue: status) else {
            throw StoreError(.corruptDatabase, "tenant \(id) has unknown status \(Validation.quoted(status))")
        }
        return Tenant(id: TenantID(trusted: id), name: name, status: status, createdAt: Timestamp.date(created))
    }

    public func tenant(id: TenantID) async throws(StoreError) -> Tenant? {
        try await worker.run { db throws(StoreError) in
            try db.storeQueryOne("cannot read tenant \(id)", "SELECT \(Self.tenantColumns) FROM tenants WHERE id = ?1",
                                 [.text(id.rawValue)]).map { row throws(StoreError) in try Self.decodeTenant(row) }
        }
    }

    public func tenants() async throws(StoreError) -> [Tenant] {
        try await worker.run { db throws(StoreError) in
            var out: [Tenant] = []
            for row in try db.storeQuery("cannot list tenants", "SELECT \(Self.tenantColumns) FROM tenants ORDER BY id") {
                out.append(try Self.decodeTenant(row))
            }
            return out
        }
    }

    public func setTenantStatus(_ status: TenantStatus, for id: TenantID) async throws(StoreError) {
        let changed = try await worker.run { db throws(StoreError) in
            try db.storeRun("cannot update tenant \(id)", "UPDATE tenants SET status = ?1 WHERE id = ?2",
                            [.text(status.rawValue), .text(id.rawValue)])
        }
        access?.invalidate()
        guard changed == 1 else { throw StoreError(.notFound, "no tenant \(id)") }
    }

    // MARK: API keys

    public func createAPIKey(kind: APIKeyKind, tenant: TenantID?, label: String) async throws(StoreError) -> IssuedAPIKey {
        try Validation.requireToken(label, "key label")
        switch (kind, tenant) {
        case (.admin, .some): throw StoreError(.invalidInput, "an admin key belongs to no tenant")
        case (.tenant, .none): throw StoreError(.invalidInput, "a tenant key needs a tenant")
        default: break
        }
        let token = try APIKeyToken.generate()
        let id = APIKeyID(trusted: "key_" + Hex.encode(try RandomSource.bytes(8)))
        let key = APIKey(id: id, kind: kind, tenantID: tenant, prefix: token.prefix, label: label,
                         createdAt: Timestamp.truncated(configuration.clock()), revokedAt: nil)
        let hash = token.hash
        try await worker.run { db throws(StoreError) in
            try db.storeRun("cannot create an API key" + (tenant.map { " for tenant \($0)" } ?? ""), """
                INSERT INTO api_keys (id, tenant_id, kind, prefix, secret_hash, label, created_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                """, [.text(id.rawValue), .optionalText(tenant?.rawValue), .text(kind.rawValue), .text(token.prefix),
                      .blob(hash), .text(label), .integer(Timestamp.milliseconds(key.createdAt))])
        }
        return IssuedAPIKey(key: key, token: token.text)
    }

    private static let keyColumns = "k.id, k.kind, k.tenant_id, k.prefix, k.label, k.created_at, k.revoked_at"

    private static func decodeKey(_ row: SQLiteRow) throws(StoreError) -> APIKey {
        let (id, kind, tenant, prefix, label, created, revoked) = try row.decode("API key") { r throws(SQLiteError) in
            (try r.text(0), try r.text(1), try r.optionalText(2), try r.text(3), try r.text(4), try r.integer(5),
             try r.optionalInteger(6))
        }
        guard let kind = APIKeyKind(rawValue: kind) else {
            throw StoreError(.corruptDatabase, "API key \(id) has unknown kind \(Validation.quoted(kind))")
        }
        return APIKey(id: APIKeyID(trusted: id), kind: kind, tenantID: tenant.map(TenantID.init(trusted:)), prefix: prefix,
                      label: label, createdAt: Timestamp.date(created), revokedAt: revoked.map(Timestamp.date))
    }

    public func apiKeys(tenant: TenantID?) async throws(StoreError) -> [APIKey] {
        try await worker.run { db throws(StoreError) in
            var out: [APIKey] = []
            for row in try db.storeQuery("cannot list API keys", """
                SELECT \(Self.keyColumns) FROM api_keys k WHERE k.tenant_id IS ?1 ORDER BY k.created_at, k.id
                """, [.optionalText(tenant?.rawValue)]) {
                out.append(try Self.decodeKey(row))
            }
            return out
        }
    }

    public func revokeAPIKey(id: APIKeyID) async throws(StoreError) {
        let at = now
        try await worker.run { db throws(StoreError) in
            try db.storeTransaction("cannot revoke API key \(id)") { () throws(StoreError) in
                let exists = try db.storeQueryOne("cannot read API key \(id)", "SELECT 1 FROM api_keys WHERE id = ?1",
                                                  [.text(id.rawValue)])
                guard exists != nil else { throw StoreError(.notFound, "no API key \(id)") }
                try db.storeRun("cannot revoke API key \(id)",
                                "UPDATE api_keys SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                                [.integer(at), .text(id.rawValue)])
            }
        }
        access?.invalidate()
    }

    /// A hash no token has, compared against when the prefix is unknown so
    /// that the work done does not reveal which prefixes exist.
    private static let decoyHash = [UInt8](repeating: 0, count: 32)

    private static let authenticateSQL = CachedSQL("""
        SELECT \(keyColumns), k.secret_hash, t.status
        FROM api_keys k LEFT JOIN tenants t ON t.id = k.tenant_id WHERE k.prefix = ?1
        """)

    public func authenticate(token text: String) async throws(StoreError) -> KeyAuthentication {
        guard let token = APIKeyToken.parse(text) else { return .invalid }
        let presented = token.hash
        if let key = access?.key(prefix: token.prefix, secretHash: presented) { return .authenticated(key) }
        let generation = access?.generation ?? 0
        let result = try await readers.read { db throws(StoreError) -> KeyAuthentication in
            let row = try db.storeQueryOne("cannot look up an API key", Self.authenticateSQL, [.text(token.prefix)])
            guard let row else {
                _ = ConstantTime.equal(Self.decoyHash, presented)
                return .invalid
            }
            let key = try Self.decodeKey(row)
            let (stored, tenantStatus) = try row.decode("API key") { r throws(SQLiteError) in
                (try r.blob(7), try r.optionalText(8))
            }
            guard ConstantTime.equal(stored, presented) else { return .invalid }
            if key.revokedAt != nil { return .revoked(key.id) }
            if let tenant = key.tenantID, tenantStatus != TenantStatus.active.rawValue {
                return .tenantDisabled(key.id, tenant)
            }
            return .authenticated(key)
        }
        if case .authenticated(let key) = result {
            access?.keep(key, prefix: token.prefix, secretHash: presented, readAt: generation)
        }
        return result
    }

    // MARK: Connectors

    public func setConnector(_ connector: String, enabled: Bool, for tenant: TenantID) async throws(StoreError) {
        try Validation.requireToken(connector, "connector")
        let at = now
        try await worker.run { db throws(StoreError) in
            let context = "cannot change connector \(connector) for tenant \(tenant)"
            if enabled {
                try db.storeRun(context, """
                    INSERT INTO tenant_connectors (tenant_id, connector, enabled_at) VALUES (?1, ?2, ?3)
                    ON CONFLICT (tenant_id, connector) DO NOTHING
                    """, [.text(tenant.rawValue), .text(connector), .integer(at)])
            } else {
                let exists = try db.storeQueryOne(context, "SELECT 1 FROM tenants WHERE id = ?1", [.text(tenant.rawValue)])
                guard exists != nil else { throw StoreError(.notFound, "\(context): no tenant \(tenant)") }
                try db.storeRun(context, "DELETE FROM tenant_connectors WHERE tenant_id = ?1 AND connector = ?2",
                                [.text(tenant.rawValue), .text(connector)])
            }
        }
        access?.invalidate()
    }

    private static let enabledConnectorsSQL =
        CachedSQL("SELECT connector FROM tenant_connectors WHERE tenant_id = ?1 ORDER BY connector")

    public func enabledConnectors(for tenant: TenantID) async throws(StoreError) -> [String] {
        if let kept = access?.connectors(of: tenant) { return kept }
        let generation = access?.generation ?? 0
        let names = try await readers.read { db throws(StoreError) in
            var out: [String] = []
            for row in try db.storeQuery("cannot list connectors of tenant \(tenant)", Self.enabledConnectorsSQL,
                                         [.text(tenant.rawValue)]) {
                out.append(try row.decode("connector") { r throws(SQLiteError) in try r.text(0) })
            }
            return out
        }
        access?.keep(connectors: names, of: tenant, readAt: generation)
        return names
    }

    // MARK: Verifications and audit

    public func recordVerification(_ verification: VerificationRecord, audit: AuditEntry,
                                   artifacts: [VerificationArtifact]) async throws(StoreError) -> RecordedVerification {
        let resultText = try verification.validate()
        var entry = audit
        entry.artifactDigests = [:]
        for artifact in artifacts {
            try artifact.validate()
            try Validation.require(artifact.kind != Self.privacyReceiptKind
                                       || (artifact.mediaType == Self.privacyReceiptMediaType && !artifact.body.isEmpty),
                                   "a \(Self.privacyReceiptKind) artifact is a non-empty \(Self.privacyReceiptMediaType) log entry")
            try Validation.require(entry.artifactDigests[artifact.kind] == nil,
                                   "two artifacts of kind \(Validation.quoted(artifact.kind))")
            entry.artifactDigests[artifact.kind] = artifact.digest
        }
        if let tenant = entry.tenantID, tenant != verification.tenantID {
            throw StoreError(.invalidInput, "the audit entry names tenant \(tenant) but the verification belongs to \(verification.tenantID)")
        }
        entry.tenantID = verification.tenantID
        entry.verificationID = verification.id
        try entry.validate()
        let item = PendingVerification(verification: verification, resultText: resultText, audit: entry, artifacts: artifacts, at: now)
        let result: Result<RecordedVerification, StoreError> = await withCheckedContinuation { continuation in
            if commits.enqueue(.init(item: item, continuation: continuation)) {
                worker.submit { [self] db in drainVerifications(db) }
            }
        }
        return try result.get()
    }

    /// Write every waiting verification and its audit record in one
    /// transaction, then answer the waiters.
    ///
    /// The group is first written without savepoints, reading the chain
    /// head once. If one record fails, that transaction is rolled back and
    /// the group is written again with a savepoint per record, so that the
    /// record fails alone and the others commit.
    private func drainVerifications(_ db: SQLiteConnection) {
        let batch = commits.takeAll()
        guard !batch.isEmpty else { return }
        let started = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - started
            commitObserver.withLock { $0 }?.body(elapsed, batch.count)
            // After the group is answered, so that no caller of it waits for the copy.
            checkpointer.finishIfAsked(on: db)
        }
        var records: [RecordedVerification] = []
        records.reserveCapacity(batch.count)
        var recordFailed = false
        let fast = Result { () throws(StoreError) in
            try db.storeTransaction("cannot record \(batch.count) verification(s)") { () throws(StoreError) in
                var head = try Self.chainHead(db)
                do throws(StoreError) {
                    for waiter in batch { records.append(try insertVerificationLocked(db, waiter.item, head: &head)) }
                } catch {
                    recordFailed = true
                    throw error
                }
            }
        }
        switch fast {
        case .success:
            for (waiter, record) in zip(batch, records) { waiter.continuation.resume(returning: .success(record)) }
            return
        case .failure(let error) where !recordFailed:
            // BEGIN, the chain head or COMMIT failed: the group fails as a whole.
            for waiter in batch { waiter.continuation.resume(returning: .failure(error)) }
            return
        case .failure:
            break
        }
        var outcomes: [Result<RecordedVerification, StoreError>] = []
        outcomes.reserveCapacity(batch.count)
        let committed = Result { () throws(StoreError) in
            try db.storeTransaction("cannot record \(batch.count) verification(s)") { () throws(StoreError) in
                var head = try Self.chainHead(db)
                for waiter in batch {
                    outcomes.append(Result { () throws(StoreError) -> RecordedVerification in
                        try db.storeRun("cannot open a savepoint", Self.savepointSQL)
                        var next = head
                        do throws(StoreError) {
                            let record = try insertVerificationLocked(db, waiter.item, head: &next)
                            try db.storeRun("cannot release a savepoint", Self.releaseSQL)
                            head = next
                            return record
                        } catch {
                            _ = try? db.storeRun("cannot roll back a savepoint", Self.rollbackToSavepointSQL)
                            _ = try? db.storeRun("cannot release a savepoint", Self.releaseSQL)
                            throw error
                        }
                    })
                }
            }
        }
        for (waiter, outcome) in zip(batch, outcomes) {
            switch committed {
            case .success: waiter.continuation.resume(returning: outcome)
            case .failure(let error): waiter.continuation.resume(returning: .failure(error))
            }
        }
        // A commit that failed before any record was attempted leaves no outcomes.
        if case .failure(let error) = committed {
            for waiter in batch.dropFirst(outcomes.count) { waiter.continuation.resume(returning: .failure(error)) }
        }
    }

    private static let savepointSQL = CachedSQL("SAVEPOINT verification")
    private static let releaseSQL = CachedSQL("RELEASE verification")
    private static let rollbackToSavepointSQL = CachedSQL("ROLLBACK TO verification")
    private static let insertVerificationSQL = CachedSQL("""
        INSERT INTO verifications (id, tenant_id, connector, connector_version, purpose, status,
                                   created_at, finished_at, result, error_code, region, jurisdiction)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
        """)
    private static let insertArtifactSQL = CachedSQL("""
        INSERT INTO verification_artifacts (verification_id, kind, media_type, body, digest) VALUES (?1, ?2, ?3, ?4, ?5)
        """)

    /// Insert one verification, its artifacts (a `privacy_receipt` as the
    /// next log entry only: stored once) and its audit record.
    private func insertVerificationLocked(_ db: SQLiteConnection, _ item: PendingVerification,
                                          head: inout ChainHead) throws(StoreError) -> RecordedVerification {
        let verification = item.verification
        try db.storeRun("cannot record verification \(verification.id)", Self.insertVerificationSQL, [
            .text(verification.id.rawValue), .text(verification.tenantID.rawValue),
            .text(verification.connector), .text(verification.connectorVersion), .text(verification.purpose),
            .text(verification.status.rawValue), .integer(Timestamp.milliseconds(verification.createdAt)),
            .optionalInteger(verification.finishedAt.map(Timestamp.milliseconds)),
            .optionalText(item.resultText), .optionalText(verification.errorCode),
            .optionalText(verification.region), .optionalText(verification.jurisdiction)])
        var logIndex: Int64?
        for artifact in item.artifacts {
            if artifact.kind == Self.privacyReceiptKind {
                logIndex = try appendPrivacyLogEntryLocked(db, artifact.body, verification: verification.id, at: item.at)
                continue
            }
            try db.storeRun("cannot record the \(artifact.kind) of verification \(verification.id)", Self.insertArtifactSQL,
                            [.text(verification.id.rawValue), .text(artifact.kind), .text(artifact.mediaType), .blob(artifact.body),
                             .text(artifact.digest)])
        }
        return RecordedVerification(audit: try appendAuditLocked(db, item.audit, at: item.at, head: &head), privacyLogIndex: logIndex)
    }

    public func appendAudit(_ entry: AuditEntry) async throws(StoreError) -> AuditRecord {
        try entry.validate()
        let at = now
        return try await worker.run { [self] db throws(StoreError) -> AuditRecord in
            try db.storeTransaction("cannot append an audit record") { () throws(StoreError) -> AuditRecord in
                var head = try Self.chainHead(db)
                return try appendAuditLocked(db, entry, at: at, head: &head)
            }
        }
    }

    /// The last record of the audit chain: its sequence (0 when empty) and hash.
    struct ChainHead {
        var sequence: Int64
        var hash: String
    }

    private static let chainHeadSQL = CachedSQL("SELECT sequence, hash FROM audit_records ORDER BY sequence DESC LIMIT 1")

    /// Read the chain head; the caller holds the write transaction in which
    /// it appends, so the head cannot move under it.
    private static func chainHead(_ db: SQLiteConnection) throws(StoreError) -> ChainHead {
        let row = try db.storeQueryOne("cannot append an audit record", chainHeadSQL)
        let (sequence, hash) = try row?.decode("audit head") { r throws(SQLiteError) in (try r.integer(0), try r.text(1)) }
            ?? (0, AuditCanonicalForm.genesisHash)
        return ChainHead(sequence: sequence, hash: hash)
    }

    /// Append `entry` to the chain after `head`, and move `head` to it; the
    /// caller holds a write transaction and read `head` in it.
    private func appendAuditLocked(_ db: SQLiteConnection, _ entry: AuditEntry, at recordedAt: Int64,
                                   head: inout ChainHead) throws(StoreError) -> AuditRecord {
        let context = "cannot append an audit record"
        let previousHash = head.hash
        let sequence = head.sequence + 1
        let fields = AuditCanonicalForm.fields(sequence: sequence, recordedAt: recordedAt, entry: entry,
                                               previousHash: previousHash)
        let hash = AuditCanonicalForm.recordHash(fields)
        var values: [SQLiteValue] = []
        values.reserveCapacity(fields.count + 1)
        for (isInteger, field) in zip(Self.auditColumnIsInteger, fields) {
            guard let field else {
                values.append(.null)
                continue
            }
            if isInteger, let number = Int64(field) {
                values.append(.integer(number))
            } else {
                values.append(.text(field))
            }
        }
        values.append(.text(hash))
        try db.storeRun(context, Self.insertAuditSQL, values)
        if sequence % checkpointInterval == 0 {
            try insertCheckpoint(db, sequence: sequence, hash: hash)
        }
        head = ChainHead(sequence: sequence, hash: hash)
        return AuditRecord(sequence: sequence, recordedAt: Timestamp.date(recordedAt), entry: entry,
                           previousHash: previousHash, hash: hash)
    }

    private static let integerAuditColumns: Set<String> = ["sequence", "recorded_at", "started_at", "finished_at", "connector_ms"]
    /// For each of ``AuditCanonicalForm/recordColumns``: stored as an integer?
    private static let auditColumnIsInteger = AuditCanonicalForm.recordColumns.map(integerAuditColumns.contains)
    /// The audit insert, built once.
    private static let insertAuditSQL: CachedSQL = {
        let columns = AuditCanonicalForm.recordColumns + ["hash"]
        let placeholders = (1...columns.count).map { "?\($0)" }.joined(separator: ", ")
        return CachedSQL("INSERT INTO audit_records (\(columns.joined(separator: ", "))) VALUES (\(placeholders))")
    }()

    @discardableResult
    private func insertCheckpoint(_ db: SQLiteConnection, sequence: Int64, hash: String) throws(StoreError) -> AuditCheckpoint {
        let checkpoint = try signer.checkpoint(sequence: sequence, hash: hash, at: configuration.clock())
        try db.storeRun("cannot write audit checkpoint \(sequence)", """
            INSERT INTO audit_checkpoints (sequence, hash, created_at, public_key, signature) VALUES (?1, ?2, ?3, ?4, ?5)
            """, [.integer(sequence), .text(hash), .integer(Timestamp.milliseconds(checkpoint.createdAt)),
                  .text(checkpoint.publicKey), .text(checkpoint.signature)])
        return checkpoint
    }

    public func artifact(_ kind: String, of id: VerificationID, tenant: TenantID?) async throws(StoreError) -> VerificationArtifact? {
        if kind == Self.privacyReceiptKind { return try await privacyReceiptArtifact(of: id, tenant: tenant) }
        let row = try await readers.read { db throws(StoreError) in
            try db.storeQueryOne("cannot read the \(kind) of verification \(id)", """
                SELECT a.media_type, a.body FROM verification_artifacts a JOIN verifications v ON v.id = a.verification_id
                WHERE a.verification_id = ?1 AND a.kind = ?2 AND (?3 IS NULL OR v.tenant_id = ?3)
                """, [.text(id.rawValue), .text(kind), .optionalText(tenant?.rawValue)])
        }
        guard let row else { return nil }
        return try row.decode("artifact") { r throws(SQLiteError) in
            VerificationArtifact(kind: kind, mediaType: try r.text(0), body: try r.blob(1))
        }
    }

    private static let verificationColumns =
        "id, tenant_id, connector, connector_version, purpose, status, created_at, finished_at, result, error_code, region, jurisdiction"

    public func verification(id: VerificationID, tenant: TenantID) async throws(StoreError) -> VerificationRecord? {
        let row = try await readers.read { db throws(StoreError) in
            try db.storeQueryOne("cannot read verification \(id)",
                                 "SELECT \(Self.verificationColumns) FROM verifications WHERE id = ?1 AND tenant_id = ?2",
                                 [.text(id.rawValue), .text(tenant.rawValue)])
        }
        guard let row else { return nil }
        return try Self.decodeVerification(row)
    }

    public func verification(id: VerificationID) async throws(StoreError) -> VerificationRecord? {
        let row = try await readers.read { db throws(StoreError) in
            try db.storeQueryOne("cannot read verification \(id)",
                                 "SELECT \(Self.verificationColumns) FROM verifications WHERE id = ?1",
                                 [.text(id.rawValue)])
        }
        guard let row else { return nil }
        return try Self.decodeVerification(row)
    }

    private static func decodeVerification(_ row: SQLiteRow) throws(StoreError) -> VerificationRecord {
        let (vid, tid, connector, version, purpose, status, created, finished, result, errorCode) =
            try row.decode("verification") { r throws(SQLiteError) in
                (try r.text(0), try r.text(1), try r.text(2), try r.text(3), try r.text(4), try r.text(5), try r.integer(6),
                 try r.optionalInteger(7), try r.optionalText(8), try r.optionalText(9))
            }
        let (region, jurisdiction) = try row.decode("verification") { r throws(SQLiteError) in
            (try r.optionalText(10), try r.optionalText(11))
        }
        guard let status = VerificationStatus(rawValue: status) else {
            throw StoreError(.corruptDatabase, "verification \(vid) has unknown status \(Validation.quoted(status))")
        }
        var claims: JSONValue?
        if let result {
            do { claims = try JSONParser().parse(result) } catch {
                throw StoreError(.corruptDatabase, "verification \(vid) has a malformed result: \(error)")
            }
        }
        return VerificationRecord(id: VerificationID(trusted: vid), tenantID: TenantID(trusted: tid), connector: connector,
                                  connectorVersion: version, purpose: purpose, status: status,
                                  createdAt: Timestamp.date(created), finishedAt: finished.map(Timestamp.date),
                                  result: claims, errorCode: errorCode, region: region, jurisdiction: jurisdiction)
    }

    public func auditRecords(tenant: TenantID?, afterSequence: Int64, limit: Int) async throws(StoreError) -> [AuditRecord] {
        let columns = (AuditCanonicalForm.recordColumns + ["hash"]).joined(separator: ", ")
        let rows = try await worker.run { db throws(StoreError) in
            try db.storeQuery("cannot list audit records", """
                SELECT \(columns) FROM audit_records
                WHERE (?1 IS NULL OR tenant_id = ?1) AND sequence > ?2 ORDER BY sequence LIMIT ?3
                """, [.optionalText(tenant?.rawValue), .integer(afterSequence), .integer(Int64(max(0, limit)))])
        }
        var out: [AuditRecord] = []
        out.reserveCapacity(rows.count)
        for row in rows { out.append(try Self.decodeAuditRecord(row)) }
        return out
    }

    private static func decodeAuditRecord(_ row: SQLiteRow) throws(StoreError) -> AuditRecord {
        try row.decode("audit record") { r throws(SQLiteError) -> Result<AuditRecord, StoreError> in
            let sequence = try r.integer(0)
            guard let decision = AuditDecision(rawValue: try r.text(9)) else {
                return .failure(StoreError(.corruptDatabase, "audit record \(sequence) has an unknown decision"))
            }
            let categories = try r.text(16)
            let entry = AuditEntry(
                requestID: try r.text(2), keyID: try r.optionalText(3).map(APIKeyID.init(trusted:)),
                tenantID: try r.optionalText(4).map(TenantID.init(trusted:)), connector: try r.optionalText(5),
                connectorVersion: try r.optionalText(6), purpose: try r.optionalText(7), lawfulBasis: try r.optionalText(8),
                decision: decision, outcome: try r.text(10), errorCode: try r.optionalText(11),
                verificationID: try r.optionalText(12).map(VerificationID.init(trusted:)),
                startedAt: Timestamp.date(try r.integer(13)), finishedAt: Timestamp.date(try r.integer(14)),
                connectorMilliseconds: try r.optionalInteger(15),
                dataCategories: categories.isEmpty ? [] : categories.split(separator: ",").map(String.init))
            var withArtifacts = entry
            guard let digests = AuditCanonicalForm.splitArtifacts(try r.optionalText(17)) else {
                return .failure(StoreError(.corruptDatabase, "audit record \(sequence) has malformed artifact digests"))
            }
            withArtifacts.artifactDigests = digests
            return .success(AuditRecord(sequence: sequence, recordedAt: Timestamp.date(try r.integer(1)), entry: withArtifacts,
                                        previousHash: try r.text(18), hash: try r.text(19)))
        }.get()
    }

    public func createAuditCheckpoint() async throws(StoreError) -> AuditCheckpoint {
        try await worker.run { [self] db throws(StoreError) -> AuditCheckpoint in
            try db.storeTransaction("cannot checkpoint the audit trail") { () throws(StoreError) -> AuditCheckpoint in
                let context = "cannot checkpoint the audit trail"
                guard let head = try db.storeQueryOne(context, "SELECT sequence, hash FROM audit_records ORDER BY sequence DESC LIMIT 1")
                else { throw StoreError(.notFound, "the audit trail is empty; there is nothing to checkpoint") }
                let (sequence, hash) = try head.decode("audit head") { r throws(SQLiteError) in (try r.integer(0), try r.text(1)) }
                if let existing = try Self.readCheckpoints(db, where: "WHERE sequence = ?1", [.integer(sequence)]).first {
                    return existing
                }
                return try insertCheckpoint(db, sequence: sequence, hash: hash)
            }
        }
    }

    public func auditCheckpoints() async throws(StoreError) -> [AuditCheckpoint] {
        try await worker.run { db throws(StoreError) in try Self.readCheckpoints(db) }
    }

    private static func readCheckpoints(_ db: SQLiteConnection, where clause: String = "",
                                        _ values: [SQLiteValue] = []) throws(StoreError) -> [AuditCheckpoint] {
        var out: [AuditCheckpoint] = []
        for row in try db.storeQuery("cannot read audit checkpoints", """
            SELECT sequence, hash, created_at, public_key, signature FROM audit_checkpoints \(clause) ORDER BY sequence
            """, values) {
            out.append(try row.decode("audit checkpoint") { r throws(SQLiteError) in
                AuditCheckpoint(sequence: try r.integer(0), hash: try r.text(1), createdAt: Timestamp.date(try r.integer(2)),
                                publicKey: try r.text(3), signature: try r.text(4))
            })
        }
        return out
    }

    public func verifyAuditChain() async throws(StoreError) -> AuditVerification {
        let trusted = [signer.publicKey] + configuration.additionalTrustedCheckpointKeys
        return try await worker.run { db throws(StoreError) -> AuditVerification in
            try db.storeTransaction("cannot verify the audit trail", immediate: false) { () throws(StoreError) -> AuditVerification in
                var verifier = AuditChainVerifier(checkpoints: try Self.readCheckpoints(db), trustedKeys: trusted)
                let columns = (AuditCanonicalForm.recordColumns + ["hash"]).joined(separator: ", ")
                do throws(SQLiteConnection.StreamError<Never>) {
                    try db.forEachRow("SELECT \(columns) FROM audit_records ORDER BY sequence", []) { (row: SQLiteRow) throws(Never) in
                        verifier.visit(Self.chainRow(row))
                    }
                } catch {
                    switch error {
                    case .sqlite(let e): throw StoreError(e, "cannot read the audit trail")
                    }
                }
                let context = "cannot check verifications against the audit trail"
                let count = try db.storeQueryOne(context, "SELECT count(*) FROM verifications")?
                    .decode("count") { r throws(SQLiteError) in try r.integer(0) } ?? 0
                var orphans: [String] = []
                for row in try db.storeQuery(context, """
                    SELECT v.id FROM verifications v
                    WHERE NOT EXISTS (SELECT 1 FROM audit_records a WHERE a.verification_id = v.id AND a.tenant_id = v.tenant_id)
                    ORDER BY v.created_at, v.id LIMIT \(AuditVerification.maxProblems)
                    """) {
                    orphans.append(try row.decode("verification id") { r throws(SQLiteError) in try r.text(0) })
                }
                return verifier.finish(verificationCount: count, verificationsWithoutAudit: orphans)
            }
        }
    }

    /// A stored row as the verifier needs it: every field as stored text,
    /// integers in decimal, anything else reported as malformed.
    private static func chainRow(_ row: SQLiteRow) -> AuditChainVerifier.Row {
        let count = AuditCanonicalForm.recordColumns.count
        let sequence: Int64
        if case .integer(let s) = row.values.first { sequence = s } else { sequence = 0 }
        let storedHash: String
        if row.values.count > count, case .text(let h) = row.values[count] { storedHash = h } else { storedHash = "" }
        var fields: [String?] = []
        for (index, column) in AuditCanonicalForm.recordColumns.enumerated() {
            switch row.values[index] {
            case .null: fields.append(nil)
            case .integer(let v): fields.append(String(v))
            case .text(let v): fields.append(v)
            case .real, .blob:
                return AuditChainVerifier.Row(sequence: sequence,
                                              fields: .malformed("column \(column) holds a value of the wrong type"),
                                              storedHash: storedHash)
            }
        }
        return AuditChainVerifier.Row(sequence: sequence, fields: .readable(fields), storedHash: storedHash)
    }
}

/// A verification, its artifacts and its audit entry waiting for a group commit.
struct PendingVerification: Sendable {
    let verification: VerificationRecord
    /// `verification.result` as stored, serialised once by `validate()`.
    let resultText: String?
    let audit: AuditEntry
    let artifacts: [VerificationArtifact]
    let at: Int64
}
