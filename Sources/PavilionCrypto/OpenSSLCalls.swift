import Foundation
internal import COpenSSL

/// Thin internal wrappers over the OpenSSL calls this module makes. Pointers
/// stay inside these functions.
enum OpenSSL {
    /// Drain OpenSSL's thread-local error queue into one line.
    static func lastError() -> String {
        var lines: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines.isEmpty ? "unknown OpenSSL error" : lines.joined(separator: "; ")
    }

    static func fail(_ call: String) -> CryptoError { CryptoError(call: call, reason: lastError()) }

    static func hmacSHA256(key: some ContiguousBytes, data: some ContiguousBytes) throws(CryptoError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                out.withUnsafeMutableBytes { o in
                    HMAC(EVP_sha256(), k.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(k.count),
                         d.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count,
                         o.baseAddress?.assumingMemoryBound(to: UInt8.self), &length) != nil
                }
            }
        }
        guard ok, length == 32 else { throw fail("HMAC") }
        return out
    }

    static func randomBytes(into buffer: inout [UInt8]) throws(CryptoError) {
        let count = buffer.count
        let ok = buffer.withUnsafeMutableBytes { b in
            RAND_bytes(b.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1
        }
        guard ok else { throw fail("RAND_bytes") }
    }

    static func constantTimeEqual(_ a: some ContiguousBytes, _ b: some ContiguousBytes) -> Bool {
        a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                x.count == y.count && (x.count == 0 || CRYPTO_memcmp(x.baseAddress, y.baseAddress, x.count) == 0)
            }
        }
    }

    static func cleanse(_ buffer: inout [UInt8]) {
        let count = buffer.count
        buffer.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, count) }
    }
}
