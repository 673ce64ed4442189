import Foundation
internal import COpenSSL

/// Thin internal wrappers over OpenSSL's `EVP_KDF` API. `EVP_KDF`,
/// `EVP_KDF_CTX` and `OSSL_PARAM` never leave these functions.
enum OpenSSLKDF {
    /// One KDF input: a UTF-8 or an octet-string parameter.
    enum Parameter {
        case utf8(String, String)
        case octets(String, [UInt8])
    }

    /// `length` bytes from the KDF named `name` ("HKDF", "SSKDF") with
    /// `parameters` (`EVP_KDF_fetch`, `EVP_KDF_CTX_new`, `EVP_KDF_derive`).
    /// Copies of the inputs are cleansed.
    static func derive(_ name: String, length: Int, parameters: [Parameter]) throws(CryptoError) -> SecretBytes {
        ERR_clear_error()
        guard let kdf = EVP_KDF_fetch(nil, name, nil) else { throw OpenSSL.fail("EVP_KDF_fetch(\(name))") }
        defer { EVP_KDF_free(kdf) }
        guard let ctx = EVP_KDF_CTX_new(kdf) else { throw OpenSSL.fail("EVP_KDF_CTX_new") }
        defer { EVP_KDF_CTX_free(ctx) }
        // OSSL_PARAM points at its buffers, so they live in memory we own
        // until the derivation is done.
        var owned: [UnsafeMutableRawBufferPointer] = []
        defer {
            for buffer in owned {
                OPENSSL_cleanse(buffer.baseAddress, buffer.count)
                buffer.deallocate()
            }
        }
        func keep(_ bytes: [UInt8], terminate: Bool) -> UnsafeMutableRawBufferPointer {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count + (terminate ? 1 : 0)), alignment: 1)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress, source.count > 0 { buffer.baseAddress?.copyMemory(from: base, byteCount: source.count) }
            }
            owned.append(buffer)
            return buffer
        }
        var params: [OSSL_PARAM] = []
        for parameter in parameters {
            switch parameter {
            case .utf8(let key, let value):
                let k = keep(Array(key.utf8), terminate: true)
                let v = keep(Array(value.utf8), terminate: true)
                params.append(OSSL_PARAM_construct_utf8_string(k.baseAddress?.assumingMemoryBound(to: CChar.self),
                                                               v.baseAddress?.assumingMemoryBound(to: CChar.self), 0))
            case .octets(let key, let value):
                let k = keep(Array(key.utf8), terminate: true)
                let v = keep(value, terminate: false)
                params.append(OSSL_PARAM_construct_octet_string(k.baseAddress?.assumingMemoryBound(to: CChar.self),
                                                                v.baseAddress, value.count))
            }
        }
        params.append(OSSL_PARAM_construct_end())
        var out = [UInt8](repeating: 0, count: length)
        let ok = params.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                EVP_KDF_derive(ctx, o.baseAddress, o.count, p.baseAddress) == 1
            }
        }
        guard ok else {
            OpenSSL.cleanse(&out)
            throw OpenSSL.fail("EVP_KDF_derive(\(name))")
        }
        return SecretBytes(consuming: &out)
    }
}
