/// An RFC 9162 §2.1.4 consistency proof PROOF(m, D[n]): the hashes that show
/// the tree of size `firstSize` is a prefix of the tree of size `secondSize`,
/// i.e. the log only appended in between.
public struct ConsistencyProof: Sendable, Hashable {
    /// The older tree size (`m`).
    public let firstSize: UInt64
    /// The newer tree size (`n`).
    public let secondSize: UInt64
    /// The proof's hashes, 32 bytes each; empty when the sizes are equal.
    public let path: [[UInt8]]

    /// A proof as received.
    /// - Parameters:
    ///   - firstSize: the older tree size.
    ///   - secondSize: the newer tree size.
    ///   - path: the consistency path.
    public init(firstSize: UInt64, secondSize: UInt64, path: [[UInt8]]) {
        self.firstSize = firstSize
        self.secondSize = secondSize
        self.path = path
    }

    /// Check that the tree with root `firstRoot` is a prefix of the tree with
    /// root `secondRoot`, with the algorithm of RFC 9162 §2.1.4.2 step by step
    /// for `0 < first < second`. Equal sizes need an empty proof and equal
    /// roots (the RFC's algorithm assumes `first < second`; clients of
    /// §8.1 never ask for equal sizes, but a caller comparing two heads may).
    /// A first size of zero is refused: every tree extends the empty tree, so
    /// such a proof proves nothing.
    /// - Parameters:
    ///   - firstRoot: the root of the tree of size ``firstSize``.
    ///   - secondRoot: the root of the tree of size ``secondSize``.
    /// - Throws: ``MerkleProofError`` naming the step that failed.
    public func verify(firstRoot: [UInt8], secondRoot: [UInt8]) throws(MerkleProofError) {
        guard firstSize > 0, firstSize <= secondSize else {
            throw MerkleProofError(.invalidSize, "need 0 < first size (\(firstSize)) <= second size (\(secondSize))")
        }
        if firstSize == secondSize {
            guard path.isEmpty else {
                throw MerkleProofError(.malformedProof, "a proof between equal sizes must be empty")
            }
            guard firstRoot == secondRoot else {
                throw MerkleProofError(.rootMismatch, "equal tree sizes with different roots")
            }
            return
        }
        // 1. An empty path fails.
        guard !path.isEmpty else { throw MerkleProofError(.malformedProof, "the consistency path is empty") }
        guard path.allSatisfy({ $0.count == MerkleHasher.hashLength }) else {
            throw MerkleProofError(.malformedProof, "every path element must be \(MerkleHasher.hashLength) bytes")
        }
        // 2. If first is an exact power of 2, prepend first_hash.
        var consistencyPath = path
        if firstSize & (firstSize - 1) == 0 { consistencyPath.insert(firstRoot, at: 0) }
        // 3. fn = first - 1, sn = second - 1.
        var fn = firstSize - 1
        var sn = secondSize - 1
        // 4. If LSB(fn) is set, right-shift both until it is not.
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 5. fr = sr = the first value of the path.
        var fr = consistencyPath[0]
        var sr = consistencyPath[0]
        // 6. For each subsequent value c:
        for c in consistencyPath.dropFirst() {
            guard sn != 0 else {
                throw MerkleProofError(.malformedProof, "the path has more hashes than sizes \(firstSize) and \(secondSize) allow")
            }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHasher.nodeHash(c, fr)
                sr = MerkleHasher.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = MerkleHasher.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // 7. fr must equal first_hash, sr second_hash, and sn be 0.
        guard sn == 0 else {
            throw MerkleProofError(.malformedProof, "the path is too short for sizes \(firstSize) and \(secondSize)")
        }
        guard fr == firstRoot else {
            throw MerkleProofError(.rootMismatch, "the path does not lead to the first root")
        }
        guard sr == secondRoot else {
            throw MerkleProofError(.rootMismatch, "the path does not lead to the second root")
        }
    }

    /// Whether ``verify(firstRoot:secondRoot:)`` succeeds.
    /// - Returns: `true` only for a valid proof.
    public func isValid(firstRoot: [UInt8], secondRoot: [UInt8]) -> Bool {
        (try? verify(firstRoot: firstRoot, secondRoot: secondRoot)) != nil
    }
}
