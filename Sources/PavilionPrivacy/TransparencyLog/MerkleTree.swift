/// An append-only RFC 9162 §2.1 Merkle tree over SHA-256 that caches the hash
/// of every complete subtree, so appending costs O(1) hashes amortised
/// (O(log n) at worst) and roots and proofs for any past size cost O(log n).
///
/// `levels[l]` holds, back to back, the 32-byte hashes of the complete
/// subtrees of `2^l` leaves: entry `i` covers leaves `i·2^l ..< (i+1)·2^l`.
/// Every range RFC 9162's recursions ask for is either such a complete,
/// aligned subtree or the right edge `[start, n)` of the tree of size `n`,
/// which is folded from at most log₂ n cached subtrees.
///
/// A value type with no locking; ``TransparencyLog`` wraps it for sharing.
public struct MerkleTree: Sendable {
    private var levels: [[UInt8]] = [[]]

    /// The number of leaves.
    public private(set) var size: UInt64 = 0

    /// An empty tree.
    public init() {}

    /// Append a leaf by its input bytes.
    /// - Parameter leaf: the leaf input; it is hashed with ``MerkleHasher/leafHash(_:)``.
    /// - Returns: the new leaf's 0-based index.
    @discardableResult
    public mutating func append(leaf: some Collection<UInt8>) -> UInt64 {
        append(leafHash: MerkleHasher.leafHash(leaf))
    }

    /// Append a leaf by its hash.
    /// - Parameter leafHash: the 32-byte leaf hash.
    /// - Returns: the new leaf's 0-based index.
    /// - Precondition: `leafHash` is 32 bytes (a wrong length is our bug).
    @discardableResult
    public mutating func append(leafHash: [UInt8]) -> UInt64 {
        precondition(leafHash.count == MerkleHasher.hashLength, "a leaf hash is 32 bytes")
        let index = size
        levels[0].append(contentsOf: leafHash)
        var hash = leafHash
        var position = index
        var level = 0
        // A right child completes its parent: hash up while the position is odd.
        while position & 1 == 1 {
            let start = Int(position - 1) * MerkleHasher.hashLength
            hash = MerkleHasher.nodeHash(levels[level][start..<start + MerkleHasher.hashLength], hash)
            level += 1
            position >>= 1
            if levels.count == level { levels.append([]) }
            levels[level].append(contentsOf: hash)
        }
        size = index + 1
        return index
    }

    /// The hash of leaf `index`, or `nil` beyond the tree.
    /// - Parameter index: the 0-based leaf index.
    /// - Returns: the 32-byte leaf hash.
    public func leafHash(at index: UInt64) -> [UInt8]? {
        guard index < size else { return nil }
        return cached(level: 0, index: index)
    }

    /// The current root hash, MTH(D[size]).
    public var rootHash: [UInt8] { range(0, size) }

    /// The root hash the tree had at `treeSize` leaves.
    /// - Parameter treeSize: a size from 0 to ``size``.
    /// - Returns: MTH(D[treeSize]).
    /// - Throws: ``MerkleProofError`` `.invalidSize` beyond the tree.
    public func rootHash(treeSize: UInt64) throws(MerkleProofError) -> [UInt8] {
        guard treeSize <= size else {
            throw MerkleProofError(.invalidSize, "tree size \(treeSize) is beyond the log's \(size) leaves")
        }
        return range(0, treeSize)
    }

    /// The inclusion proof PATH(m, D[n]) of RFC 9162 §2.1.3.1.
    /// - Parameters:
    ///   - leafIndex: the leaf `m`, below `treeSize`.
    ///   - treeSize: the tree size `n`, at most ``size``.
    /// - Returns: the proof, leaf end first.
    /// - Throws: ``MerkleProofError`` `.invalidSize` for indexes or sizes out of range.
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64) throws(MerkleProofError) -> InclusionProof {
        guard treeSize <= size else {
            throw MerkleProofError(.invalidSize, "tree size \(treeSize) is beyond the log's \(size) leaves")
        }
        guard leafIndex < treeSize else {
            throw MerkleProofError(.invalidSize, "leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        var path: [[UInt8]] = []
        collectPath(leafIndex, start: 0, count: treeSize, into: &path)
        return InclusionProof(leafIndex: leafIndex, treeSize: treeSize, path: path)
    }

    /// The consistency proof PROOF(m, D[n]) of RFC 9162 §2.1.4.1.
    /// - Parameters:
    ///   - firstSize: the older size `m`, at least 1.
    ///   - secondSize: the newer size `n`, from `m` to ``size``.
    /// - Returns: the proof; empty when the sizes are equal.
    /// - Throws: ``MerkleProofError`` `.invalidSize` for sizes out of range.
    public func consistencyProof(firstSize: UInt64, secondSize: UInt64) throws(MerkleProofError) -> ConsistencyProof {
        guard secondSize <= size else {
            throw MerkleProofError(.invalidSize, "tree size \(secondSize) is beyond the log's \(size) leaves")
        }
        guard firstSize > 0, firstSize <= secondSize else {
            throw MerkleProofError(.invalidSize, "need 0 < first size (\(firstSize)) <= second size (\(secondSize))")
        }
        var path: [[UInt8]] = []
        if firstSize < secondSize {
            collectSubproof(firstSize, start: 0, count: secondSize, complete: true, into: &path)
        }
        return ConsistencyProof(firstSize: firstSize, secondSize: secondSize, path: path)
    }

    // MARK: - The recursions of RFC 9162 §2.1.3.1 and §2.1.4.1

    /// PATH(m, D[start ..< start+count]), appended leaf end first.
    private func collectPath(_ m: UInt64, start: UInt64, count: UInt64, into path: inout [[UInt8]]) {
        guard count > 1 else { return }
        let k = MerkleHasher.largestPowerOfTwo(below: count)
        if m < k {
            collectPath(m, start: start, count: k, into: &path)
            path.append(range(start + k, count - k))
        } else {
            collectPath(m - k, start: start + k, count: count - k, into: &path)
            path.append(range(start, k))
        }
    }

    /// SUBPROOF(m, D[start ..< start+count], b), appended in proof order.
    private func collectSubproof(_ m: UInt64, start: UInt64, count: UInt64, complete b: Bool, into path: inout [[UInt8]]) {
        if m == count {
            if !b { path.append(range(start, count)) }
            return
        }
        let k = MerkleHasher.largestPowerOfTwo(below: count)
        if m <= k {
            collectSubproof(m, start: start, count: k, complete: b, into: &path)
            path.append(range(start + k, count - k))
        } else {
            collectSubproof(m - k, start: start + k, count: count - k, complete: false, into: &path)
            path.append(range(start, k))
        }
    }

    /// MTH(D[start ..< start+count]) for a range the recursions produce:
    /// `start` is a multiple of a power of two at least `count`, so the left
    /// part of every split is a cached complete subtree and only the right
    /// part recurses — at most log₂ count hashes.
    private func range(_ start: UInt64, _ count: UInt64) -> [UInt8] {
        if count == 0 { return MerkleHasher.emptyTreeRoot }
        if count & (count - 1) == 0 {
            let level = count.trailingZeroBitCount
            return cached(level: level, index: start >> level)
        }
        let k = MerkleHasher.largestPowerOfTwo(below: count)
        let level = k.trailingZeroBitCount
        return MerkleHasher.nodeHash(cached(level: level, index: start >> level), range(start + k, count - k))
    }

    private func cached(level: Int, index: UInt64) -> [UInt8] {
        let start = Int(index) * MerkleHasher.hashLength
        return Array(levels[level][start..<start + MerkleHasher.hashLength])
    }
}
