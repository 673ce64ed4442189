/// A truncated PSI digest: the first ``PSIProtocol/digestLength`` (12)
/// bytes of an OPRF output, as two big-endian integers so that arrays of
/// them sort and compare without allocation.
public struct PSIDigest: Sendable, Hashable, Comparable {
    /// Bytes 0..<8, big-endian.
    public let high: UInt64
    /// Bytes 8..<12, big-endian.
    public let low: UInt32

    /// The digest of the first 12 bytes of `bytes` (at least 12).
    public init(prefixOf bytes: [UInt8]) {
        precondition(bytes.count >= PSIProtocol.digestLength, "a PSI digest needs 12 bytes")
        var h: UInt64 = 0
        for i in 0..<8 { h = h << 8 | UInt64(bytes[i]) }
        var l: UInt32 = 0
        for i in 8..<12 { l = l << 8 | UInt32(bytes[i]) }
        high = h
        low = l
    }

    /// Decode one digest at `offset` of a wire buffer.
    init(_ bytes: [UInt8], at offset: Int) {
        var h: UInt64 = 0
        for i in offset ..< offset + 8 { h = h << 8 | UInt64(bytes[i]) }
        var l: UInt32 = 0
        for i in offset + 8 ..< offset + 12 { l = l << 8 | UInt32(bytes[i]) }
        high = h
        low = l
    }

    /// Append the 12 big-endian bytes to `out`.
    func append(to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: low >> UInt32(shift))) }
    }

    public static func < (lhs: PSIDigest, rhs: PSIDigest) -> Bool {
        lhs.high != rhs.high ? lhs.high < rhs.high : lhs.low < rhs.low
    }

    /// Decode a buffer of concatenated digests.
    /// - Throws: ``PSIError`` `.malformedMessage` when the length is not a multiple of 12.
    static func decodeAll(_ bytes: [UInt8]) throws(PSIError) -> [PSIDigest] {
        guard bytes.count % PSIProtocol.digestLength == 0 else {
            throw PSIError(.malformedMessage, "\(bytes.count) bytes is not a whole number of \(PSIProtocol.digestLength)-byte digests")
        }
        return stride(from: 0, to: bytes.count, by: PSIProtocol.digestLength).map { PSIDigest(bytes, at: $0) }
    }

    /// Encode digests back to back.
    static func encodeAll(_ digests: some Collection<PSIDigest>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(digests.count * PSIProtocol.digestLength)
        for digest in digests { digest.append(to: &out) }
        return out
    }
}
