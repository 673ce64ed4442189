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

    /// The digest of `data` (`EVP_Digest`).
    /// - Parameter data: the bytes to hash.
    /// - Returns: ``outputLength`` bytes.
    public func hash(_ data: some ContiguousBytes) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: outputLength)
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { d in
            out.withUnsafeMutableBufferPointer { o in
                EVP_Digest(d.baseAddress, d.count, o.baseAddress, &length, evp, nil) == 1
            }
        }
        // EVP_Digest with a built-in SHA-2 cannot fail for valid buffers.
        precondition(ok && Int(length) == outputLength, "EVP_Digest failed: \(OpenSSL.lastError())")
        return out
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
