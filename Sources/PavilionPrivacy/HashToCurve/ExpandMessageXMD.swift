import PavilionCrypto

/// `expand_message_xmd` (RFC 9380 §5.3.1): uniformly random bytes from a
/// message and a domain-separation tag with a Merkle–Damgård hash.
public enum ExpandMessageXMD {
    /// `expand_message_xmd(msg, DST, len_in_bytes)` with `H = digest`.
    /// A DST longer than 255 bytes is first replaced by
    /// `H("H2C-OVERSIZE-DST-" || DST)` (RFC 9380 §5.3.3).
    /// - Parameters:
    ///   - message: `msg`.
    ///   - dst: the domain-separation tag.
    ///   - length: `len_in_bytes`, at most 65535 and 255 hash outputs.
    ///   - digest: SHA-256, SHA-384 or SHA-512.
    /// - Returns: `length` bytes.
    /// - Throws: ``HashToCurveError`` `.invalidLength` when `length` is out of range.
    public static func expand(_ message: [UInt8], dst: [UInt8], length: Int,
                              digest: DigestAlgorithm) throws(HashToCurveError) -> [UInt8] {
        let bInBytes = digest.outputLength
        let ell = (length + bInBytes - 1) / bInBytes
        guard length > 0, length <= 65535, ell <= 255 else {
            throw HashToCurveError(.invalidLength, "expand_message_xmd cannot produce \(length) bytes with \(digest.rawValue)")
        }
        let tag = dst.count > 255 ? digest.hash(Array("H2C-OVERSIZE-DST-".utf8) + dst) : dst
        let dstPrime = tag + [UInt8(tag.count)]
        var msgPrime = [UInt8](repeating: 0, count: blockLength(digest))          // Z_pad
        msgPrime += message
        msgPrime += [UInt8(length >> 8), UInt8(length & 0xFF), 0]                  // l_i_b_str || I2OSP(0, 1)
        msgPrime += dstPrime
        let b0 = digest.hash(msgPrime)
        var bi = digest.hash(b0 + [1] + dstPrime)
        var out = bi
        out.reserveCapacity(ell * bInBytes)
        if ell >= 2 {
            for i in 2...ell {
                let mixed = zip(b0, bi).map { $0 ^ $1 }                            // strxor(b_0, b_(i-1))
                bi = digest.hash(mixed + [UInt8(i)] + dstPrime)
                out += bi
            }
        }
        return Array(out.prefix(length))
    }

    /// The hash's input block size `s_in_bytes`.
    static func blockLength(_ digest: DigestAlgorithm) -> Int {
        switch digest {
        case .sha256: return 64
        case .sha384, .sha512: return 128
        }
    }
}
