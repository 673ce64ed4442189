/// Strict DER decoding of an `ECDSA-Sig-Value` (RFC 3279 §2.2.3:
/// `SEQUENCE { r INTEGER, s INTEGER }`) straight into raw `r || s`, with no
/// `ECDSA_SIG` or `BIGNUM` on the way: the signing hot path and
/// ``ECDSASignature/init(derRepresentation:curve:)`` both use it.
extension ECDSASignature {
    /// `r || s` of the DER `ECDSA-Sig-Value` in `der`, each left-padded to
    /// `width` bytes.
    ///
    /// Accepted is exactly DER (X.690 §10): definite minimal lengths, both
    /// integers positive and minimally encoded, nothing after the sequence.
    /// - Throws: ``CryptoError`` naming what is wrong.
    static func rawRepresentation(fromDER der: UnsafeRawBufferPointer, width: Int) throws(CryptoError) -> [UInt8] {
        var failure: String?
        let raw = [UInt8](unsafeUninitializedCapacity: 2 * width) { buffer, count in
            buffer.initialize(repeating: 0)
            count = 2 * width
            failure = decode(der, width: width, into: UnsafeMutableRawBufferPointer(buffer))
        }
        if let failure { throw CryptoError(call: "ECDSASignature(derRepresentation:)", reason: failure) }
        return raw
    }

    /// Decodes `der` into the zeroed `raw` (`2 * width` bytes); the reason
    /// it is not a DER `ECDSA-Sig-Value`, or nil.
    private static func decode(_ der: UnsafeRawBufferPointer, width: Int, into raw: UnsafeMutableRawBufferPointer) -> String? {
        var cursor = 0
        /// A tag-length header at `cursor` with tag `tag`; the content length.
        func header(_ tag: UInt8, _ name: String) -> (length: Int?, failure: String?) {
            guard cursor < der.count else { return (nil, "truncated before the \(name)") }
            guard der[cursor] == tag else { return (nil, "the \(name) has tag 0x\(String(der[cursor], radix: 16)), expected 0x\(String(tag, radix: 16))") }
            cursor += 1
            guard cursor < der.count else { return (nil, "truncated in the \(name)'s length") }
            let first = der[cursor]
            cursor += 1
            if first < 0x80 { return (Int(first), nil) }
            // Long form: one length byte is all a P-256 or P-384 signature can need.
            guard first == 0x81 else { return (nil, "the \(name)'s length is not a one- or two-byte DER length") }
            guard cursor < der.count else { return (nil, "truncated in the \(name)'s length") }
            let length = Int(der[cursor])
            cursor += 1
            guard length >= 0x80 else { return (nil, "the \(name)'s length \(length) is not minimally encoded") }
            return (length, nil)
        }
        /// The INTEGER at `cursor`, right-aligned into `raw[offset ..< offset + width]`.
        func integer(_ name: String, at offset: Int, end: Int) -> String? {
            let (length, failure) = header(0x02, name)
            guard let length else { return failure }
            guard length > 0 else { return "\(name) is empty" }
            guard length <= end - cursor else { return "\(name) runs past the end of the signature" }
            var start = cursor
            var count = length
            guard der[start] & 0x80 == 0 else { return "\(name) is negative" }
            if der[start] == 0, count > 1 {
                guard der[start + 1] & 0x80 != 0 else { return "\(name) has a superfluous leading zero" }
                start += 1
                count -= 1
            }
            guard count <= width else { return "\(name) is wider than \(width) bytes" }
            for index in 0..<count { raw[offset + width - count + index] = der[start + index] }
            cursor += length
            return nil
        }
        let (length, failure) = header(0x30, "ECDSA-Sig-Value")
        guard let length else { return failure }
        guard length == der.count - cursor else {
            return length < der.count - cursor
                ? "\(der.count - cursor - length) trailing bytes after the signature"
                : "truncated: the sequence claims \(length) bytes, \(der.count - cursor) follow"
        }
        let end = der.count
        if let failure = integer("r", at: 0, end: end) { return failure }
        if let failure = integer("s", at: width, end: end) { return failure }
        guard cursor == end else { return "\(end - cursor) bytes after s inside the sequence" }
        return nil
    }
}
