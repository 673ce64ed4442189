import PavilionCrypto

/// The exact bytes that audit hashes and checkpoint signatures cover,
/// backend-neutral so that SQLite, PostgreSQL and an auditor's script agree.
/// `docs/store.md` specifies the same thing for people.
///
/// A record is serialised as the tag `pavilion.audit.v1` followed by its
/// fields in ``recordColumns`` order (the last one is `prev_hash`), each
/// field a netstring `<decimal byte count>:<UTF-8 bytes>,` or, for SQL NULL,
/// the single byte `~`. Integers are written in decimal without leading
/// zeros, times as milliseconds since 1970. The record's hash is the
/// lowercase hex of SHA-256 over those bytes.
///
/// A record with artifact digests (schema version 2 on) is tagged
/// `pavilion.audit.v2` and has one more field, `artifacts`, before
/// `prev_hash`: `kind=sha256:<hex>` pairs sorted by kind and comma-joined.
/// A record without any keeps the v1 form, field and all, so that
/// records written before version 2 still hash to their stored hashes.
enum AuditCanonicalForm {
    static let recordTag = "pavilion.audit.v1"
    static let recordTagWithArtifacts = "pavilion.audit.v2"
    static let checkpointTag = "pavilion.audit.checkpoint.v1"
    /// The `prev_hash` of the first record.
    static let genesisHash = String(repeating: "0", count: 64)

    /// The hashed columns, in hashing order.
    static let recordColumns = [
        "sequence", "recorded_at", "request_id", "key_id", "tenant_id", "connector", "connector_version",
        "purpose", "lawful_basis", "decision", "outcome", "error_code", "verification_id", "started_at",
        "finished_at", "connector_ms", "data_categories", "artifacts", "prev_hash",
    ]
    /// Where `artifacts` is in ``recordColumns``.
    static let artifactsIndex = recordColumns.count - 2

    /// The stored form of a list of data categories: sorted, comma-joined
    /// (categories are tokens and cannot contain a comma).
    static func joinCategories(_ categories: [String]) -> String { categories.joined(separator: ",") }

    /// The fields of a record in ``recordColumns`` order, as stored.
    static func fields(sequence: Int64, recordedAt: Int64, entry: AuditEntry, previousHash: String) -> [String?] {
        [
            String(sequence), String(recordedAt), entry.requestID, entry.keyID?.rawValue, entry.tenantID?.rawValue,
            entry.connector, entry.connectorVersion, entry.purpose, entry.lawfulBasis, entry.decision.rawValue,
            entry.outcome, entry.errorCode, entry.verificationID?.rawValue,
            String(Timestamp.milliseconds(entry.startedAt)), String(Timestamp.milliseconds(entry.finishedAt)),
            entry.connectorMilliseconds.map { String($0) }, joinCategories(entry.dataCategories), joinArtifacts(entry.artifactDigests), previousHash,
        ]
    }

    /// The stored form of artifact digests: `kind=digest` sorted by kind,
    /// comma-joined; `nil` for none (kinds are tokens, digests hex).
    static func joinArtifacts(_ digests: [String: String]) -> String? {
        guard !digests.isEmpty else { return nil }
        return digests.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// The digests of a stored `artifacts` field.
    static func splitArtifacts(_ stored: String?) -> [String: String]? {
        guard let stored else { return [:] }
        var out: [String: String] = [:]
        for pair in stored.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, out[String(parts[0])] == nil else { return nil }
            out[String(parts[0])] = String(parts[1])
        }
        return out
    }

    /// Tag then fields, each a netstring or `~` for NULL; the v1 form (no
    /// `artifacts` field) when a record has no artifacts.
    static func recordBytes(_ fields: [String?]) -> [UInt8] {
        let hasArtifacts = fields.count == recordColumns.count && fields[artifactsIndex] != nil
        var out: [UInt8] = []
        out.reserveCapacity(fields.reduce(recordTagWithArtifacts.utf8.count + 8) { $0 + ($1?.utf8.count ?? 0) + 8 })
        append(hasArtifacts ? recordTagWithArtifacts : recordTag, to: &out)
        for (index, field) in fields.enumerated() where hasArtifacts || index != artifactsIndex {
            append(field, to: &out)
        }
        return out
    }

    /// Lowercase hex SHA-256 of ``recordBytes(_:)``.
    static func recordHash(_ fields: [String?]) -> String { SHA256.hex(recordBytes(fields)) }

    /// What a checkpoint signature covers: the checkpoint tag, then the
    /// sequence, record hash, signing time and public key (hex), each a netstring.
    static func checkpointBytes(sequence: Int64, hash: String, createdAt: Int64, publicKey: String) -> [UInt8] {
        var out: [UInt8] = []
        for field in [checkpointTag, String(sequence), hash, String(createdAt), publicKey] { append(field, to: &out) }
        return out
    }

    /// `value` (not negative) in decimal ASCII, without making a `String`
    /// (17 lengths per record on the writer's thread).
    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / divisor % 10))
            divisor /= 10
        }
    }

    private static func append(_ field: String?, to out: inout [UInt8]) {
        guard let field else {
            out.append(UInt8(ascii: "~"))
            return
        }
        appendDecimal(field.utf8.count, to: &out)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: field.utf8)
        out.append(UInt8(ascii: ","))
    }
}
