import Foundation
import PavilionConnectorKit

/// Claims computed from one FHIR Patient resource. Each reads only the
/// elements it needs and refuses wrongly typed ones as `badResponse`.
enum PatientClaims {
    static func value(of claim: String, patient: [String: ConnectorJSON],
                      names: (given: String, family: String)?, today: FHIRDate) throws(ConnectorError) -> ClaimValue {
        switch claim {
        case "patient_exists": return .bool(true)
        case "age_over_18": return try ageOver(18, patient, today)
        case "age_over_21": return try ageOver(21, patient, today)
        case "age_over_65": return try ageOver(65, patient, today)
        case "is_deceased": return try deceased(patient)
        case "name_match":
            guard let names else { throw ConnectorError(.internal, "name_match without subject names") }
            return try nameMatch(patient, given: names.given, family: names.family)
        default:
            throw ConnectorError(.unsupported, "claim is not offered")
        }
    }

    /// From `birthDate`; "not_available" when absent or a partial date
    /// leaves the answer open on `today`.
    static func ageOver(_ years: Int, _ patient: [String: ConnectorJSON], _ today: FHIRDate) throws(ConnectorError) -> ClaimValue {
        guard let element = patient["birthDate"] else { return .notAvailable }
        guard let text = element.stringValue, let birth = FHIRDate(text) else {
            throw ConnectorError(.badResponse, "Patient.birthDate is not a FHIR date")
        }
        return birth.isAtLeast(years, on: today).map { .bool($0) } ?? .notAvailable
    }

    /// From `deceasedBoolean` / `deceasedDateTime`. Absent means the record
    /// makes no statement (FHIR R4 Patient.deceased[x]): "not_available".
    static func deceased(_ patient: [String: ConnectorJSON]) throws(ConnectorError) -> ClaimValue {
        let flag = patient["deceasedBoolean"]
        let date = patient["deceasedDateTime"]
        switch (flag, date) {
        case (nil, nil): return .notAvailable
        case (.some(let f), nil):
            guard let b = f.boolValue else { throw ConnectorError(.badResponse, "Patient.deceasedBoolean is not a boolean") }
            return .bool(b)
        case (nil, .some(let d)):
            guard let s = d.stringValue, !s.isEmpty else {
                throw ConnectorError(.badResponse, "Patient.deceasedDateTime is not a string")
            }
            return .bool(true)
        default:
            throw ConnectorError(.badResponse, "Patient has both deceasedBoolean and deceasedDateTime")
        }
    }

    /// True when some current HumanName (use other than "old") has the
    /// family name and, among its given names, the given name, compared
    /// case-insensitively after Unicode NFC; "not_available" without names.
    static func nameMatch(_ patient: [String: ConnectorJSON], given: String, family: String) throws(ConnectorError) -> ClaimValue {
        guard let element = patient["name"] else { return .notAvailable }
        guard let names = element.arrayValue else { throw ConnectorError(.badResponse, "Patient.name is not an array") }
        let wantedGiven = fold(given)
        let wantedFamily = fold(family)
        var compared = false
        for name in names {
            guard case .object(let parts) = name else { throw ConnectorError(.badResponse, "Patient.name holds a non-object") }
            if let use = parts["use"] {
                guard let u = use.stringValue else { throw ConnectorError(.badResponse, "HumanName.use is not a string") }
                if u == "old" { continue }
            }
            var familyName: String?
            if let f = parts["family"] {
                guard let s = f.stringValue else { throw ConnectorError(.badResponse, "HumanName.family is not a string") }
                familyName = s
            }
            var givenNames: [String] = []
            if let g = parts["given"] {
                guard let array = g.arrayValue else { throw ConnectorError(.badResponse, "HumanName.given is not an array") }
                for item in array {
                    guard let s = item.stringValue else { throw ConnectorError(.badResponse, "HumanName.given holds a non-string") }
                    givenNames.append(s)
                }
            }
            guard let familyName, !givenNames.isEmpty else { continue }
            compared = true
            let givenMatches = givenNames.contains { fold($0) == wantedGiven }
                || fold(givenNames.joined(separator: " ")) == wantedGiven
            if givenMatches, fold(familyName) == wantedFamily { return .match(true) }
        }
        return compared ? .match(false) : .notAvailable
    }

    /// NFC, trimmed, lower-cased.
    static func fold(_ s: String) -> String {
        s.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
