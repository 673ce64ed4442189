/// The lawful basis for processing, as GDPR Article 6(1)(a)–(f) lists them.
public enum LawfulBasis: String, Sendable, Hashable, CaseIterable {
    /// (a) the data subject consented.
    case consent
    /// (b) necessary for a contract with the data subject.
    case contract
    /// (c) necessary to comply with a legal obligation.
    case legalObligation = "legal_obligation"
    /// (d) necessary to protect someone's vital interests.
    case vitalInterests = "vital_interests"
    /// (e) a task in the public interest or official authority.
    case publicTask = "public_task"
    /// (f) the controller's or a third party's legitimate interests.
    case legitimateInterests = "legitimate_interests"
}
