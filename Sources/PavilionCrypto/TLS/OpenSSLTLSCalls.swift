import Foundation
internal import COpenSSL

/// Thin internal wrappers over the OpenSSL TLS calls (`libssl`). Every raw
/// `SSL_*`, `SSL_CTX_*` and `BIO_*` call of the TLS engine lives in this file;
/// handles are `OpaquePointer`s that never leave the module.
enum OpenSSLTLS {
    /// The protocol versions we speak.
    static let tls12 = Int32(TLS1_2_VERSION)
    static let tls13 = Int32(TLS1_3_VERSION)

    /// TLS 1.2 suites: ECDHE key exchange with AEAD ciphers only.
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    /// TLS 1.3 suites (all AEAD by construction).
    static let tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

    static func fail(_ call: String) -> CryptoError { OpenSSL.fail(call) }

    static func clearErrors() { ERR_clear_error() }

    // MARK: SSL_CTX

    static func newContext(server: Bool) throws(CryptoError) -> OpaquePointer {
        guard let ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw fail("SSL_CTX_new")
        }
        return ctx
    }

    static func freeContext(_ ctx: OpaquePointer) { SSL_CTX_free(ctx) }

    static func harden(_ ctx: OpaquePointer, minimumTLS13: Bool = false) throws(CryptoError) {
        guard pv_SSL_CTX_set_min_proto_version(ctx, minimumTLS13 ? tls13 : tls12) == 1 else { throw fail("SSL_CTX_set_min_proto_version") }
        guard pv_SSL_CTX_set_max_proto_version(ctx, tls13) == 1 else { throw fail("SSL_CTX_set_max_proto_version") }
        pv_SSL_CTX_set_hardened_options(ctx)
        pv_SSL_CTX_set_partial_write_modes(ctx)
        guard SSL_CTX_set_cipher_list(ctx, tls12Ciphers) == 1 else { throw fail("SSL_CTX_set_cipher_list") }
        guard SSL_CTX_set_ciphersuites(ctx, tls13Suites) == 1 else { throw fail("SSL_CTX_set_ciphersuites") }
    }

    static func useCertificateChain(_ ctx: OpaquePointer, file: String) throws(CryptoError) {
        guard SSL_CTX_use_certificate_chain_file(ctx, file) == 1 else {
            throw CryptoError(call: "SSL_CTX_use_certificate_chain_file", reason: "\(file): \(OpenSSL.lastError())")
        }
    }

    static func usePrivateKey(_ ctx: OpaquePointer, file: String) throws(CryptoError) {
        guard SSL_CTX_use_PrivateKey_file(ctx, file, SSL_FILETYPE_PEM) == 1 else {
            throw CryptoError(call: "SSL_CTX_use_PrivateKey_file", reason: "\(file): \(OpenSSL.lastError())")
        }
        guard SSL_CTX_check_private_key(ctx) == 1 else { throw fail("SSL_CTX_check_private_key") }
    }

    static func loadVerifyFile(_ ctx: OpaquePointer, file: String) throws(CryptoError) {
        guard SSL_CTX_load_verify_file(ctx, file) == 1 else {
            throw CryptoError(call: "SSL_CTX_load_verify_file", reason: "\(file): \(OpenSSL.lastError())")
        }
    }

    static func loadSystemTrust(_ ctx: OpaquePointer) throws(CryptoError) {
        guard SSL_CTX_set_default_verify_paths(ctx) == 1 else { throw fail("SSL_CTX_set_default_verify_paths") }
    }

    static func setClientCAList(_ ctx: OpaquePointer, file: String) throws(CryptoError) {
        guard let names = SSL_load_client_CA_file(file) else {
            throw CryptoError(call: "SSL_load_client_CA_file", reason: "\(file): \(OpenSSL.lastError())")
        }
        SSL_CTX_set_client_CA_list(ctx, names)
    }

    /// Verify the peer; `requireCertificate` makes a missing peer certificate fatal (servers).
    static func setVerifyPeer(_ ctx: OpaquePointer, requireCertificate: Bool) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | (requireCertificate ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), nil)
    }

    static func setVerifyNone(_ ctx: OpaquePointer) { SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil) }

    /// Servers: choose "http/1.1" when the client offers it; otherwise carry on without ALPN.
    static func selectHTTP11OnALPN(_ ctx: OpaquePointer) {
        SSL_CTX_set_alpn_select_cb(ctx, { _, out, outLength, input, inputLength, _ in
            guard let out, let outLength, let input else { return SSL_TLSEXT_ERR_NOACK }
            let wanted = Array("http/1.1".utf8)
            var index = 0
            let total = Int(inputLength)
            while index < total {
                let length = Int(input[index])
                let start = index + 1
                guard start + length <= total else { break }
                if length == wanted.count,
                   (0..<length).allSatisfy({ input[start + $0] == wanted[$0] }) {
                    out.pointee = input + start
                    outLength.pointee = UInt8(length)
                    return SSL_TLSEXT_ERR_OK
                }
                index = start + length
            }
            return SSL_TLSEXT_ERR_NOACK
        }, nil)
    }

    // MARK: SSL

    /// A new SSL over two memory BIOs: `rbio` receives ciphertext from the
    /// network, `wbio` collects ciphertext to send.
    static func newConnection(_ ctx: OpaquePointer, server: Bool) throws(CryptoError)
        -> (ssl: OpaquePointer, rbio: OpaquePointer, wbio: OpaquePointer) {
        guard let ssl = SSL_new(ctx) else { throw fail("SSL_new") }
        guard let rbio = BIO_new(BIO_s_mem()) else { SSL_free(ssl); throw fail("BIO_new") }
        guard let wbio = BIO_new(BIO_s_mem()) else { BIO_free(rbio); SSL_free(ssl); throw fail("BIO_new") }
        pv_BIO_set_mem_eof_return(rbio, -1)
        pv_BIO_set_mem_eof_return(wbio, -1)
        SSL_set_bio(ssl, rbio, wbio)  // the SSL owns both BIOs from here on
        if server { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        return (ssl, rbio, wbio)
    }

    static func freeConnection(_ ssl: OpaquePointer) { SSL_free(ssl) }

    static func setServerName(_ ssl: OpaquePointer, _ name: String) throws(CryptoError) {
        guard pv_SSL_set_tlsext_host_name(ssl, name) == 1 else { throw fail("SSL_set_tlsext_host_name") }
    }

    /// Check the peer certificate against `host` (a DNS name or an IP literal).
    static func setExpectedHost(_ ssl: OpaquePointer, _ host: String, isIPAddress: Bool) throws(CryptoError) {
        if isIPAddress {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 else {
                throw fail("X509_VERIFY_PARAM_set1_ip_asc")
            }
        } else {
            guard SSL_set1_host(ssl, host) == 1 else { throw fail("SSL_set1_host") }
        }
    }

    static func offerALPN(_ ssl: OpaquePointer, _ protocols: [String]) throws(CryptoError) {
        var wire: [UInt8] = []
        for name in protocols where !name.isEmpty && name.utf8.count < 256 {
            wire.append(UInt8(name.utf8.count))
            wire.append(contentsOf: name.utf8)
        }
        guard !wire.isEmpty else { return }
        let count = wire.count
        // SSL_set_alpn_protos returns 0 on success.
        let rc = wire.withUnsafeBufferPointer { SSL_set_alpn_protos(ssl, $0.baseAddress, UInt32(count)) }
        guard rc == 0 else { throw fail("SSL_set_alpn_protos") }
    }

    /// Outcome of an `SSL_*` I/O call.
    enum Outcome {
        case done(Int)
        case wantRead
        case closed
        case failed(CryptoError)
    }

    static func classify(_ ssl: OpaquePointer, _ rc: Int32, call: String) -> Outcome {
        if rc > 0 { return .done(Int(rc)) }
        switch SSL_get_error(ssl, rc) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .wantRead
        case SSL_ERROR_ZERO_RETURN: return .closed
        default:
            var reason = OpenSSL.lastError()
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK, let text = X509_verify_cert_error_string(verify) {
                reason += "; certificate verification: \(String(cString: text))"
            }
            return .failed(CryptoError(call: call, reason: reason))
        }
    }

    static func doHandshake(_ ssl: OpaquePointer) -> Outcome {
        clearErrors()
        return classify(ssl, SSL_do_handshake(ssl), call: "SSL_do_handshake")
    }

    static func isInitFinished(_ ssl: OpaquePointer) -> Bool { SSL_is_init_finished(ssl) == 1 }

    /// `SSL_read` up to `count` bytes, appended to `output`.
    static func read(_ ssl: OpaquePointer, appendingTo output: inout [UInt8], count: Int) -> Outcome {
        clearErrors()
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: count))
        let rc = output.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress.map { $0 + start }, Int32(count)) }
        output.removeLast(count - max(0, Int(rc)))
        return classify(ssl, rc, call: "SSL_read")
    }

    static func write(_ ssl: OpaquePointer, _ bytes: UnsafeRawBufferPointer) -> Outcome {
        clearErrors()
        guard let base = bytes.baseAddress, bytes.count > 0 else { return .done(0) }
        return classify(ssl, SSL_write(ssl, base, Int32(clamping: bytes.count)), call: "SSL_write")
    }

    static func shutdown(_ ssl: OpaquePointer) {
        clearErrors()
        _ = SSL_shutdown(ssl)
        clearErrors()
    }

    // MARK: BIO

    static func bioWrite(_ bio: OpaquePointer, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return BIO_write(bio, base, Int32(clamping: bytes.count)) == Int32(clamping: bytes.count)
    }

    static func bioPending(_ bio: OpaquePointer) -> Int { Int(BIO_ctrl_pending(bio)) }

    static func bioDrain(_ bio: OpaquePointer, appendingTo output: inout [UInt8]) {
        let pending = bioPending(bio)
        guard pending > 0 else { return }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: pending))
        let got = output.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress.map { $0 + start }, Int32(pending)) }
        output.removeLast(pending - max(0, Int(got)))
    }

    // MARK: Resumption

    /// `SSL_get1_session`: a new reference to the current session, or nil.
    static func copySession(_ ssl: OpaquePointer) -> OpaquePointer? { SSL_get1_session(ssl) }

    static func isResumable(_ session: OpaquePointer) -> Bool { SSL_SESSION_is_resumable(session) == 1 }

    static func freeSession(_ session: OpaquePointer) { SSL_SESSION_free(session) }

    /// `SSL_set_session` (takes its own reference).
    static func setSession(_ ssl: OpaquePointer, _ session: OpaquePointer) throws(CryptoError) {
        guard SSL_set_session(ssl, session) == 1 else { throw fail("SSL_set_session") }
    }

    static func sessionReused(_ ssl: OpaquePointer) -> Bool { SSL_session_reused(ssl) == 1 }

    // MARK: Session facts

    static func version(_ ssl: OpaquePointer) -> String? {
        SSL_get_version(ssl).map { String(cString: $0) }
    }

    static func cipher(_ ssl: OpaquePointer) -> String? {
        guard let cipher = SSL_get_current_cipher(ssl), let name = SSL_CIPHER_get_name(cipher) else { return nil }
        return String(cString: name)
    }

    static func alpn(_ ssl: OpaquePointer) -> String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The DER SubjectPublicKeyInfo of the peer's certificate, or nil without one.
    static func peerPublicKeyInfo(_ ssl: OpaquePointer) -> [UInt8]? {
        guard let cert = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(cert) }
        guard let key = X509_get0_pubkey(cert) else { return nil }
        return try? OpenSSLKey.subjectPublicKeyInfo(key)
    }

    /// The peer certificate's subject in RFC 2253 form, or nil without one.
    static func peerSubject(_ ssl: OpaquePointer) -> String? {
        guard let cert = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(cert) }
        guard let name = X509_get_subject_name(cert), let bio = BIO_new(BIO_s_mem()) else { return nil }
        defer { BIO_free(bio) }
        guard pv_X509_NAME_print_rfc2253(bio, name) >= 0 else { return nil }
        var out: [UInt8] = []
        bioDrain(bio, appendingTo: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
