internal import COpenSSL

/// The SHA-2 hash functions signatures and KDFs are used with.
public enum DigestAlgorithm: String, Sendable, Hashable, CaseIterable {
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"

    /// The digest length in bytes.
    public var outputLength: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// The digest of `data` (one-shot `SHA256`, `SHA384`, `SHA512`).
    /// - Parameter data: the bytes to hash.
    /// - Returns: ``outputLength`` bytes.
    public func hash(_ data: some ContiguousBytes) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: outputLength) { buffer, count in
            data.withUnsafeBytes { hash($0, into: UnsafeMutableRawBufferPointer(buffer)) }
            count = outputLength
        }
    }

    /// Writes the digest of `input` to the first ``outputLength`` bytes of
    /// `output`, with the algorithm's `EVP_MD` fetched once per process.
    /// (OpenSSL 3's one-shot `SHA256()` is `EVP_Q_digest`, which fetches
    /// the algorithm from the provider on every call: about 280 ns of a
    /// 380 ns digest of 100 bytes here, and a verification takes several.)
    /// - Precondition: `output` holds at least ``outputLength`` bytes.
    func hash(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= outputLength, "a \(rawValue) digest needs \(outputLength) bytes, got \(output.count)")
        let data = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let md = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        if let fetched = FetchedDigests.shared.md(self) {
            var length: UInt32 = 0
            if EVP_Digest(input.baseAddress, input.count, md, &length, fetched, nil) == 1, Int(length) == outputLength { return }
            ERR_clear_error()  // leave nothing on the queue for a later, unrelated error report
        }
        // No fetched algorithm, or out of memory: the one-shot functions,
        // which cannot fail and each return `md`.
        switch self {
        case .sha256: _ = COpenSSL.SHA256(data, input.count, md)
        case .sha384: _ = SHA384(data, input.count, md)
        case .sha512: _ = SHA512(data, input.count, md)
        }
    }

    /// OpenSSL's `EVP_MD` for this function: the one fetched once, else the built-in one.
    var evp: OpaquePointer? {
        if let fetched = FetchedDigests.shared.md(self) { return fetched }
        switch self {
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }
}

import Foundation

/// The SHA-2 `EVP_MD`s fetched once from the default provider and kept for
/// the life of the process (an `EVP_MD` is immutable and safe to share
/// between threads once fetched).
private struct FetchedDigests: @unchecked Sendable {
    static let shared = FetchedDigests()
    private let sha256 = EVP_MD_fetch(nil, "SHA256", nil)
    private let sha384 = EVP_MD_fetch(nil, "SHA384", nil)
    private let sha512 = EVP_MD_fetch(nil, "SHA512", nil)

    func md(_ algorithm: DigestAlgorithm) -> OpaquePointer? {
        switch algorithm {
        case .sha256: return sha256
        case .sha384: return sha384
        case .sha512: return sha512
        }
    }
}
