/// The bitstring of a W3C Bitstring Status List v1.0: `statusSize` bits per
/// credential, index 0 at the left-most (most significant) bit of the first
/// byte; `encodedList` is the multibase base64url-no-pad (`u` prefix) of the
/// GZIP-compressed (RFC 1952) bitstring.
///
/// The specification requires at least 131,072 entries (16 KiB at one bit):
/// the herd a revoked index hides in.
public struct BitstringStatusList: Sendable, Equatable {
    /// The minimum number of entries (§3.2 "Validate Algorithm": 131,072).
    public static let minimumEntries = 131_072
    /// The largest bitstring a parsed list may decompress to, by default 16 MiB.
    public static let defaultMaximumBytes = 16 << 20

    /// Bits per entry (`statusSize`), 1...8 in Pavilion.
    public let statusSize: Int
    /// The uncompressed bitstring.
    public private(set) var bytes: [UInt8]

    /// How many entries the bitstring holds.
    public var count: Int { bytes.count * 8 / statusSize }

    /// A bitstring of `entries` zero statuses.
    /// - Parameters:
    ///   - entries: at least `minimumEntries`.
    ///   - statusSize: bits per entry (1...8).
    ///   - minimumEntries: the herd-privacy floor, 131,072 unless an ecosystem sets another.
    /// - Throws: ``StatusListError`` `invalidBits` or `listTooShort`.
    public init(entries: Int = BitstringStatusList.minimumEntries, statusSize: Int = 1,
                minimumEntries: Int = BitstringStatusList.minimumEntries) throws(StatusListError) {
        try Self.checkSize(statusSize)
        guard entries >= minimumEntries else {
            throw StatusListError(.listTooShort, "\(entries) entries is below the minimum of \(minimumEntries)")
        }
        self.statusSize = statusSize
        self.bytes = [UInt8](repeating: 0, count: (entries * statusSize + 7) / 8)
    }

    /// Decode an `encodedList` (`inflate` with the GZIP wrapper).
    /// - Parameters:
    ///   - encodedList: `u` followed by base64url without padding.
    ///   - statusSize: the entry's `statusSize` (1...8).
    ///   - minimumEntries: the herd-privacy floor.
    ///   - maximumBytes: the decompression limit.
    /// - Throws: ``StatusListError``: `invalidEncoding` (no `u` prefix, not
    ///   base64url), `compression` (not GZIP, truncated, trailing bytes),
    ///   `tooLarge`, `invalidBits`, `listTooShort` (the spec's STATUS_LIST_LENGTH_ERROR).
    public init(encodedList: String, statusSize: Int = 1, minimumEntries: Int = BitstringStatusList.minimumEntries,
                maximumBytes: Int = BitstringStatusList.defaultMaximumBytes) throws(StatusListError) {
        try Self.checkSize(statusSize)
        guard encodedList.hasPrefix("u") else {
            throw StatusListError(.invalidEncoding, "encodedList must be multibase base64url (prefix u)")
        }
        let compressed: [UInt8]
        do { compressed = try Base64URL.decode(encodedList.dropFirst()) } catch {
            throw StatusListError(.invalidEncoding, "encodedList: \(error.reason)")
        }
        let bytes = try Zlib.decompress(compressed, format: .gzip, limit: maximumBytes)
        let entries = bytes.count * 8 / statusSize
        guard entries >= minimumEntries else {
            throw StatusListError(.listTooShort, "the list holds \(entries) entries, below the minimum of \(minimumEntries)")
        }
        self.statusSize = statusSize
        self.bytes = bytes
    }

    private static func checkSize(_ statusSize: Int) throws(StatusListError) {
        guard (1...8).contains(statusSize) else {
            throw StatusListError(.invalidBits, "statusSize must be 1...8 in Pavilion, got \(statusSize)")
        }
    }

    /// The status value at `index`: `statusSize` bits from bit position
    /// `index × statusSize`, most significant first.
    /// - Throws: ``StatusListError`` `indexOutOfRange` (the spec's RANGE_ERROR).
    public func status(at index: Int) throws(StatusListError) -> Int {
        try check(index)
        var value = 0
        for bit in index * statusSize..<(index + 1) * statusSize {
            value = value << 1 | Int(bytes[bit / 8] >> (7 - UInt8(bit % 8)) & 1)
        }
        return value
    }

    /// Set the status value at `index`.
    /// - Throws: ``StatusListError`` `indexOutOfRange`, or `invalidStatus`
    ///   when `value` does not fit in `statusSize` bits.
    public mutating func setStatus(_ value: Int, at index: Int) throws(StatusListError) {
        try check(index)
        guard value >= 0, value < 1 << statusSize else {
            throw StatusListError(.invalidStatus, "\(value) does not fit in \(statusSize) bit(s)")
        }
        for (offset, bit) in (index * statusSize..<(index + 1) * statusSize).enumerated() {
            let set = value >> (statusSize - 1 - offset) & 1 == 1
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            bytes[bit / 8] = set ? bytes[bit / 8] | mask : bytes[bit / 8] & ~mask
        }
    }

    private func check(_ index: Int) throws(StatusListError) {
        guard index >= 0, index < count else {
            throw StatusListError(.indexOutOfRange, "index \(index) is outside the list of \(count) entries")
        }
    }

    /// The `encodedList` value: `u` + base64url(GZIP(bitstring)) (`deflate`, level 9).
    /// - Throws: ``StatusListError`` `compression` when zlib fails.
    public func encodedList() throws(StatusListError) -> String {
        "u" + Base64URL.encode(try Zlib.compress(bytes, format: .gzip))
    }
}
