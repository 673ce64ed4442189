import Foundation
import PavilionCore

/// A credential checked against the W3C Verifiable Credentials Data Model
/// 2.0 rules Pavilion enforces:
///
/// - `@context` is an array whose first item is `https://www.w3.org/ns/credentials/v2`;
/// - `type` is a string or array including `VerifiableCredential`;
/// - `issuer` is a URL, or an object whose `id` is a URL;
/// - `credentialSubject` is a non-empty object or a non-empty array of them;
/// - `validFrom`/`validUntil`, when present, are dateTimeStamps, in that order;
/// - `id`, when present, is a URL;
/// - `credentialStatus`, when present, is an object or array of objects with a
///   `type`; `BitstringStatusListEntry` entries are checked in full.
///
/// The credential keeps every member it was given (`json`); the typed
/// properties are views of it.
public struct VerifiableCredential: Sendable, Equatable {
    /// The base context every VC 2.0 credential starts with.
    public static let baseContext = "https://www.w3.org/ns/credentials/v2"

    /// The credential's members.
    public let json: [String: JSONValue]
    /// `id`, if any.
    public let id: String?
    /// The `type` values.
    public let types: [String]
    /// The issuer's URL (`issuer` or `issuer.id`).
    public let issuer: String
    /// `validFrom`, if any.
    public let validFrom: Date?
    /// `validUntil`, if any.
    public let validUntil: Date?
    /// The `BitstringStatusListEntry` entries of `credentialStatus`.
    public let statusEntries: [BitstringStatusListEntry]

    /// Check a credential.
    /// - Parameter json: the credential object.
    /// - Throws: ``VCError`` `dataModel` naming the rule broken.
    public init(json: JSONValue) throws(VCError) {
        guard let members = json.objectValue else { throw VCError(.dataModel, "a credential is a JSON object, got \(json.typeName)") }
        guard let contexts = members["@context"]?.arrayValue, contexts.first?.stringValue == Self.baseContext else {
            throw VCError(.dataModel, "@context must be an array starting with \(Self.baseContext)")
        }
        for context in contexts.dropFirst() where context.stringValue.map(Self.isURL) != true && context.objectValue == nil {
            throw VCError(.dataModel, "@context entries are URLs or objects")
        }
        let types: [String]
        switch members["type"] {
        case .string(let t)?: types = [t]
        case .array(let list)?:
            types = list.compactMap(\.stringValue)
            guard types.count == list.count else { throw VCError(.dataModel, "type holds a non-string") }
        default: throw VCError(.dataModel, "type is missing or not a string or array")
        }
        guard types.contains("VerifiableCredential") else { throw VCError(.dataModel, "type does not include VerifiableCredential") }
        let issuer: String
        switch members["issuer"] {
        case .string(let url)? where Self.isURL(url): issuer = url
        case .object(let object)?:
            guard let url = object["id"]?.stringValue, Self.isURL(url) else { throw VCError(.dataModel, "issuer.id must be a URL") }
            issuer = url
        default: throw VCError(.dataModel, "issuer must be a URL or an object with an id URL")
        }
        let subjects: [JSONValue]
        switch members["credentialSubject"] {
        case .object(let o)?: subjects = [.object(o)]
        case .array(let list)? where !list.isEmpty: subjects = list
        default: throw VCError(.dataModel, "credentialSubject must be an object or a non-empty array of objects")
        }
        for subject in subjects {
            guard let object = subject.objectValue, !object.isEmpty else {
                throw VCError(.dataModel, "each credentialSubject is a non-empty object")
            }
            if let id = object["id"], !(id.stringValue.map(Self.isURL) ?? false) { throw VCError(.dataModel, "credentialSubject.id must be a URL") }
        }
        if let id = members["id"] {
            guard let text = id.stringValue, Self.isURL(text) else { throw VCError(.dataModel, "id must be a URL") }
            self.id = text
        } else {
            self.id = nil
        }
        validFrom = try Self.date(members, "validFrom")
        validUntil = try Self.date(members, "validUntil")
        if let validFrom, let validUntil, validUntil < validFrom {
            throw VCError(.dataModel, "validUntil is before validFrom")
        }
        var entries: [BitstringStatusListEntry] = []
        if let status = members["credentialStatus"] {
            let list = status.arrayValue ?? [status]
            for entry in list {
                guard entry.objectValue != nil, entry["type"]?.stringValue != nil else {
                    throw VCError(.dataModel, "each credentialStatus is an object with a type")
                }
                guard entry["type"]?.stringValue == "BitstringStatusListEntry" else { continue }
                do {
                    entries.append(try BitstringStatusListEntry(json: entry))
                } catch {
                    throw VCError(.dataModel, "credentialStatus: \(error.reason)")
                }
            }
        }
        self.json = members
        self.types = types
        self.issuer = issuer
        self.statusEntries = entries
    }

