import Synchronization

/// An append-only transparency log (RFC 9162): entries as leaves of a
/// ``MerkleTree``, with inclusion and consistency proofs and signed tree
/// heads. In memory, or durable in an append-only file that is `fsync`ed
/// before an append returns.
///
/// Thread line: safe from many threads; appends are serialised by a lock,
/// and a proof is computed under the same lock, so it always matches a size
/// the log has had.
public final class TransparencyLog: Sendable {
    /// The largest entry accepted, in bytes (1 MiB).
    public static let maxEntryLength = 1 << 20

    private struct State {
        var tree = MerkleTree()
        var entries: [[UInt8]] = []
        var file: LogFile?
    }

    private let state: Mutex<State>

    /// An empty log held in memory only.
    public init() {
        state = Mutex(State())
    }

    /// A durable log in the file at `path`, created if absent; existing
    /// entries are read and re-hashed.
    /// - Parameter path: the log file.
    /// - Throws: ``TransparencyLogError`` `.io` when the file cannot be
    ///   opened, read or created; `.corrupt` when it is not a log file.
    public init(path: String) throws(TransparencyLogError) {
        let (file, entries) = try LogFile.open(path: path, maxEntryLength: Self.maxEntryLength)
        var tree = MerkleTree()
        for entry in entries { tree.append(leaf: entry) }
        state = Mutex(State(tree: tree, entries: entries, file: file))
    }

    /// The number of entries.
    public var size: UInt64 { state.withLock { $0.tree.size } }

    /// The current root hash.
    public var rootHash: [UInt8] { state.withLock { $0.tree.rootHash } }

    /// Append one entry.
    /// - Parameter entry: the entry's bytes (1 byte to ``maxEntryLength``).
    /// - Returns: its 0-based leaf index.
    /// - Throws: ``TransparencyLogError`` `.entrySize` for an empty or
    ///   oversized entry, `.io` when the file write or `fsync` fails (the log
    ///   is then unchanged).
    @discardableResult
    public func append(_ entry: [UInt8]) throws(TransparencyLogError) -> UInt64 {
        try append(contentsOf: [entry]).lowerBound
    }

    /// Append several entries with one `fsync`.
    /// - Parameter entries: the entries, in order.
    /// - Returns: their leaf indexes.
    /// - Throws: as ``append(_:)``; on failure none of them is appended.
    @discardableResult
    public func append(contentsOf entries: [[UInt8]]) throws(TransparencyLogError) -> Range<UInt64> {
        if let bad = entries.firstIndex(where: { $0.isEmpty || $0.count > Self.maxEntryLength }) {
            throw TransparencyLogError(.entrySize, "entry \(bad) is \(entries[bad].count) bytes; entries are 1…\(Self.maxEntryLength) bytes")
        }
        let hashes = entries.map { MerkleHasher.leafHash($0) }
        return try state.withLock { (state: inout State) throws(TransparencyLogError) -> Range<UInt64> in
            try state.file?.append(entries)
            let first = state.tree.size
            for hash in hashes { state.tree.append(leafHash: hash) }
            state.entries.append(contentsOf: entries)
            return first..<state.tree.size
        }
    }

    /// Entry `index`, or `nil` beyond the log.
    /// - Parameter index: the 0-based leaf index.
    /// - Returns: the entry's bytes.
    public func entry(at index: UInt64) -> [UInt8]? {
        state.withLock { index < UInt64($0.entries.count) ? $0.entries[Int(index)] : nil }
    }

    /// The root hash at an earlier size.
    /// - Parameter treeSize: 0 to ``size``.
    /// - Returns: MTH of the first `treeSize` entries.
    /// - Throws: ``MerkleProofError`` `.invalidSize` beyond the log.
    public func rootHash(treeSize: UInt64) throws(MerkleProofError) -> [UInt8] {
        try state.withLock { (state: inout State) throws(MerkleProofError) in try state.tree.rootHash(treeSize: treeSize) }
    }

    /// The inclusion proof of entry `leafIndex` in the tree of size `treeSize`.
    /// - Parameters:
    ///   - leafIndex: the entry's index, below `treeSize`.
    ///   - treeSize: a size the log has had (e.g. a signed tree head's).
    /// - Returns: the RFC 9162 §2.1.3.1 audit path.
    /// - Throws: ``MerkleProofError`` `.invalidSize` out of range.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws(MerkleProofError) -> InclusionProof {
        try state.withLock { (state: inout State) throws(MerkleProofError) in
            try state.tree.inclusionProof(leafIndex: leafIndex, treeSize: treeSize)
        }
    }

    /// The consistency proof between two sizes the log has had.
    /// - Parameters:
    ///   - firstSize: the older size, at least 1.
    ///   - secondSize: the newer size, at most ``size``.
    /// - Returns: the RFC 9162 §2.1.4.1 proof.
    /// - Throws: ``MerkleProofError`` `.invalidSize` out of range.
    public func consistencyProof(firstSize: UInt64, secondSize: UInt64) throws(MerkleProofError) -> ConsistencyProof {
        try state.withLock { (state: inout State) throws(MerkleProofError) in
            try state.tree.consistencyProof(firstSize: firstSize, secondSize: secondSize)
        }
    }

    /// Sign a tree head for the log as it is now.
    /// - Parameters:
    ///   - signer: the log's signer.
    ///   - timestamp: milliseconds since the epoch; pass the clock's reading.
    /// - Returns: the signed tree head of the current size and root.
    /// - Throws: ``LogSigningError`` when the signer fails.
    public func signTreeHead(with signer: some LogSigner, timestamp: UInt64) throws(LogSigningError) -> SignedTreeHead {
        let (size, root) = state.withLock { ($0.tree.size, $0.tree.rootHash) }
        return try SignedTreeHead.sign(treeSize: size, timestamp: timestamp, rootHash: root, with: signer)
    }
}
