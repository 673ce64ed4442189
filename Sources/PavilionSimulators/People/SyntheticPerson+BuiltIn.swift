extension SyntheticPerson {
    /// The FHIR identifier system the built-in patients use (US SSN OID).
    /// Their values are the well-known specimen `123-45-6789` and the
    /// `987-65-432x` range reserved for advertising, none of them issued.
    public static let ssnSystem = "urn:oid:2.16.840.1.113883.4.1"

    /// The built-in, entirely fictional people.
    ///
    /// `p1` (Ana) is the subject of the recorded fixtures in
    /// `connectors.d/fixtures`: the CAMARA fixture "all seven claims" and
    /// the FHIR fixture "all claims for one patient by identifier" come out
    /// exactly as recorded when run against these records.
    public static let builtIn: [SyntheticPerson] = [
        SyntheticPerson(
            id: "p1", phoneNumber: "+34600000001",
            identifiers: [Identifier(system: ssnSystem, value: "123-45-6789")],
            givenNames: ["Ana", "María"], familyName: "García", birthdate: "1990-05-01", gender: "female",
            email: "ana@example.com", idDocument: "12345678Z"),
        SyntheticPerson(
            id: "p2", phoneNumber: "+34600000002",
            identifiers: [Identifier(system: ssnSystem, value: "987-65-4320")],
            givenNames: ["Bruno"], familyName: "Costa Ferreira", birthdate: "1985-11-23", gender: "male",
            email: "bruno.costa@example.org", idDocument: "87654321X",
            address: Address(street: "Calle Mayor 1", postalCode: "28013", locality: "Madrid", country: "ES")),
        SyntheticPerson(
            id: "p3", phoneNumber: "+447700900123",
            identifiers: [Identifier(system: ssnSystem, value: "987-65-4321")],
            givenNames: ["Charlotte"], familyName: "Evans", birthdate: "1958-02-14", gender: "female",
            email: "charlotte.evans@example.net", idDocument: "PA1234567",
            address: Address(street: "10 Example Road", postalCode: "AB1 2CD", locality: "London", country: "GB")),
        SyntheticPerson(
            id: "p4", identifiers: [Identifier(system: ssnSystem, value: "987-65-4322")],
            givenNames: ["Henry"], familyName: "Walker", birthdate: "1940-07-15", gender: "male",
            deceased: true, deceasedAt: "2020-03-04T10:00:00Z"),
        SyntheticPerson(
            id: "p5", phoneNumber: "+447700900456",
            identifiers: [Identifier(system: ssnSystem, value: "987-65-4323")],
            givenNames: ["Liam"], familyName: "Chen", birthdate: "2012-06-30", gender: "male"),
        SyntheticPerson(
            id: "p6", identifiers: [Identifier(system: ssnSystem, value: "987-65-4324")],
            givenNames: ["Sam"], familyName: "Taylor", birthdate: "1985-03-03", gender: "other"),
        SyntheticPerson(
            id: "p7", identifiers: [Identifier(system: ssnSystem, value: "987-65-4325")],
            givenNames: ["Sam"], familyName: "Taylor", birthdate: "1985-03-03", gender: "unknown"),
    ]
}
