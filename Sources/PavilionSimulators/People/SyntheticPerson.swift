/// One fictional person a simulator knows: a telco subscriber (when it has
/// a phone number) and a patient (when it has identifiers).
///
/// Every built-in person is invented; any likeness to a real person, number
/// or identifier is accidental (see `docs/simulators.md`).
public struct SyntheticPerson: Sendable, Hashable {
    /// A postal address.
    public struct Address: Sendable, Hashable {
        /// Street and number, e.g. `Calle Mayor 1`.
        public var street: String
        /// Postal code.
        public var postalCode: String
        /// City or town.
        public var locality: String
        /// Region or state, if any.
        public var region: String?
        /// ISO 3166-1 alpha-2 country code.
        public var country: String

        /// - Parameters: the fields above.
        public init(street: String, postalCode: String, locality: String, region: String? = nil, country: String) {
            self.street = street
            self.postalCode = postalCode
            self.locality = locality
            self.region = region
            self.country = country
        }

        /// `street, postalCode locality`.
        public var formatted: String { "\(street), \(postalCode) \(locality)" }
    }

    /// A business identifier, FHIR style.
    public struct Identifier: Sendable, Hashable {
        /// The namespace URI, e.g. `urn:oid:2.16.840.1.113883.4.1`.
        public var system: String
        /// The value in that namespace.
        public var value: String

        /// - Parameters: the fields above.
        public init(system: String, value: String) {
            self.system = system
            self.value = value
        }
    }

    /// A stable id (the FHIR `Patient.id`).
    public var id: String
    /// E.164 mobile number, when the person is a subscriber.
    public var phoneNumber: String?
    /// Patient identifiers, when the person is a patient.
    public var identifiers: [Identifier]
    /// Given names, first name first.
    public var givenNames: [String]
    /// Family name(s) as one string.
    public var familyName: String
    /// `YYYY-MM-DD`.
    public var birthdate: String
    /// `male`, `female`, `other` or `unknown` (FHIR administrative gender).
    public var gender: String
    /// E-mail address, if known.
    public var email: String?
    /// National identity document number, if known.
    public var idDocument: String?
    /// Postal address, if known.
    public var address: Address?
    /// Whether the person has died.
    public var deceased: Bool
    /// When, as a FHIR dateTime, if known.
    public var deceasedAt: String?

    /// - Parameters: the fields above.
    public init(id: String, phoneNumber: String? = nil, identifiers: [Identifier] = [], givenNames: [String],
                familyName: String, birthdate: String, gender: String, email: String? = nil, idDocument: String? = nil,
                address: Address? = nil, deceased: Bool = false, deceasedAt: String? = nil) {
        self.id = id
        self.phoneNumber = phoneNumber
        self.identifiers = identifiers
        self.givenNames = givenNames
        self.familyName = familyName
        self.birthdate = birthdate
        self.gender = gender
        self.email = email
        self.idDocument = idDocument
        self.address = address
        self.deceased = deceased
        self.deceasedAt = deceasedAt
    }

    /// Given names then family name, e.g. `Ana María García`.
    public var fullName: String { (givenNames + [familyName]).joined(separator: " ") }
}
