import Foundation
internal import COpenSSL

/// Thin internal wrappers over OpenSSL's `EVP_MAC` API for HMAC-SHA-256.
/// `EVP_MAC`, `OSSL_PARAM` and the raw buffers never leave these
/// functions; a context travels as an opaque pointer.
enum OpenSSLMAC {
    /// A new HMAC-SHA-256 context set up with `key` (`EVP_MAC_CTX_new`, `EVP_MAC_init`).
    static func hmacSHA256Context(key: SecretBytes) throws(CryptoError) -> OpaquePointer {
        guard let mac = FetchedMAC.shared.hmac, let pointer = EVP_MAC_CTX_new(mac) else { throw OpenSSL.fail("EVP_MAC_CTX_new") }
        let ok = key.withUnsafeBytes { k in
            var name = Array("SHA256".utf8CString)
            var field = Array(OSSL_MAC_PARAM_DIGEST.utf8CString)
            return name.withUnsafeMutableBufferPointer { n in
                field.withUnsafeMutableBufferPointer { f in
                    var params = [OSSL_PARAM_construct_utf8_string(f.baseAddress, n.baseAddress, 0), OSSL_PARAM_construct_end()]
                    return params.withUnsafeMutableBufferPointer { p in
                        EVP_MAC_init(pointer, k.baseAddress?.assumingMemoryBound(to: UInt8.self), k.count, p.baseAddress) == 1
                    }
                }
            }
        }
        guard ok else {
            EVP_MAC_CTX_free(pointer)
            throw OpenSSL.fail("EVP_MAC_init")
        }
        return pointer
    }

    /// The 32-byte tag of `data` with a keyed `context`, re-initialised with
    /// the key it holds (`EVP_MAC_init` with no key reuses its inner and outer states).
    /// - Returns: `nil` when OpenSSL fails (the context must then not be reused).
    static func tag(_ context: OpaquePointer, _ data: some ContiguousBytes) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 0
        let ok = data.withUnsafeBytes { d in
            out.withUnsafeMutableBufferPointer { o in
                EVP_MAC_init(context, nil, 0, nil) == 1
                    && EVP_MAC_update(context, d.baseAddress?.assumingMemoryBound(to: UInt8.self), d.count) == 1
                    && EVP_MAC_final(context, o.baseAddress, &length, 32) == 1
            }
        }
        return ok && length == 32 ? out : nil
    }

    /// Free a context (`EVP_MAC_CTX_free`).
    static func free(_ context: OpaquePointer) { EVP_MAC_CTX_free(context) }
}

/// OpenSSL's HMAC `EVP_MAC`, fetched once for the life of the process.
private struct FetchedMAC: @unchecked Sendable {
    static let shared = FetchedMAC()
    let hmac = EVP_MAC_fetch(nil, "HMAC", nil)
}
