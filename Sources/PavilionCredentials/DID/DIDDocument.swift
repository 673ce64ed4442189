import PavilionCore

/// A DID document (DID Core §4), reduced to what verifying needs: its `id`,
/// its verification methods and which of them each relationship authorises.
public struct DIDDocument: Sendable {
    /// The DID the document describes.
    public let id: String
    /// Every verification method: those under `verificationMethod` and those
    /// embedded in a relationship.
    public let verificationMethods: [VerificationMethod]
    /// For each relationship, the absolute ids of the methods it authorises.
    public let relationships: [VerificationRelationship: [String]]
    /// The document as JSON.
    public let json: JSONValue

    /// Build a document.
    /// - Parameters:
    ///   - id: the DID.
    ///   - contexts: the `@context` values.
    ///   - verificationMethods: the methods.
    ///   - relationships: relationship → ids of methods in `verificationMethods`.
    /// - Throws: ``DIDError`` `unsupportedKey` when a method cannot be written.
    public init(id: String, contexts: [String], verificationMethods: [VerificationMethod],
                relationships: [VerificationRelationship: [String]]) throws(DIDError) {
        self.id = id
        self.verificationMethods = verificationMethods
        self.relationships = relationships
        var members: [String: JSONValue] = ["@context": .array(contexts.map { .string($0) }), "id": .string(id)]
        var methods: [JSONValue] = []
        for method in verificationMethods { methods.append(try method.jsonValue()) }
        members["verificationMethod"] = .array(methods)
        for (relationship, ids) in relationships { members[relationship.rawValue] = .array(ids.map { .string($0) }) }
        json = .object(members)
    }

    /// Parse a document and check it describes `expectedID`.
    /// - Parameters:
    ///   - json: the document.
    ///   - expectedID: the DID that was resolved; `nil` to skip the check.
    /// - Throws: ``DIDError`` `invalidDocument`, `idMismatch`, or a key error of a method.
    public init(json: JSONValue, expectedID: String?) throws(DIDError) {
        guard let members = json.objectValue else { throw DIDError(.invalidDocument, "a DID document is a \(json.typeName), not an object") }
        guard let id = members["id"]?.stringValue else { throw DIDError(.invalidDocument, "the DID document has no string id") }
        if let expectedID, id != expectedID {
            throw DIDError(.idMismatch, "the document describes \(id), not \(expectedID)")
        }
        var methods: [VerificationMethod] = []
        if let list = members["verificationMethod"] {
            guard let array = list.arrayValue else { throw DIDError(.invalidDocument, "verificationMethod is not an array") }
            for element in array { methods.append(try VerificationMethod(json: element, documentID: id)) }
        }
        var relationships: [VerificationRelationship: [String]] = [:]
        for relationship in VerificationRelationship.allCases {
            guard let list = members[relationship.rawValue] else { continue }
            guard let array = list.arrayValue else { throw DIDError(.invalidDocument, "\(relationship.rawValue) is not an array") }
            var ids: [String] = []
            for element in array {
                if let reference = element.stringValue {
                    ids.append(VerificationMethod.absolute(reference, in: id))
                } else {
                    let embedded = try VerificationMethod(json: element, documentID: id)
                    methods.append(embedded)
                    ids.append(embedded.id)
                }
            }
            relationships[relationship] = ids
        }
        var seen: Set<String> = []
        for method in methods where !seen.insert(method.id).inserted {
            throw DIDError(.invalidDocument, "verification method \(method.id) appears twice")
        }
        self.id = id
        self.verificationMethods = methods
        self.relationships = relationships
        self.json = json
    }

    /// The verification method `didURL` names, if `relationship` authorises it.
    /// - Parameters:
    ///   - didURL: an absolute DID URL (`did:…#fragment`) or a fragment (`#…`).
    ///   - relationship: the relationship the use needs, e.g. `assertionMethod` to issue.
    /// - Returns: the method.
    /// - Throws: ``DIDError`` `verificationMethodNotFound`.
    public func verificationMethod(_ didURL: String, for relationship: VerificationRelationship) throws(DIDError) -> VerificationMethod {
        let target = VerificationMethod.absolute(didURL, in: id)
        guard let method = verificationMethods.first(where: { $0.id == target }) else {
            throw DIDError(.verificationMethodNotFound, "\(id) has no verification method \(target)")
        }
        guard relationships[relationship, default: []].contains(target) else {
            throw DIDError(.verificationMethodNotFound, "\(target) is not authorised for \(relationship.rawValue)")
        }
        return method
    }
}
