import Foundation
import PavilionConnectorKit

/// One FHIR Patient query (token, then search) or one health probe, as a
/// state machine.
///
/// Outcomes of the search:
/// - no matching Patient: `notFound`;
/// - one: the requested claims, computed from that record;
/// - more than one (ambiguous): `patient_exists` is `true` (a patient does
///   exist) and every other requested claim is `"not_available"`, since no
///   single record can be attributed to the subject.
/// - a 400/422 answer: `invalidInput` (the server refused our search
///   parameters, which come from the subject); any other error status,
///   including 404 (a search never 404s for "no match"), `upstream`.
public struct FHIRPatientExchange: ConnectorExchange {
    enum Mode {
        case search(path: String, claims: [String], names: (given: String, family: String)?)
        case health(path: String)
    }

    private enum State {
        case initial
        case awaitingToken
        case awaitingSearch
        case awaitingHealth
        case finished
    }

    private let mode: Mode
    private let tokenPath: String
    private let scope: String
    private let context: ExchangeContext
    private var state = State.initial

    init(mode: Mode, tokenPath: String, scope: String, context: ExchangeContext) {
        self.mode = mode
        self.tokenPath = tokenPath
        self.scope = scope
        self.context = context
    }

    /// The token request, or for a probe the metadata request.
    /// - Returns: the first request.
    /// - Throws: `host` when the tenant secrets are missing, `state` when called twice.
    public mutating func start() throws(ConnectorError) -> ConnectorStep {
        guard case .initial = state else { throw ConnectorError(.state, "exchange already started") }
        switch mode {
        case .health(let path):
            state = .awaitingHealth
            return .request(HTTPRequest(method: "GET", path: path, headers: [HTTPHeader("accept", "application/fhir+json")]))
        case .search:
            let id = try context.secretString(named: "client_id")
            let secret = try context.secretString(named: "client_secret")
            var body = "grant_type=client_credentials"
            if !scope.isEmpty { body += "&scope=" + FormEncoding.formValue(scope) }
            state = .awaitingToken
            return .request(HTTPRequest(
                method: "POST", path: tokenPath,
                headers: [HTTPHeader("content-type", "application/x-www-form-urlencoded"),
                          HTTPHeader("accept", "application/json"),
                          HTTPHeader("authorization", FormEncoding.basicAuthorization(id: id, secret: secret))],
                body: Array(body.utf8), isIdempotent: true))
        }
    }

    /// The next step after a response.
    /// - Parameter response: the DP's answer.
    /// - Returns: the search request after the token, the result after the search.
    /// - Throws: `badResponse`, `upstream`, `notFound`, `invalidInput`, `state`.
    public mutating func receive(_ response: HTTPResponse) throws(ConnectorError) -> ConnectorStep {
        switch (state, mode) {
        case (.awaitingToken, .search(let path, _, _)):
            state = .finished
            let token = try Self.accessToken(from: response)
            state = .awaitingSearch
            return .request(HTTPRequest(method: "GET", path: path,
                                        headers: [HTTPHeader("accept", "application/fhir+json"),
                                                  HTTPHeader("authorization", "Bearer " + token)]))
        case (.awaitingSearch, .search(_, let claims, let names)):
            state = .finished
            let patients = try Self.matchingPatients(in: response)
            guard !patients.isEmpty else { throw ConnectorError(.notFound, "no Patient matches the subject") }
            let today = FHIRDate(unixMilliseconds: try context.host.nowMilliseconds())
            var result: Claims = [:]
            for claim in claims {
                if patients.count > 1 {
                    result[claim] = claim == "patient_exists" ? .bool(true) : .notAvailable
                } else {
                    result[claim] = try PatientClaims.value(of: claim, patient: patients[0], names: names, today: today)
                }
            }
            return .result(result)
        case (.awaitingHealth, _):
            state = .finished
            let healthy = response.status == 200
                && (try? ConnectorJSON.parse(response.body))?["resourceType"]?.stringValue == "CapabilityStatement"
            return .result(["healthy": .bool(healthy)])
        default:
            state = .finished
            throw ConnectorError(.state, "no response was expected")
        }
    }

    /// The access token of a client-credentials token response.
    static func accessToken(from response: HTTPResponse) throws(ConnectorError) -> String {
        guard response.status == 200 else {
            throw ConnectorError(.upstream, "token endpoint answered HTTP \(response.status)")
        }
        let json = try ConnectorJSON.parse(response.body, what: "token response")
        guard case .object = json else { throw ConnectorError(.badResponse, "token response is not a JSON object") }
        guard let token = json["access_token"]?.stringValue, !token.isEmpty, token.utf8.count <= 4096,
              token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ConnectorError(.badResponse, "token response has no usable access_token")
        }
        if let type = json["token_type"] {
            guard type.stringValue?.lowercased() == "bearer" else {
                throw ConnectorError(.badResponse, "token response has an unusable token_type")
            }
        }
        return token
    }

    /// The Patient resources a searchset Bundle lists as matches.
    static func matchingPatients(in response: HTTPResponse) throws(ConnectorError) -> [[String: ConnectorJSON]] {
        guard response.status == 200 else {
            let code = Self.operationOutcomeCode(response.body).map { " (\($0))" } ?? ""
            switch response.status {
            case 400, 422:
                throw ConnectorError(.invalidInput, "FHIR server refused the search with HTTP \(response.status)\(code)")
            default:
                throw ConnectorError(.upstream, "FHIR server answered HTTP \(response.status)\(code)")
            }
        }
        let json = try ConnectorJSON.parse(response.body, what: "search response")
        guard json["resourceType"]?.stringValue == "Bundle", json["type"]?.stringValue == "searchset" else {
            throw ConnectorError(.badResponse, "search response is not a searchset Bundle")
        }
        var entries: [ConnectorJSON] = []
        if let entry = json["entry"] {
            guard let array = entry.arrayValue else { throw ConnectorError(.badResponse, "Bundle.entry is not an array") }
            entries = array
        }
        var patients: [[String: ConnectorJSON]] = []
        for entry in entries {
            guard case .object(let members) = entry else {
                throw ConnectorError(.badResponse, "Bundle.entry holds a non-object")
            }
            if let search = members["search"] {
                guard case .object = search else { throw ConnectorError(.badResponse, "entry.search is not an object") }
                if let mode = search["mode"] {
                    guard let m = mode.stringValue else { throw ConnectorError(.badResponse, "entry.search.mode is not a string") }
                    if m != "match" { continue }
                }
            }
            guard let resource = members["resource"]?.objectValue,
                  resource["resourceType"]?.stringValue == "Patient" else {
                throw ConnectorError(.badResponse, "a matching entry is not a Patient resource")
            }
            patients.append(resource)
        }
        return patients
    }

    /// The first issue code of an OperationOutcome body, when it is a short
    /// FHIR code token (it names a condition, not personal data).
    static func operationOutcomeCode(_ body: [UInt8]) -> String? {
        guard let json = try? ConnectorJSON.parse(body), json["resourceType"]?.stringValue == "OperationOutcome",
              let code = json["issue"]?.arrayValue?.first?["code"]?.stringValue, code.count <= 32,
              code.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "-" }) else { return nil }
        return code
    }
}
