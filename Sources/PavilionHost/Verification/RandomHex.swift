import PavilionCrypto
import Synchronization

/// Random lowercase hex for identifiers that are not secrets (request ids,
/// trace and span ids), drawn from a buffer that ``SecureRandom`` refills
/// 512 bytes at a time: one OpenSSL call per ~40 requests instead of two or
/// three per request.
enum RandomHex {
    private static let pool = Mutex(Pool())

    private struct Pool {
        var bytes: [UInt8] = []
        var next = 0
    }

    /// `count` random bytes as 2 × `count` lowercase hex digits, or `nil`
    /// when the CSPRNG fails or `count` is over 64.
    static func make(bytes count: Int) -> String? {
        guard count > 0, count <= 64 else { return nil }
        return pool.withLock { pool -> String? in
            if pool.next + count > pool.bytes.count {
                guard let fresh = try? SecureRandom.bytes(512) else { return nil }
                pool.bytes = fresh
                pool.next = 0
            }
            defer { pool.next += count }
            return encode(pool.bytes[pool.next..<(pool.next + count)])
        }
    }

    /// Lowercase hex of `bytes`, written straight into the string's storage.
    static func encode(_ bytes: ArraySlice<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            var i = 0
            for byte in bytes {
                buffer[i] = digit(byte >> 4)
                buffer[i + 1] = digit(byte & 0x0F)
                i += 2
            }
            return i
        }
    }

    private static func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
}
