import Foundation
import PavilionCore
import PavilionCredentials
import PavilionManifest
import PavilionStore

extension VerificationPipeline {
    /// What the credential of a completed verification says: the minimised
    /// claims and non-personal evidence, never the subject's attributes.
    static func credentialContent(_ request: VerificationRequest, claims: JSONValue, id: VerificationID, tenant: TenantID,
                                  manifest: Manifest, region: Manifest.Region) throws(APIProblem) -> CredentialContent {
        var holderKey: JWK?
        if let jwk = request.holderJWK {
            do { holderKey = try JWK(json: jwk) } catch { throw .invalidRequest("\"holder_jwk\": \(error.reason)") }
        }
        return CredentialContent(claims: claims.objectValue ?? [:], subjectDID: request.subjectDID, holderKey: holderKey,
                                 verificationID: id.rawValue, connector: manifest.name,
                                 connectorVersion: manifest.metadata.version, region: region.name, tenant: tenant,
                                 dataProviderConsultedAt: Date())
    }
}
