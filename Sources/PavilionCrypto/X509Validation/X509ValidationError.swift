/// Why a certificate chain did not validate: OpenSSL's verify error, its
/// text (`X509_verify_cert_error_string`), the depth (0 = the leaf) and the
/// subject of the certificate at fault. Equal by ``code``.
public struct X509ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// A certificate is past its notAfter (at the validation time).
        case expired
        /// A certificate is before its notBefore.
        case notYetValid
        /// The chain does not end at a configured trust anchor (missing
        /// issuer, self-signed certificate not trusted).
        case untrustedRoot
        /// A signature in the chain does not verify.
        case badSignature
        /// An issuing certificate is not a CA (basicConstraints CA:FALSE or absent).
        case notCA
        /// An issuing certificate's keyUsage lacks keyCertSign.
        case keyUsage
        /// The leaf's extendedKeyUsage / purpose does not allow the requested use.
        case invalidPurpose
        /// A CA's pathLenConstraint is exceeded.
        case pathLength
        /// Subject/issuer names or key identifiers do not chain.
        case nameChaining
        /// Bad input (x5c, an empty chain) or another verify error.
        case other
    }

    /// The kind of failure.
    public let code: Code
    /// OpenSSL's `X509_V_ERR_*` value (-1 when the failure was not in `X509_verify_cert`).
    public let opensslCode: Int32
    /// The depth in the chain: 0 for the leaf, -1 when unknown.
    public let depth: Int
    /// The subject of the certificate at fault, when known.
    public let subject: String?
    /// The failing call, `X509_verify_cert` or a setup call.
    public let call: String
    /// OpenSSL's reason text.
    public let reason: String

    /// - Parameters:
    ///   - code: the kind.
    ///   - opensslCode: `X509_V_ERR_*` or -1.
    ///   - depth: the depth or -1.
    ///   - subject: the certificate's subject.
    ///   - call: the failing call.
    ///   - reason: the reason text.
    public init(_ code: Code, opensslCode: Int32 = -1, depth: Int = -1, subject: String? = nil,
                call: String = "X509_verify_cert", reason: String) {
        self.code = code
        self.opensslCode = opensslCode
        self.depth = depth
        self.subject = subject
        self.call = call
        self.reason = reason
    }

    public var description: String {
        "\(code.rawValue): \(call): \(reason)" + (depth >= 0 ? " at depth \(depth)" : "") + (subject.map { " (\($0))" } ?? "")
    }

    public static func == (lhs: X509ValidationError, rhs: X509ValidationError) -> Bool { lhs.code == rhs.code }
}
