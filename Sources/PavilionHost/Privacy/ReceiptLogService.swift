import Foundation
import PavilionCore
import PavilionPrivacy
import PavilionStore
import Synchronization

/// The privacy-receipt transparency log of a running host, kept in the
/// store (`privacy_log_entries`), so it survives restarts.
///
/// The store assigns leaf indices (appends are serialised by its writer,
/// and a verification's receipt is appended in its own transaction);
/// an in-memory ``MerkleTree`` mirrors the stored leaves and catches up
/// from the store before it answers a tree head or a proof, so concurrent
/// appends never reorder the tree. Tree heads are signed by the log key
/// derived from the host's privacy secret and kept per tree size.
public final class ReceiptLogService: Sendable {
    /// Largest leaves read from the store per catch-up step.
    static let catchUpBatch = 4096

    private let store: any PrivacyStore
    private let signer: any LogSigner
    private let tree = Mutex(MerkleTree())

    /// - Parameters:
    ///   - store: where the leaves live.
    ///   - signer: the log's key.
    public init(store: any PrivacyStore, signer: any LogSigner) {
        self.store = store
        self.signer = signer
    }

    /// The log's public key.
    public var publicKey: LogPublicKey { signer.publicKey }

    /// Sign `receipt`. Stored as a verification's `privacy_receipt`
    /// artifact, the store appends it to the log in the verification's
    /// transaction: a receipt is in the log exactly when its verification
    /// is stored, and appends share the verifications' group commit.
    /// - Throws: ``ReceiptError`` when the receipt is refused or signing fails.
    public func sign(_ receipt: PrivacyReceipt) throws(ReceiptError) -> SignedReceipt {
        try SignedReceipt.sign(receipt, with: signer)
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
                for entry in batch { _ = tree.append(leaf: entry) }
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
        let (size, root) = tree.withLock { ($0.size, $0.rootHash) }
        if let kept = try await store.privacyTreeHead(treeSize: Int64(size)),
           let head = try? SignedTreeHead(json: try JSONParser().parse(kept)), head.rootHash == root,
           head.keyID == signer.publicKey.keyID {
            return head
        }
        let head = try SignedTreeHead.sign(treeSize: size, timestamp: UInt64(max(0, (now.timeIntervalSince1970 * 1000).rounded(.down))),
                                           rootHash: root, with: signer)
        try await store.recordPrivacyTreeHead(treeSize: Int64(size), signed: head.json.serialized)
        if let kept = try await store.privacyTreeHead(treeSize: Int64(size)),
           let first = try? SignedTreeHead(json: try JSONParser().parse(kept)), first.rootHash == root,
           first.keyID == signer.publicKey.keyID {
            return first
        }
        return head
    }

    /// The offline bundle of receipt `index` under the current tree head.
    /// - Returns: `nil` when there is no such leaf.
    public func bundle(index: UInt64) async throws -> ReceiptBundle? {
        let head = try await treeHead()
        guard index < head.treeSize else { return nil }
        guard let entry = try await store.privacyLogEntries(from: Int64(index), limit: 1).first else { return nil }
        let signed = try SignedReceipt(json: try JSONParser().parse(bytes: entry))
        let proof = try tree.withLock { tree throws(MerkleProofError) in
            try tree.inclusionProof(leafIndex: index, treeSize: head.treeSize)
        }
        return ReceiptBundle(signedReceipt: signed, inclusionProof: proof, treeHead: head, logPublicKey: signer.publicKey)
    }

    /// The consistency proof between two sizes, after catching up.
    public func consistency(first: UInt64, second: UInt64) async throws -> ConsistencyProof {
        try await catchUp()
        return try tree.withLock { tree throws(MerkleProofError) in try tree.consistencyProof(firstSize: first, secondSize: second) }
    }

    /// The root hash of the tree of `size` leaves, after catching up.
    public func rootHash(size: UInt64) async throws -> [UInt8] {
        try await catchUp()
        return try tree.withLock { tree throws(MerkleProofError) in try tree.rootHash(treeSize: size) }
    }
}
