/// A data-residency zone: where personal data may be processed and stored.
///
/// The set is closed on purpose: a manifest naming a zone Pavilion does not
/// know is refused rather than guessed at.
public enum ResidencyZone: String, Sendable, Hashable, CaseIterable, Codable {
    /// European Union / European Economic Area (GDPR).
    case eu
    /// United Kingdom (UK GDPR).
    case uk
    /// United States.
    case us
    /// California, within the United States (CCPA/CPRA).
    case usCA = "us-ca"
    /// Canada (PIPEDA).
    case ca
    /// Australia (Privacy Act 1988).
    case au
    /// Singapore (PDPA).
    case sg
    /// India (DPDP Act 2023).
    case `in`
    /// Brazil (LGPD).
    case br
    /// Switzerland (revFADP).
    case ch
    /// Japan (APPI).
    case jp

    /// Zones whose data protection the EU recognises as adequate (Art. 45
    /// GDPR decisions), so that data of EU subjects may go there without a
    /// further transfer basis. The EU itself is included.
    public static let gdprAdequate: Set<ResidencyZone> = [.eu, .uk, .ch, .jp, .ca]

    /// Whether `zone` is contained in this zone (us-ca lies within us).
    public func contains(_ zone: ResidencyZone) -> Bool {
        zone == self || (self == .us && zone == .usCA)
    }
}
