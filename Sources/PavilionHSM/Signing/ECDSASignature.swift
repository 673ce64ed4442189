/// Conversions between the two encodings of an ECDSA signature: raw
/// `r || s` (PKCS #11 `CKM_ECDSA`, JWS, COSE) and DER
/// `SEQUENCE { INTEGER r, INTEGER s }` (X.509, OpenSSL).
public enum ECDSASignature {
    /// The DER form of a raw signature.
    /// - Parameter raw: `r || s`, two equal halves (64 bytes for P-256, 96 for P-384).
    /// - Returns: `SEQUENCE { INTEGER r, INTEGER s }`.
    /// - Throws: ``SignerError/Code/malformedInput`` for an empty or odd-length input.
    public static func der(fromRaw raw: [UInt8]) throws(SignerError) -> [UInt8] {
        guard !raw.isEmpty, raw.count % 2 == 0, raw.count <= 132 else {
            throw SignerError(.malformedInput, reason: "a raw ECDSA signature has two equal halves, got \(raw.count) bytes")
        }
        let half = raw.count / 2
        let body = integer(Array(raw[..<half])) + integer(Array(raw[half...]))
        return [0x30] + length(body.count) + body
    }

    /// The raw form of a DER signature.
    /// - Parameters:
    ///   - der: `SEQUENCE { INTEGER r, INTEGER s }`.
    ///   - coordinateLength: the width of each half (32 for P-256, 48 for P-384).
    /// - Returns: `r || s`, each left-padded with zeros.
    /// - Throws: ``SignerError/Code/malformedInput`` when `der` is not exactly that
    ///   structure or an integer is negative or too wide.
    public static func raw(fromDER der: [UInt8], coordinateLength: Int) throws(SignerError) -> [UInt8] {
        var reader = DERReader(der)
        let sequence = try reader.element(tag: 0x30)
        guard reader.isAtEnd else { throw malformed("bytes after the SEQUENCE") }
        var inner = DERReader(sequence)
        let r = try inner.element(tag: 0x02)
        let s = try inner.element(tag: 0x02)
        guard inner.isAtEnd else { throw malformed("more than two INTEGERs") }
        return try fixed(r, coordinateLength) + fixed(s, coordinateLength)
    }

    private static func integer(_ magnitude: [UInt8]) -> [UInt8] {
        var bytes = Array(magnitude.drop { $0 == 0 })
        if bytes.isEmpty { bytes = [0] }
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return [0x02] + length(bytes.count) + bytes
    }

    private static func length(_ count: Int) -> [UInt8] {
        count < 0x80 ? [UInt8(count)] : [0x81, UInt8(count)]
    }

    private static func fixed(_ integer: [UInt8], _ width: Int) throws(SignerError) -> [UInt8] {
        guard let first = integer.first, first & 0x80 == 0 else { throw malformed("an INTEGER is empty or negative") }
        let magnitude = Array(integer.drop { $0 == 0 })
        guard magnitude.count <= width else { throw malformed("an INTEGER is wider than \(width) bytes") }
        return [UInt8](repeating: 0, count: width - magnitude.count) + magnitude
    }

    fileprivate static func malformed(_ why: String) -> SignerError {
        SignerError(.malformedInput, reason: "not a DER ECDSA signature: \(why)")
    }
}

/// Reads definite-length DER elements (short or one/two-byte long form).
private struct DERReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    mutating func element(tag: UInt8) throws(SignerError) -> [UInt8] {
        guard index + 2 <= bytes.count, bytes[index] == tag else {
            throw ECDSASignature.malformed("expected tag 0x\(String(tag, radix: 16))")
        }
        var length = Int(bytes[index + 1])
        index += 2
        if length & 0x80 != 0 {
            let octets = length & 0x7f
            guard octets >= 1, octets <= 2, index + octets <= bytes.count else { throw ECDSASignature.malformed("bad length") }
            length = bytes[index..<(index + octets)].reduce(0) { $0 << 8 | Int($1) }
            index += octets
        }
        guard length <= bytes.count - index else { throw ECDSASignature.malformed("truncated") }
        defer { index += length }
        return Array(bytes[index..<(index + length)])
    }
}
