import Foundation
internal import COpenSSL

/// Thin internal wrappers over the OpenSSL calls behind X.509 issuance:
/// EC key generation, PEM encoding and decoding, certificate fields,
/// extensions and signing. `EVP_PKEY` and `X509` handles cross this file only
/// as `OpaquePointer`s owned by ``X509Key`` and ``X509Certificate``.
enum OpenSSLX509 {
    static func fail(_ call: String) -> CryptoError { OpenSSL.fail(call) }

    // MARK: Keys

    /// A fresh EC P-256 key (`EVP_PKEY_CTX_new_from_name` "EC",
    /// `EVP_PKEY_CTX_set_group_name` "P-256", `EVP_PKEY_generate`).
    static func generateP256() throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw fail("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw fail("EVP_PKEY_keygen_init") }
        guard EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1 else { throw fail("EVP_PKEY_CTX_set_group_name") }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(ctx, &key) == 1, let key else { throw fail("EVP_PKEY_generate") }
        return key
    }

    static func freeKey(_ key: OpaquePointer) { EVP_PKEY_free(key) }

    /// The key's algorithm and size, e.g. `EC 256`, for messages.
    static func keyDescription(_ key: OpaquePointer) -> String {
        let name = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
        return "\(name) \(EVP_PKEY_get_bits(key))"
    }

