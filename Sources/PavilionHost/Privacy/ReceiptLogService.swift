import Foundation
import PavilionCore
import PavilionPrivacy
import PavilionStore
import Synchronization

/// The privacy-receipt transparency log of a running host, kept in the
/// store (`privacy_log_entries`), so it survives restarts.
///
/// The log signs tree heads, not receipts (as RFC 9162 does): an entry is
/// the receipt's canonical JSON (``ReceiptLogEntry``, version 2), bound to
/// a signature by its inclusion proof under a signed tree head. The store
/// assigns leaf indices (appends are serialised by its writer, and a
/// verification's receipt is appended in its own transaction); an
/// in-memory ``MerkleTree`` mirrors the stored leaves and catches up from
/// the store before it answers a tree head or a proof, so concurrent
/// appends never reorder the tree. Tree heads are signed by the log key
/// and kept per tree size: on demand, and by a background task
/// (``startSigning(every:logger:)``) at least once per interval while the
/// log grows, so every receipt is covered by a signed head within about
/// one interval of its verification.
public final class ReceiptLogService: Sendable {
    /// Largest leaves read from the store per catch-up step.
    static let catchUpBatch = 4096

    private let store: any PrivacyStore
    private let signer: any LogSigner
    private let tree = Mutex(LogTree())

    /// The in-memory tree and the leaves handed over out of order.
    private struct LogTree {
        var merkle = MerkleTree()
        /// Leaf hashes by index, above the tree's size, waiting for the
        /// leaves before them (verifications finish in any order).
        var waiting: [UInt64: [UInt8]] = [:]
        /// Most leaves kept waiting; past that they are dropped and read
        /// back from the store by the next catch-up.
        static let maximumWaiting = 65_536

        var size: UInt64 { merkle.size }

        /// Append every waiting leaf that is next in line.
        mutating func drainWaiting() {
            while !waiting.isEmpty, let next = waiting.removeValue(forKey: merkle.size) { _ = merkle.append(leafHash: next) }
        }
    }
    /// The largest tree size a head was signed (or found kept) for.
    private let signedSize = Mutex<UInt64>(0)
    /// The background signer, while running.
    private let signing = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - store: where the leaves live.
    ///   - signer: the log's key.
    public init(store: any PrivacyStore, signer: any LogSigner) {
        self.store = store
        self.signer = signer
    }

    /// The log's public key.
    public var publicKey: LogPublicKey { signer.publicKey }

    /// The log entry of `receipt`: its canonical JSON, once the content
    /// policy accepts it. Stored as a verification's `privacy_receipt`
    /// artifact, the store appends it to the log in the verification's
    /// transaction: a receipt is in the log exactly when its verification
    /// is stored, and appends share the verifications' group commit.
    /// Nothing is signed here; the next tree head covers it.
    /// - Throws: ``ReceiptError`` when the receipt is refused.
    public func logEntry(for receipt: PrivacyReceipt) throws(ReceiptError) -> [UInt8] {
        try receipt.validate()
        return receipt.canonicalBytes
    }

