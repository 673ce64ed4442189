/// Base64url without padding (RFC 4648 §5, as JOSE uses it), strict on
/// input: padding, whitespace, characters outside `A-Z a-z 0-9 - _`,
/// impossible lengths and non-zero trailing bits are all refused. The one
/// implementation every module uses (PavilionCredentials' `Base64URL` maps
/// its failures to JOSE errors).
public enum Base64URLCoding {
    /// Why text is not canonical unpadded base64url.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, for people.
        public let description: String
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// `bytes` as unpadded base64url.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            let n = UInt32(input[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of canonical unpadded base64url `text`.
    /// - Throws: ``Failure`` naming the problem.
    public static func decode(_ text: some StringProtocol) throws(Failure) -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 4 != 1 else { throw Failure(description: "base64url text of \(chars.count) characters is impossible") }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for (position, c) in chars.enumerated() {
            let v = table[Int(c)]
            guard v != 0xFF else {
                throw Failure(description: "character \(c == 0x3D ? "'=' (padding)" : "0x" + String(c, radix: 16)) at \(position) is not base64url")
            }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard buffer == 0 else { throw Failure(description: "base64url text has non-zero trailing bits") }
        return out
    }
}
