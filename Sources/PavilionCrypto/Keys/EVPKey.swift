/// Owns one OpenSSL `EVP_PKEY`; frees it on `deinit` (`EVP_PKEY_free`, which
/// cleanses any private part).
final class EVPKey: @unchecked Sendable {
    // @unchecked: set once in `init`, never mutated; OpenSSL 3 allows
    // concurrent signing, verification and derivation with one immutable EVP_PKEY.
    let pointer: OpaquePointer

    /// Take ownership of `pointer`.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { OpenSSLKey.free(pointer) }
}
