import PavilionCrypto

/// Hands out status list indices chosen uniformly at random among the free
/// ones, from OpenSSL's CSPRNG, so an index says nothing about when its
/// token was issued or how many were issued before it
/// (draft-ietf-oauth-status-list §11.4/§12.1; Bitstring Status List
/// `statusListIndex`: "Implementations SHOULD assign indexes randomly").
///
/// A list smaller than ``minimumCapacity`` is refused: with few entries a
/// revoked index identifies a small group of holders. The default
/// ``defaultCapacity`` is the W3C minimum of 131,072 entries (16 KiB of
/// 1-bit statuses, a few hundred bytes compressed while sparse).
///
/// A value type: the host stores ``allocated`` with the list and rebuilds
/// the allocator from it. Indices are never reused (no double allocation).
public struct StatusIndexAllocator: Sendable {
    /// The smallest list accepted: 16,384 entries.
    public static let minimumCapacity = 16_384
    /// The default size: 131,072 entries, the W3C Bitstring Status List minimum.
    public static let defaultCapacity = 131_072

    /// The number of indices, `0..<capacity`.
    public let capacity: Int
    /// The indices handed out so far.
    public private(set) var allocated: Set<Int>

    /// How many indices are still free.
    public var freeCount: Int { capacity - allocated.count }

    /// - Parameters:
    ///   - capacity: the list size (at least ``minimumCapacity``).
    ///   - allocated: indices already in use.
    /// - Throws: ``StatusListError`` `listTooShort` for a small list,
    ///   `indexOutOfRange` for an allocated index outside the list.
    public init(capacity: Int = StatusIndexAllocator.defaultCapacity, allocated: Set<Int> = []) throws(StatusListError) {
        guard capacity >= Self.minimumCapacity else {
            throw StatusListError(.listTooShort, "a status list needs at least \(Self.minimumCapacity) entries for herd privacy, got \(capacity)")
        }
        if let bad = allocated.first(where: { $0 < 0 || $0 >= capacity }) {
            throw StatusListError(.indexOutOfRange, "allocated index \(bad) is outside 0..<\(capacity)")
        }
        self.capacity = capacity
        self.allocated = allocated
    }

    /// A fresh index, uniform over the free ones.
    ///
    /// Draws a uniform index by rejection sampling and keeps it if free; after
    /// 32 occupied draws (a nearly full list) it picks the k-th free index for
    /// a uniform k instead. Both are uniform over the free set.
    /// - Returns: the index, now marked allocated.
    /// - Throws: ``StatusListError`` `listFull`, or `randomFailure` when the CSPRNG fails.
    public mutating func allocate() throws(StatusListError) -> Int {
        guard freeCount > 0 else { throw StatusListError(.listFull, "all \(capacity) indices are allocated") }
        for _ in 0..<32 {
            let candidate = try Self.uniform(below: capacity)
            if !allocated.contains(candidate) {
                allocated.insert(candidate)
                return candidate
            }
        }
        var k = try Self.uniform(below: freeCount)
        for index in 0..<capacity where !allocated.contains(index) {
            if k == 0 {
                allocated.insert(index)
                return index
            }
            k -= 1
        }
        throw StatusListError(.listFull, "no free index found")  // unreachable: freeCount > 0
    }

    /// A uniform integer in `0..<bound` from `RAND_bytes`, without modulo bias.
    static func uniform(below bound: Int) throws(StatusListError) -> Int {
        precondition(bound > 0 && bound <= Int(UInt32.max))
        let limit = UInt64(1) << 32
        let threshold = limit - limit % UInt64(bound)
        while true {
            let bytes: [UInt8]
            do { bytes = try SecureRandom.bytes(4) } catch { throw StatusListError(.randomFailure, "\(error)") }
            let value = bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if value < threshold { return Int(value % UInt64(bound)) }
        }
    }
}
