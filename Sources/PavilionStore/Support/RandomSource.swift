import PavilionCrypto

/// ``SecureRandom`` with its failure mapped to a ``StoreError``.
enum RandomSource {
    static func bytes(_ count: Int) throws(StoreError) -> [UInt8] {
        do { return try SecureRandom.bytes(count) } catch {
            throw StoreError(.crypto, "no random bytes: \(error.reason)", call: error.call)
        }
    }
}
