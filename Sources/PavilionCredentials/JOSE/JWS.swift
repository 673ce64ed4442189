import PavilionCore

/// A JWS whose signature has been verified.
public struct VerifiedJWS: Sendable {
    /// The algorithm that verified.
    public let algorithm: JWSAlgorithm
    /// The integrity-protected header.
    public let protectedHeader: [String: JSONValue]
    /// The unprotected header (JSON serialisation only), not covered by the signature.
    public let unprotectedHeader: [String: JSONValue]
    /// The payload.
    public let payload: [UInt8]
    /// Which signature verified (0 in the compact and flattened forms).
    public let signatureIndex: Int
}

/// JSON Web Signature (RFC 7515): compact and JSON serialisations.
///
/// Verification takes the key and an explicit set of allowed algorithms. It
/// refuses `alg: none`, algorithms that are not allowed or do not fit the
/// key (algorithm confusion), unknown critical headers, and headers with
/// duplicate or mistyped members.
public enum JWS {
    // MARK: Compact

    /// Sign `payload` and return the compact serialisation.
    /// - Parameters:
    ///   - payload: the bytes to sign.
    ///   - signer: the key; it sets `alg` and, if it has one, `kid`.
    ///   - header: more protected header members (e.g. `typ`); must not hold `alg`.
    /// - Returns: `BASE64URL(header).BASE64URL(payload).BASE64URL(signature)`.
    /// - Throws: ``JOSEError`` `invalidHeader` when `header` holds `alg`, or the signer's errors.
    public static func signCompact(payload: [UInt8], signer: some JWSSigner,
                                   header: [String: JSONValue] = [:]) throws(JOSEError) -> String {
        let protected = try protectedHeader(for: signer, extra: header)
        let payloadText = Base64URL.encode(payload)
        let signature = try signer.sign(Array("\(protected).\(payloadText)".utf8))
        return "\(protected).\(payloadText).\(Base64URL.encode(signature))"
    }

    /// Verify a compact JWS.
    /// - Parameters:
    ///   - text: the compact serialisation.
    ///   - key: the public (or private) key to verify with.
    ///   - allowedAlgorithms: the algorithms the caller accepts; one must be the header's `alg`.
    ///   - understoodCriticalHeaders: `crit` names the caller processes itself.
    /// - Returns: the verified header and payload.
    /// - Throws: ``JOSEError`` naming the reason.
    public static func verifyCompact(_ text: String, key: JWK, allowedAlgorithms: Set<JWSAlgorithm>,
                                     understoodCriticalHeaders: Set<String> = []) throws(JOSEError) -> VerifiedJWS {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw JOSEError(.invalidEncoding, parts.count == 5 ? "this is a JWE (5 parts), not a JWS" : "a compact JWS has 3 parts, got \(parts.count)")
        }
        let protected = try JOSEHeader.decode(parts[0])
        return try verifyOne(protectedText: parts[0], protected: protected, unprotected: [:], payloadText: parts[1],
                             signatureText: parts[2], key: key, allowed: allowedAlgorithms,
                             understood: understoodCriticalHeaders, index: 0)
    }

    /// The protected header of a compact JWS, **unverified**: only for choosing
    /// the key (by `kid`) before ``verifyCompact(_:key:allowedAlgorithms:understoodCriticalHeaders:)``.
    /// - Throws: ``JOSEError`` `invalidEncoding` or `invalidHeader`.
    public static func unverifiedHeader(ofCompact text: String) throws(JOSEError) -> [String: JSONValue] {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw JOSEError(.invalidEncoding, "a compact JWS has 3 parts, got \(parts.count)") }
        return try JOSEHeader.decode(parts[0])
    }

    // MARK: Shared

    static func protectedHeader(for signer: some JWSSigner, extra: [String: JSONValue]) throws(JOSEError) -> String {
        guard extra["alg"] == nil else { throw JOSEError(.invalidHeader, "alg is set by the signer, not the header") }
        var header = extra
        header["alg"] = .string(signer.algorithm.rawValue)
        if let kid = signer.keyID, header["kid"] == nil { header["kid"] = .string(kid) }
        return Base64URL.encode(JSONValue.object(header).serializedBytes)
    }

    static func verifyOne(protectedText: Substring, protected: [String: JSONValue], unprotected: [String: JSONValue],
                          payloadText: Substring, signatureText: Substring, key: JWK, allowed: Set<JWSAlgorithm>,
                          understood: Set<String>, index: Int) throws(JOSEError) -> VerifiedJWS {
        let joint = try JOSEHeader.join(protected, unprotected)
        guard let algValue = joint["alg"] else { throw JOSEError(.invalidHeader, "the header has no alg") }
        guard let algName = algValue.stringValue else { throw JOSEError(.invalidHeader, "alg is not a string") }
        let algorithm = try JWSAlgorithm(headerValue: algName)
        guard allowed.contains(algorithm) else {
            throw JOSEError(.algorithmNotAllowed, "\(algName) is not among the allowed algorithms")
        }
        try JOSEHeader.checkCritical(protected: protected, joint: joint, understood: understood, registered: JOSEHeader.jwsRegistered)
        try algorithm.check(key, for: "verify")
        if let kidValue = joint["kid"] {
            guard let kid = kidValue.stringValue else { throw JOSEError(.invalidHeader, "kid is not a string") }
            if let keyID = key.keyID, keyID != kid {
                throw JOSEError(.keyMismatch, "the JWS names key \(kid), the key given is \(keyID)")
            }
        }
        let payload: [UInt8]
        do { payload = try Base64URL.decode(payloadText) } catch { throw JOSEError(.invalidEncoding, "payload: \(error.reason)") }
        let signature: [UInt8]
        do { signature = try Base64URL.decode(signatureText) } catch { throw JOSEError(.invalidEncoding, "signature: \(error.reason)") }
        let signingInput = Array(protectedText.utf8) + [UInt8(ascii: ".")] + Array(payloadText.utf8)
        guard algorithm.isValid(signature, for: signingInput, key: key) else {
            throw JOSEError(.badSignature, "the \(algName) signature does not verify")
        }
        return VerifiedJWS(algorithm: algorithm, protectedHeader: protected, unprotectedHeader: unprotected,
                           payload: payload, signatureIndex: index)
    }
}
