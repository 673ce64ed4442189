import PavilionCore

/// A privacy receipt: what one verification asked, why, under which lawful
/// basis, which data categories it touched, what was released and withheld,
/// the differential-privacy budget it spent and the privacy primitives it
/// used — and nothing about the person it concerned.
///
/// Canonical form: sorted-key compact JSON (``canonicalBytes``), lists
/// sorted and without duplicates, every string checked by
/// ``ReceiptContentPolicy``:
///
/// ```json
/// {"connector":"camara-kyc-match","data_categories":["birth_date","name"],
///  "dp_budget":{"epsilon":0.5,"rho":0},"lawful_basis":"consent",
///  "minimisation":{"released":["age_over_18"],"withheld":["birth_date"]},
///  "primitives":["dp:discrete-laplace","sd-jwt"],"purpose":"age_verification",
///  "request_id":"7f1c…","tenant":"acme","time":1767225600000,"version":1}
/// ```
public struct PrivacyReceipt: Sendable, Hashable {
    /// The format version written and accepted.
    public static let version: Int64 = 1

    /// The verification's request ID (a UUID or opaque token; never a subject identifier).
    public var requestID: String
    /// The relying party's tenant.
    public var tenant: String
    /// The connector (data provider) asked.
    public var connector: String
    /// The declared purpose, e.g. `age_verification`.
    public var purpose: String
    /// The lawful basis.
    public var lawfulBasis: LawfulBasis
    /// The data categories touched, e.g. `birth_date`.
    public var dataCategories: [String]
    /// The claim names released to the relying party.
    public var releasedClaims: [String]
    /// The claim names the provider held but withheld (minimisation).
    public var withheldClaims: [String]
    /// Pure-DP ε spent by this request (0 when none).
    public var epsilonSpent: Double
    /// zCDP ρ spent by this request (0 when none).
    public var rhoSpent: Double
    /// The privacy primitives used, e.g. `oprf:p256-sha256`, `dp:discrete-gaussian`.
    public var primitives: [String]
    /// When, in milliseconds since the Unix epoch.
    public var time: UInt64

    /// A receipt; lists are sorted and de-duplicated here, content is checked
    /// by ``validate()`` (and by signing).
    public init(requestID: String, tenant: String, connector: String, purpose: String, lawfulBasis: LawfulBasis,
                dataCategories: [String], releasedClaims: [String], withheldClaims: [String],
                epsilonSpent: Double = 0, rhoSpent: Double = 0, primitives: [String], time: UInt64) {
        self.requestID = requestID
        self.tenant = tenant
        self.connector = connector
        self.purpose = purpose
        self.lawfulBasis = lawfulBasis
        self.dataCategories = Self.canonicalList(dataCategories)
        self.releasedClaims = Self.canonicalList(releasedClaims)
        self.withheldClaims = Self.canonicalList(withheldClaims)
        self.epsilonSpent = epsilonSpent
        self.rhoSpent = rhoSpent
        self.primitives = Self.canonicalList(primitives)
        self.time = time
    }

    /// `list` sorted, each value once (sorting first, so no hashing).
    static func canonicalList(_ list: [String]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(list.count)
        for value in list.sorted() where out.last != value { out.append(value) }
        return out
    }

    /// Check every field against ``ReceiptContentPolicy`` and the format.
    /// - Throws: ``ReceiptError`` naming the first bad field.
    public func validate() throws(ReceiptError) {
        try ReceiptContentPolicy.checkRequestID(requestID, field: "request_id")
        try ReceiptContentPolicy.checkToken(tenant, field: "tenant")
        try ReceiptContentPolicy.checkToken(connector, field: "connector")
        try ReceiptContentPolicy.checkToken(purpose, field: "purpose")
        try Self.checkList(dataCategories, field: "data_categories")
        try Self.checkList(releasedClaims, field: "minimisation.released")
        try Self.checkList(withheldClaims, field: "minimisation.withheld")
        if let both = releasedClaims.first(where: withheldClaims.contains) {
            throw ReceiptError(.invalidValue, field: "minimisation", "'\(both)' is both released and withheld")
        }
        try Self.checkList(primitives, field: "primitives")
        for (value, field) in [(epsilonSpent, "dp_budget.epsilon"), (rhoSpent, "dp_budget.rho")] {
            guard value.isFinite, value >= 0, value <= 1e6 else {
                throw ReceiptError(.invalidValue, field: field, "must be a number from 0 to 1e6")
            }
        }
        guard time > 0, time < 1 << 53 else { throw ReceiptError(.invalidValue, field: "time", "must be milliseconds since the epoch") }
    }

    private static func checkList(_ list: [String], field: String) throws(ReceiptError) {
        guard list.count <= ReceiptContentPolicy.maxListLength else {
            throw ReceiptError(.invalidValue, field: field, "at most \(ReceiptContentPolicy.maxListLength) entries")
        }
        for (i, value) in list.enumerated() {
            try ReceiptContentPolicy.checkToken(value, field: "\(field)[\(i)]")
            if i > 0, !(list[i - 1].utf8.lexicographicallyPrecedes(value.utf8)) {
                throw ReceiptError(.notCanonical, field: field, "must be sorted and without duplicates")
            }
        }
    }

