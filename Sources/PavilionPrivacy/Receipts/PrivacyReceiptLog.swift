import PavilionCore

/// Privacy receipts in a transparency log: appends each receipt's canonical
/// JSON as a leaf (a version-2 ``ReceiptLogEntry``), signs tree heads, and
/// builds offline-verifiable ``ReceiptBundle``s. The log signs tree heads,
/// not receipts: a receipt's inclusion proof binds it to a signed head.
///
/// Thread line: safe from many threads (the log serialises appends; signers
/// are thread-safe by contract).
public final class PrivacyReceiptLog: Sendable {
    /// The underlying log.
    public let log: TransparencyLog
    private let signer: any LogSigner

    /// Receipts in `log`, under tree heads `signer` signs.
    /// - Parameters:
    ///   - log: an in-memory or file-backed log holding only receipt entries
    ///     (of version 2, or signed receipts of version 1).
    ///   - signer: the log's key; it signs tree heads.
    public init(log: TransparencyLog, signer: any LogSigner) {
        self.log = log
        self.signer = signer
    }

    /// The log's public key.
    public var publicKey: LogPublicKey { signer.publicKey }

    /// Validate and append a receipt (its canonical JSON is the entry).
    /// - Parameter receipt: the receipt.
    /// - Returns: the leaf index.
    /// - Throws: ``ReceiptLogError`` `.receipt` when the receipt is refused,
    ///   `.log` when the append fails.
    @discardableResult
    public func record(_ receipt: PrivacyReceipt) throws(ReceiptLogError) -> UInt64 {
        do { try receipt.validate() } catch { throw .receipt(error) }
        do { return try log.append(receipt.canonicalBytes) } catch { throw .log(error) }
    }

    /// Sign a tree head for the log as it is now.
    /// - Parameter timestamp: milliseconds since the epoch.
    /// - Returns: the signed tree head.
    /// - Throws: ``ReceiptLogError`` `.signing` when the signer fails.
    public func signTreeHead(timestamp: UInt64) throws(ReceiptLogError) -> SignedTreeHead {
        do { return try log.signTreeHead(with: signer, timestamp: timestamp) } catch { throw .signing(error) }
    }

    /// The offline bundle for one receipt under a tree head this log signed.
    /// - Parameters:
    ///   - leafIndex: the receipt's index.
    ///   - treeHead: a tree head of this log covering `leafIndex`.
    /// - Returns: receipt, proof, tree head and the log's public key.
    /// - Throws: ``ReceiptLogError`` `.proof` for an index or size out of
    ///   range, `.notAReceipt` when the entry is not a receipt entry of either version.
    public func bundle(leafIndex: UInt64, treeHead: SignedTreeHead) throws(ReceiptLogError) -> ReceiptBundle {
        let proof: InclusionProof
        do { proof = try log.inclusionProof(leafIndex: leafIndex, treeSize: treeHead.treeSize) } catch { throw .proof(error) }
        guard let bytes = log.entry(at: leafIndex), let entry = try? ReceiptLogEntry(bytes: bytes) else {
            throw .notAReceipt(leafIndex)
        }
        return ReceiptBundle(entry: entry, inclusionProof: proof, treeHead: treeHead, logPublicKey: signer.publicKey)
    }
}

/// A ``PrivacyReceiptLog`` operation failed.
public enum ReceiptLogError: Error, Sendable, CustomStringConvertible {
    /// The receipt was refused.
    case receipt(ReceiptError)
    /// The log could not append.
    case log(TransparencyLogError)
    /// The tree head could not be signed.
    case signing(LogSigningError)
    /// A proof was asked for outside the log.
    case proof(MerkleProofError)
    /// The entry at this index is not a canonical receipt entry.
    case notAReceipt(UInt64)

    public var description: String {
        switch self {
        case .receipt(let e): "receipt refused: \(e)"
        case .log(let e): "log append failed: \(e)"
        case .signing(let e): "\(e)"
        case .proof(let e): "no proof: \(e)"
        case .notAReceipt(let i): "entry \(i) is not a canonical receipt entry"
        }
    }
}
