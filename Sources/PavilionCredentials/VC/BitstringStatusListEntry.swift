import PavilionCore

/// A `credentialStatus` entry of type `BitstringStatusListEntry` (W3C
/// Bitstring Status List v1.0 §2.1): where in which list this credential's
/// status bit lives. The lists themselves belong to the status module.
public struct BitstringStatusListEntry: Sendable, Equatable {
    /// The entry's optional `id`.
    public var id: String?
    /// `revocation`, `suspension`, `refresh` or `message`.
    public var statusPurpose: String
    /// The bit index in the list.
    public var statusListIndex: Int
    /// The URL of the status list credential.
    public var statusListCredential: String

    /// - Parameters:
    ///   - id: the entry id, if any.
    ///   - statusPurpose: the purpose.
    ///   - statusListIndex: the index (non-negative).
    ///   - statusListCredential: the list credential's URL.
    public init(id: String? = nil, statusPurpose: String, statusListIndex: Int, statusListCredential: String) {
        self.id = id
        self.statusPurpose = statusPurpose
        self.statusListIndex = statusListIndex
        self.statusListCredential = statusListCredential
    }

    /// Read an entry; `statusListIndex` is a string of decimal digits, as the spec writes it.
    /// - Parameter json: the entry object.
    /// - Throws: ``VCError`` `dataModel`.
    public init(json: JSONValue) throws(VCError) {
        guard json["type"]?.stringValue == "BitstringStatusListEntry" else {
            throw VCError(.dataModel, "the status entry is not a BitstringStatusListEntry")
        }
        guard let purpose = json["statusPurpose"]?.stringValue, !purpose.isEmpty else {
            throw VCError(.dataModel, "BitstringStatusListEntry needs a statusPurpose")
        }
        guard let indexText = json["statusListIndex"]?.stringValue, !indexText.isEmpty, indexText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              indexText == "0" || !indexText.hasPrefix("0"), let index = Int(indexText) else {
            throw VCError(.dataModel, "statusListIndex must be a string of decimal digits")
        }
        guard let list = json["statusListCredential"]?.stringValue, VerifiableCredential.isURL(list) else {
            throw VCError(.dataModel, "statusListCredential must be a URL")
        }
        if let id = json["id"], !(id.stringValue.map(VerifiableCredential.isURL) ?? false) {
            throw VCError(.dataModel, "the status entry id must be a URL")
        }
        self.init(id: json["id"]?.stringValue, statusPurpose: purpose, statusListIndex: index, statusListCredential: list)
    }

    /// The entry as JSON.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "type": "BitstringStatusListEntry", "statusPurpose": .string(statusPurpose),
            "statusListIndex": .string(String(statusListIndex)), "statusListCredential": .string(statusListCredential),
        ]
        if let id { members["id"] = .string(id) }
        return .object(members)
    }
}
