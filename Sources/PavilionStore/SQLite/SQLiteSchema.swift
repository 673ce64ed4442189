/// One step of the schema. Migrations only ever append: a released
/// migration is never edited, a change is a new version.
struct SQLiteMigration: Sendable {
    var version: Int64
    var name: String
    var sql: String
}

/// The SQLite schema as an ordered list of migrations.
enum SQLiteSchema {
    /// The `application_id` stamped into Pavilion databases ("PVLN").
    static let applicationID: Int64 = 0x5056_4C4E

    static let migrations: [SQLiteMigration] = [
        SQLiteMigration(version: 1, name: "tenants, keys, connectors, verifications, audit", sql: """
            CREATE TABLE tenants (
                id          TEXT PRIMARY KEY NOT NULL,
                name        TEXT NOT NULL,
                status      TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
                created_at  INTEGER NOT NULL
            ) STRICT;

            CREATE TABLE api_keys (
                id           TEXT PRIMARY KEY NOT NULL,
                tenant_id    TEXT REFERENCES tenants(id),
                kind         TEXT NOT NULL CHECK (kind IN ('admin', 'tenant')),
                prefix       TEXT NOT NULL UNIQUE,
                secret_hash  BLOB NOT NULL CHECK (length(secret_hash) = 32),
                label        TEXT NOT NULL,
                created_at   INTEGER NOT NULL,
                revoked_at   INTEGER,
                CHECK ((kind = 'admin') = (tenant_id IS NULL))
            ) STRICT;
            CREATE INDEX api_keys_tenant ON api_keys(tenant_id);

            CREATE TABLE tenant_connectors (
                tenant_id   TEXT NOT NULL REFERENCES tenants(id),
                connector   TEXT NOT NULL,
                enabled_at  INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, connector)
            ) STRICT;

            CREATE TABLE verifications (
                id                 TEXT PRIMARY KEY NOT NULL,
                tenant_id          TEXT NOT NULL REFERENCES tenants(id),
                connector          TEXT NOT NULL,
                connector_version  TEXT NOT NULL,
                purpose            TEXT NOT NULL,
                status             TEXT NOT NULL CHECK (status IN ('succeeded', 'failed', 'denied')),
                created_at         INTEGER NOT NULL,
                finished_at        INTEGER,
                result             TEXT,
                error_code         TEXT
            ) STRICT;
            CREATE INDEX verifications_tenant ON verifications(tenant_id, created_at);

            CREATE TABLE audit_records (
                sequence           INTEGER PRIMARY KEY NOT NULL CHECK (sequence >= 1),
                recorded_at        INTEGER NOT NULL,
                request_id         TEXT NOT NULL,
                key_id             TEXT,
                tenant_id          TEXT,
                connector          TEXT,
                connector_version  TEXT,
                purpose            TEXT,
                lawful_basis       TEXT,
                decision           TEXT NOT NULL,
                outcome            TEXT NOT NULL,
                error_code         TEXT,
                verification_id    TEXT UNIQUE,
                started_at         INTEGER NOT NULL,
                finished_at        INTEGER NOT NULL,
                connector_ms       INTEGER,
                data_categories    TEXT NOT NULL,
                prev_hash          TEXT NOT NULL,
                hash               TEXT NOT NULL
            ) STRICT;
            CREATE INDEX audit_records_tenant ON audit_records(tenant_id, sequence);

            -- Append-only by construction: Pavilion never updates or deletes
            -- audit rows. (This guards against our own mistakes; the hash
            -- chain and signed checkpoints are what catch a determined editor.)
            CREATE TRIGGER audit_records_no_update BEFORE UPDATE ON audit_records
            BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
            CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
            BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

            CREATE TABLE audit_checkpoints (
                sequence    INTEGER PRIMARY KEY NOT NULL,
                hash        TEXT NOT NULL,
                created_at  INTEGER NOT NULL,
                public_key  TEXT NOT NULL,
                signature   TEXT NOT NULL
            ) STRICT;
            """),
        SQLiteMigration(version: 2, name: "verification artifacts", sql: """
            CREATE TABLE verification_artifacts (
                verification_id  TEXT NOT NULL REFERENCES verifications(id),
                kind             TEXT NOT NULL,
                media_type       TEXT NOT NULL,
                body             BLOB NOT NULL,
                digest           TEXT NOT NULL,
                PRIMARY KEY (verification_id, kind)
            ) STRICT;

            -- Digests of the verification's artifacts, hashed into the chain
            -- (NULL for none: such a record keeps the v1 canonical form).
            ALTER TABLE audit_records ADD COLUMN artifacts TEXT;
            """),
        SQLiteMigration(version: 3, name: "signing key registry, credential status lists", sql: """
            CREATE TABLE signing_keys (
                kid           TEXT PRIMARY KEY NOT NULL,
                label         TEXT NOT NULL UNIQUE,
                region        TEXT NOT NULL,
                alg           TEXT NOT NULL CHECK (alg IN ('ES256', 'ES384', 'EdDSA')),
                published_at  INTEGER NOT NULL,
                activates_at  INTEGER NOT NULL,
                retired_at    INTEGER
            ) STRICT;
            CREATE INDEX signing_keys_region ON signing_keys(region, alg);

            CREATE TABLE status_lists (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                region      TEXT NOT NULL,
                capacity    INTEGER NOT NULL CHECK (capacity >= 16384),
                allocated   INTEGER NOT NULL DEFAULT 0,
                created_at  INTEGER NOT NULL,
                updated_at  INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX status_lists_region ON status_lists(region, id);

            CREATE TABLE credential_statuses (
                verification_id  TEXT PRIMARY KEY NOT NULL,
                tenant_id        TEXT NOT NULL,
                list_id          INTEGER NOT NULL REFERENCES status_lists(id),
                idx              INTEGER NOT NULL CHECK (idx >= 0),
                status           TEXT NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked')),
                updated_at       INTEGER NOT NULL,
                UNIQUE (list_id, idx)
            ) STRICT;
            CREATE INDEX credential_statuses_set ON credential_statuses(list_id) WHERE status != 'valid';
            """),
        SQLiteMigration(version: 5, name: "privacy: budget ledger, OPRF keys, transparency log", sql: """
            -- Differential-privacy spending (account 'dataset') and yes/no
            -- answers per relying party and subject (account 'probing'; the
            -- subject only as a keyed digest). Append-only.
            CREATE TABLE privacy_ledger (
                id              INTEGER PRIMARY KEY NOT NULL,
                account         TEXT NOT NULL CHECK (account IN ('dataset', 'probing')),
                tenant_id       TEXT,
                dataset         TEXT,
                relying_party   TEXT,
                subject_digest  TEXT,
                mechanism       TEXT NOT NULL,
                unit            TEXT NOT NULL CHECK (unit IN ('epsilon', 'rho', 'answers')),
                amount          TEXT NOT NULL,
                time_ms         INTEGER NOT NULL,
                CHECK ((account = 'dataset') = (tenant_id IS NOT NULL AND dataset IS NOT NULL)),
                CHECK ((account = 'probing') = (relying_party IS NOT NULL AND subject_digest IS NOT NULL))
            ) STRICT;
            CREATE TRIGGER privacy_ledger_no_update BEFORE UPDATE ON privacy_ledger
            BEGIN SELECT RAISE(ABORT, 'the privacy ledger is append-only'); END;
            CREATE TRIGGER privacy_ledger_no_delete BEFORE DELETE ON privacy_ledger
            BEGIN SELECT RAISE(ABORT, 'the privacy ledger is append-only'); END;

            -- OPRF keys per tenant and name (purpose), versioned; the private
            -- key sealed with AES-256-GCM under a key outside the database.
            CREATE TABLE privacy_oprf_keys (
                tenant_id   TEXT NOT NULL REFERENCES tenants(id),
                name        TEXT NOT NULL,
                version     INTEGER NOT NULL CHECK (version >= 1),
                suite       TEXT NOT NULL,
                mode        TEXT NOT NULL,
                sealed_key  BLOB NOT NULL,
                public_key  BLOB NOT NULL,
                created_at  INTEGER NOT NULL,
                retired_at  INTEGER,
                PRIMARY KEY (tenant_id, name, version)
            ) STRICT;

            -- The privacy-receipt transparency log (RFC 9162): leaves in
            -- order, append-only, and the tree heads it signed. A receipt
            -- artifact is appended in its verification's transaction.
            CREATE TABLE privacy_log_entries (
                leaf_index       INTEGER PRIMARY KEY NOT NULL CHECK (leaf_index >= 0),
                entry            BLOB NOT NULL,
                verification_id  TEXT UNIQUE REFERENCES verifications(id),
                recorded_at      INTEGER NOT NULL
            ) STRICT;
            CREATE TRIGGER privacy_log_entries_no_update BEFORE UPDATE ON privacy_log_entries
            BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
            CREATE TRIGGER privacy_log_entries_no_delete BEFORE DELETE ON privacy_log_entries
            BEGIN SELECT RAISE(ABORT, 'the transparency log is append-only'); END;
            -- Where each verification's data came from and whose data it
            -- was, for the privacy analytics (counts by region, jurisdiction).
            ALTER TABLE verifications ADD COLUMN region TEXT;
            ALTER TABLE verifications ADD COLUMN jurisdiction TEXT;

            CREATE TABLE privacy_log_tree_heads (
                tree_size   INTEGER PRIMARY KEY NOT NULL,
                signed      TEXT NOT NULL,
                created_at  INTEGER NOT NULL
            ) STRICT;
            """),
    ]

    /// The highest schema version this code knows.
    static var latestVersion: Int64 { migrations.last?.version ?? 0 }
}
