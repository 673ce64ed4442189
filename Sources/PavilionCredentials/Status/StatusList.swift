import PavilionCore

/// An IETF Token Status List (draft-ietf-oauth-status-list §4): a byte array
/// holding one `bits`-wide status per Referenced Token, packed from the
/// least significant bit of each byte, and its JSON form `{bits, lst}` where
/// `lst` is the base64url of the array compressed with DEFLATE in the ZLIB
/// data format (RFC 1951 inside RFC 1950), at the highest compression level.
///
/// Every index starts at ``TokenStatus/valid`` (0x00), so an unused index
/// cannot be told from a valid token (§12.4 of the draft).
public struct StatusList: Sendable, Equatable {
    /// Bits per status.
    public let bits: StatusListBits
    /// The uncompressed byte array.
    public private(set) var bytes: [UInt8]
    /// `aggregation_uri`, if any.
    public var aggregationURI: String?

    /// The largest byte array a parsed list may decompress to, by default
    /// 8 MiB (67,108,864 one-bit entries): more is treated as a
    /// decompression bomb.
    public static let defaultMaximumBytes = 8 << 20

    /// How many statuses the list holds.
    public var count: Int { bytes.count * bits.statusesPerByte }

    /// A list of `size` VALID statuses.
    /// - Parameters:
    ///   - size: the number of indices; rounded up to a whole byte.
    ///   - bits: bits per status.
    /// - Throws: ``StatusListError`` `invalidEncoding` for a size below 1.
    public init(size: Int, bits: StatusListBits) throws(StatusListError) {
        guard size > 0 else { throw StatusListError(.invalidEncoding, "a status list needs at least one entry, got \(size)") }
        self.bits = bits
        self.bytes = [UInt8](repeating: 0, count: (size + bits.statusesPerByte - 1) / bits.statusesPerByte)
    }

    /// A list over an existing uncompressed byte array.
    /// - Parameters:
    ///   - bytes: the byte array (non-empty).
    ///   - bits: bits per status.
    /// - Throws: ``StatusListError`` `invalidEncoding` for an empty array.
    public init(bytes: [UInt8], bits: StatusListBits) throws(StatusListError) {
        guard !bytes.isEmpty else { throw StatusListError(.invalidEncoding, "the status list byte array is empty") }
        self.bits = bits
        self.bytes = bytes
    }

    /// The status at `index`.
    /// - Throws: ``StatusListError`` `indexOutOfRange` when `index` is not in `0..<count`.
    public func status(at index: Int) throws(StatusListError) -> TokenStatus {
        let (byte, shift) = try position(of: index)
        return TokenStatus(rawValue: (bytes[byte] >> shift) & bits.maximumStatus)
    }

    /// Set the status at `index`.
    /// - Throws: ``StatusListError`` `indexOutOfRange`, or `invalidStatus`
    ///   when `status` does not fit in ``bits``.
    public mutating func setStatus(_ status: TokenStatus, at index: Int) throws(StatusListError) {
        guard status.rawValue <= bits.maximumStatus else {
            throw StatusListError(.invalidStatus, "status \(status) does not fit in \(bits.rawValue) bit(s)")
        }
        let (byte, shift) = try position(of: index)
        bytes[byte] = bytes[byte] & ~(bits.maximumStatus << shift) | status.rawValue << shift
    }

    private func position(of index: Int) throws(StatusListError) -> (Int, UInt8) {
        guard index >= 0, index < count else {
            throw StatusListError(.indexOutOfRange, "index \(index) is outside the list of \(count) entries")
        }
        return (index / bits.statusesPerByte, UInt8((index % bits.statusesPerByte) * bits.rawValue))
    }

    // MARK: Encoding

    /// The byte array compressed with DEFLATE in the ZLIB format, level 9 (`deflate`).
    /// - Throws: ``StatusListError`` `compression` when zlib fails.
    public func compressed() throws(StatusListError) -> [UInt8] { try Zlib.compress(bytes, format: .zlib) }

    /// The JSON `StatusList` object: `{"bits": …, "lst": "…"}` (and `aggregation_uri` when set).
    /// - Throws: ``StatusListError`` `compression` when zlib fails.
    public func jsonValue() throws(StatusListError) -> JSONValue {
        var object: [String: JSONValue] = ["bits": .int(Int64(bits.rawValue)), "lst": .string(Base64URL.encode(try compressed()))]
        if let aggregationURI { object["aggregation_uri"] = .string(aggregationURI) }
        return .object(object)
    }

    /// Parse a JSON `StatusList` object and decompress its `lst` (`inflate`).
    /// - Parameters:
    ///   - json: the object.
    ///   - maximumBytes: the most the list may decompress to.
    /// - Throws: ``StatusListError``: `invalidEncoding` (not an object,
    ///   `bits` or `lst` missing or mistyped, `lst` not base64url, empty list),
    ///   `invalidBits`, `compression` (not ZLIB/DEFLATE, truncated, trailing
    ///   bytes) or `tooLarge`.
    public init(json: JSONValue, maximumBytes: Int = StatusList.defaultMaximumBytes) throws(StatusListError) {
        guard let object = json.objectValue else { throw StatusListError(.invalidEncoding, "status_list is \(json.typeName), not an object") }
        guard let bitsValue = object["bits"] else { throw StatusListError(.invalidEncoding, "status_list has no bits") }
        guard case .int(let bitsNumber) = bitsValue else { throw StatusListError(.invalidEncoding, "bits is \(bitsValue.typeName), not an integer") }
        let bits = try StatusListBits(validating: Int(clamping: bitsNumber))
        guard let lst = object["lst"]?.stringValue else { throw StatusListError(.invalidEncoding, "status_list has no lst string") }
        let compressed: [UInt8]
        do { compressed = try Base64URL.decode(lst) } catch { throw StatusListError(.invalidEncoding, "lst: \(error.reason)") }
        try self.init(bytes: try Zlib.decompress(compressed, format: .zlib, limit: maximumBytes), bits: bits)
        if let aggregation = object["aggregation_uri"] {
            guard let uri = aggregation.stringValue else { throw StatusListError(.invalidEncoding, "aggregation_uri is not a string") }
            aggregationURI = uri
        }
    }
}
