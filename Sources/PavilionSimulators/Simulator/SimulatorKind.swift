/// The provider API a simulator serves.
public enum SimulatorKind: String, Sendable, Hashable, CaseIterable {
    /// CAMARA Know Your Customer Match v0.3 behind an OAuth 2.0 client-credentials token.
    case camara
    /// HL7 FHIR R4 Patient search and CapabilityStatement behind a client-credentials token.
    case fhir
    /// `GET /echo` and `GET /health`, for the echo connector and benchmarks.
    case echo
    /// A telco fraud register published as a `pavilion-psi-v1` set under
    /// `/psi/v1/` (the fraud-list connector's PSI steps).
    case fraudList = "fraud-list"
}
