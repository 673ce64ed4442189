import PavilionConnectorKit

/// HL7 FHIR R4 Patient search: does the provider know this patient, is the
/// patient over 18/21/65, deceased, and do the names match?
///
/// Per query: an OAuth 2.0 client-credentials token (SMART backend services
/// with a client secret, HTTP Basic from the tenant secrets `client_id` and
/// `client_secret`), then `GET {base_path}/Patient?…&_count=2` with
/// `Accept: application/fhir+json`.
///
/// Search key: `subject.identifier` ("system|value") when given, and then
/// nothing else; otherwise `family_name`, `given_name` and `birthdate`.
///
/// Data minimisation: the result holds only the requested claims, each a
/// boolean, a match string or "not_available"; never a raw attribute such as
/// the birth date.
///
/// Settings: `base_path` (default "/fhir/R4"), `token_path` (default
/// "/oauth2/token"), `scope` (default "system/Patient.rs").
public struct FHIRPatientConnector: Connector {
    public static let description = ConnectorDescription(
        name: "fhir-patient", version: "1.0.0",
        claims: ["patient_exists", "age_over_18", "age_over_21", "age_over_65", "is_deceased", "name_match"],
        hasHealthProbe: true, requiredHostServices: [.secret, .clock])

    let basePath: String
    let tokenPath: String
    let scope: String
    let host: ConnectorHost

    /// - Parameters:
    ///   - settings: `base_path`, `token_path`, `scope`.
    ///   - host: the host services.
    /// - Throws: `invalidInput` when a setting is not a usable path or string.
    public init(settings: [String: ConnectorJSON], host: ConnectorHost) throws(ConnectorError) {
        func path(_ key: String, _ fallback: String) throws(ConnectorError) -> String {
            guard let value = settings[key] else { return fallback }
            guard var s = value.stringValue, s.hasPrefix("/"), !s.contains(".."),
                  s.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "?" && $0 != "#" }) else {
                throw ConnectorError(.invalidInput, "setting \(key) must be a path starting with '/'")
            }
            while s.count > 1, s.hasSuffix("/") { s.removeLast() }
            return s
        }
        basePath = try path("base_path", "/fhir/R4")
        tokenPath = try path("token_path", "/oauth2/token")
        if let value = settings["scope"] {
            guard let s = value.stringValue, s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
                throw ConnectorError(.invalidInput, "setting scope must be printable ASCII")
            }
            scope = s
        } else {
            scope = "system/Patient.rs"
        }
        self.host = host
    }

    /// - Parameters:
    ///   - query: the checked query.
    ///   - context: exchange services (secrets, clock).
    /// - Returns: the exchange.
    /// - Throws: `invalidInput` when the subject lacks the search key or the
    ///   names `name_match` compares.
    public func makeExchange(query: ConnectorQuery, context: ExchangeContext) throws(ConnectorError) -> FHIRPatientExchange {
        let search: [(String, String)]
        if query.subject["identifier"] != nil {
            let identifier = try query.subjectString("identifier")
            guard identifier.contains("|") else {
                throw ConnectorError(.invalidInput, "subject attribute identifier must be \"system|value\"")
            }
            search = [("identifier", identifier)]
        } else {
            guard query.subject["family_name"] != nil, query.subject["given_name"] != nil,
                  query.subject["birthdate"] != nil else {
                throw ConnectorError(.invalidInput,
                                     "subject needs identifier, or family_name, given_name and birthdate")
            }
            let birthdate = try query.subjectString("birthdate")
            guard FHIRDate(birthdate)?.isFullDate == true else {
                throw ConnectorError(.invalidInput, "subject attribute birthdate must be YYYY-MM-DD")
            }
            search = [("family", try query.subjectString("family_name")),
                      ("given", try query.subjectString("given_name")),
                      ("birthdate", birthdate)]
        }
        var names: (given: String, family: String)?
        if query.requests("name_match") {
            names = (try query.subjectString("given_name"), try query.subjectString("family_name"))
        }
        let pathQuery = (search + [("_count", "2")]).map { "\($0.0)=\(FormEncoding.queryComponent($0.1))" }
        return FHIRPatientExchange(
            mode: .search(path: "\(basePath)/Patient?" + pathQuery.joined(separator: "&"),
                          claims: query.claims, names: names),
            tokenPath: tokenPath, scope: scope, context: context)
    }

    /// A probe of `GET {base_path}/metadata`: healthy when the server answers
    /// 200 with a CapabilityStatement.
    /// - Parameter context: exchange services.
    /// - Returns: the probe.
    public func makeHealthProbe(context: ExchangeContext) throws(ConnectorError) -> FHIRPatientExchange? {
        FHIRPatientExchange(mode: .health(path: "\(basePath)/metadata"), tokenPath: tokenPath, scope: scope,
                            context: context)
    }
}
