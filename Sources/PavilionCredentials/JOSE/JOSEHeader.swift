import PavilionCore

/// Header handling shared by JWS and JWE: strict decoding, joining the
/// protected and unprotected parts, and `crit` (RFC 7515 §4.1.11).
enum JOSEHeader {
    /// Header names JWS and JWA define, which `crit` must not list.
    static let jwsRegistered: Set<String> = ["alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"]
    /// Header names JWE and JWA define, which `crit` must not list.
    static let jweRegistered: Set<String> = jwsRegistered.union(["enc", "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c"])

    /// The JSON object encoded in base64url `text`; duplicate names, other
    /// JSON types and invalid UTF-8 are refused.
    static func decode(_ text: some StringProtocol) throws(JOSEError) -> [String: JSONValue] {
        guard !text.isEmpty else { throw JOSEError(.invalidHeader, "the protected header is empty") }
        let bytes: [UInt8]
        do { bytes = try Base64URL.decode(text) } catch { throw JOSEError(.invalidEncoding, "protected header: \(error.reason)") }
        let value: JSONValue
        do { value = try JSONParser().parse(bytes: bytes) } catch { throw JOSEError(.invalidHeader, "protected header is not valid JSON: \(error)") }
        guard let object = value.objectValue else { throw JOSEError(.invalidHeader, "the header is a \(value.typeName), not an object") }
        return object
    }

    /// The union of both headers; a name in both is refused (RFC 7515 §7.2.1).
    static func join(_ protected: [String: JSONValue], _ unprotected: [String: JSONValue]) throws(JOSEError) -> [String: JSONValue] {
        var joint = protected
        for (name, value) in unprotected {
            guard joint.updateValue(value, forKey: name) == nil else {
                throw JOSEError(.invalidHeader, "\(name) is in both the protected and the unprotected header")
            }
        }
        return joint
    }

    /// Apply `crit` and refuse `b64: false` (RFC 7797), which Pavilion does not implement.
    static func checkCritical(protected: [String: JSONValue], joint: [String: JSONValue],
                              understood: Set<String>, registered: Set<String>) throws(JOSEError) {
        if let b64 = joint["b64"] {
            guard protected["b64"] != nil else { throw JOSEError(.invalidHeader, "b64 must be in the protected header") }
            guard b64.boolValue != nil else { throw JOSEError(.invalidHeader, "b64 is not a boolean") }
        }
        if joint["crit"] != nil, protected["crit"] == nil {
            throw JOSEError(.invalidHeader, "crit must be in the protected header")
        }
        var names: [String] = []
        if let crit = protected["crit"] {
            guard let array = crit.arrayValue, !array.isEmpty else { throw JOSEError(.invalidHeader, "crit must be a non-empty array") }
            for element in array {
                guard let name = element.stringValue, !name.isEmpty else { throw JOSEError(.invalidHeader, "crit holds a non-string") }
                guard !names.contains(name) else { throw JOSEError(.invalidHeader, "crit lists \(name) twice") }
                guard !registered.contains(name) else { throw JOSEError(.invalidHeader, "crit must not list the registered name \(name)") }
                guard joint[name] != nil else { throw JOSEError(.invalidHeader, "crit lists \(name), which the header lacks") }
                names.append(name)
            }
        }
        for name in names {
            if name == "b64" {
                throw JOSEError(.criticalHeaderUnsupported, "b64 (RFC 7797 unencoded payload) is not supported")
            }
            guard understood.contains(name) else {
                throw JOSEError(.criticalHeaderUnsupported, "critical header parameter \(name) is not understood")
            }
        }
        if joint["b64"]?.boolValue == false {
            // b64 false without crit would change the signing input silently.
            throw JOSEError(.invalidHeader, "b64 false must be listed in crit (RFC 7797 §6)")
        }
    }
}
