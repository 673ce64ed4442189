import Foundation
import PavilionCore

/// A `BitstringStatusListCredential` (W3C Bitstring Status List v1.0 §2.2):
/// a VC Data Model 2.0 credential whose subject is the `BitstringStatusList`.
///
/// This type builds and reads the credential's JSON. Securing it is the
/// business of the credential formats: ``signedJWT(by:)`` /
/// ``verify(jwt:keys:allowedAlgorithms:now:minimumEntries:)`` use
/// VC-JOSE-COSE (`typ: vc+jwt`, the credential as the JWS payload);
/// a Data Integrity proof is checked elsewhere, then ``init(json:)`` reads
/// the verified document.
public struct BitstringStatusListCredential: Sendable {
    /// `id`: the URL entries name in `statusListCredential`.
    public var id: String
    /// `issuer`.
    public var issuer: String
    /// `validFrom`.
    public var validFrom: Date?
    /// `validUntil`.
    public var validUntil: Date?
    /// `credentialSubject.id`.
    public var subjectID: String?
    /// `credentialSubject.statusPurpose` (one or more).
    public var statusPurposes: [StatusPurpose]
    /// `credentialSubject.ttl`, in **milliseconds**.
    public var timeToLiveMilliseconds: Int?
    /// `credentialSubject.encodedList`.
    public var encodedList: String

    /// - Parameters:
    ///   - id: the list credential's URL.
    ///   - issuer: the issuer (a URL or DID).
    ///   - validFrom: start of validity.
    ///   - validUntil: end of validity.
    ///   - subjectID: `credentialSubject.id`, e.g. `…#list`.
    ///   - statusPurposes: what the bits mean.
    ///   - timeToLiveMilliseconds: refresh hint in milliseconds.
    ///   - list: the bitstring, encoded here.
    /// - Throws: ``StatusListError`` `compression` when zlib fails.
    public init(id: String, issuer: String, validFrom: Date? = nil, validUntil: Date? = nil, subjectID: String? = nil,
                statusPurposes: [StatusPurpose], timeToLiveMilliseconds: Int? = nil,
                list: BitstringStatusList) throws(StatusListError) {
        self.id = id
        self.issuer = issuer
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.subjectID = subjectID
        self.statusPurposes = statusPurposes
        self.timeToLiveMilliseconds = timeToLiveMilliseconds
        self.encodedList = try list.encodedList()
    }

    /// The unsigned credential.
    public var jsonValue: JSONValue {
        var subject: [String: JSONValue] = [
            "type": "BitstringStatusList",
            "statusPurpose": statusPurposes.count == 1 ? .string(statusPurposes[0].rawValue)
                : .array(statusPurposes.map { .string($0.rawValue) }),
            "encodedList": .string(encodedList),
        ]
        if let subjectID { subject["id"] = .string(subjectID) }
        if let timeToLiveMilliseconds { subject["ttl"] = .int(Int64(timeToLiveMilliseconds)) }
        var object: [String: JSONValue] = [
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": .string(id),
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": .string(issuer),
            "credentialSubject": .object(subject),
        ]
        if let validFrom { object["validFrom"] = .string(XSDDateTime.format(validFrom)) }
        if let validUntil { object["validUntil"] = .string(XSDDateTime.format(validUntil)) }
        return .object(object)
    }

