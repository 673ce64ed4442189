import PavilionCore

/// A JWK Set (RFC 7517 §5).
///
/// Keys of a type, curve or size Pavilion does not support, and malformed
/// keys, are skipped as RFC 7517 §5 asks, and their reasons kept in ``skipped``.
public struct JWKSet: Sendable, Equatable {
    /// The usable keys, in document order.
    public var keys: [JWK]
    /// Why each skipped member of `keys` was not usable.
    public private(set) var skipped: [JOSEError]

    /// A set of `keys`.
    public init(keys: [JWK]) {
        self.keys = keys
        self.skipped = []
    }

    /// Parse a JWK Set from its JSON text.
    /// - Parameter text: the JSON text.
    /// - Throws: ``JOSEError`` `invalidEncoding` when it is not an object with a `keys` array.
    public init(parsing text: String) throws(JOSEError) {
        let value: JSONValue
        do { value = try JSONParser().parse(text) } catch { throw JOSEError(.invalidEncoding, "JWK Set is not valid JSON: \(error)") }
        try self.init(json: value)
    }

    /// A JWK Set from a parsed JSON value.
    /// - Parameter json: the JSON object.
    /// - Throws: ``JOSEError`` `invalidEncoding` when it is not an object with a `keys` array.
    public init(json: JSONValue) throws(JOSEError) {
        guard let array = json["keys"]?.arrayValue else { throw JOSEError(.invalidEncoding, "a JWK Set is an object with a keys array") }
        keys = []
        skipped = []
        for member in array {
            do { keys.append(try JWK(json: member)) } catch { skipped.append(error) }
        }
    }

    /// The keys whose `kid` is `keyID`.
    public func keys(withID keyID: String) -> [JWK] { keys.filter { $0.keyID == keyID } }

    /// The set as JSON text, public parts only.
    /// - Throws: never for public keys; ``JOSEError`` `cryptoFailure` if OpenSSL fails.
    public func serialized() throws(JOSEError) -> String {
        var array: [JSONValue] = []
        for key in keys { array.append(try key.publicJWK.jsonValue()) }
        return JSONValue.object(["keys": .array(array)]).serialized
    }
}
