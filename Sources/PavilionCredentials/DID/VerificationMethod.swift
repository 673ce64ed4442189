import PavilionCore

/// A verification method of a DID document (DID Core §5.2) with its public
/// key decoded from `publicKeyMultibase` (Multikey) or `publicKeyJwk`
/// (JsonWebKey, JsonWebKey2020).
public struct VerificationMethod: Sendable, Equatable {
    /// The absolute DID URL, e.g. `did:key:z6Mk…#z6Mk…`.
    public let id: String
    /// `Multikey`, `JsonWebKey` or `JsonWebKey2020`.
    public let type: String
    /// The DID that controls the key.
    public let controller: String
    /// The public key (no private part: one in the document is refused).
    public let publicKey: JWK

    /// - Parameters:
    ///   - id: the absolute DID URL.
    ///   - type: the method type.
    ///   - controller: the controlling DID.
    ///   - publicKey: the public key.
    public init(id: String, type: String, controller: String, publicKey: JWK) {
        self.id = id
        self.type = type
        self.controller = controller
        self.publicKey = publicKey.publicJWK
    }

    /// A verification method from its JSON in a document.
    /// - Parameters:
    ///   - json: the object.
    ///   - documentID: the document's DID, to resolve relative ids (`#key-1`).
    /// - Throws: ``DIDError`` `invalidDocument`, `invalidKey`, `unsupportedKey`.
    public init(json: JSONValue, documentID: String) throws(DIDError) {
        guard let members = json.objectValue else { throw DIDError(.invalidDocument, "a verification method is a \(json.typeName), not an object") }
        guard let rawID = members["id"]?.stringValue, let type = members["type"]?.stringValue,
              let controller = members["controller"]?.stringValue else {
            throw DIDError(.invalidDocument, "a verification method needs string id, type and controller")
        }
        let id = Self.absolute(rawID, in: documentID)
        switch (members["publicKeyMultibase"], members["publicKeyJwk"]) {
        case (let multibase?, nil):
            guard let text = multibase.stringValue else { throw DIDError(.invalidDocument, "publicKeyMultibase is not a string") }
            publicKey = try Multikey(multibase: text).jwk
        case (nil, let jwkValue?):
            guard jwkValue["d"] == nil else { throw DIDError(.invalidKey, "\(id) publishes a private key (d)") }
            do { publicKey = try JWK(json: jwkValue) } catch {
                throw DIDError(error.code == .unsupportedKey ? .unsupportedKey : .invalidKey, "\(id): \(error.reason)")
            }
        case (nil, nil):
            throw DIDError(.unsupportedKey, "\(id) has neither publicKeyMultibase nor publicKeyJwk")
        case (_?, _?):
            throw DIDError(.invalidDocument, "\(id) has both publicKeyMultibase and publicKeyJwk")
        }
        self.id = id
        self.type = type
        self.controller = controller
    }

    /// The method as JSON: `publicKeyMultibase` for `Multikey`, else `publicKeyJwk`.
    /// - Throws: ``DIDError`` `unsupportedKey` when a Multikey cannot encode the key.
    public func jsonValue() throws(DIDError) -> JSONValue {
        var members: [String: JSONValue] = ["id": .string(id), "type": .string(type), "controller": .string(controller)]
        if type == "Multikey" {
            members["publicKeyMultibase"] = .string(try Multikey(jwk: publicKey).multibase)
        } else {
            do { members["publicKeyJwk"] = try publicKey.jsonValue() } catch { throw DIDError(.invalidKey, error.reason) }
        }
        return .object(members)
    }

    static func absolute(_ reference: String, in documentID: String) -> String {
        reference.hasPrefix("#") ? documentID + reference : reference
    }
}

/// The verification relationships of DID Core §5.3 Pavilion checks.
public enum VerificationRelationship: String, Sendable, Hashable, CaseIterable {
    /// Issuing credentials (`proofPurpose: assertionMethod`).
    case assertionMethod
    /// Proving control, e.g. holder key binding.
    case authentication
    /// Key agreement (encryption).
    case keyAgreement
    /// Invoking capabilities.
    case capabilityInvocation
    /// Delegating capabilities.
    case capabilityDelegation
}