    /// The private key as unencrypted PKCS#8 PEM (`PEM_write_bio_PrivateKey`
    /// into a secure-memory BIO). Every intermediate buffer is cleansed.
    static func privateKeyPEM(_ key: OpaquePointer) throws(CryptoError) -> String {
        ERR_clear_error()
        guard let bio = BIO_new(BIO_s_secmem()) else { throw fail("BIO_new") }
        defer { BIO_free(bio) }  // a memory BIO cleanses its buffer when freed
        guard PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else {
            throw fail("PEM_write_bio_PrivateKey")
        }
        var bytes = drain(bio)
        defer { OpenSSL.cleanse(&bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The first private key in `pem` (`PEM_read_bio_PrivateKey`). Encrypted
    /// keys are refused: the password callback answers "no password" rather
    /// than prompting on a terminal.
    static func readPrivateKey(pem: String) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        var bytes = Array(pem.utf8)
        defer { OpenSSL.cleanse(&bytes) }
        let key: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(clamping: buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        guard let key else { throw fail("PEM_read_bio_PrivateKey") }
        return key
    }

    // MARK: Certificates

    static func freeCertificate(_ cert: OpaquePointer) { X509_free(cert) }

    /// The first certificate in `pem` (`PEM_read_bio_X509`).
    static func readCertificate(pem: String) throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        let cert: OpaquePointer? = Array(pem.utf8).withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(clamping: buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_X509(bio, nil, nil, nil)
        }
        guard let cert else { throw fail("PEM_read_bio_X509") }
        return cert
    }

    /// The certificate as PEM (`PEM_write_bio_X509`).
    static func certificatePEM(_ cert: OpaquePointer) throws(CryptoError) -> String {
        ERR_clear_error()
        guard let bio = BIO_new(BIO_s_mem()) else { throw fail("BIO_new") }
        defer { BIO_free(bio) }
        guard PEM_write_bio_X509(bio, cert) == 1 else { throw fail("PEM_write_bio_X509") }
        return String(decoding: drain(bio), as: UTF8.self)
    }

    /// Whether `key` is the private key of `cert` (`X509_check_private_key`).
    static func checkPrivateKey(_ cert: OpaquePointer, _ key: OpaquePointer) throws(CryptoError) {
        ERR_clear_error()
        guard X509_check_private_key(cert, key) == 1 else { throw fail("X509_check_private_key") }
    }

    /// Whether `cert` may sign certificates (`X509_check_ca` > 0).
    static func isCA(_ cert: OpaquePointer) -> Bool { X509_check_ca(cert) > 0 }

    /// A new, empty X.509 v3 certificate (`X509_new`, `X509_set_version`).
    static func newCertificate() throws(CryptoError) -> OpaquePointer {
        ERR_clear_error()
        guard let cert = X509_new() else { throw fail("X509_new") }
        guard X509_set_version(cert, Int(X509_VERSION_3)) == 1 else {
            X509_free(cert)
            throw fail("X509_set_version")
        }
        return cert
    }

    /// Set the serial number from big-endian bytes (`BN_bin2bn`, `BN_to_ASN1_INTEGER`).
    static func setSerial(_ cert: OpaquePointer, bigEndian bytes: [UInt8]) throws(CryptoError) {
        guard let bn = bytes.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else {
            throw fail("BN_bin2bn")
        }
        defer { BN_free(bn) }
        guard BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != nil else { throw fail("BN_to_ASN1_INTEGER") }
    }

    /// notBefore = now + `notBeforeOffsetSeconds`, notAfter = now + `days`
    /// (`X509_gmtime_adj`, `X509_time_adj_ex`).
    static func setValidity(_ cert: OpaquePointer, notBeforeOffsetSeconds: Int, days: Int) throws(CryptoError) {
        guard X509_gmtime_adj(X509_getm_notBefore(cert), notBeforeOffsetSeconds) != nil else { throw fail("X509_gmtime_adj") }
        guard X509_time_adj_ex(X509_getm_notAfter(cert), Int32(clamping: days), 0, nil) != nil else {
            throw fail("X509_time_adj_ex")
        }
    }

    /// Subject `CN=commonName` (`X509_NAME_add_entry_by_txt`), and the issuer
    /// name: the same for a self-signed certificate, else `issuer`'s subject.
    static func setNames(_ cert: OpaquePointer, commonName: String, issuer: OpaquePointer?) throws(CryptoError) {
        guard let name = X509_NAME_new() else { throw fail("X509_NAME_new") }
        defer { X509_NAME_free(name) }
        let count = Int32(clamping: commonName.utf8.count)
        let added = commonName.withCString { text in
            text.withMemoryRebound(to: UInt8.self, capacity: Int(count)) {
                X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, $0, count, -1, 0)
            }
        }
        guard added == 1 else { throw fail("X509_NAME_add_entry_by_txt") }
        guard X509_set_subject_name(cert, name) == 1 else { throw fail("X509_set_subject_name") }
        let issuerName = issuer.map { X509_get_subject_name($0) } ?? name
        guard X509_set_issuer_name(cert, issuerName) == 1 else { throw fail("X509_set_issuer_name") }
    }

    static func setPublicKey(_ cert: OpaquePointer, _ key: OpaquePointer) throws(CryptoError) {
        guard X509_set_pubkey(cert, key) == 1 else { throw fail("X509_set_pubkey") }
    }

    /// Add one extension written in OpenSSL's config syntax
    /// (`X509V3_set_ctx`, `X509V3_EXT_conf_nid`, `X509_add_ext`). `issuer`
    /// is the signing certificate (the certificate itself when self-signed).
    static func addExtension(_ cert: OpaquePointer, issuer: OpaquePointer, nid: Int32, value: String) throws(CryptoError) {
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer, cert, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else {
            throw CryptoError(call: "X509V3_EXT_conf_nid", reason: "\(shortName(nid)) = \(value): \(OpenSSL.lastError())")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(cert, ext, -1) == 1 else { throw fail("X509_add_ext") }
    }

    static let basicConstraints = NID_basic_constraints
    static let keyUsage = NID_key_usage
    static let extendedKeyUsage = NID_ext_key_usage
    static let subjectKeyIdentifier = NID_subject_key_identifier
    static let authorityKeyIdentifier = NID_authority_key_identifier
    static let subjectAltName = NID_subject_alt_name

    static func shortName(_ nid: Int32) -> String { OBJ_nid2sn(nid).map { String(cString: $0) } ?? "nid \(nid)" }

    /// Sign with `key` and SHA-256 (`X509_sign`; ECDSA for an EC key).
    static func sign(_ cert: OpaquePointer, key: OpaquePointer) throws(CryptoError) {
        ERR_clear_error()
        guard X509_sign(cert, key, EVP_sha256()) > 0 else { throw fail("X509_sign") }
    }

    /// Whether `text` is an IPv4 or IPv6 literal OpenSSL accepts in a
    /// subjectAltName (`a2i_IPADDRESS`).
    static func isIPAddress(_ text: String) -> Bool {
        guard let octets = a2i_IPADDRESS(text) else {
            ERR_clear_error()
            return false
        }
        ASN1_OCTET_STRING_free(octets)
        return true
    }

    // MARK: BIO

    private static func drain(_ bio: OpaquePointer) -> [UInt8] {
        var out: [UInt8] = []
        OpenSSLTLS.bioDrain(bio, appendingTo: &out)
        return out
    }
}
