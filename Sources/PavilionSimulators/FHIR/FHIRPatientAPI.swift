import PavilionCore
import PavilionNet

/// HL7 FHIR R4 Patient, SMART backend-services style:
/// `POST /oauth2/token`, then with the bearer token
/// `GET /fhir/R4/Patient?identifier=system|value` or
/// `?family=&given=&birthdate=` (each optional, at least one search
/// parameter; `_count` 0...100, default 10) answering a `searchset`
/// `Bundle`, and `GET /fhir/R4/Patient/{id}`. `GET /fhir/R4/metadata`
/// answers the CapabilityStatement without a token (as FHIR servers do).
///
/// Search semantics follow FHIR: `identifier` is a token (`system|value`,
/// `|value` for no system, `system|` for any value, `value` for any
/// system); `family` and `given` are strings (case- and accent-insensitive
/// prefix of any name's family or given part; `:exact` compares whole and
/// exactly); `birthdate` is a date at year, month or day precision, with an
/// optional `eq` prefix. Parameters combine with AND.
///
/// Errors are `OperationOutcome`s: 401 `login` without a valid token, 400
/// `invalid` for a bad value or no search parameter, 400 `not-supported` for
/// an unknown parameter, modifier or prefix, 404 `not-found`, 405.
struct FHIRPatientAPI: ProviderAPI {
    static let base = "/fhir/R4"
    static let tokenPath = "/oauth2/token"
    static let maxCount = 100
    static let defaultCount = 10

    let issuer: TokenIssuer
    let patients: [SyntheticPerson]

    init(people: [SyntheticPerson], issuer: TokenIssuer) {
        self.issuer = issuer
        patients = people.filter { !$0.identifiers.isEmpty }
    }

    var contentType: String { "application/fhir+json" }

    func respond(to request: HTTPServerRequest) -> HTTPServerResponse {
        let path = request.path
        if path == Self.tokenPath { return issuer.respond(to: request) }
        guard path == Self.base || path.hasPrefix(Self.base + "/") else {
            return outcome(404, "not-found", "no such resource: \(path)")
        }
        let rest = path.dropFirst(Self.base.count)
        guard request.method == "GET" || request.method == "HEAD" else {
            var response = outcome(405, "not-supported", "only GET is supported")
            response.headers.add(name: "allow", value: "GET")
            return response
        }
        if rest == "/metadata" { return .json(200, Self.capabilityStatement, contentType: contentType) }
        guard issuer.isValid(FormDecoding.bearerToken(request.headers["authorization"])) else {
            var response = outcome(401, "login", "a valid bearer token is required")
            response.headers.add(name: "www-authenticate", value: "Bearer")
            return response
        }
        if rest == "/Patient" { return search(request) }
        if rest.hasPrefix("/Patient/") {
            let id = rest.dropFirst("/Patient/".count)
            guard let patient = patients.first(where: { $0.id == id }) else {
                return outcome(404, "not-found", "no Patient with id \(id)")
            }
            return .json(200, patient.fhirPatient, contentType: contentType)
        }
        return outcome(404, "not-found", "no such resource: \(path)")
    }

    func error(status: Int, message: String) -> HTTPServerResponse {
        let code: String
        switch status {
        case 400: code = "invalid"
        case 401, 403: code = "security"
        case 404: code = "not-found"
        case 429: code = "throttled"
        case 503, 504: code = "transient"
        default: code = status >= 500 ? "exception" : "processing"
        }
        return outcome(status, code, message)
    }

    private func outcome(_ status: Int, _ code: String, _ diagnostics: String) -> HTTPServerResponse {
        .json(status, [
            "resourceType": "OperationOutcome",
            "issue": [["severity": "error", "code": .string(code), "diagnostics": .string(diagnostics)]],
        ], contentType: contentType)
    }

    // MARK: Search

