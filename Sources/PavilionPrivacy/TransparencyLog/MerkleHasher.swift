import PavilionCrypto

/// The hashing of an RFC 9162 §2.1.1 Merkle tree with SHA-256: leaves and
/// interior nodes are hashed under different one-byte prefixes so that a leaf
/// can never be passed off as a node (second-preimage resistance).
public enum MerkleHasher {
    /// The length of every hash in the tree, in bytes.
    public static let hashLength = 32

    /// MTH({}) = SHA-256() — the root of the empty tree.
    public static let emptyTreeRoot: [UInt8] = SHA256.hash([UInt8]())

    /// The hash of one leaf: `SHA-256(0x00 || leaf)`.
    /// - Parameter leaf: the leaf's input bytes (for a log, the whole entry).
    /// - Returns: the 32-byte leaf hash.
    public static func leafHash(_ leaf: some Collection<UInt8>) -> [UInt8] {
        var input: [UInt8] = []
        input.reserveCapacity(leaf.count + 1)
        input.append(0x00)
        input.append(contentsOf: leaf)
        return SHA256.hash(input)
    }

    /// The hash of an interior node: `SHA-256(0x01 || left || right)`.
    /// - Parameters:
    ///   - left: the left child's hash.
    ///   - right: the right child's hash.
    /// - Returns: the 32-byte node hash.
    public static func nodeHash(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> [UInt8] {
        var input: [UInt8] = []
        input.reserveCapacity(1 + left.count + right.count)
        input.append(0x01)
        input.append(contentsOf: left)
        input.append(contentsOf: right)
        return SHA256.hash(input)
    }

    /// MTH(D[n]) computed straight from RFC 9162 §2.1.1's recursive
    /// definition, in O(n) hashes. ``MerkleTree`` answers the same in
    /// O(log n) from its cache; this is the reference and suits small inputs.
    /// - Parameter leaves: the leaf inputs, in order.
    /// - Returns: the root hash (``emptyTreeRoot`` for no leaves).
    public static func rootHash(leaves: [[UInt8]]) -> [UInt8] {
        rootHash(leafHashes: leaves.map { leafHash($0) }[...])
    }

    static func rootHash(leafHashes: ArraySlice<[UInt8]>) -> [UInt8] {
        switch leafHashes.count {
        case 0: return emptyTreeRoot
        case 1: return leafHashes[leafHashes.startIndex]
        default:
            let k = largestPowerOfTwo(below: UInt64(leafHashes.count))
            let split = leafHashes.startIndex + Int(k)
            return nodeHash(rootHash(leafHashes: leafHashes[..<split]), rootHash(leafHashes: leafHashes[split...]))
        }
    }

    /// The largest power of two strictly less than `n` (RFC 9162's `k`).
    /// - Precondition: `n > 1`.
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        precondition(n > 1, "k is defined for n > 1 only")
        return 1 << (63 - (n - 1).leadingZeroBitCount)
    }
}
