import Foundation

/// A parsed X.509 certificate (an OpenSSL `X509`, freed on `deinit`).
/// Immutable, so `Sendable`.
public struct X509Certificate: Sendable, Equatable {
    let handle: CertificateHandle

    init(handle: CertificateHandle) { self.handle = handle }

    /// The first certificate in PEM text (`PEM_read_bio_X509`).
    /// - Throws: ``CryptoError`` (call `PEM_read_bio_X509`) when there is none.
    public init(pemRepresentation: String) throws(CryptoError) { handle = try CertificateHandle.read(pem: pemRepresentation) }

    /// A DER certificate (`d2i_X509`); nothing may follow it.
    /// - Throws: ``CryptoError`` (call `d2i_X509`) for anything else.
    public init(derRepresentation: [UInt8]) throws(CryptoError) {
        handle = CertificateHandle(owning: try OpenSSLX509Validation.readDER(derRepresentation))
    }

    /// The DER encoding (`i2d_X509`).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func derRepresentation() throws(CryptoError) -> [UInt8] { try OpenSSLX509Validation.derBytes(handle.pointer) }

    /// The PEM encoding (`PEM_write_bio_X509`).
    /// - Throws: ``CryptoError`` when OpenSSL fails.
    public func pemRepresentation() throws(CryptoError) -> String { try handle.pem() }

    /// The certificate's public key as DER SubjectPublicKeyInfo, to build a key from
    /// (``ECPublicKey/init(derRepresentation:)``, ``RSAPublicKey/init(derRepresentation:)``).
    public func subjectPublicKeyInfo() throws(CryptoError) -> [UInt8] {
        try OpenSSLX509Validation.subjectPublicKeyInfo(handle.pointer)
    }

    /// The subject in RFC 2253 form, e.g. `CN=Pavilion test CA`.
    public var subject: String { OpenSSLX509Validation.name(handle.pointer, issuer: false) }
    /// The issuer in RFC 2253 form.
    public var issuer: String { OpenSSLX509Validation.name(handle.pointer, issuer: true) }

    /// The certificates of a JOSE `x5c` header (RFC 7515 §4.1.6): base64
    /// (standard alphabet, with padding, not base64url) DER, leaf first.
    /// - Parameter x5c: the array's strings.
    /// - Returns: the certificates in the same order.
    /// - Throws: ``CryptoError`` (call `x5c`) for an empty array or text that
    ///   is not base64, or `d2i_X509` for bytes that are not one certificate.
    /// Every certificate of a PEM bundle, in order.
    /// - Throws: ``CryptoError`` when a block does not parse or there is none.
    public static func bundle(pem text: String) throws(CryptoError) -> [X509Certificate] {
        let begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----"
        var out: [X509Certificate] = []
        var rest = Substring(text)
        while let start = rest.range(of: begin) {
            guard let stop = rest.range(of: end, range: start.upperBound..<rest.endIndex) else {
                throw CryptoError(call: "PEM", reason: "certificate \(out.count + 1) has no END line")
            }
            out.append(try X509Certificate(pemRepresentation: String(rest[start.lowerBound..<stop.upperBound]) + "\n"))
            rest = rest[stop.upperBound...]
        }
        guard !out.isEmpty else { throw CryptoError(call: "PEM", reason: "no CERTIFICATE block") }
        return out
    }

    public static func chain(x5c: [String]) throws(CryptoError) -> [X509Certificate] {
        guard !x5c.isEmpty else { throw CryptoError(call: "x5c", reason: "the x5c array is empty") }
        var out: [X509Certificate] = []
        for (index, text) in x5c.enumerated() {
            guard let data = Data(base64Encoded: text) else {
                throw CryptoError(call: "x5c", reason: "element \(index) is not base64 (x5c uses the standard alphabet with padding)")
            }
            do { out.append(try X509Certificate(derRepresentation: Array(data))) } catch {
                throw CryptoError(call: error.call, reason: "x5c element \(index): \(error.reason)")
            }
        }
        return out
    }

    /// Equal when the DER encodings are equal.
    public static func == (lhs: X509Certificate, rhs: X509Certificate) -> Bool {
        (try? lhs.derRepresentation()) == (try? rhs.derRepresentation())
    }
}