    private func search(_ request: HTTPServerRequest) -> HTTPServerResponse {
        guard let pairs = FormDecoding.pairs(request.query ?? "") else {
            return outcome(400, "invalid", "the query string does not decode")
        }
        var filters: [(SyntheticPerson) -> Bool] = []
        var count = Self.defaultCount
        for (rawName, value) in pairs {
            let parts = rawName.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let modifier = parts.count == 2 ? String(parts[1]) : nil
            switch (name, modifier) {
            case ("_count", nil):
                guard let n = Int(value), (0...Self.maxCount).contains(n) else {
                    return outcome(400, "invalid", "_count must be an integer 0...\(Self.maxCount)")
                }
                count = n
            case ("_format", nil):
                guard ["json", "application/fhir+json", "application/json"].contains(value) else {
                    return outcome(400, "not-supported", "only JSON is supported")
                }
            case ("identifier", nil):
                guard !value.isEmpty else { return outcome(400, "invalid", "identifier is empty") }
                filters.append(Self.identifierFilter(value))
            case ("family", nil), ("family", "exact"), ("given", nil), ("given", "exact"):
                guard !value.isEmpty else { return outcome(400, "invalid", "\(name) is empty") }
                filters.append(Self.nameFilter(name, value, exact: modifier != nil))
            case ("birthdate", nil):
                let date = value.hasPrefix("eq") ? String(value.dropFirst(2)) : value
                guard let first = value.first, first.isNumber || value.hasPrefix("eq") else {
                    return outcome(400, "not-supported", "only the eq prefix is supported for birthdate")
                }
                guard DateText.isDatePrefix(date) else {
                    return outcome(400, "invalid", "birthdate must be YYYY, YYYY-MM or YYYY-MM-DD")
                }
                filters.append { $0.birthdate.hasPrefix(date) }
            case (_, .some) where ["identifier", "birthdate", "_count", "_format"].contains(name):
                return outcome(400, "not-supported", "modifier :\(modifier ?? "") is not supported on \(name)")
            default:
                return outcome(400, "not-supported", "search parameter \(rawName) is not supported")
            }
        }
        guard !filters.isEmpty else {
            return outcome(400, "invalid", "give identifier, or family, given and/or birthdate")
        }
        let matches = patients.filter { person in filters.allSatisfy { $0(person) } }
        let host = request.headers["host"] ?? "localhost"
        let scheme = request.tls == nil ? "http" : "https"
        let base = "\(scheme)://\(host)\(Self.base)"
        let entries: [JSONValue] = matches.prefix(count).map { person in
            ["fullUrl": .string("\(base)/Patient/\(person.id)"), "resource": person.fhirPatient,
             "search": ["mode": "match"]]
        }
        var bundle: [String: JSONValue] = [
            "resourceType": "Bundle",
            "type": "searchset",
            "total": .int(Int64(matches.count)),
            "link": [["relation": "self", "url": .string("\(base)/Patient?\(request.query ?? "")")]],
        ]
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return .json(200, .object(bundle), contentType: contentType)
    }

    private static func identifierFilter(_ token: String) -> (SyntheticPerson) -> Bool {
        guard let bar = token.firstIndex(of: "|") else {
            return { $0.identifiers.contains { $0.value == token } }
        }
        let system = String(token[..<bar])
        let value = String(token[token.index(after: bar)...])
        return { person in
            person.identifiers.contains { identifier in
                // "|value": no system; "system|": any value.
                (system.isEmpty ? false : identifier.system == system) && (value.isEmpty || identifier.value == value)
            }
        }
    }

    private static func nameFilter(_ part: String, _ value: String, exact: Bool) -> (SyntheticPerson) -> Bool {
        let wanted = exact ? value : TextMatch.folded(value)
        return { person in
            let candidates = part == "family" ? [person.familyName] : person.givenNames
            return candidates.contains { exact ? $0 == wanted : TextMatch.folded($0).hasPrefix(wanted) }
        }
    }

    static let capabilityStatement: JSONValue = [
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-01-01",
        "publisher": "Pavilion DP simulator (synthetic data)",
        "kind": "instance",
        "software": ["name": "pavilion-simulator-fhir", "version": "1.0.0"],
        "implementation": ["description": "Simulated FHIR R4 Patient server with fictional patients"],
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [[
            "mode": "server",
            "security": [
                "service": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                         "code": "SMART-on-FHIR"]]]],
            ],
            "resource": [[
                "type": "Patient",
                "interaction": [["code": "read"], ["code": "search-type"]],
                "searchParam": [
                    ["name": "identifier", "type": "token"],
                    ["name": "family", "type": "string"],
                    ["name": "given", "type": "string"],
                    ["name": "birthdate", "type": "date"],
                ],
            ]],
        ]],
    ]
}
