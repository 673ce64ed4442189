import Foundation
internal import COpenSSL

/// Thin internal wrappers over OpenSSL's certificate verifier
/// (`X509_STORE`, `X509_STORE_CTX`, `X509_verify_cert`) and DER coding of
/// certificates. `X509` handles cross this file as `OpaquePointer`s owned by
/// ``CertificateHandle``.
enum OpenSSLX509Validation {
    /// What `X509_verify_cert` reported on failure.
    struct Failure: Error {
        var code: Int32
        var depth: Int
        var message: String
        var subject: String?
        /// The certificate at fault says CA:TRUE but its keyUsage lacks keyCertSign
        /// (OpenSSL reports that as an invalid CA).
        var caWithoutCertSign = false
    }

    /// The certificate in DER `bytes` (`d2i_X509`); nothing may follow it.
    static func readDER(_ bytes: [UInt8]) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        var consumed = 0
        let cert: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            let parsed = d2i_X509(nil, &cursor, buffer.count)
            consumed = cursor.map { $0 - base } ?? 0
            return parsed
        }
        guard let cert else { throw OpenSSL.fail("d2i_X509") }
        guard consumed == bytes.count else {
            X509_free(cert)
            throw CryptoError(call: "d2i_X509", reason: "\(bytes.count - consumed) bytes follow the certificate")
        }
        return cert
    }

    /// The certificate as DER (`i2d_X509`).
    static func derBytes(_ cert: OpaquePointer) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        let length = i2d_X509(cert, nil)
        guard length > 0 else { throw OpenSSL.fail("i2d_X509") }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_X509(cert, &cursor)
        }
        guard written == length else { throw OpenSSL.fail("i2d_X509") }
        return out
    }

    /// The certificate's public key as DER SubjectPublicKeyInfo.
    static func subjectPublicKeyInfo(_ cert: OpaquePointer) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        guard let key = X509_get0_pubkey(cert) else { throw OpenSSL.fail("X509_get0_pubkey") }
        return try OpenSSLKey.subjectPublicKeyInfo(key)
    }

    /// The subject (or issuer) name in RFC 2253 form.
    static func name(_ cert: OpaquePointer, issuer: Bool) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        let name = issuer ? X509_get_issuer_name(cert) : X509_get_subject_name(cert)
        guard pv_X509_NAME_print_rfc2253(bio, name) >= 0 else { return "" }
        var out: [UInt8] = []
        OpenSSLTLS.bioDrain(bio, appendingTo: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Build a chain from `leaf` through `intermediates` to one of
    /// `anchors` and verify it (`X509_STORE_add_cert`, `X509_STORE_CTX_init`,
    /// `X509_VERIFY_PARAM_set_time`, `X509_STORE_CTX_set_purpose`,
    /// `X509_verify_cert`, `X509_STORE_CTX_get1_chain`).
    /// - Returns: the verified chain, leaf first, each certificate up-referenced (the caller owns them).
    static func verify(leaf: OpaquePointer, intermediates: [OpaquePointer], anchors: [OpaquePointer],
                       time: Date?, purpose: Int32?) throws(Failure) -> [OpaquePointer] {
        ERR_clear_error()
        func setupFailure(_ call: String) -> Failure { Failure(code: -1, depth: -1, message: "\(call): \(OpenSSL.lastError())") }
        guard let store = X509_STORE_new() else { throw setupFailure("X509_STORE_new") }
        defer { X509_STORE_free(store) }
        for anchor in anchors where X509_STORE_add_cert(store, anchor) != 1 {
            throw setupFailure("X509_STORE_add_cert")
        }
        guard let untrusted = OPENSSL_sk_new_null() else { throw setupFailure("OPENSSL_sk_new_null") }
        defer { OPENSSL_sk_free(untrusted) }  // the certificates stay owned by their handles
        for cert in intermediates where OPENSSL_sk_push(untrusted, UnsafeRawPointer(cert)) <= 0 {
            throw setupFailure("OPENSSL_sk_push")
        }
        guard let ctx = X509_STORE_CTX_new() else { throw setupFailure("X509_STORE_CTX_new") }
        defer { X509_STORE_CTX_free(ctx) }
        guard X509_STORE_CTX_init(ctx, store, leaf, untrusted) == 1 else { throw setupFailure("X509_STORE_CTX_init") }
        if let time, let param = X509_STORE_CTX_get0_param(ctx) {
            X509_VERIFY_PARAM_set_time(param, time_t(time.timeIntervalSince1970.rounded(.down)))
        }
        if let purpose, X509_STORE_CTX_set_purpose(ctx, purpose) != 1 { throw setupFailure("X509_STORE_CTX_set_purpose") }
        guard X509_verify_cert(ctx) == 1 else {
            let code = X509_STORE_CTX_get_error(ctx)
            let message = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
            let current = X509_STORE_CTX_get_current_cert(ctx)
            var failure = Failure(code: code, depth: Int(X509_STORE_CTX_get_error_depth(ctx)), message: message,
                                  subject: current.map { name($0, issuer: false) })
            if let current {
                // X509_get_key_usage answers UINT32_MAX when there is no keyUsage extension.
                let usage = X509_get_key_usage(current)
                let isCA = X509_get_extension_flags(current) & UInt32(EXFLAG_CA) != 0
                failure.caWithoutCertSign = isCA && usage != UInt32.max && usage & UInt32(KU_KEY_CERT_SIGN) == 0
            }
            throw failure
        }
        guard let chain = X509_STORE_CTX_get1_chain(ctx) else { throw setupFailure("X509_STORE_CTX_get1_chain") }
        defer { OPENSSL_sk_free(chain) }  // the references it took now belong to the caller
        return (0..<OPENSSL_sk_num(chain)).compactMap { OPENSSL_sk_value(chain, $0).map { OpaquePointer($0) } }
    }

    static let purposeSSLServer = X509_PURPOSE_SSL_SERVER
    static let purposeSSLClient = X509_PURPOSE_SSL_CLIENT
    static let purposeAny = X509_PURPOSE_ANY

    static let errorExpired = X509_V_ERR_CERT_HAS_EXPIRED
    static let errorNotYetValid = X509_V_ERR_CERT_NOT_YET_VALID
    static let errorsUntrusted: Set<Int32> = [X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
                                             X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
                                             X509_V_ERR_CERT_UNTRUSTED, X509_V_ERR_CERT_REJECTED,
                                             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE]
    static let errorsSignature: Set<Int32> = [X509_V_ERR_CERT_SIGNATURE_FAILURE, X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE,
                                             X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY]
    static let errorInvalidCA = X509_V_ERR_INVALID_CA
    static let errorKeyUsage = X509_V_ERR_KEYUSAGE_NO_CERTSIGN
    static let errorInvalidPurpose = X509_V_ERR_INVALID_PURPOSE
    static let errorPathLength = X509_V_ERR_PATH_LENGTH_EXCEEDED
    static let errorsNameChaining: Set<Int32> = [X509_V_ERR_SUBJECT_ISSUER_MISMATCH, X509_V_ERR_AKID_SKID_MISMATCH,
                                                X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH]
}
