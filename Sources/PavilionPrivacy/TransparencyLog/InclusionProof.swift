/// An RFC 9162 §2.1.3 inclusion proof: the audit path PATH(m, D[n]) from
/// leaf `leafIndex` to the root of the tree of size `treeSize`.
public struct InclusionProof: Sendable, Hashable {
    /// The 0-based index of the leaf (`m`).
    public let leafIndex: UInt64
    /// The size of the tree whose root the proof leads to (`n`).
    public let treeSize: UInt64
    /// The sibling hashes from the leaf upwards, 32 bytes each.
    public let path: [[UInt8]]

    /// A proof as received.
    /// - Parameters:
    ///   - leafIndex: the leaf's 0-based index.
    ///   - treeSize: the tree size the proof is for.
    ///   - path: the audit path, leaf end first.
    public init(leafIndex: UInt64, treeSize: UInt64, path: [[UInt8]]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.path = path
    }

    /// Check that `leafHash` is leaf ``leafIndex`` of the tree whose root is
    /// `rootHash`, with the algorithm of RFC 9162 §2.1.3.2 step by step.
    /// - Parameters:
    ///   - leafHash: the leaf's hash (``MerkleHasher/leafHash(_:)`` of the entry).
    ///   - rootHash: the root of the tree of size ``treeSize``, e.g. from a signed tree head.
    /// - Throws: ``MerkleProofError`` naming the step that failed.
    public func verify(leafHash: [UInt8], rootHash: [UInt8]) throws(MerkleProofError) {
        // 1. leaf_index >= tree_size fails.
        guard leafIndex < treeSize else {
            throw MerkleProofError(.invalidSize, "leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        guard leafHash.count == MerkleHasher.hashLength else {
            throw MerkleProofError(.malformedProof, "a leaf hash is \(MerkleHasher.hashLength) bytes, got \(leafHash.count)")
        }
        guard path.allSatisfy({ $0.count == MerkleHasher.hashLength }) else {
            throw MerkleProofError(.malformedProof, "every path element must be \(MerkleHasher.hashLength) bytes")
        }
        // 2. fn = leaf_index, sn = tree_size - 1.  3. r = hash.
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        // 4. For each p in the path:
        for p in path {
            guard sn != 0 else {
                throw MerkleProofError(.malformedProof, "the path of \(path.count) hash(es) is too long for tree size \(treeSize)")
            }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHasher.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = MerkleHasher.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        // 5. sn must be 0 and r the root.
        guard sn == 0 else {
            throw MerkleProofError(.malformedProof, "the path of \(path.count) hash(es) is too short for tree size \(treeSize)")
        }
        guard r == rootHash else {
            throw MerkleProofError(.rootMismatch, "the path leads to a root other than the one given")
        }
    }

    /// Whether ``verify(leafHash:rootHash:)`` succeeds.
    /// - Returns: `true` only for a valid proof.
    public func isValid(leafHash: [UInt8], rootHash: [UInt8]) -> Bool {
        (try? verify(leafHash: leafHash, rootHash: rootHash)) != nil
    }
}
