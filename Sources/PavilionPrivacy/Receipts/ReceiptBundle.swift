import PavilionCore
import PavilionCrypto

/// Everything needed to check a privacy receipt offline: the log entry
/// (the receipt), its leaf index and inclusion proof, the signed tree head
/// the proof leads to, and the log's public key.
///
/// JSON form (`*.receipt.json`), version 2 — the log signs tree heads, and
/// the proof binds the receipt to one:
///
/// ```json
/// {"format":"pavilion-privacy-receipt-bundle/2",
///  "receipt":{"connector":…,"version":1},
///  "leaf_index":41,"inclusion_proof":["<hex>",…],
///  "tree_head":{"tree_size":42,"timestamp":…,"root_hash":"<hex>","signature":{…}},
///  "log_public_key":{"alg":"EdDSA","kid":"…","key":"<hex>"}}
/// ```
///
/// Version 1 (`…-bundle/1`) carries `signed_receipt` (a version-1 log entry,
/// ``SignedReceipt``) instead of `receipt`; it is what a log entry written
/// before version 2 yields, and its receipt signature is checked too.
public struct ReceiptBundle: Sendable, Hashable {
    /// The value of the `format` member of a version-2 bundle (written now).
    public static let format = "pavilion-privacy-receipt-bundle/2"
    /// The value of the `format` member of a version-1 bundle (a signed-receipt entry).
    public static let formatV1 = "pavilion-privacy-receipt-bundle/1"

    /// The log entry: the receipt (version 2) or a signed receipt (version 1).
    public let entry: ReceiptLogEntry
    /// The inclusion proof of the entry's leaf in the tree of ``treeHead``'s size.
    public let inclusionProof: InclusionProof
    /// The signed tree head.
    public let treeHead: SignedTreeHead
    /// The log's public key as the bundle states it (trust it only if pinned).
    public let logPublicKey: LogPublicKey

    /// A bundle from its parts; its format follows the entry's version.
    public init(entry: ReceiptLogEntry, inclusionProof: InclusionProof, treeHead: SignedTreeHead, logPublicKey: LogPublicKey) {
        self.entry = entry
        self.inclusionProof = inclusionProof
        self.treeHead = treeHead
        self.logPublicKey = logPublicKey
    }

    /// The receipt.
    public var receipt: PrivacyReceipt { entry.receipt }

    /// The bundle's `format`: ``format`` for a version-2 entry, ``formatV1`` for a signed receipt.
    public var formatName: String {
        switch entry {
        case .receipt: Self.format
        case .signed: Self.formatV1
        }
    }

