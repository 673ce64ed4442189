import Foundation

/// What a validated leaf certificate must be usable for (OpenSSL's
/// purpose check over keyUsage and extendedKeyUsage).
public enum X509Purpose: Sendable, Hashable {
    /// Any purpose: no extendedKeyUsage check (`X509_PURPOSE_ANY`).
    case any
    /// A TLS server (`X509_PURPOSE_SSL_SERVER`, EKU serverAuth).
    case tlsServer
    /// A TLS client (`X509_PURPOSE_SSL_CLIENT`, EKU clientAuth).
    case tlsClient

    var openSSLValue: Int32 {
        switch self {
        case .any: return OpenSSLX509Validation.purposeAny
        case .tlsServer: return OpenSSLX509Validation.purposeSSLServer
        case .tlsClient: return OpenSSLX509Validation.purposeSSLClient
        }
    }
}

/// Validates certificate chains to configured trust anchors through
/// OpenSSL's verifier (`X509_verify_cert`): signatures, validity periods,
/// basicConstraints, keyUsage, path length, name chaining and, when asked,
/// the leaf's purpose. Immutable, so `Sendable`.
public struct X509ChainValidator: Sendable {
    /// The trust anchors (roots, normally self-signed).
    public let anchors: [X509Certificate]

    /// - Parameter anchors: the certificates to trust; a chain must end at one.
    public init(anchors: [X509Certificate]) { self.anchors = anchors }

    /// Validate `leaf` with the untrusted `intermediates` to an anchor.
    /// - Parameters:
    ///   - leaf: the end-entity certificate.
    ///   - intermediates: untrusted certificates that may complete the path (any order).
    ///   - time: the validation time (`X509_VERIFY_PARAM_set_time`); now when nil.
    ///   - purpose: the required purpose; nil checks none.
    /// - Returns: the validated path, leaf first, ending at the anchor.
    /// - Throws: ``X509ValidationError`` with the reason, depth and subject.
    public func validate(leaf: X509Certificate, intermediates: [X509Certificate] = [], at time: Date? = nil,
                         purpose: X509Purpose? = nil) throws(X509ValidationError) -> [X509Certificate] {
        let pointers: [OpaquePointer]
        do {
            pointers = try withExtendedLifetime((leaf, intermediates, anchors)) { () throws(OpenSSLX509Validation.Failure) in
                try OpenSSLX509Validation.verify(leaf: leaf.handle.pointer, intermediates: intermediates.map(\.handle.pointer),
                                                 anchors: anchors.map(\.handle.pointer), time: time, purpose: purpose?.openSSLValue)
            }
        } catch {
            throw Self.classify(error)
        }
        return pointers.map { X509Certificate(handle: CertificateHandle(owning: $0)) }
    }

    /// Validate a JOSE `x5c` chain: the first element is the leaf, the rest intermediates.
    /// - Parameters:
    ///   - x5c: base64 DER certificates, leaf first.
    ///   - time: the validation time; now when nil.
    ///   - purpose: the required purpose.
    /// - Returns: the validated path.
    /// - Throws: ``X509ValidationError`` (`other`, call `x5c` / `d2i_X509`, for unparsable input).
    public func validate(x5c: [String], at time: Date? = nil, purpose: X509Purpose? = nil) throws(X509ValidationError) -> [X509Certificate] {
        let chain: [X509Certificate]
        do { chain = try X509Certificate.chain(x5c: x5c) } catch {
            throw X509ValidationError(.other, call: error.call, reason: error.reason)
        }
        return try validate(leaf: chain[0], intermediates: Array(chain.dropFirst()), at: time, purpose: purpose)
    }

    static func classify(_ failure: OpenSSLX509Validation.Failure) -> X509ValidationError {
        typealias V = OpenSSLX509Validation
        let code: X509ValidationError.Code
        switch failure.code {
        case -1: return X509ValidationError(.other, call: "X509_verify_cert setup", reason: failure.message)
        case V.errorExpired: code = .expired
        case V.errorNotYetValid: code = .notYetValid
        case let c where V.errorsUntrusted.contains(c): code = .untrustedRoot
        case let c where V.errorsSignature.contains(c): code = .badSignature
        case V.errorInvalidCA: code = failure.caWithoutCertSign ? .keyUsage : .notCA
        case V.errorKeyUsage: code = .keyUsage
        case V.errorInvalidPurpose: code = .invalidPurpose
        case V.errorPathLength: code = .pathLength
        case let c where V.errorsNameChaining.contains(c): code = .nameChaining
        default: code = .other
        }
        let reason = code == .keyUsage && failure.code == V.errorInvalidCA
            ? failure.message + ": keyUsage lacks keyCertSign" : failure.message
        return X509ValidationError(code, opensslCode: failure.code, depth: failure.depth, subject: failure.subject, reason: reason)
    }
}
