import Foundation
import PavilionCore
import PavilionCrypto
import PavilionManifest
import PavilionPrivacy
import PavilionStore

/// The verification pipeline's privacy stages: the probing limit before
/// the data provider is asked, and the privacy receipt of every stored
/// verification (its `privacy_receipt` artifact, which the store appends to
/// the transparency log; the log's next signed tree head covers it). See
/// `docs/privacy.md`.
extension VerificationPipeline {
    /// The artifact kind of a privacy receipt.
    static let receiptArtifactKind = "privacy_receipt"

    /// The claim types that answer yes or no.
    static let yesNoClaimTypes: Set<String> = ["boolean", "match"]

    /// Spend one probing answer when the request asks a yes/no claim and a
    /// probing limit is configured.
    /// - Throws: ``APIProblem`` `privacy_budget_exhausted` (429, Retry-After).
    func chargeProbing(_ request: VerificationRequest, manifest: Manifest, tenant: TenantID,
                       privacy: PrivacyEngine) async throws(APIProblem) {
        guard privacy.probing != nil else { return }
        let asked = Set(request.claims)
        guard manifest.claims.contains(where: { asked.contains($0.name) && Self.yesNoClaimTypes.contains($0.type) }) else { return }
        let fingerprint = Self.subjectFingerprint(request.subject, manifest: manifest,
                                                  fields: privacy.configuration.probing?.subjectFields[manifest.name])
        _ = try await privacy.chargeAnswer(relyingParty: tenant.rawValue, subject: fingerprint, question: "verify:\(manifest.name)")
    }

    /// The part of the subject that says who it is: the configured fields,
    /// else the input schema's `required` fields, else all of it; as
    /// canonical JSON (digested by the guard, never stored).
    static func subjectFingerprint(_ subject: JSONValue, manifest: Manifest, fields configured: [String]?) -> String {
        let required = manifest.inputSchema?["required"]?.arrayValue?.compactMap(\.stringValue)
        guard let fields = configured ?? required, !fields.isEmpty, case .object(let members) = subject else {
            return manifest.name + "\u{0}" + subject.serialized
        }
        var picked: [String: JSONValue] = [:]
        for field in fields { picked[field] = members[field] ?? .null }
        return manifest.name + "\u{0}" + JSONValue.object(picked).serialized
    }

    /// Make the verification's privacy receipt and return it as its
    /// `privacy_receipt` artifact (the store appends it to the log in the
    /// verification's transaction; no signature per receipt).
    /// - Throws: ``APIProblem`` `privacy_receipt_failed` (500).
    func privacyReceipt(_ request: VerificationRequest, id: VerificationID, tenant: TenantID, manifest: Manifest,
                        lawfulBasis: String?, released: JSONValue, usedPSI: Bool = false, privacy: PrivacyEngine,
                        at time: Date) throws(APIProblem) -> VerificationArtifact {
        let releasedNames = Array((released.objectValue ?? [:]).keys)
        let withheld = manifest.claims.map(\.name).filter { !releasedNames.contains($0) }
        var primitives = ["minimisation"]
        if privacy.probing != nil,
           manifest.claims.contains(where: { request.claims.contains($0.name) && Self.yesNoClaimTypes.contains($0.type) }) {
            primitives.append("dp:probing-limit")
        }
        if !request.commitAttributes.isEmpty { primitives.append("zk:pedersen-p256") }
        // The connector asked the DP through PSI (PV_STEP_PSI): the DP saw only blinded points.
        if usedPSI { primitives.append(Self.psiPrimitive) }
        if let format = request.credentialFormat { primitives.append("credential:" + format.rawValue.replacingOccurrences(of: "+", with: "-")) }
        do {
            guard let basis = LawfulBasis(rawValue: lawfulBasis ?? "") else {
                throw ReceiptError(.invalidValue, field: "lawful_basis", "'\(lawfulBasis ?? "")' is not a GDPR Art. 6(1) basis")
            }
            let receipt = PrivacyReceipt(
                requestID: Self.receiptRequestID(id), tenant: tenant.rawValue, connector: manifest.name, purpose: request.purpose,
                lawfulBasis: basis, dataCategories: Self.categories(of: request.claims, in: manifest),
                releasedClaims: releasedNames, withheldClaims: withheld, primitives: primitives,
                time: UInt64(max(0, (time.timeIntervalSince1970 * 1000).rounded(.down))))
            return VerificationArtifact(kind: Self.receiptArtifactKind, mediaType: "application/json",
                                        body: try privacy.receipts.logEntry(for: receipt))
        } catch {
            throw APIProblem(500, "privacy_receipt_failed", "the privacy receipt could not be made: \(error)")
        }
    }

    /// The receipt's `request_id`: the verification id's 32 hex digits in
    /// UUID form (receipts refuse other digit-heavy identifiers).
    static func receiptRequestID(_ id: VerificationID) -> String {
        let utf8 = id.rawValue.utf8
        let hex = utf8.starts(with: "vrf_".utf8) ? utf8.dropFirst(4) : utf8[...]
        guard hex.count == 32 else { return id.rawValue }
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, byte) in hex.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
            out.append(byte)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The answer's `privacy_receipt` member once the verification is
    /// stored: where its receipt sits in the log, as the store returned it
    /// with the commit (no read after it).
    static func privacyReceiptPosition(leafHash: [UInt8], logIndex: Int64?) -> JSONValue {
        .object(["log_index": logIndex.map(JSONValue.int) ?? .null, "leaf_hash": .string(Hex.encode(leafHash))])
    }
}
