import PavilionCrypto
import PavilionPrivacy
import Synchronization

/// HMAC_DRBG with SHA-256 (NIST SP 800-90A Rev. 1, section 10.1.2), without
/// prediction resistance or reseeding: a **deterministic**, seeded
/// ``RandomBitSource`` for the statistical tests. It lives in the test
/// target so production code cannot pick it.
final class HMACDRBG: RandomBitSource {
    private struct State {
        var key = [UInt8](repeating: 0x00, count: 32)
        var value = [UInt8](repeating: 0x01, count: 32)
        var words: [UInt64] = []
        var next = 0
    }

    private let state: Mutex<State>

    /// Instantiate with `entropy || nonce || personalization` as seed material.
    init(entropy: [UInt8], nonce: [UInt8], personalization: [UInt8] = []) {
        var initial = State()
        Self.update(&initial, entropy + nonce + personalization)
        state = Mutex(initial)
    }

    /// A generator seeded from a test label, e.g. `"laplace-scale-3"`.
    convenience init(label: String) {
        let digest = SHA256.hash(Array(label.utf8))
        self.init(entropy: digest, nonce: Array(digest.prefix(16)), personalization: Array("pavilion-dp-tests".utf8))
    }

    /// The Generate function: `count` bytes, then the Update with no input.
    func generate(_ count: Int) -> [UInt8] {
        state.withLock { Self.generate(&$0, count) }
    }

    func nextUInt64() throws(DifferentialPrivacyError) -> UInt64 {
        state.withLock { s in
            if s.next == s.words.count {
                let bytes = Self.generate(&s, 1024)
                s.words = bytes.withUnsafeBytes { raw in
                    (0..<128).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
                }
                s.next = 0
            }
            defer { s.next += 1 }
            return s.words[s.next]
        }
    }

    private static func hmac(_ key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        // The HMAC of two in-memory buffers cannot fail short of OpenSSL
        // being broken; this is test code.
        try! HMACSHA256.authenticate(data, key: key)
    }

    private static func update(_ s: inout State, _ provided: [UInt8]) {
        s.key = hmac(s.key, s.value + [0x00] + provided)
        s.value = hmac(s.key, s.value)
        guard !provided.isEmpty else { return }
        s.key = hmac(s.key, s.value + [0x01] + provided)
        s.value = hmac(s.key, s.value)
    }

    private static func generate(_ s: inout State, _ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count + 32)
        while out.count < count {
            s.value = hmac(s.key, s.value)
            out += s.value
        }
        update(&s, [])
        return Array(out.prefix(count))
    }
}