    /// Read a (verified) list credential.
    /// - Throws: ``StatusListError`` `invalidToken` when `type` lacks
    ///   `BitstringStatusListCredential`, the subject's type is not
    ///   `BitstringStatusList`, or a member is missing or mistyped.
    public init(json: JSONValue) throws(StatusListError) {
        func fail(_ reason: String) -> StatusListError { StatusListError(.invalidToken, reason) }
        let types = json["type"]?.arrayValue?.compactMap(\.stringValue) ?? json["type"]?.stringValue.map { [$0] } ?? []
        guard types.contains("BitstringStatusListCredential") else { throw fail("type does not include BitstringStatusListCredential") }
        guard let id = json["id"]?.stringValue else { throw fail("the list credential has no id") }
        guard let issuer = json["issuer"]?.stringValue ?? json["issuer"]?["id"]?.stringValue else { throw fail("issuer is missing") }
        guard let subject = json["credentialSubject"], subject.objectValue != nil else { throw fail("credentialSubject is missing") }
        guard subject["type"]?.stringValue == "BitstringStatusList" else { throw fail("credentialSubject.type must be BitstringStatusList") }
        let purposes: [String]
        if let one = subject["statusPurpose"]?.stringValue {
            purposes = [one]
        } else if let many = subject["statusPurpose"]?.arrayValue?.compactMap(\.stringValue), !many.isEmpty {
            purposes = many
        } else {
            throw fail("credentialSubject.statusPurpose must be a string or strings")
        }
        guard let encoded = subject["encodedList"]?.stringValue else { throw fail("credentialSubject.encodedList is missing") }
        var ttl: Int?
        if let value = subject["ttl"] {
            guard let ms = value.intValue, ms >= 0 else { throw fail("ttl must be a non-negative number of milliseconds") }
            ttl = Int(clamping: ms)
        }
        func date(_ name: String) throws(StatusListError) -> Date? {
            guard let value = json[name] else { return nil }
            guard let text = value.stringValue, let parsed = XSDDateTime.parse(text) else { throw fail("\(name) is not a dateTime") }
            return parsed
        }
        self.id = id
        self.issuer = issuer
        self.validFrom = try date("validFrom")
        self.validUntil = try date("validUntil")
        self.subjectID = subject["id"]?.stringValue
        self.statusPurposes = purposes.map(StatusPurpose.init(rawValue:))
        self.timeToLiveMilliseconds = ttl
        self.encodedList = encoded
    }

    /// The decoded bitstring for an entry's `statusSize`.
    /// - Throws: the ``BitstringStatusList/init(encodedList:statusSize:minimumEntries:maximumBytes:)`` errors.
    public func list(statusSize: Int = 1, minimumEntries: Int = BitstringStatusList.minimumEntries) throws(StatusListError) -> BitstringStatusList {
        try BitstringStatusList(encodedList: encodedList, statusSize: statusSize, minimumEntries: minimumEntries)
    }

    // MARK: VC-JOSE-COSE

    /// The credential secured as `application/vc+jwt`: a compact JWS with
    /// `typ: vc+jwt` whose payload is the credential.
    /// - Throws: ``StatusListError`` `invalidToken` carrying the signer's error.
    public func signedJWT(by signer: some JWSSigner) throws(StatusListError) -> String {
        do {
            return try JWS.signCompact(payload: jsonValue.serializedBytes, signer: signer, header: ["typ": "vc+jwt"])
        } catch {
            throw StatusListError(.invalidToken, "signing failed: \(error)")
        }
    }

    /// Verify a `vc+jwt` list credential: the signature under one of `keys`,
    /// `typ`, and the validity period at `now`.
    /// - Returns: the credential.
    /// - Throws: ``StatusListError`` `badSignature`, `invalidToken`, `expired`
    ///   (before `validFrom` or after `validUntil`), `invalidEncoding`.
    public static func verify(jwt: String, keys: [JWK], allowedAlgorithms: Set<JWSAlgorithm>,
                              now: Date) throws(StatusListError) -> BitstringStatusListCredential {
        var reasons: [String] = []
        for key in keys {
            let verified: VerifiedJWS
            do { verified = try JWS.verifyCompact(jwt, key: key, allowedAlgorithms: allowedAlgorithms) } catch {
                if error.code == .invalidEncoding || error.code == .invalidHeader {
                    throw StatusListError(.invalidEncoding, error.description)
                }
                reasons.append(error.description)
                continue
            }
            guard verified.protectedHeader["typ"]?.stringValue == "vc+jwt" else { throw StatusListError(.invalidToken, "typ must be vc+jwt") }
            let json: JSONValue
            do { json = try JSONParser().parse(bytes: verified.payload) } catch {
                throw StatusListError(.invalidEncoding, "the payload is not JSON: \(error)")
            }
            let credential = try BitstringStatusListCredential(json: json)
            if let validFrom = credential.validFrom, now < validFrom {
                throw StatusListError(.expired, "the list credential is not valid before \(XSDDateTime.format(validFrom))")
            }
            if let validUntil = credential.validUntil, now > validUntil {
                throw StatusListError(.expired, "the list credential expired at \(XSDDateTime.format(validUntil))")
            }
            return credential
        }
        throw StatusListError(.badSignature, reasons.isEmpty ? "no trusted key" : reasons.joined(separator: "; "))
    }
}

/// XML Schema `dateTimeStamp` as VC 2.0 writes it: `2024-04-05T14:27:42Z`.
enum XSDDateTime {
    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
