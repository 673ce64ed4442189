import PavilionCore
import PavilionCrypto

/// A signed tree head (RFC 9162 §4.10): the log's signed commitment to its
/// size and root hash at a moment.
///
/// The signature covers the TLS encoding of RFC 9162's `TreeHeadDataV2` with
/// no extensions — `uint64 timestamp || uint64 tree_size || uint8 32 ||
/// root_hash || uint16 0` (big-endian, 51 bytes) — see ``signingInput``.
///
/// JSON form: `{"tree_size":N,"timestamp":MS,"root_hash":"<hex>",
/// "signature":{"alg":"EdDSA","kid":"…","value":"<hex>"}}`.
public struct SignedTreeHead: Sendable, Hashable {
    /// The number of leaves.
    public let treeSize: UInt64
    /// Milliseconds since the Unix epoch, ignoring leap seconds (RFC 9162 §4.10).
    public let timestamp: UInt64
    /// MTH of the first ``treeSize`` leaves, 32 bytes.
    public let rootHash: [UInt8]
    /// The algorithm of ``signature``.
    public let algorithm: LogSignatureAlgorithm
    /// The ID of the key that signed.
    public let keyID: String
    /// The signature over ``signingInput``.
    public let signature: [UInt8]

    /// A tree head as received; check it with ``verify(with:)``.
    /// - Parameters:
    ///   - treeSize: the number of leaves.
    ///   - timestamp: milliseconds since the epoch.
    ///   - rootHash: the 32-byte root.
    ///   - algorithm: the signature's algorithm.
    ///   - keyID: the signing key's ID.
    ///   - signature: the signature.
    public init(treeSize: UInt64, timestamp: UInt64, rootHash: [UInt8], algorithm: LogSignatureAlgorithm,
                keyID: String, signature: [UInt8]) {
        self.treeSize = treeSize
        self.timestamp = timestamp
        self.rootHash = rootHash
        self.algorithm = algorithm
        self.keyID = keyID
        self.signature = signature
    }

    /// Sign a tree head.
    /// - Parameters:
    ///   - treeSize: the number of leaves.
    ///   - timestamp: milliseconds since the epoch.
    ///   - rootHash: the 32-byte root of that tree.
    ///   - signer: the log's signer.
    /// - Returns: the signed tree head.
    /// - Throws: ``LogSigningError`` when the signer fails.
    public static func sign(treeSize: UInt64, timestamp: UInt64, rootHash: [UInt8],
                            with signer: some LogSigner) throws(LogSigningError) -> SignedTreeHead {
        let key = signer.publicKey
        let signature = try signer.sign(signingInput(treeSize: treeSize, timestamp: timestamp, rootHash: rootHash))
        return SignedTreeHead(treeSize: treeSize, timestamp: timestamp, rootHash: rootHash, algorithm: key.algorithm,
                              keyID: key.keyID, signature: signature)
    }

    /// The bytes the signature covers: `TreeHeadDataV2` (RFC 9162 §4.10),
    /// TLS-encoded, with an empty extension list.
    public static func signingInput(treeSize: UInt64, timestamp: UInt64, rootHash: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + 8 + 1 + rootHash.count + 2)
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: timestamp >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: treeSize >> UInt64(shift))) }
        out.append(UInt8(truncatingIfNeeded: rootHash.count))
        out.append(contentsOf: rootHash)
        out.append(contentsOf: [0, 0])
        return out
    }

    /// This head's ``signingInput(treeSize:timestamp:rootHash:)``.
    public var signingInput: [UInt8] { Self.signingInput(treeSize: treeSize, timestamp: timestamp, rootHash: rootHash) }

    /// Check the signature with `key`.
    /// - Parameter key: the log's public key (pinned, or from a bundle).
    /// - Returns: `true` only when the root is 32 bytes, the algorithm is the
    ///   key's and the signature verifies.
    public func isValidSignature(with key: LogPublicKey) -> Bool {
        rootHash.count == MerkleHasher.hashLength && algorithm == key.algorithm
            && key.isValidSignature(signature, for: signingInput)
    }

    /// The JSON form.
    public var json: JSONValue {
        [
            "tree_size": .int(Int64(treeSize)),
            "timestamp": .int(Int64(timestamp)),
            "root_hash": .string(Hex.encode(rootHash)),
            "signature": ["alg": .string(algorithm.rawValue), "kid": .string(keyID), "value": .string(Hex.encode(signature))],
        ]
    }

    /// A tree head from its JSON form; unknown members are refused.
    /// - Parameter json: the object ``json`` writes.
    /// - Throws: ``BundleFormatError`` naming the bad member.
    public init(json: JSONValue) throws(BundleFormatError) {
        let object = try BundleFormatError.object(json, "tree_head", allowed: ["tree_size", "timestamp", "root_hash", "signature"])
        let signature = try BundleFormatError.object(object["signature"], "tree_head.signature", allowed: ["alg", "kid", "value"])
        guard let name = signature["alg"]?.stringValue, let algorithm = LogSignatureAlgorithm(rawValue: name) else {
            throw BundleFormatError("tree_head.signature.alg", "must be one of EdDSA, ES256")
        }
        self.init(treeSize: try BundleFormatError.count(object["tree_size"], "tree_head.tree_size"),
                  timestamp: try BundleFormatError.count(object["timestamp"], "tree_head.timestamp"),
                  rootHash: try BundleFormatError.hex(object["root_hash"], "tree_head.root_hash", length: MerkleHasher.hashLength),
                  algorithm: algorithm,
                  keyID: try BundleFormatError.string(signature["kid"], "tree_head.signature.kid"),
                  signature: try BundleFormatError.hex(signature["value"], "tree_head.signature.value"))
    }
}
