import PavilionCore

/// One entry of the receipt transparency log, in either of its versions.
///
/// - Version 2 (written now): the receipt's canonical JSON itself. The log
///   signs tree heads, not receipts; a receipt is bound to a signature by
///   its inclusion proof under a signed tree head (as in RFC 9162).
/// - Version 1 (read only): a ``SignedReceipt``,
///   `{"receipt":{…},"signature":{…}}`, as logs written before version 2
///   hold them; their receipt signature is still checked.
///
/// The two cannot be confused: a version-2 entry is an object with a
/// `version` member, a version-1 entry one with `receipt` and `signature`
/// only.
public enum ReceiptLogEntry: Sendable, Hashable {
    /// Version 2: the receipt; its canonical JSON is the entry.
    case receipt(PrivacyReceipt)
    /// Version 1: a receipt signed on its own; its canonical JSON is the entry.
    case signed(SignedReceipt)

    /// Read an entry as the log holds it.
    /// - Parameter bytes: the entry: canonical JSON of either version.
    /// - Throws: ``ReceiptError`` when the bytes are not JSON, not a receipt
    ///   of either version, or not in canonical form.
    public init(bytes: [UInt8]) throws(ReceiptError) {
        let json: JSONValue
        do { json = try JSONParser().parse(bytes: bytes) } catch {
            throw ReceiptError(.invalidValue, field: "entry", "not JSON: \(error)")
        }
        if json["signature"] != nil {
            self = .signed(try SignedReceipt(json: json))
        } else {
            self = .receipt(try PrivacyReceipt(json: json))
        }
        guard self.bytes == bytes else {
            throw ReceiptError(.notCanonical, field: "entry", "the entry is not the canonical JSON of its receipt")
        }
    }

    /// The entry's format version: 2 for a receipt, 1 for a signed receipt.
    public var version: Int {
        switch self {
        case .receipt: 2
        case .signed: 1
        }
    }

    /// The receipt.
    public var receipt: PrivacyReceipt {
        switch self {
        case .receipt(let receipt): receipt
        case .signed(let signed): signed.receipt
        }
    }

    /// The log entry: the canonical (sorted-key, compact) JSON.
    public var bytes: [UInt8] {
        switch self {
        case .receipt(let receipt): receipt.canonicalBytes
        case .signed(let signed): signed.logEntry
        }
    }

    /// The leaf hash of ``bytes`` in the transparency log.
    public var leafHash: [UInt8] { MerkleHasher.leafHash(bytes) }
}
