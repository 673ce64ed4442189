import PavilionCore
import PavilionCredentials

/// The credential members of a verification request: `credential_format`,
/// `subject_did`, `holder_jwk` and `encrypt_to`, checked for shape.
struct CredentialRequestFields {
    var format: CredentialFormat?
    var subjectDID: String?
    var holderJWK: JSONValue?
    var encryptTo: JSONValue?

    /// - Throws: ``APIProblem`` `unsupported_credential_format` for an unknown
    ///   format, `invalid_request` for a malformed DID or key.
    static func parse(_ members: [String: JSONValue]) throws(APIProblem) -> CredentialRequestFields {
        var fields = CredentialRequestFields()
        if let value = members["credential_format"] {
            guard let text = value.stringValue, let format = CredentialFormat(rawValue: text) else {
                let known = CredentialFormat.allCases.map(\.rawValue).joined(separator: ", ")
                throw APIProblem(400, "unsupported_credential_format",
                                 "\"credential_format\" must be one of \(known)",
                                 extensions: ["supported": .array(CredentialFormat.allCases.map { .string($0.rawValue) })])
            }
            fields.format = format
        }
        if let value = members["subject_did"] {
            guard let did = value.stringValue, did.hasPrefix("did:"), did.utf8.count <= 2048,
                  did.split(separator: ":", omittingEmptySubsequences: false).count >= 3,
                  did.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0 != "#" && $0 != "?" }) else {
                throw .invalidRequest("\"subject_did\" must be a DID such as \"did:key:z6Mk…\"")
            }
            fields.subjectDID = did
        }
        if let value = members["holder_jwk"] {
            guard fields.format == .sdJWTVC else {
                throw .invalidRequest("\"holder_jwk\" is only used with \"credential_format\": \"dc+sd-jwt\"")
            }
            let key: JWK
            do { key = try JWK(json: value) } catch { throw .invalidRequest("\"holder_jwk\" is not a usable public JWK: \(error.reason)") }
            guard !key.isPrivate else { throw .invalidRequest("\"holder_jwk\" must be a public key; never send a private key") }
            fields.holderJWK = value
        }
        if let value = members["encrypt_to"] {
            let key: JWK
            do { key = try JWK(json: value) } catch { throw .invalidRequest("\"encrypt_to\" is not a usable public JWK: \(error.reason)") }
            guard !key.isPrivate else { throw .invalidRequest("\"encrypt_to\" must be a public key; never send a private key") }
            guard case .ec(let ec, _) = key.material, ec.curve == .p256 || ec.curve == .p384 else {
                throw .invalidRequest("\"encrypt_to\" must be an EC P-256 or P-384 key (ECDH-ES+A256KW)")
            }
            if let use = value["use"]?.stringValue, use != "enc" {
                throw .invalidRequest("\"encrypt_to\" is marked \"use\": \"\(Tokens.printable(use))\"; an encryption key has \"use\": \"enc\" or none")
            }
            fields.encryptTo = value
        }
        return fields
    }
}
