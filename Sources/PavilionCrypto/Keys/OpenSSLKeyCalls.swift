import Foundation
internal import COpenSSL

/// Thin internal wrappers over the generic `EVP_PKEY` calls behind EC and RSA
/// keys: building keys from parameters, reading parameters back, DER and PEM
/// encodings, digest signing and verification, and key agreement. `EVP_PKEY`
/// handles cross this file only as `OpaquePointer`s owned by ``EVPKey``.
enum OpenSSLKey {
    static func fail(_ call: String) -> CryptoError { OpenSSL.fail(call) }

    /// One parameter for ``fromData(algorithm:selection:parameters:)``.
    enum Parameter {
        case utf8(String, String)
        case octets(String, [UInt8])
        /// A big-endian unsigned integer; `secret` ones go through a secure
        /// `BIGNUM` and are cleansed.
        case bigNumber(String, [UInt8], secret: Bool)
    }

    /// Which parts of a key ``fromData(algorithm:selection:parameters:)`` builds.
    enum Selection {
        case publicKey, keyPair

        var value: Int32 {
            switch self {
            case .publicKey: return pv_EVP_PKEY_PUBLIC_KEY()
            case .keyPair: return pv_EVP_PKEY_KEYPAIR()
            }
        }
    }

    /// A key of `algorithm` ("EC", "RSA") from `parameters`
    /// (`OSSL_PARAM_BLD_*`, `EVP_PKEY_fromdata_init`, `EVP_PKEY_fromdata`).
    static func fromData(algorithm: String, selection: Selection,
                         parameters: [Parameter]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let builder = OSSL_PARAM_BLD_new() else { throw fail("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        var numbers: [OpaquePointer] = []
        defer { for bn in numbers { BN_clear_free(bn) } }
        // The builder keeps pointers to names and octet buffers until
        // `OSSL_PARAM_BLD_to_param`, so they are copied into memory we own.
        var owned: [UnsafeMutableRawBufferPointer] = []
        defer {
            for buffer in owned {
                OPENSSL_cleanse(buffer.baseAddress, buffer.count)
                buffer.deallocate()
            }
        }
        func keep(_ bytes: [UInt8], terminate: Bool) -> UnsafeMutableRawBufferPointer {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count + (terminate ? 1 : 0), alignment: 1)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress, source.count > 0 { buffer.baseAddress?.copyMemory(from: base, byteCount: source.count) }
            }
            owned.append(buffer)
            return buffer
        }
        func name(_ text: String) -> UnsafePointer<CChar>? {
            keep(Array(text.utf8), terminate: true).baseAddress.map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
        }
        for parameter in parameters {
            switch parameter {
            case .utf8(let key, let value):
                let buffer = keep(Array(value.utf8), terminate: true)
                guard OSSL_PARAM_BLD_push_utf8_string(builder, name(key),
                                                      buffer.baseAddress?.assumingMemoryBound(to: CChar.self), 0) == 1 else {
                    throw fail("OSSL_PARAM_BLD_push_utf8_string")
                }
            case .octets(let key, let value):
                let buffer = keep(value, terminate: false)
                guard OSSL_PARAM_BLD_push_octet_string(builder, name(key), buffer.baseAddress, value.count) == 1 else {
                    throw fail("OSSL_PARAM_BLD_push_octet_string")
                }
            case .bigNumber(let key, let value, let secret):
                guard let bn = secret ? BN_secure_new() : BN_new() else { throw fail("BN_new") }
                numbers.append(bn)
                let ok = value.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(clamping: $0.count), bn) != nil }
                guard ok else { throw fail("BN_bin2bn") }
                guard OSSL_PARAM_BLD_push_BN(builder, name(key), bn) == 1 else { throw fail("OSSL_PARAM_BLD_push_BN") }
            }
        }
        guard let params = OSSL_PARAM_BLD_to_param(builder) else { throw fail("OSSL_PARAM_BLD_to_param") }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else { throw fail("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_fromdata_init(ctx) == 1 else { throw fail("EVP_PKEY_fromdata_init") }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata(ctx, &key, selection.value, params) == 1, let key else { throw fail("EVP_PKEY_fromdata") }
        return key
    }

    /// A fresh key: EC on `group` (`EVP_PKEY_CTX_set_group_name`) or RSA of
    /// `bits` (`EVP_PKEY_CTX_set_rsa_keygen_bits`), through `EVP_PKEY_generate`.
    static func generate(algorithm: String, group: String? = nil, bits: Int32? = nil) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else { throw fail("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw fail("EVP_PKEY_keygen_init") }
        if let group {
            guard EVP_PKEY_CTX_set_group_name(ctx, group) == 1 else { throw fail("EVP_PKEY_CTX_set_group_name") }
        }
        if let bits {
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) == 1 else { throw fail("EVP_PKEY_CTX_set_rsa_keygen_bits") }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw fail("EVP_PKEY_generate") }
        return key
    }

    static func free(_ key: OpaquePointer) { EVP_PKEY_free(key) }

    /// The key's type name, e.g. "EC" or "RSA" (`EVP_PKEY_get0_type_name`).
    static func typeName(_ key: OpaquePointer) -> String {
        EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
    }

    /// The key's size in bits (`EVP_PKEY_get_bits`).
    static func bits(_ key: OpaquePointer) -> Int { Int(EVP_PKEY_get_bits(key)) }

    /// A UTF-8 parameter such as the EC group name (`EVP_PKEY_get_utf8_string_param`).
    static func utf8Parameter(_ key: OpaquePointer, _ name: String) throws(CryptoError) -> String {
        var buffer = [CChar](repeating: 0, count: 80)
        var length = 0
        let ok = buffer.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_utf8_string_param(key, name, $0.baseAddress, $0.count, &length) == 1
        }
        guard ok else { throw fail("EVP_PKEY_get_utf8_string_param(\(name))") }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// An octet-string parameter such as the encoded EC point
    /// (`EVP_PKEY_get_octet_string_param`).
    static func octetParameter(_ key: OpaquePointer, _ name: String) throws(CryptoError) -> [UInt8] {
        var length = 0
        guard EVP_PKEY_get_octet_string_param(key, name, nil, 0, &length) == 1 else {
            throw fail("EVP_PKEY_get_octet_string_param(\(name))")
        }
        var out = [UInt8](repeating: 0, count: length)
        let ok = out.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_octet_string_param(key, name, $0.baseAddress, $0.count, &length) == 1
        }
        guard ok else { throw fail("EVP_PKEY_get_octet_string_param(\(name))") }
        return Array(out.prefix(length))
    }

    /// A big-number parameter as big-endian bytes, left-padded to `width`
    /// when given (`EVP_PKEY_get_bn_param`, `BN_bn2binpad`). Secret values
    /// are cleared from the `BIGNUM` on the way out.
    static func bigNumberParameter(_ key: OpaquePointer, _ name: String, width: Int? = nil) throws(CryptoError) -> [UInt8] {
        var bn: OpaquePointer?
        guard EVP_PKEY_get_bn_param(key, name, &bn) == 1, let bn else { throw fail("EVP_PKEY_get_bn_param(\(name))") }
        defer { BN_clear_free(bn) }
        let natural = Int((BN_num_bits(bn) + 7) / 8)
        let size = width ?? natural
        guard natural <= size else { throw CryptoError(call: "BN_bn2binpad", reason: "\(name) is wider than \(size) bytes") }
        var out = [UInt8](repeating: 0, count: size)
        let written = out.withUnsafeMutableBufferPointer { BN_bn2binpad(bn, $0.baseAddress, Int32(size)) }
        guard written == size else { throw fail("BN_bn2binpad") }
        return out
    }

    // MARK: Encodings

    /// The public key as DER SubjectPublicKeyInfo (`i2d_PUBKEY`).
    static func subjectPublicKeyInfo(_ key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &out)
        guard length > 0, let out else { throw fail("i2d_PUBKEY") }
        defer { pv_OPENSSL_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// A public key from DER SubjectPublicKeyInfo (`d2i_PUBKEY`); trailing bytes are refused.
    static func readSubjectPublicKeyInfo(_ der: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let result: (OpaquePointer?, Int) = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let key = d2i_PUBKEY(nil, &cursor, buffer.count)
            let used = cursor.map { $0 - (buffer.baseAddress ?? $0) } ?? 0
            return (key, used)
        }
        guard let key = result.0 else { throw fail("d2i_PUBKEY") }
        guard result.1 == der.count else {
            EVP_PKEY_free(key)
            throw CryptoError(call: "d2i_PUBKEY", reason: "\(der.count - result.1) trailing bytes after the key")
        }
        return key
    }

    /// The private key as DER PKCS#8 PrivateKeyInfo (`EVP_PKEY2PKCS8`,
    /// `i2d_PKCS8_PRIV_KEY_INFO`). The caller wipes the result.
    static func pkcs8(_ key: OpaquePointer) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        guard let info = EVP_PKEY2PKCS8(key) else { throw fail("EVP_PKEY2PKCS8") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_PKCS8_PRIV_KEY_INFO(info, &out)
        guard length > 0, let out else { throw fail("i2d_PKCS8_PRIV_KEY_INFO") }
        defer {
            OPENSSL_cleanse(out, Int(length))
            pv_OPENSSL_free(out)
        }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// A private key from DER PKCS#8 (`d2i_PKCS8_PRIV_KEY_INFO`, `EVP_PKCS82PKEY`).
    static func readPKCS8(_ der: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let result: (OpaquePointer?, Int) = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, buffer.count)
            let used = cursor.map { $0 - (buffer.baseAddress ?? $0) } ?? 0
            return (info, used)
        }
        guard let info = result.0 else { throw fail("d2i_PKCS8_PRIV_KEY_INFO") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        guard result.1 == der.count else {
            throw CryptoError(call: "d2i_PKCS8_PRIV_KEY_INFO", reason: "\(der.count - result.1) trailing bytes after the key")
        }
        guard let key = EVP_PKCS82PKEY(info) else { throw fail("EVP_PKCS82PKEY") }
        return key
    }

    /// PEM armour around `der` with `label` (`PEM_write_bio`), through a
    /// secure-memory BIO. The caller wipes private results.
    static func pem(label: String, der: [UInt8]) throws(CryptoError) -> String {
        ERR_clear_error()
        guard let bio = BIO_new(BIO_s_secmem()) else { throw fail("BIO_new") }
        defer { BIO_free(bio) }
        let ok = der.withUnsafeBufferPointer { PEM_write_bio(bio, label, "", $0.baseAddress, $0.count) > 0 }
        guard ok else { throw fail("PEM_write_bio") }
        var bytes: [UInt8] = []
        OpenSSLTLS.bioDrain(bio, appendingTo: &bytes)
        defer { OpenSSL.cleanse(&bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The DER inside the first PEM block labelled `label` (`PEM_bytes_read_bio`).
    static func readPEM(label: String, pem: String) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        var text = Array(pem.utf8)
        defer { OpenSSL.cleanse(&text) }
        var data: UnsafeMutablePointer<UInt8>?
        var length = 0
        let ok = text.withUnsafeBytes { buffer -> Bool in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(clamping: buffer.count)) else { return false }
            defer { BIO_free(bio) }
            return PEM_bytes_read_bio(&data, &length, nil, label, bio, { _, _, _, _ in 0 }, nil) == 1
        }
        guard ok, let data else { throw fail("PEM_bytes_read_bio(\(label))") }
        defer {
            OPENSSL_cleanse(data, length)
            pv_OPENSSL_free(data)
        }
        return Array(UnsafeBufferPointer(start: data, count: length))
    }

    // MARK: Checks

    /// Whether the public part is a valid key, e.g. an EC point on its
    /// curve and not at infinity (`EVP_PKEY_public_check`).
    static func checkPublic(_ key: OpaquePointer) throws(CryptoError) {
        ERR_clear_error()
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw fail("EVP_PKEY_CTX_new_from_pkey") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_public_check(ctx) == 1 else { throw fail("EVP_PKEY_public_check") }
    }

    /// Whether the key pair is consistent (`EVP_PKEY_pairwise_check`).
    static func checkPair(_ key: OpaquePointer) throws(CryptoError) {
        ERR_clear_error()
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw fail("EVP_PKEY_CTX_new_from_pkey") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_pairwise_check(ctx) == 1 else { throw fail("EVP_PKEY_pairwise_check") }
    }

    // MARK: Signatures

    /// RSA padding for ``sign(key:digest:padding:message:)`` and ``verify``.
    enum RSAPadding {
        case none, pkcs1, pss
    }

    private static func configure(_ pctx: OpaquePointer?, digest: DigestAlgorithm, padding: RSAPadding) throws(CryptoError) {
        switch padding {
        case .none, .pkcs1:
            if padding == .pkcs1 {
                guard EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 else { throw fail("EVP_PKEY_CTX_set_rsa_padding") }
            }
        case .pss:
            guard EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 else { throw fail("EVP_PKEY_CTX_set_rsa_padding") }
            guard EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest.evp) == 1 else { throw fail("EVP_PKEY_CTX_set_rsa_mgf1_md") }
            // Salt length equal to the hash length (RFC 7518 §3.5).
            guard EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 else {
                throw fail("EVP_PKEY_CTX_set_rsa_pss_saltlen")
            }
        }
    }

    /// A signature of `message` hashed with `digest` (`EVP_DigestSignInit`,
    /// `EVP_DigestSign`): DER for ECDSA, the raw block for RSA.
    static func sign(key: OpaquePointer, digest: DigestAlgorithm, padding: RSAPadding,
                     message: some ContiguousBytes) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        guard let ctx = EVP_MD_CTX_new() else { throw fail("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestSignInit(ctx, &pctx, digest.evp, nil, key) == 1 else { throw fail("EVP_DigestSignInit") }
        try configure(pctx, digest: digest, padding: padding)
        var length = 0
        let sized = message.withUnsafeBytes { m in
            EVP_DigestSign(ctx, nil, &length, m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count) == 1
        }
        guard sized else { throw fail("EVP_DigestSign") }
        var signature = [UInt8](repeating: 0, count: length)
        let ok = message.withUnsafeBytes { m in
            signature.withUnsafeMutableBufferPointer { s in
                EVP_DigestSign(ctx, s.baseAddress, &length, m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count) == 1
            }
        }
        guard ok else { throw fail("EVP_DigestSign") }
        return Array(signature.prefix(length))
    }

    /// A context that signs precomputed digests with `key`, set up once for
    /// many `EVP_PKEY_sign` calls (`EVP_PKEY_CTX_new_from_pkey`,
    /// `EVP_PKEY_sign_init`): the provider's implementation is fetched here,
    /// not per signature. Free it with ``freeContext(_:)``; one thread at a time.
    static func signingContext(_ key: OpaquePointer) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw fail("EVP_PKEY_CTX_new_from_pkey") }
        guard EVP_PKEY_sign_init(ctx) == 1 else {
            EVP_PKEY_CTX_free(ctx)
            throw fail("EVP_PKEY_sign_init")
        }
        return ctx
    }

    static func freeContext(_ ctx: OpaquePointer) { EVP_PKEY_CTX_free(ctx) }

    /// Signs the precomputed `digest` with a context from
    /// ``signingContext(_:)`` into `signature` (`EVP_PKEY_sign`; DER for
    /// ECDSA, which needs `ECDSA_size` bytes of room).
    /// - Returns: the number of bytes written.
    static func sign(context: OpaquePointer, digest: UnsafeRawBufferPointer,
                     into signature: UnsafeMutableRawBufferPointer) throws(CryptoError) -> Int {
        var length = signature.count
        let ok = EVP_PKEY_sign(context, signature.baseAddress?.assumingMemoryBound(to: UInt8.self), &length,
                               digest.baseAddress?.assumingMemoryBound(to: UInt8.self), digest.count) == 1
        guard ok, length <= signature.count else {
            throw fail("EVP_PKEY_sign")
        }
        return length
    }

    /// Whether `signature` is valid for `message` (`EVP_DigestVerifyInit`,
    /// `EVP_DigestVerify`). A bad signature is `false`; a failure of OpenSSL
    /// to set up throws.
    static func verify(key: OpaquePointer, digest: DigestAlgorithm, padding: RSAPadding,
                       signature: some ContiguousBytes, message: some ContiguousBytes) throws(CryptoError) -> Bool {
        ERR_clear_error()
        guard let ctx = EVP_MD_CTX_new() else { throw fail("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        var pctx: OpaquePointer?
        guard EVP_DigestVerifyInit(ctx, &pctx, digest.evp, nil, key) == 1 else { throw fail("EVP_DigestVerifyInit") }
        try configure(pctx, digest: digest, padding: padding)
        let result = signature.withUnsafeBytes { s in
            message.withUnsafeBytes { m in
                EVP_DigestVerify(ctx, s.baseAddress?.assumingMemoryBound(to: UInt8.self), s.count,
                                 m.baseAddress?.assumingMemoryBound(to: UInt8.self), m.count)
            }
        }
        if result != 1 { ERR_clear_error() }
        return result == 1
    }

    // MARK: Key agreement

    /// The raw shared secret of `key` and `peer` (`EVP_PKEY_derive_init`,
    /// `EVP_PKEY_derive_set_peer`, `EVP_PKEY_derive`); for EC, the
    /// x-coordinate of the shared point.
    static func derive(key: OpaquePointer, peer: OpaquePointer) throws(CryptoError) -> SecretBytes {
        ERR_clear_error()
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw fail("EVP_PKEY_CTX_new_from_pkey") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_derive_init(ctx) == 1 else { throw fail("EVP_PKEY_derive_init") }
        guard EVP_PKEY_derive_set_peer(ctx, peer) == 1 else { throw fail("EVP_PKEY_derive_set_peer") }
        var length = 0
        guard EVP_PKEY_derive(ctx, nil, &length) == 1 else { throw fail("EVP_PKEY_derive") }
        var secret = [UInt8](repeating: 0, count: length)
        let ok = secret.withUnsafeMutableBufferPointer { EVP_PKEY_derive(ctx, $0.baseAddress, &length) == 1 }
        guard ok, length == secret.count else {
            OpenSSL.cleanse(&secret)
            throw fail("EVP_PKEY_derive")
        }
        return SecretBytes(consuming: &secret)
    }
}
