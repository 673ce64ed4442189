import PavilionCore

extension SyntheticPerson {
    /// The person as a FHIR R4 `Patient` resource.
    var fhirPatient: JSONValue {
        var patient: [String: JSONValue] = [
            "resourceType": "Patient",
            "id": .string(id),
            "active": true,
            "identifier": .array(identifiers.map { ["system": .string($0.system), "value": .string($0.value)] }),
            "name": [["use": "official", "family": .string(familyName), "given": .array(givenNames.map { .string($0) })]],
            "gender": .string(gender),
            "birthDate": .string(birthdate),
        ]
        if let deceasedAt {
            patient["deceasedDateTime"] = .string(deceasedAt)
        } else {
            patient["deceasedBoolean"] = .bool(deceased)
        }
        var telecom: [JSONValue] = []
        if let phoneNumber { telecom.append(["system": "phone", "value": .string(phoneNumber), "use": "mobile"]) }
        if let email { telecom.append(["system": "email", "value": .string(email)]) }
        if !telecom.isEmpty { patient["telecom"] = .array(telecom) }
        if let address {
            var fhir: [String: JSONValue] = ["line": [.string(address.street)], "city": .string(address.locality),
                                             "postalCode": .string(address.postalCode), "country": .string(address.country)]
            if let region = address.region { fhir["state"] = .string(region) }
            patient["address"] = [.object(fhir)]
        }
        return .object(patient)
    }
}
