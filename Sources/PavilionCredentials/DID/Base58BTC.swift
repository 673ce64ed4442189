/// Base58 with the Bitcoin alphabet, and the multibase form that prefixes
/// it with `z` (draft-multiformats-multibase), as did:key and Data Integrity
/// `proofValue` use it.
public enum Base58BTC {
    private static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// `bytes` in base58btc; each leading zero byte becomes a `1`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        let zeros = input.prefix { $0 == 0 }.count
        var digits: [UInt8] = []  // base 58, least significant first
        digits.reserveCapacity(input.count * 138 / 100 + 1)
        for byte in input[zeros...] {
            var carry = Int(byte)
            for i in digits.indices {
                carry += Int(digits[i]) << 8
                digits[i] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of base58btc `text`.
    /// - Parameter text: base58btc characters only.
    /// - Returns: the decoded bytes.
    /// - Throws: ``DIDError`` `invalidEncoding` for a character outside the alphabet.
    public static func decode(_ text: some StringProtocol) throws(DIDError) -> [UInt8] {
        let chars = Array(text.utf8)
        let zeros = chars.prefix { $0 == alphabet[0] }.count
        var bytes: [UInt8] = []  // base 256, least significant first
        bytes.reserveCapacity(chars.count * 733 / 1000 + 1)
        for c in chars[zeros...] {
            let value = table[Int(c)]
            guard value != 0xFF else { throw DIDError(.invalidEncoding, "character 0x\(String(c, radix: 16)) is not base58btc") }
            var carry = Int(value)
            for i in bytes.indices {
                carry += Int(bytes[i]) * 58
                bytes[i] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }

    /// `bytes` as a multibase base58btc string: `z` and the base58btc text.
    public static func multibase(_ bytes: some Collection<UInt8>) -> String { "z" + encode(bytes) }

    /// The bytes of a multibase base58btc string.
    /// - Parameter text: `z` followed by base58btc.
    /// - Returns: the decoded bytes.
    /// - Throws: ``DIDError`` `invalidEncoding` for another multibase prefix or a bad character.
    public static func decodeMultibase(_ text: some StringProtocol) throws(DIDError) -> [UInt8] {
        guard let first = text.first else { throw DIDError(.invalidEncoding, "an empty multibase string") }
        guard first == "z" else {
            throw DIDError(.invalidEncoding, "multibase prefix \"\(first)\" is not z (base58btc), the only one accepted")
        }
        return try decode(text.dropFirst())
    }
}
