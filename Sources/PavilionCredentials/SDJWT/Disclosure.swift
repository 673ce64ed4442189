import PavilionCore
import PavilionCrypto

/// One SD-JWT disclosure (RFC 9901 §4.2): the base64url of the JSON array
/// `[salt, name, value]` for an object property or `[salt, value]` for an
/// array element.
///
/// The digest is taken over ``encoded`` exactly as received, so a parsed
/// disclosure keeps its text; the decoded parts are for reading only.
public struct Disclosure: Sendable, Hashable {
    /// The disclosure as it travels: base64url of the JSON array.
    public let encoded: String
    /// The salt.
    public let salt: String
    /// The claim name for an object property; `nil` for an array element.
    public let claimName: String?
    /// The claim value or array element.
    public let value: JSONValue

    /// A new disclosure with a fresh 128-bit salt from the CSPRNG.
    /// - Parameters:
    ///   - claimName: the property name, or `nil` for an array element.
    ///   - value: the value to hide.
    /// - Throws: ``SDJWTError`` `cryptoFailure` when the CSPRNG fails;
    ///   `reservedNameMisuse` for the names `_sd` and `...`.
    public init(claimName: String?, value: JSONValue) throws(SDJWTError) {
        let salt: [UInt8]
        do { salt = try SecureRandom.bytes(16) } catch { throw SDJWTError(.cryptoFailure, "the CSPRNG failed: \(error)") }
        try self.init(salt: Base64URL.encode(salt), claimName: claimName, value: value)
    }

    /// A disclosure with a given salt (for tests and vectors; issuers use
    /// ``init(claimName:value:)``).
    /// - Parameters:
    ///   - salt: the salt string.
    ///   - claimName: the property name, or `nil` for an array element.
    ///   - value: the value to hide.
    /// - Throws: ``SDJWTError`` `reservedNameMisuse` for the names `_sd` and `...`.
    public init(salt: String, claimName: String?, value: JSONValue) throws(SDJWTError) {
        var array: [JSONValue] = [.string(salt)]
        if let claimName {
            guard claimName != "_sd", claimName != "..." else {
                throw SDJWTError(.reservedNameMisuse, "\(claimName) cannot be a disclosed claim name")
            }
            array.append(.string(claimName))
        }
        array.append(value)
        self.encoded = Base64URL.encode(JSONValue.array(array).serializedBytes)
        self.salt = salt
        self.claimName = claimName
        self.value = value
    }

    /// Parse a received disclosure.
    /// - Parameter encoded: the base64url text.
    /// - Throws: ``SDJWTError`` `invalidDisclosure` when it is not base64url of
    ///   a JSON array of 2 or 3 elements with a string salt and claim name;
    ///   `reservedNameMisuse` when the claim name is `_sd` or `...`.
    public init(parsing encoded: some StringProtocol) throws(SDJWTError) {
        let bytes: [UInt8]
        do { bytes = try Base64URL.decode(encoded) } catch { throw SDJWTError(.invalidDisclosure, "not base64url: \(error.reason)") }
        let json: JSONValue
        do { json = try JSONParser().parse(bytes: bytes) } catch { throw SDJWTError(.invalidDisclosure, "not JSON: \(error)") }
        guard let array = json.arrayValue else { throw SDJWTError(.invalidDisclosure, "a disclosure is a JSON array, got \(json.typeName)") }
        guard array.count == 2 || array.count == 3 else {
            throw SDJWTError(.invalidDisclosure, "a disclosure has 2 or 3 elements, got \(array.count)")
        }
        guard let salt = array[0].stringValue else { throw SDJWTError(.invalidDisclosure, "the salt is a \(array[0].typeName), not a string") }
        if array.count == 3 {
            guard let name = array[1].stringValue else {
                throw SDJWTError(.invalidDisclosure, "the claim name is a \(array[1].typeName), not a string")
            }
            guard name != "_sd", name != "..." else {
                throw SDJWTError(.reservedNameMisuse, "a disclosure names the reserved claim \(name)")
            }
            claimName = name
        } else {
            claimName = nil
        }
        self.encoded = String(encoded)
        self.salt = salt
        self.value = array[array.count - 1]
    }

    /// The digest that refers to this disclosure.
    /// - Parameter algorithm: the SD-JWT's `_sd_alg`.
    /// - Returns: the base64url digest of ``encoded``.
    public func digest(using algorithm: SDJWTHashAlgorithm = .sha256) -> String { algorithm.digest(of: encoded) }
}
