/// The JWE key-management algorithms Pavilion implements (RFC 7518 §4.6).
public enum JWEKeyManagementAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// Direct key agreement: the Concat KDF output is the content key.
    case ecdhES = "ECDH-ES"
    /// Key agreement, then AES-128 key wrap of a random content key.
    /// Decryption only by explicit choice (it is in RFC 7520 §5.4).
    case ecdhESA128KW = "ECDH-ES+A128KW"
    /// Key agreement, then AES-256 key wrap of a random content key.
    case ecdhESA256KW = "ECDH-ES+A256KW"

    /// The key-wrap key length in bytes, or `nil` for direct agreement.
    var wrapKeyLength: Int? {
        switch self {
        case .ecdhES: return nil
        case .ecdhESA128KW: return 16
        case .ecdhESA256KW: return 32
        }
    }

    /// The algorithm named `name` in a header.
    /// - Throws: ``JOSEError`` `unsupportedAlgorithm`.
    init(headerValue name: String) throws(JOSEError) {
        guard let known = JWEKeyManagementAlgorithm(rawValue: name) else {
            throw JOSEError(.unsupportedAlgorithm, "JWE alg \"\(name)\" is not supported (ECDH-ES, ECDH-ES+A256KW are)")
        }
        self = known
    }
}

/// The JWE content-encryption algorithms Pavilion implements (RFC 7518 §5.3).
public enum JWEContentEncryptionAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// AES-128-GCM. Decryption only by explicit choice (it is in RFC 7520 §5.4).
    case a128gcm = "A128GCM"
    /// AES-256-GCM.
    case a256gcm = "A256GCM"

    /// The content key length in bytes.
    var keyLength: Int {
        switch self {
        case .a128gcm: return 16
        case .a256gcm: return 32
        }
    }

    /// The algorithm named `name` in a header.
    /// - Throws: ``JOSEError`` `unsupportedAlgorithm`.
    init(headerValue name: String) throws(JOSEError) {
        guard let known = JWEContentEncryptionAlgorithm(rawValue: name) else {
            throw JOSEError(.unsupportedAlgorithm, "JWE enc \"\(name)\" is not supported (A256GCM is)")
        }
        self = known
    }
}
