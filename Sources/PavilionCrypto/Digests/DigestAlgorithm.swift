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
    /// `output` with OpenSSL's one-shot `SHA256`, `SHA384` or `SHA512`: no
    /// `EVP_MD_CTX`, no provider fetch (`EVP_Digest` fetches the algorithm
    /// on every call), nothing allocated.
    /// - Precondition: `output` holds at least ``outputLength`` bytes.
    func hash(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= outputLength, "a \(rawValue) digest needs \(outputLength) bytes, got \(output.count)")
        let data = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let md = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        // The one-shot functions cannot fail; each returns `md`.
        switch self {
        case .sha256: _ = COpenSSL.SHA256(data, input.count, md)
        case .sha384: _ = SHA384(data, input.count, md)
        case .sha512: _ = SHA512(data, input.count, md)
        }
    }

    /// OpenSSL's `EVP_MD` for this function.
    var evp: OpaquePointer? {
        switch self {
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }
}

import Foundation
