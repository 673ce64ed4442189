import PavilionCrypto

/// Walks audit records in sequence order and collects what is wrong.
/// Backend-neutral: a store feeds it rows as stored text and its
/// checkpoints, then the ids of verifications that lack a record.
struct AuditChainVerifier {
    /// One stored record: its sequence, its fields in
    /// ``AuditCanonicalForm/recordColumns`` order (or why they could not be
    /// read), and its stored hash.
    struct Row {
        var sequence: Int64
        var fields: Fields
        var storedHash: String
    }

    /// A row's fields, or what makes them unreadable.
    enum Fields {
        case readable([String?])
        case malformed(String)
    }

    private var checkpoints: [Int64: AuditCheckpoint] = [:]
    private var problems: [(Int64, Int, AuditProblem)] = []
    private var order = 0
    private var expected: Int64 = 1
    private var previousHash = AuditCanonicalForm.genesisHash
    private var recordCount: Int64 = 0
    private var lastSequence: Int64 = 0

    /// - Parameters:
    ///   - checkpoints: every stored checkpoint.
    ///   - trustedKeys: the public keys whose checkpoint signatures count.
    init(checkpoints: [AuditCheckpoint], trustedKeys: [Ed25519PublicKey]) {
        let trusted = Set(trustedKeys.map { Hex.encode($0.rawRepresentation) })
        for checkpoint in checkpoints {
            self.checkpoints[checkpoint.sequence] = checkpoint
            guard trusted.contains(checkpoint.publicKey) else {
                note(checkpoint.sequence, .checkpointKeyUntrusted,
                     "checkpoint signed by untrusted key \(checkpoint.publicKey)")
                continue
            }
            let message = AuditCanonicalForm.checkpointBytes(
                sequence: checkpoint.sequence, hash: checkpoint.hash,
                createdAt: Timestamp.milliseconds(checkpoint.createdAt), publicKey: checkpoint.publicKey)
            let valid = Hex.decode(checkpoint.publicKey)
                .flatMap { try? Ed25519PublicKey(rawRepresentation: $0) }
                .map { key in Hex.decode(checkpoint.signature).map { key.isValidSignature($0, for: message) } ?? false }
                ?? false
            if !valid {
                note(checkpoint.sequence, .checkpointSignatureInvalid, "checkpoint signature does not verify")
            }
        }
    }

    private mutating func note(_ sequence: Int64, _ kind: AuditProblem.Kind, _ detail: String) {
        order += 1
        problems.append((sequence, order, AuditProblem(kind: kind, sequence: sequence, verificationID: nil, detail: detail)))
    }

    /// Check the next record in ascending sequence order.
    mutating func visit(_ row: Row) {
        recordCount += 1
        var checkLink = true
        if row.sequence < expected {
            note(row.sequence, .sequenceOutOfOrder, "sequence \(row.sequence) after \(expected - 1)")
            return
        }
        if row.sequence > expected {
            let range = row.sequence - 1 == expected ? "\(expected)" : "\(expected)...\(row.sequence - 1)"
            note(expected, .missingRecords, "record(s) \(range) missing before \(row.sequence)")
            checkLink = false
        }
        switch row.fields {
        case .malformed(let detail):
            note(row.sequence, .malformedRecord, detail)
        case .readable(let fields):
            let computed = AuditCanonicalForm.recordHash(fields)
            if computed != row.storedHash {
                note(row.sequence, .hashMismatch, "stored hash \(row.storedHash) but the fields hash to \(computed)")
            }
            let link = fields.last ?? nil
            if checkLink, link != previousHash {
                note(row.sequence, .brokenLink, "prev_hash \(link ?? "NULL") is not the previous hash \(previousHash)")
            }
        }
        if let checkpoint = checkpoints[row.sequence], checkpoint.hash != row.storedHash {
            note(row.sequence, .checkpointHashMismatch,
                 "checkpoint says \(checkpoint.hash) but the record's hash is \(row.storedHash)")
        }
        previousHash = row.storedHash
        expected = row.sequence + 1
        lastSequence = row.sequence
    }

    /// The verdict, after every row was visited.
    /// - Parameters:
    ///   - verificationCount: how many verifications exist.
    ///   - verificationsWithoutAudit: ids of those lacking an audit record.
    func finish(verificationCount: Int64, verificationsWithoutAudit: [String]) -> AuditVerification {
        var all = problems
        for checkpoint in checkpoints.values where checkpoint.sequence > lastSequence || checkpoint.sequence < 1 {
            all.append((checkpoint.sequence, Int.max, AuditProblem(
                kind: .checkpointBeyondChain, sequence: checkpoint.sequence, verificationID: nil,
                detail: "checkpoint covers sequence \(checkpoint.sequence) but the chain ends at \(lastSequence)")))
        }
        var ordered = all.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        for id in verificationsWithoutAudit {
            ordered.append(AuditProblem(kind: .verificationWithoutAudit, sequence: nil, verificationID: id,
                                        detail: "verification \(id) has no audit record"))
        }
        return AuditVerification(recordCount: recordCount, lastSequence: lastSequence, headHash: previousHash,
                                 checkpointCount: checkpoints.count, verificationCount: verificationCount,
                                 problems: Array(ordered.prefix(AuditVerification.maxProblems)))
    }
}
