import PavilionCrypto
import Synchronization

/// The production ``RandomBitSource``: OpenSSL's CSPRNG (`RAND_bytes`
/// through ``SecureRandom``), read 4 KiB at a time into a buffer.
///
/// Words are wiped from the buffer as they are handed out, and the rest is
/// wiped on `deinit`, so noise already added to a released statistic cannot
/// be recovered from memory. Thread-safe: draws are serialised by a mutex.
public final class SecureRandomBitSource: RandomBitSource {
    private static let bufferBytes = 4096

    private struct Buffer {
        var words: [UInt64] = []
        var next = 0
    }

    private let buffer = Mutex(Buffer())

    /// A source with an empty buffer; the first draw fills it.
    public init() {}

    deinit {
        buffer.withLock { state in
            for i in state.words.indices { state.words[i] = 0 }
        }
    }

    /// 64 bits from the buffer, refilling it from `RAND_bytes` when empty.
    /// - Throws: ``DifferentialPrivacyError/Code/cryptoFailure`` when
    ///   OpenSSL's CSPRNG fails.
    public func nextUInt64() throws(DifferentialPrivacyError) -> UInt64 {
        try buffer.withLock { (state: inout Buffer) throws(DifferentialPrivacyError) -> UInt64 in
            if state.next == state.words.count {
                var bytes: [UInt8]
                do throws(CryptoError) { bytes = try SecureRandom.bytes(Self.bufferBytes) } catch {
                    throw DifferentialPrivacyError(.cryptoFailure, error.description)
                }
                state.words = bytes.withUnsafeBytes { raw in
                    (0..<(Self.bufferBytes / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self) }
                }
                ConstantTime.wipe(&bytes)
                state.next = 0
            }
            let word = state.words[state.next]
            state.words[state.next] = 0
            state.next += 1
            return word
        }
    }
}
