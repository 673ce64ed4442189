/// A small private certificate authority: an EC P-256 key and a self-signed
/// CA certificate that issues TLS leaf certificates (development mode, test
/// rigs, internal mutual TLS).
///
/// Profile (see `docs/security.md`): X.509 v3, 128-bit random serials from
/// the CSPRNG, ECDSA with SHA-256, `notBefore` five minutes in the past to
/// absorb clock skew. The CA carries basicConstraints `critical, CA:TRUE,
/// pathlen:0`, keyUsage `critical, keyCertSign, cRLSign` and a
/// subjectKeyIdentifier. Leaves carry basicConstraints `critical, CA:FALSE`,
/// keyUsage `critical, digitalSignature`, extendedKeyUsage, subject and
/// authority key identifiers and a subjectAltName of DNS names and IP
/// addresses.
///
/// The private key lives in an OpenSSL key object freed (and cleansed) on
/// `deinit`. Immutable after `init`, so `Sendable`.
public final class CertificateAuthority: @unchecked Sendable {
    // @unchecked: `key` and `certificate` are set once and never mutated;
    // OpenSSL 3 allows concurrent signing and reading with them.
    private let key: PrivateKeyHandle
    private let certificate: CertificateHandle

    /// The CA certificate as PEM: what clients trust.
    public let certificatePEM: String
    /// The CA's private key as unencrypted PKCS#8 PEM. A secret: write it
    /// with mode 0600 (``PEMFile/write(_:to:mode:)``).
    public let privateKeyPEM: String

    /// The longest validity accepted, in days (100 years).
    public static let maximumValidityDays = 36_500
    /// How far `notBefore` is set in the past, in seconds.
    public static let clockSkewSeconds = 300

    private init(key: PrivateKeyHandle, certificate: CertificateHandle) throws(CryptoError) {
        self.key = key
        self.certificate = certificate
        certificatePEM = try certificate.pem()
        privateKeyPEM = try key.pem()
    }

    /// Make a new CA: a fresh P-256 key and a self-signed certificate
    /// (`EVP_PKEY_generate`, `X509_new`, `X509V3_EXT_conf_nid`, `X509_sign`).
    /// - Parameters:
    ///   - commonName: the subject's CN, e.g. `Pavilion development CA`
    ///     (1...64 characters, no control characters).
    ///   - validityDays: how long it is valid (1...``maximumValidityDays``).
    /// - Returns: the authority.
    /// - Throws: ``CryptoError`` for a bad name or validity (call
    ///   `CertificateAuthority.generate`) or when OpenSSL fails (its call and reason).
    public static func generate(commonName: String, validityDays: Int) throws(CryptoError) -> CertificateAuthority {
        let call = "CertificateAuthority.generate"
        try X509Rules.checkCommonName(commonName, call: call)
        try X509Rules.checkValidity(validityDays, call: call)
        let key = try PrivateKeyHandle.generateP256()
        let cert = CertificateHandle(owning: try OpenSSLX509.newCertificate())
        let c = cert.pointer
        try OpenSSLX509.setSerial(c, bigEndian: try X509Rules.randomSerial())
        try OpenSSLX509.setValidity(c, notBeforeOffsetSeconds: -clockSkewSeconds, days: validityDays)
        try OpenSSLX509.setNames(c, commonName: commonName, issuer: nil)
        try OpenSSLX509.setPublicKey(c, key.pointer)
        try OpenSSLX509.addExtension(c, issuer: c, nid: OpenSSLX509.basicConstraints, value: "critical,CA:TRUE,pathlen:0")
        try OpenSSLX509.addExtension(c, issuer: c, nid: OpenSSLX509.keyUsage, value: "critical,keyCertSign,cRLSign")
        try OpenSSLX509.addExtension(c, issuer: c, nid: OpenSSLX509.subjectKeyIdentifier, value: "hash")
        try OpenSSLX509.sign(c, key: key.pointer)
        return try CertificateAuthority(key: key, certificate: cert)
    }

