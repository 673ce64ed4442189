import PavilionCore
import PavilionNet

/// CAMARA Know Your Customer Match v0.3, two-legged:
/// `POST /oauth2/token`, then `POST /kyc-match/v0.3/match` with the token.
///
/// The match body must hold `phoneNumber` (E.164) and any of the CAMARA
/// attributes; each one sent is compared with the subscriber's record and
/// answered as `<field>Match`: `"true"`, `"false"` (with
/// `<field>MatchScore` 0...100 for name and address fields) or
/// `"not_available"` when the record lacks it. Text compares
/// case-insensitively with whitespace collapsed; `email` case-insensitively;
/// `idDocument` ignoring spaces and hyphens; `birthdate` exactly.
///
/// Errors use CAMARA's `{"status","code","message"}` body: 401
/// `UNAUTHENTICATED` (no or unknown bearer token), 400 `INVALID_ARGUMENT`
/// (bad JSON, missing or malformed `phoneNumber`, a non-string attribute, a
/// malformed `birthdate`), 404 `IDENTIFIER_NOT_FOUND` (unknown number),
/// 404 `NOT_FOUND` and 405 `METHOD_NOT_ALLOWED` for other routes.
struct CamaraKYCMatchAPI: ProviderAPI {
    static let matchPath = "/kyc-match/v0.3/match"
    static let tokenPath = "/oauth2/token"

    /// CAMARA request fields, and how each is compared. Fields with a score.
    private static let scored: Set<String> = ["name", "givenName", "familyName", "middleNames", "familyNameAtBirth",
                                              "address", "streetName"]
    private static let fields: [String] = ["idDocument", "name", "givenName", "familyName", "nameKanaHankaku",
                                           "nameKanaZenkaku", "middleNames", "familyNameAtBirth", "address",
                                           "streetName", "streetNumber", "postalCode", "region", "locality", "country",
                                           "houseNumberExtension", "birthdate", "email", "gender"]

    let issuer: TokenIssuer
    let subscribers: [String: SyntheticPerson]

    init(people: [SyntheticPerson], issuer: TokenIssuer) {
        self.issuer = issuer
        var byPhone: [String: SyntheticPerson] = [:]
        for person in people {
            if let phone = person.phoneNumber, byPhone[phone] == nil { byPhone[phone] = person }
        }
        subscribers = byPhone
    }

    var contentType: String { "application/json" }

    func respond(to request: HTTPServerRequest) -> HTTPServerResponse {
        switch request.path {
        case Self.tokenPath:
            return issuer.respond(to: request)
        case Self.matchPath:
            guard request.method == "POST" else {
                var response = error(status: 405, code: "METHOD_NOT_ALLOWED", message: "use POST")
                response.headers.add(name: "allow", value: "POST")
                return response
            }
            return match(request)
        default:
            return error(status: 404, code: "NOT_FOUND", message: "no such resource: \(request.path)")
        }
    }

    func error(status: Int, message: String) -> HTTPServerResponse {
        let code: String
        switch status {
        case 400: code = "INVALID_ARGUMENT"
        case 401: code = "UNAUTHENTICATED"
        case 403: code = "PERMISSION_DENIED"
        case 404: code = "NOT_FOUND"
        case 409: code = "CONFLICT"
        case 422: code = "UNPROCESSABLE_ENTITY"
        case 429: code = "TOO_MANY_REQUESTS"
        case 503: code = "UNAVAILABLE"
        case 504: code = "TIMEOUT"
        default: code = status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT"
        }
        return error(status: status, code: code, message: message)
    }

    private func error(status: Int, code: String, message: String) -> HTTPServerResponse {
        .json(status, ["status": .int(Int64(status)), "code": .string(code), "message": .string(message)])
    }

    private func match(_ request: HTTPServerRequest) -> HTTPServerResponse {
        guard issuer.isValid(FormDecoding.bearerToken(request.headers["authorization"])) else {
            var response = error(status: 401, code: "UNAUTHENTICATED",
                                 message: "Request not authenticated due to missing, invalid, or expired credentials.")
            response.headers.add(name: "www-authenticate", value: "Bearer")
            return response
        }
        let body: [String: JSONValue]
        do {
            guard let object = try JSONParser().parse(bytes: request.body).objectValue else {
                return error(status: 400, code: "INVALID_ARGUMENT", message: "the body must be a JSON object")
            }
            body = object
        } catch {
            return self.error(status: 400, code: "INVALID_ARGUMENT", message: "the body is not valid JSON: \(error)")
        }
        guard let phoneValue = body["phoneNumber"] else {
            return error(status: 400, code: "INVALID_ARGUMENT", message: "phoneNumber is required")
        }
        guard let phone = phoneValue.stringValue, PhoneNumber.isE164(phone) else {
            return error(status: 400, code: "INVALID_ARGUMENT", message: "phoneNumber must be E.164 with a leading '+'")
        }
        for field in Self.fields {
            guard let value = body[field] else { continue }
            guard let text = value.stringValue else {
                return error(status: 400, code: "INVALID_ARGUMENT", message: "\(field) must be a string")
            }
            if field == "birthdate", !DateText.isFullDate(text) {
                return error(status: 400, code: "INVALID_ARGUMENT", message: "birthdate must be YYYY-MM-DD")
            }
        }
        guard let person = subscribers[phone] else {
            return error(status: 404, code: "IDENTIFIER_NOT_FOUND", message: "Device identifier not found.")
        }
        var answer: [String: JSONValue] = [:]
        for field in Self.fields {
            guard let sent = body[field]?.stringValue else { continue }
            guard let known = Self.recordValue(field, of: person) else {
                answer["\(field)Match"] = "not_available"
                continue
            }
            let matches = Self.compare(field, sent: sent, known: known)
            answer["\(field)Match"] = matches ? "true" : "false"
            if !matches, Self.scored.contains(field) {
                answer["\(field)MatchScore"] = .int(Int64(known.map { TextMatch.score(sent, $0) }.max() ?? 0))
            }
        }
        return .json(200, .object(answer))
    }

    /// The subscriber's values a field may match (any one of them).
    private static func recordValue(_ field: String, of person: SyntheticPerson) -> [String]? {
        switch field {
        case "idDocument": return person.idDocument.map { [$0] }
        case "name": return [person.fullName]
        case "givenName": return person.givenNames.first.map { [$0] }
        case "familyName": return [person.familyName]
        case "middleNames":
            let middle = person.givenNames.dropFirst()
            return middle.isEmpty ? nil : [middle.joined(separator: " ")]
        case "address": return person.address.map { [$0.formatted, $0.street] }
        case "postalCode": return person.address.map { [$0.postalCode] }
        case "locality": return person.address.map { [$0.locality] }
        case "region": return person.address?.region.map { [$0] }
        case "country": return person.address.map { [$0.country] }
        case "birthdate": return [person.birthdate]
        case "email": return person.email.map { [$0] }
        case "gender":
            switch person.gender {
            case "male": return ["MALE"]
            case "female": return ["FEMALE"]
            case "other": return ["OTHER"]
            default: return nil
            }
        default: return nil
        }
    }

    private static func compare(_ field: String, sent: String, known: [String]) -> Bool {
        switch field {
        case "birthdate":
            return known.contains(sent)
        case "idDocument":
            func squeeze(_ s: String) -> String { s.uppercased().filter { $0 != " " && $0 != "-" } }
            return known.contains { squeeze($0) == squeeze(sent) }
        default:
            return known.contains { TextMatch.normalised($0) == TextMatch.normalised(sent) }
        }
    }
}
