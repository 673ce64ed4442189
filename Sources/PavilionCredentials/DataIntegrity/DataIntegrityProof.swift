import Foundation
import PavilionCore

/// A `DataIntegrityProof` read from a secured document.
public struct DataIntegrityProof: Sendable {
    /// The cryptosuite.
    public let cryptosuite: DataIntegrityCryptosuite
    /// The DID URL of the key.
    public let verificationMethod: String
    /// The stated purpose.
    public let proofPurpose: String
    /// `created`, if present.
    public let created: Date?
    /// `expires`, if present.
    public let expires: Date?
    /// The signature bytes from `proofValue`.
    public let signature: [UInt8]
    /// The proof object without `proofValue`: the proof configuration that was signed.
    public let configuration: [String: JSONValue]

    /// Read the proof object.
    /// - Parameter json: the value of `proof`.
    /// - Throws: ``DataIntegrityError`` `malformedProof`, `unsupportedCryptosuite`,
    ///   `invalidCreated`, `malformedProofValue`.
    public init(json: JSONValue) throws(DataIntegrityError) {
        guard var members = json.objectValue else {
            throw DataIntegrityError(.malformedProof, json.arrayValue != nil ? "proof sets (several proofs) are not supported" : "proof is not an object")
        }
        func string(_ name: String, required: Bool = true) throws(DataIntegrityError) -> String? {
            guard let value = members[name] else {
                if required { throw DataIntegrityError(.malformedProof, "the proof has no \(name)") }
                return nil
            }
            guard let text = value.stringValue else { throw DataIntegrityError(.malformedProof, "\(name) is a \(value.typeName), not a string") }
            return text
        }
        guard try string("type") == "DataIntegrityProof" else {
            throw DataIntegrityError(.unsupportedCryptosuite, "proof type \(members["type"]?.stringValue ?? "") is not DataIntegrityProof")
        }
        let suiteName = try string("cryptosuite") ?? ""
        guard let suite = DataIntegrityCryptosuite(rawValue: suiteName) else {
            throw DataIntegrityError(.unsupportedCryptosuite, "cryptosuite \(suiteName) is not supported (ecdsa-jcs-2019, eddsa-jcs-2022 are)")
        }
        cryptosuite = suite
        verificationMethod = try string("verificationMethod") ?? ""
        proofPurpose = try string("proofPurpose") ?? ""
        created = try Self.date(string("created", required: false), "created", .invalidCreated)
        expires = try Self.date(string("expires", required: false), "expires", .malformedProof)
        guard let proofValue = try string("proofValue") else { throw DataIntegrityError(.malformedProof, "the proof has no proofValue") }
        do { signature = try Base58BTC.decodeMultibase(proofValue) } catch {
            throw DataIntegrityError(.malformedProofValue, "proofValue: \(error.reason)")
        }
        members["proofValue"] = nil
        configuration = members
    }

    private static func date(_ text: String?, _ name: String, _ code: DataIntegrityError.Code) throws(DataIntegrityError) -> Date? {
        guard let text else { return nil }
        guard let date = DateTimeStamp.parse(text) else { throw DataIntegrityError(code, "\(name) \"\(text)\" is not a dateTimeStamp") }
        return date
    }
}