    /// Load an existing CA (`PEM_read_bio_X509`, `PEM_read_bio_PrivateKey`),
    /// checking that the key belongs to the certificate
    /// (`X509_check_private_key`) and that the certificate is a CA
    /// (`X509_check_ca`).
    /// - Parameters:
    ///   - certificatePEM: the CA certificate.
    ///   - privateKeyPEM: its private key, unencrypted (PKCS#8 or traditional).
    /// - Throws: ``CryptoError`` naming the call: `PEM_read_bio_X509` or
    ///   `PEM_read_bio_PrivateKey` for text that is not a certificate or an
    ///   unencrypted key, `X509_check_private_key` for a key of another
    ///   certificate, `X509_check_ca` for a certificate that is not a CA.
    public convenience init(certificatePEM: String, privateKeyPEM: String) throws(CryptoError) {
        let cert = try CertificateHandle.read(pem: certificatePEM)
        let key = try PrivateKeyHandle.read(pem: privateKeyPEM)
        try OpenSSLX509.checkPrivateKey(cert.pointer, key.pointer)
        guard OpenSSLX509.isCA(cert.pointer) else {
            throw CryptoError(call: "X509_check_ca", reason: "the certificate is not a CA certificate (no basicConstraints CA:TRUE)")
        }
        try self.init(key: key, certificate: cert)
    }

    /// Issue a leaf certificate with a fresh P-256 key, signed by this CA.
    /// - Parameters:
    ///   - commonName: the subject's CN (1...64 characters); clients match
    ///     names against the subjectAltName only.
    ///   - dnsNames: DNS names, e.g. `localhost` or `*.example.test` (a
    ///     wildcard only as the whole first label).
    ///   - ipAddresses: IPv4 or IPv6 literals, e.g. `127.0.0.1`, `::1`.
    ///   - validityDays: how long it is valid (1...``maximumValidityDays``).
    ///   - usage: server, client or both (extendedKeyUsage).
    /// - Returns: the certificate and its private key as PEM.
    /// - Throws: ``CryptoError`` (call `CertificateAuthority.issueLeaf`) for
    ///   no names, a malformed DNS name or IP address, a bad CN or validity;
    ///   otherwise OpenSSL's call and reason.
    public func issueLeaf(commonName: String, dnsNames: [String], ipAddresses: [String], validityDays: Int,
                          usage: CertificateUsage = .server) throws(CryptoError) -> IssuedCertificate {
        let call = "CertificateAuthority.issueLeaf"
        try X509Rules.checkCommonName(commonName, call: call)
        try X509Rules.checkValidity(validityDays, call: call)
        let alternativeNames = try X509Rules.subjectAltName(dnsNames: dnsNames, ipAddresses: ipAddresses, call: call)
        let leafKey = try PrivateKeyHandle.generateP256()
        let cert = CertificateHandle(owning: try OpenSSLX509.newCertificate())
        let c = cert.pointer
        let ca = certificate.pointer
        try OpenSSLX509.setSerial(c, bigEndian: try X509Rules.randomSerial())
        try OpenSSLX509.setValidity(c, notBeforeOffsetSeconds: -Self.clockSkewSeconds, days: validityDays)
        try OpenSSLX509.setNames(c, commonName: commonName, issuer: ca)
        try OpenSSLX509.setPublicKey(c, leafKey.pointer)
        try OpenSSLX509.addExtension(c, issuer: ca, nid: OpenSSLX509.basicConstraints, value: "critical,CA:FALSE")
        try OpenSSLX509.addExtension(c, issuer: ca, nid: OpenSSLX509.keyUsage, value: "critical,digitalSignature")
        try OpenSSLX509.addExtension(c, issuer: ca, nid: OpenSSLX509.extendedKeyUsage, value: usage.extendedKeyUsage)
        try OpenSSLX509.addExtension(c, issuer: ca, nid: OpenSSLX509.subjectKeyIdentifier, value: "hash")
        try OpenSSLX509.addExtension(c, issuer: ca, nid: OpenSSLX509.authorityKeyIdentifier, value: "keyid:always")
        try OpenSSLX509.addExtension(c, issuer: ca, nid: OpenSSLX509.subjectAltName, value: alternativeNames)
        try OpenSSLX509.sign(c, key: key.pointer)
        return IssuedCertificate(certificatePEM: try cert.pem(), privateKeyPEM: try leafKey.pem())
    }
}
