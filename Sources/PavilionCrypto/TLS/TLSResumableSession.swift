/// A TLS session a client may resume on its next connection to the same
/// server (a TLS 1.3 ticket or a TLS 1.2 session), owning one reference to
/// an OpenSSL `SSL_SESSION` (freed with `SSL_SESSION_free`).
///
/// Immutable once made; OpenSSL reference-counts it, so one session may be
/// offered by several connections at once.
public final class TLSResumableSession: @unchecked Sendable {
    // @unchecked: the SSL_SESSION is never mutated after it is handed out;
    // SSL_set_session only takes another reference.
    let handle: OpaquePointer

    init(handle: OpaquePointer) { self.handle = handle }

    deinit { OpenSSLTLS.freeSession(handle) }
}
