import Foundation
import PavilionCore

extension SyntheticPerson {
    /// The largest seed file read (4 MiB).
    public static let maxFileBytes = 4 << 20

    /// Read people from a JSON file: an array of person objects, or
    /// `{"people": [...]}`. Keys: `id`, `phone_number`, `identifiers`
    /// (`[{"system","value"}]`), `given_names`, `family_name`, `birthdate`,
    /// `gender`, `email`, `id_document`, `address` (`street`,
    /// `postal_code`, `locality`, `region`, `country`), `deceased`,
    /// `deceased_at`. Required: `id`, `given_names`, `family_name`,
    /// `birthdate`.
    /// - Parameter path: the file.
    /// - Returns: the people, in file order.
    /// - Throws: ``SimulatorError`` `invalidPeople` naming the file, the
    ///   person's index and the key.
    public static func load(path: String) throws(SimulatorError) -> [SyntheticPerson] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimulatorError(.invalidPeople, "\(path): cannot read the file")
        }
        guard data.count <= maxFileBytes else {
            throw SimulatorError(.invalidPeople, "\(path): larger than \(maxFileBytes) bytes")
        }
        let json: JSONValue
        do { json = try JSONParser().parse(bytes: Array(data)) } catch {
            throw SimulatorError(.invalidPeople, "\(path): \(error)")
        }
        do { return try people(from: json) } catch {
            throw SimulatorError(.invalidPeople, "\(path): \(error.reason)")
        }
    }

    /// People from parsed JSON (see ``load(path:)`` for the shape).
    /// - Parameter json: an array of person objects or `{"people": [...]}`.
    /// - Returns: the people.
    /// - Throws: ``SimulatorError`` `invalidPeople` naming the index and key.
    public static func people(from json: JSONValue) throws(SimulatorError) -> [SyntheticPerson] {
        let list: [JSONValue]
        if let array = json.arrayValue {
            list = array
        } else if let array = json["people"]?.arrayValue {
            list = array
        } else {
            throw SimulatorError(.invalidPeople, "expected an array of people or {\"people\": [...]}")
        }
        var result: [SyntheticPerson] = []
        var ids = Set<String>()
        for (index, element) in list.enumerated() {
            let person = try person(from: element, at: index)
            guard ids.insert(person.id).inserted else {
                throw SimulatorError(.invalidPeople, "people[\(index)].id '\(person.id)' is used twice")
            }
            result.append(person)
        }
        return result
    }

    private static let keys: Set<String> = ["id", "phone_number", "identifiers", "given_names", "family_name",
                                            "birthdate", "gender", "email", "id_document", "address", "deceased",
                                            "deceased_at"]

    private static func person(from json: JSONValue, at index: Int) throws(SimulatorError) -> SyntheticPerson {
        let at = "people[\(index)]"
        guard case .object(let m) = json else { throw SimulatorError(.invalidPeople, "\(at) is not an object") }
        if let unknown = m.keys.sorted().first(where: { !keys.contains($0) }) {
            throw SimulatorError(.invalidPeople, "\(at) has the unknown key '\(unknown)'")
        }
        func string(_ key: String, in members: [String: JSONValue], at path: String) throws(SimulatorError) -> String? {
            guard let value = members[key], value != .null else { return nil }
            guard let s = value.stringValue, !s.isEmpty else {
                throw SimulatorError(.invalidPeople, "\(path).\(key) must be a non-empty string")
            }
            return s
        }
        func required(_ key: String) throws(SimulatorError) -> String {
            guard let s = try string(key, in: m, at: at) else {
                throw SimulatorError(.invalidPeople, "\(at).\(key) is required")
            }
            return s
        }
        let id = try required("id")
        let family = try required("family_name")
        let birthdate = try required("birthdate")
        guard DateText.isFullDate(birthdate) else {
            throw SimulatorError(.invalidPeople, "\(at).birthdate must be YYYY-MM-DD")
        }
        guard let givenArray = m["given_names"]?.arrayValue, !givenArray.isEmpty else {
            throw SimulatorError(.invalidPeople, "\(at).given_names must be a non-empty array of strings")
        }
        var given: [String] = []
        for value in givenArray {
            guard let s = value.stringValue, !s.isEmpty else {
                throw SimulatorError(.invalidPeople, "\(at).given_names must be a non-empty array of strings")
            }
            given.append(s)
        }
        var identifiers: [Identifier] = []
        if let value = m["identifiers"] {
            guard let array = value.arrayValue else {
                throw SimulatorError(.invalidPeople, "\(at).identifiers must be an array")
            }
            for (n, element) in array.enumerated() {
                let path = "\(at).identifiers[\(n)]"
                guard let members = element.objectValue,
                      let system = try string("system", in: members, at: path),
                      let value = try string("value", in: members, at: path) else {
                    throw SimulatorError(.invalidPeople, "\(path) needs string system and value")
                }
                identifiers.append(Identifier(system: system, value: value))
            }
        }
        let phone = try string("phone_number", in: m, at: at)
        if let phone, !PhoneNumber.isE164(phone) {
            throw SimulatorError(.invalidPeople, "\(at).phone_number must be E.164, e.g. +34600000001")
        }
        let gender = try string("gender", in: m, at: at) ?? "unknown"
        guard ["male", "female", "other", "unknown"].contains(gender) else {
            throw SimulatorError(.invalidPeople, "\(at).gender must be male, female, other or unknown")
        }
        var address: Address?
        if let value = m["address"], value != .null {
            let path = "\(at).address"
            guard let a = value.objectValue,
                  let street = try string("street", in: a, at: path),
                  let postal = try string("postal_code", in: a, at: path),
                  let locality = try string("locality", in: a, at: path),
                  let country = try string("country", in: a, at: path) else {
                throw SimulatorError(.invalidPeople, "\(path) needs street, postal_code, locality and country")
            }
            address = Address(street: street, postalCode: postal, locality: locality,
                              region: try string("region", in: a, at: path), country: country)
        }
        var deceased = false
        if let value = m["deceased"] {
            guard let b = value.boolValue else { throw SimulatorError(.invalidPeople, "\(at).deceased must be a boolean") }
            deceased = b
        }
        let deceasedAt = try string("deceased_at", in: m, at: at)
        return SyntheticPerson(id: id, phoneNumber: phone, identifiers: identifiers, givenNames: given,
                               familyName: family, birthdate: birthdate, gender: gender,
                               email: try string("email", in: m, at: at), idDocument: try string("id_document", in: m, at: at),
                               address: address, deceased: deceased || deceasedAt != nil, deceasedAt: deceasedAt)
    }
}
