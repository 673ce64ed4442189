import PavilionCore

/// One signature to add to a JWS JSON serialisation.
public struct JWSSignatureRequest: Sendable {
    /// The key.
    public var signer: any JWSSigner
    /// More protected header members; `alg` (and the signer's `kid`) are added.
    public var protectedHeader: [String: JSONValue]
    /// Unprotected header members, not covered by the signature.
    public var unprotectedHeader: [String: JSONValue]

    /// - Parameters:
    ///   - signer: the key.
    ///   - protectedHeader: more protected members.
    ///   - unprotectedHeader: unprotected members.
    public init(signer: any JWSSigner, protectedHeader: [String: JSONValue] = [:], unprotectedHeader: [String: JSONValue] = [:]) {
        self.signer = signer
        self.protectedHeader = protectedHeader
        self.unprotectedHeader = unprotectedHeader
    }
}

extension JWS {
    /// Sign `payload` once per request and return the JSON serialisation.
    /// - Parameters:
    ///   - payload: the bytes to sign.
    ///   - signatures: one request per signature; exactly one when `flattened`.
    ///   - flattened: the flattened form (RFC 7515 §7.2.2) instead of the general one.
    /// - Returns: the JSON text.
    /// - Throws: ``JOSEError`` `invalidHeader` for a bad request, or the signers' errors.
    public static func signJSON(payload: [UInt8], signatures: [JWSSignatureRequest], flattened: Bool = false) throws(JOSEError) -> String {
        guard !signatures.isEmpty, !flattened || signatures.count == 1 else {
            throw JOSEError(.invalidHeader, flattened ? "the flattened form carries exactly one signature" : "at least one signature is needed")
        }
        let payloadText = Base64URL.encode(payload)
        var entries: [JSONValue] = []
        for request in signatures {
            let protected = try protectedHeader(for: request.signer, extra: request.protectedHeader)
            _ = try JOSEHeader.join(JOSEHeader.decode(protected), request.unprotectedHeader)
            let signature = try request.signer.sign(Array("\(protected).\(payloadText)".utf8))
            var entry: [String: JSONValue] = ["protected": .string(protected), "signature": .string(Base64URL.encode(signature))]
            if !request.unprotectedHeader.isEmpty { entry["header"] = .object(request.unprotectedHeader) }
            entries.append(.object(entry))
        }
        if flattened, case .object(var only)? = entries.first {
            only["payload"] = .string(payloadText)
            return JSONValue.object(only).serialized
        }
        return JSONValue.object(["payload": .string(payloadText), "signatures": .array(entries)]).serialized
    }

    /// Verify a JWS in the general or flattened JSON serialisation: the first
    /// signature that verifies with `key` under an allowed algorithm wins.
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - key: the key to verify with.
    ///   - allowedAlgorithms: the algorithms the caller accepts.
    ///   - understoodCriticalHeaders: `crit` names the caller processes itself.
    /// - Returns: the verified signature's headers and the payload.
    /// - Throws: ``JOSEError``: with one signature, its reason; with several,
    ///   `badSignature` if any fitting signature failed, else the first reason.
    public static func verifyJSON(_ text: String, key: JWK, allowedAlgorithms: Set<JWSAlgorithm>,
                                  understoodCriticalHeaders: Set<String> = []) throws(JOSEError) -> VerifiedJWS {
        let value: JSONValue
        do { value = try JSONParser().parse(text) } catch { throw JOSEError(.invalidEncoding, "JWS JSON is not valid JSON: \(error)") }
        guard let object = value.objectValue else { throw JOSEError(.invalidEncoding, "a JWS JSON serialisation is an object") }
        guard let payloadText = object["payload"]?.stringValue else { throw JOSEError(.invalidEncoding, "the JWS has no payload string") }
        var entries: [[String: JSONValue]] = []
        if let signatures = object["signatures"] {
            guard object["signature"] == nil, object["protected"] == nil, object["header"] == nil else {
                throw JOSEError(.invalidEncoding, "a JWS cannot be both general (signatures) and flattened (signature)")
            }
            guard let array = signatures.arrayValue, !array.isEmpty else { throw JOSEError(.invalidEncoding, "signatures is not a non-empty array") }
            for element in array {
                guard let entry = element.objectValue else { throw JOSEError(.invalidEncoding, "a signatures element is not an object") }
                entries.append(entry)
            }
        } else {
            entries = [object]
        }
        var errors: [JOSEError] = []
        for (index, entry) in entries.enumerated() {
            do {
                return try verifyEntry(entry, payloadText: payloadText, key: key, allowed: allowedAlgorithms,
                                       understood: understoodCriticalHeaders, index: index)
            } catch {
                errors.append(error)
            }
        }
        if errors.count > 1, let bad = errors.first(where: { $0.code == .badSignature }) { throw bad }
        throw errors.first ?? JOSEError(.invalidEncoding, "no signature")
    }

    private static func verifyEntry(_ entry: [String: JSONValue], payloadText: String, key: JWK, allowed: Set<JWSAlgorithm>,
                                    understood: Set<String>, index: Int) throws(JOSEError) -> VerifiedJWS {
        guard let signatureText = entry["signature"]?.stringValue else { throw JOSEError(.invalidEncoding, "signature \(index) has no signature string") }
        var protectedText = ""
        var protected: [String: JSONValue] = [:]
        if let p = entry["protected"] {
            guard let s = p.stringValue else { throw JOSEError(.invalidEncoding, "protected is not a string") }
            protectedText = s
            protected = try JOSEHeader.decode(s)
        }
        var unprotected: [String: JSONValue] = [:]
        if let h = entry["header"] {
            guard let o = h.objectValue else { throw JOSEError(.invalidHeader, "header is not an object") }
            unprotected = o
        }
        guard entry["protected"] != nil || entry["header"] != nil else {
            throw JOSEError(.invalidHeader, "signature \(index) has neither protected nor header")
        }
        return try verifyOne(protectedText: Substring(protectedText), protected: protected, unprotected: unprotected,
                             payloadText: Substring(payloadText), signatureText: Substring(signatureText), key: key,
                             allowed: allowed, understood: understood, index: index)
    }
}