    /// The JSON form (see the type's summary).
    public var json: JSONValue { .object(Dictionary(uniqueKeysWithValues: members)) }

    /// The canonical bytes: sorted-key compact JSON of ``json``, written
    /// from the member list without building the top-level dictionary (one
    /// receipt per verification).
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(384)
        JSONValue.serializeObject(members, into: &out)
        return out
    }

    /// The top-level members of ``json``.
    private var members: [(key: String, value: JSONValue)] {
        [
            ("version", .int(Self.version)),
            ("request_id", .string(requestID)),
            ("tenant", .string(tenant)),
            ("connector", .string(connector)),
            ("purpose", .string(purpose)),
            ("lawful_basis", .string(lawfulBasis.rawValue)),
            ("data_categories", .array(dataCategories.map(JSONValue.string))),
            ("minimisation", ["released": .array(releasedClaims.map(JSONValue.string)),
                              "withheld": .array(withheldClaims.map(JSONValue.string))]),
            ("dp_budget", ["epsilon": .double(epsilonSpent), "rho": .double(rhoSpent)]),
            ("primitives", .array(primitives.map(JSONValue.string))),
            ("time", .int(Int64(time))),
        ]
    }

    /// A receipt from its JSON form. Only known members are accepted, lists
    /// must already be canonical, and the content policy applies.
    /// - Parameter json: the object ``json`` writes.
    /// - Throws: ``ReceiptError`` naming the first bad member.
    public init(json: JSONValue) throws(ReceiptError) {
        let object = try Self.object(json, "receipt", allowed: ["version", "request_id", "tenant", "connector", "purpose", "lawful_basis",
                                                                "data_categories", "minimisation", "dp_budget", "primitives", "time"])
        guard object["version"] == .int(Self.version) else {
            throw ReceiptError(.invalidValue, field: "version", "must be \(Self.version)")
        }
        let minimisation = try Self.object(object["minimisation"], "minimisation", allowed: ["released", "withheld"])
        let budget = try Self.object(object["dp_budget"], "dp_budget", allowed: ["epsilon", "rho"])
        let basisName = try Self.string(object["lawful_basis"], "lawful_basis")
        guard let basis = LawfulBasis(rawValue: basisName) else {
            throw ReceiptError(.invalidValue, field: "lawful_basis", "must be one of \(LawfulBasis.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let time = object["time"]?.intValue, case .int = object["time"] else {
            throw ReceiptError(.invalidValue, field: "time", "must be an integer")
        }
        self.requestID = try Self.string(object["request_id"], "request_id")
        self.tenant = try Self.string(object["tenant"], "tenant")
        self.connector = try Self.string(object["connector"], "connector")
        self.purpose = try Self.string(object["purpose"], "purpose")
        self.lawfulBasis = basis
        self.dataCategories = try Self.strings(object["data_categories"], "data_categories")
        self.releasedClaims = try Self.strings(minimisation["released"], "minimisation.released")
        self.withheldClaims = try Self.strings(minimisation["withheld"], "minimisation.withheld")
        self.epsilonSpent = try Self.number(budget["epsilon"], "dp_budget.epsilon")
        self.rhoSpent = try Self.number(budget["rho"], "dp_budget.rho")
        self.primitives = try Self.strings(object["primitives"], "primitives")
        guard time > 0 else { throw ReceiptError(.invalidValue, field: "time", "must be milliseconds since the epoch") }
        self.time = UInt64(time)
        try validate()
    }

    private static func object(_ value: JSONValue?, _ field: String, allowed: Set<String>) throws(ReceiptError) -> [String: JSONValue] {
        guard let value else { throw ReceiptError(.missingField, field: field, "is required") }
        guard let object = value.objectValue else { throw ReceiptError(.invalidValue, field: field, "must be an object") }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ReceiptError(.unknownField, field: field == "receipt" ? unknown : "\(field).\(unknown)",
                               "receipts carry known fields only")
        }
        return object
    }

    private static func string(_ value: JSONValue?, _ field: String) throws(ReceiptError) -> String {
        guard let value else { throw ReceiptError(.missingField, field: field, "is required") }
        guard let text = value.stringValue else { throw ReceiptError(.invalidValue, field: field, "must be a string") }
        return text
    }

    private static func strings(_ value: JSONValue?, _ field: String) throws(ReceiptError) -> [String] {
        guard let value else { throw ReceiptError(.missingField, field: field, "is required") }
        guard let array = value.arrayValue else { throw ReceiptError(.invalidValue, field: field, "must be an array of strings") }
        var out: [String] = []
        for (i, element) in array.enumerated() {
            guard let text = element.stringValue else { throw ReceiptError(.invalidValue, field: "\(field)[\(i)]", "must be a string") }
            out.append(text)
        }
        return out
    }

    private static func number(_ value: JSONValue?, _ field: String) throws(ReceiptError) -> Double {
        guard let value else { throw ReceiptError(.missingField, field: field, "is required") }
        guard let number = value.doubleValue else { throw ReceiptError(.invalidValue, field: field, "must be a number") }
        return number
    }
}
