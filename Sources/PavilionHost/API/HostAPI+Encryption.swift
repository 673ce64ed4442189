import PavilionCore
import PavilionCredentials
import PavilionNet

extension HostAPI {
    /// The media type of an encrypted answer: a JWE in compact serialisation (RFC 7516 §9).
    static let encryptedMediaType = "application/jose"

    /// The verification answer encrypted end to end to the relying party's
    /// key (`"encrypt_to"`): a compact JWE, ECDH-ES+A256KW with A256GCM,
    /// `cty: application/json`, the key's `kid` if it has one. Only the
    /// holder of the private key can read the claims or the credential;
    /// problems stay plain (they never hold claims).
    static func encryptedAnswer(_ answer: JSONValue, to recipient: JSONValue) throws(APIProblem) -> HTTPServerResponse {
        do {
            let key = try JWK(json: recipient)
            var header: [String: JSONValue] = ["cty": "application/json"]
            if let kid = key.keyID { header["kid"] = .string(kid) }
            let jwe = try JWE.encryptCompact(answer.serializedBytes, to: key, header: header)
            return HTTPServerResponse(status: 200, headers: ["content-type": encryptedMediaType], body: Array(jwe.utf8))
        } catch {
            throw APIProblem.invalidRequest("cannot encrypt the answer to \"encrypt_to\": \(error.reason)")
        }
    }
}