    /// Sign tree heads in the background: every `interval`, when the stored
    /// log has grown past the last signed head, sign one for it. Replaces a
    /// signer already running.
    /// - Parameters:
    ///   - interval: `privacy.log.sign_interval_ms`.
    ///   - logger: where a failed signing is reported (it is retried at the next tick).
    public func startSigning(every interval: Duration, logger: Logger) {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                guard let self else { return }
                do { try await self.signIfGrown() } catch {
                    logger.warn("cannot sign a receipt log tree head", ["error": .string("\(error)")])
                }
            }
        }
        signing.withLock { old in
            old?.cancel()
            old = task
        }
    }

    /// Stop the background signer and wait for it; then sign a last head
    /// if the log grew since the last one (so receipts of the final
    /// requests are covered too).
    /// - Parameter logger: where a failed last signing is reported.
    public func stopSigning(logger: Logger) async {
        let task = signing.withLock { task in
            defer { task = nil }
            return task
        }
        guard let task else { return }
        task.cancel()
        await task.value
        do { try await signIfGrown() } catch {
            logger.warn("cannot sign the last receipt log tree head", ["error": .string("\(error)")])
        }
    }

    /// Sign a tree head for the stored log when it has grown past the last
    /// head signed or found kept.
    /// - Returns: the new head, or `nil` when nothing new was logged.
    @discardableResult
    public func signIfGrown(now: Date = Date()) async throws -> SignedTreeHead? {
        let size = try await size()
        guard size > signedSize.withLock({ $0 }) else { return nil }
        return try await treeHead(now: now)
    }

    /// Add the leaf a verification just committed at `index` (its receipt
    /// entry's leaf hash), so that neither catching up nor signing reads
    /// it back from the store and hashes it again. Leaves arrive in any
    /// order and wait for the ones before them; one that never arrives
    /// (its verification's task ended first) is read by ``catchUp()``.
    /// - Parameters:
    ///   - index: the leaf index the store assigned with the commit.
    ///   - leafHash: `MerkleHasher.leafHash` of the stored entry.
    public func committed(index: UInt64, leafHash: [UInt8]) {
        tree.withLock { tree in
            guard index >= tree.size, leafHash.count == MerkleHasher.hashLength else { return }
            if index == tree.size {
                _ = tree.merkle.append(leafHash: leafHash)
                tree.drainWaiting()
            } else if tree.waiting.count < LogTree.maximumWaiting {
                tree.waiting[index] = leafHash
            }
        }
    }

    /// Bring the in-memory tree up to the stored log.
    public func catchUp() async throws(StoreError) {
        while true {
            let size = tree.withLock { $0.size }
            let batch = try await store.privacyLogEntries(from: Int64(size), limit: Self.catchUpBatch)
            guard !batch.isEmpty else { return }
            tree.withLock { tree in
                // Another caller may have appended the same leaves meanwhile.
                guard tree.size == size else { return }
                for entry in batch { _ = tree.merkle.append(leaf: entry) }
                // Leaves handed over meanwhile that the store already gave.
                if !tree.waiting.isEmpty { tree.waiting = tree.waiting.filter { $0.key >= tree.size } }
                tree.drainWaiting()
            }
            if batch.count < Self.catchUpBatch { return }
        }
    }

    /// The current size, after catching up.
    public func size() async throws(StoreError) -> UInt64 {
        try await catchUp()
        return tree.withLock { $0.size }
    }

    /// A signed tree head for the log as stored now (the kept one when this
    /// size was signed before by the current key; after a key change, a
    /// fresh one).
    public func treeHead(now: Date = Date()) async throws -> SignedTreeHead {
        try await catchUp()
        let (size, root) = tree.withLock { ($0.size, $0.merkle.rootHash) }
        if let kept = try await keptTreeHead(size: size, root: root) { return signed(kept) }
        let head = try SignedTreeHead.sign(treeSize: size, timestamp: UInt64(max(0, (now.timeIntervalSince1970 * 1000).rounded(.down))),
                                           rootHash: root, with: signer)
        try await store.recordPrivacyTreeHead(treeSize: Int64(size), signed: head.json.serialized)
        // Another signer may have kept one for this size first: answer that one.
        return signed(try await keptTreeHead(size: size, root: root) ?? head)
    }

    /// The head kept for `size`, if it has this root and the current key.
    private func keptTreeHead(size: UInt64, root: [UInt8]) async throws -> SignedTreeHead? {
        guard let kept = try await store.privacyTreeHead(treeSize: Int64(size)),
              let head = try? SignedTreeHead(json: try JSONParser().parse(kept)), head.rootHash == root,
              head.keyID == signer.publicKey.keyID else { return nil }
        return head
    }

    /// Note `head` as signed and return it.
    private func signed(_ head: SignedTreeHead) -> SignedTreeHead {
        signedSize.withLock { $0 = max($0, head.treeSize) }
        return head
    }

    /// The offline bundle of receipt `index` under the current tree head:
    /// format `/2` for a receipt entry, `/1` for a signed receipt written
    /// before (docs/transparency-log.md, "Versions").
    /// - Returns: `nil` when there is no such leaf.
    public func bundle(index: UInt64) async throws -> ReceiptBundle? {
        let head = try await treeHead()
        guard index < head.treeSize else { return nil }
        guard let bytes = try await store.privacyLogEntries(from: Int64(index), limit: 1).first else { return nil }
        let entry = try ReceiptLogEntry(bytes: bytes)
        let proof = try tree.withLock { tree throws(MerkleProofError) in
            try tree.merkle.inclusionProof(leafIndex: index, treeSize: head.treeSize)
        }
        return ReceiptBundle(entry: entry, inclusionProof: proof, treeHead: head, logPublicKey: signer.publicKey)
    }

    /// The consistency proof between two sizes, after catching up.
    public func consistency(first: UInt64, second: UInt64) async throws -> ConsistencyProof {
        try await catchUp()
        return try tree.withLock { tree throws(MerkleProofError) in try tree.merkle.consistencyProof(firstSize: first, secondSize: second) }
    }

    /// The root hash of the tree of `size` leaves, after catching up.
    public func rootHash(size: UInt64) async throws -> [UInt8] {
        try await catchUp()
        return try tree.withLock { tree throws(MerkleProofError) in try tree.merkle.rootHash(treeSize: size) }
    }
}