    /// The JSON form.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "format": .string(formatName),
            "leaf_index": .int(Int64(inclusionProof.leafIndex)),
            "inclusion_proof": .array(inclusionProof.path.map { .string(Hex.encode($0)) }),
            "tree_head": treeHead.json,
            "log_public_key": logPublicKey.json,
        ]
        switch entry {
        case .receipt(let receipt): object["receipt"] = receipt.json
        case .signed(let signed): object["signed_receipt"] = signed.json
        }
        return .object(object)
    }

    /// A bundle of either version from its JSON form; the proof's tree size
    /// is the tree head's.
    /// - Parameter json: the object ``json`` writes.
    /// - Throws: ``ReceiptBundleError`` with check `.bundleFormat`, or
    ///   `.receiptContent` when the receipt itself is refused.
    public init(json: JSONValue) throws(ReceiptBundleError) {
        let parts: Parts
        do { parts = try Self.parts(of: json) } catch { throw ReceiptBundleError(.bundleFormat, error.description) }
        let entry: ReceiptLogEntry
        do {
            entry = parts.version == 2 ? .receipt(try PrivacyReceipt(json: parts.receipt))
                                       : .signed(try SignedReceipt(json: parts.receipt))
        } catch {
            let member = parts.version == 2 ? "receipt" : "signed_receipt"
            throw ReceiptBundleError(.receiptContent, "\(member).\(error.field): \(error.code): \(error.reason)")
        }
        self.init(entry: entry,
                  inclusionProof: InclusionProof(leafIndex: parts.leafIndex, treeSize: parts.treeHead.treeSize, path: parts.path),
                  treeHead: parts.treeHead, logPublicKey: parts.key)
    }

    private struct Parts {
        var version: Int
        var treeHead: SignedTreeHead
        var leafIndex: UInt64
        var path: [[UInt8]]
        var key: LogPublicKey
        var receipt: JSONValue
    }

    private static func parts(of json: JSONValue) throws(BundleFormatError) -> Parts {
        let version: Int
        let receiptMember: String
        switch json.objectValue?["format"]?.stringValue {
        case Self.format: (version, receiptMember) = (2, "receipt")
        case Self.formatV1: (version, receiptMember) = (1, "signed_receipt")
        default: throw BundleFormatError("format", "must be \"\(Self.format)\" (or \"\(Self.formatV1)\")")
        }
        let object = try BundleFormatError.object(json, "bundle", allowed: ["format", receiptMember, "leaf_index",
                                                                             "inclusion_proof", "tree_head", "log_public_key"])
        let treeHead = try SignedTreeHead(json: object["tree_head"] ?? .null)
        let leafIndex = try BundleFormatError.count(object["leaf_index"], "leaf_index")
        guard let elements = object["inclusion_proof"]?.arrayValue, elements.count <= 64 else {
            throw BundleFormatError("inclusion_proof", "must be an array of at most 64 hex hashes")
        }
        var path: [[UInt8]] = []
        for (i, element) in elements.enumerated() {
            path.append(try BundleFormatError.hex(element, "inclusion_proof[\(i)]", length: MerkleHasher.hashLength))
        }
        let key: LogPublicKey
        do { key = try LogPublicKey(json: object["log_public_key"] ?? .null) } catch {
            throw BundleFormatError("log_public_key", error.reason)
        }
        guard let receipt = object[receiptMember] else { throw BundleFormatError(receiptMember, "is required") }
        return Parts(version: version, treeHead: treeHead, leafIndex: leafIndex, path: path, key: key, receipt: receipt)
    }

    /// Check the bundle: the log key against the pinned one, the tree head's
    /// signature, a version-1 receipt's own signature, and the entry's
    /// inclusion under the tree head's root.
    /// - Parameter pinnedKey: the log key the caller trusts; `nil` uses the
    ///   bundle's own key, which only shows the bundle is self-consistent.
    /// - Returns: the report; ``ReceiptVerification/isValid`` when every check passed.
    public func verify(pinnedKey: LogPublicKey?) -> ReceiptVerification {
        var passed: [ReceiptCheck] = [.bundleFormat, .receiptContent]
        func fail(_ check: ReceiptCheck, _ reason: String) -> ReceiptVerification {
            ReceiptVerification(passed: passed, failure: (check, reason), keySource: pinnedKey == nil ? .bundle : .pinned, bundle: self)
        }
        let key = pinnedKey ?? logPublicKey
        if let pinnedKey, pinnedKey.rawRepresentation != logPublicKey.rawRepresentation || pinnedKey.algorithm != logPublicKey.algorithm {
            return fail(.logKey, "the bundle's log key (kid \(logPublicKey.keyID)) is not the pinned key (kid \(pinnedKey.keyID))")
        }
        passed.append(.logKey)
        guard treeHead.isValidSignature(with: key) else {
            return fail(.treeHeadSignature, "the tree head's \(treeHead.algorithm.rawValue) signature does not verify under key \(key.keyID)")
        }
        passed.append(.treeHeadSignature)
        if case .signed(let signed) = entry {
            guard signed.isValidSignature(with: key) else {
                return fail(.receiptSignature, "the receipt's \(signed.algorithm.rawValue) signature does not verify under key \(key.keyID)")
            }
            passed.append(.receiptSignature)
        }
        do {
            try inclusionProof.verify(leafHash: entry.leafHash, rootHash: treeHead.rootHash)
        } catch {
            return fail(.inclusionProof, "leaf \(inclusionProof.leafIndex) in tree size \(treeHead.treeSize): \(error.reason)")
        }
        passed.append(.inclusionProof)
        return ReceiptVerification(passed: passed, failure: nil, keySource: pinnedKey == nil ? .bundle : .pinned, bundle: self)
    }

    /// Parse the JSON text of a bundle and check it.
    /// - Parameters:
    ///   - bytes: the bundle file's contents (UTF-8 JSON).
    ///   - pinnedKey: the trusted log key, or `nil` for the bundle's own.
    /// - Returns: the report; text that is not JSON fails `bundle_format`.
    public static func verify(bytes: [UInt8], pinnedKey: LogPublicKey?) -> ReceiptVerification {
        do {
            return verify(json: try JSONParser().parse(bytes: bytes), pinnedKey: pinnedKey)
        } catch {
            return ReceiptVerification(passed: [], failure: (.bundleFormat, "not JSON: \(error)"),
                                       keySource: pinnedKey == nil ? .bundle : .pinned, bundle: nil)
        }
    }

    /// Parse and check a bundle in one step.
    /// - Parameters:
    ///   - json: the bundle's JSON.
    ///   - pinnedKey: the trusted log key, or `nil` for the bundle's own.
    /// - Returns: the report; a parse failure is reported as a failed check.
    public static func verify(json: JSONValue, pinnedKey: LogPublicKey?) -> ReceiptVerification {
        do {
            return try ReceiptBundle(json: json).verify(pinnedKey: pinnedKey)
        } catch {
            let passed: [ReceiptCheck] = error.check == .receiptContent ? [.bundleFormat] : []
            return ReceiptVerification(passed: passed, failure: (error.check, error.reason),
                                       keySource: pinnedKey == nil ? .bundle : .pinned, bundle: nil)
        }
    }
}

/// A bundle could not be read; names the check that failed.
public struct ReceiptBundleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `.bundleFormat` or `.receiptContent`.
    public let check: ReceiptCheck
    /// What is wrong.
    public let reason: String
    /// An error for `check`.
    /// - Parameters:
    ///   - check: the failed check.
    ///   - reason: what is wrong.
    public init(_ check: ReceiptCheck, _ reason: String) {
        self.check = check
        self.reason = reason
    }
    public var description: String { "\(check.rawValue): \(reason)" }
}
