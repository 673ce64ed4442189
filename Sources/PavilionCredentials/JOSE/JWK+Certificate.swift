import PavilionCrypto

extension JWK {
    /// The DER SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410): the
    /// 32 key bytes follow it.
    private static let ed25519SPKIPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The public key of a certificate (an `x5c` leaf) as a JWK: EC P-256 or
    /// P-384, RSA, or Ed25519.
    /// - Parameter certificate: the certificate, already validated by the caller.
    /// - Throws: ``JOSEError`` `unsupportedKey` for any other key type.
    public init(certificate: X509Certificate) throws(JOSEError) {
        let spki: [UInt8]
        do { spki = try certificate.subjectPublicKeyInfo() } catch {
            throw JOSEError(.unsupportedKey, "the certificate's public key cannot be read: \(error)")
        }
        if spki.count == Self.ed25519SPKIPrefix.count + 32, spki.starts(with: Self.ed25519SPKIPrefix),
           let key = try? Ed25519PublicKey(rawRepresentation: Array(spki.dropFirst(Self.ed25519SPKIPrefix.count))) {
            self.init(.ed25519(key, nil))
        } else if let key = try? ECPublicKey(derRepresentation: spki) {
            self.init(.ec(key, nil))
        } else if let key = try? RSAPublicKey(derRepresentation: spki) {
            self.init(.rsa(key, nil))
        } else {
            throw JOSEError(.unsupportedKey, "the certificate's key is not EC P-256/P-384, RSA or Ed25519")
        }
    }
}