    /// Build a credential.
    /// - Parameters:
    ///   - id: the credential's URL (e.g. `urn:uuid:…`), if any.
    ///   - types: more types after `VerifiableCredential`.
    ///   - issuer: the issuer's URL (a DID or https URL).
    ///   - subject: the `credentialSubject` object.
    ///   - validFrom: from when, written in whole seconds UTC.
    ///   - validUntil: until when, if limited.
    ///   - status: status list entries, if any.
    ///   - contexts: more `@context` URLs after the base context.
    ///   - otherMembers: further members (e.g. `name`, `description`).
    /// - Throws: ``VCError`` `dataModel` when the result breaks a rule.
    public init(id: String? = nil, types: [String] = [], issuer: String, subject: [String: JSONValue], validFrom: Date? = nil,
                validUntil: Date? = nil, status: [BitstringStatusListEntry] = [], contexts: [String] = [],
                otherMembers: [String: JSONValue] = [:]) throws(VCError) {
        var members = otherMembers
        members["@context"] = .array(([Self.baseContext] + contexts).map { .string($0) })
        members["type"] = .array((["VerifiableCredential"] + types).map { .string($0) })
        members["issuer"] = .string(issuer)
        members["credentialSubject"] = .object(subject)
        if let id { members["id"] = .string(id) }
        if let validFrom { members["validFrom"] = .string(DateTimeStamp.format(validFrom)) }
        if let validUntil { members["validUntil"] = .string(DateTimeStamp.format(validUntil)) }
        if status.count == 1 {
            members["credentialStatus"] = status[0].jsonValue
        } else if !status.isEmpty {
            members["credentialStatus"] = .array(status.map(\.jsonValue))
        }
        try self.init(json: .object(members))
    }

    /// The credential as a JSON value.
    public var jsonValue: JSONValue { .object(json) }

    /// Check the validity period at `now`.
    /// - Parameters:
    ///   - now: the time to check at.
    ///   - leeway: seconds of tolerated clock skew.
    /// - Throws: ``VCError`` `validityPeriod`.
    public func checkValidityPeriod(at now: Date, leeway: TimeInterval) throws(VCError) {
        if let validFrom, validFrom.timeIntervalSince(now) > leeway {
            throw VCError(.validityPeriod, "the credential is valid only from \(DateTimeStamp.format(validFrom))")
        }
        if let validUntil, now.timeIntervalSince(validUntil) >= leeway {
            throw VCError(.validityPeriod, "the credential expired at \(DateTimeStamp.format(validUntil))")
        }
    }

    public static func == (lhs: VerifiableCredential, rhs: VerifiableCredential) -> Bool { lhs.json == rhs.json }

    /// A URL as VC 2.0 uses the word: an absolute URI, `scheme:rest`.
    static func isURL(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text.index(after: colon) != text.endIndex else { return false }
        let scheme = text[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
            && !text.contains(where: { $0 == " " || $0.unicodeScalars.allSatisfy { $0.value < 0x20 } })
    }

    private static func date(_ members: [String: JSONValue], _ name: String) throws(VCError) -> Date? {
        guard let value = members[name] else { return nil }
        guard let text = value.stringValue, let date = DateTimeStamp.parse(text) else {
            throw VCError(.dataModel, "\(name) must be a dateTimeStamp (with a time zone)")
        }
        return date
    }
}
