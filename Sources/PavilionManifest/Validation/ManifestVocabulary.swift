import PavilionCore

/// The closed sets of words a manifest may use. `docs/manifest.schema.json`
/// lists the same sets; the schema-agreement test keeps them in step.
enum ManifestVocabulary {
    static let apiVersion = "pavilion.dev/v1"
    static let kind = "Connector"
    static let dataFormats = ["json", "csv", "xml"]
    static let credentialFormats = ["vc+jwt", "dc+sd-jwt", "vc-di-ecdsa-jcs-2019", "vc-di-eddsa-jcs-2022"]
    static let claimTypes = ["boolean", "string", "number", "match"]
    static let residencyZones = ResidencyZone.allCases.map(\.rawValue)
    static let jurisdictions = ["gdpr", "uk-gdpr", "ccpa", "hipaa", "pipeda", "lgpd", "pdpa", "dpdp", "app", "fadp", "appi"]
    static let lawfulBases = ["consent", "contract", "legal_obligation", "vital_interests", "public_task",
                              "legitimate_interests"]
    static let transferBases = ["scc", "bcr", "dpf", "derogation"]
    static let dataCategories = ["identity", "contact", "financial", "health", "biometric", "location", "government_id",
                                 "demographic", "employment", "device"]
    static let tlsVersions = ["1.2", "1.3"]

    /// Zones the UK recognises as adequate for UK GDPR transfers (with the UK itself).
    static let ukGDPRAdequate: Set<ResidencyZone> = [.uk, .eu, .ch, .jp, .ca]
    /// Zones a HIPAA connector may process data in.
    static let hipaaZones: Set<ResidencyZone> = [.us, .usCA]
    /// Zones of which a CCPA connector needs at least one.
    static let ccpaZones: Set<ResidencyZone> = [.us, .usCA]
}
