import PavilionCore

/// A `credentialStatus` entry of type `BitstringStatusListEntry` (W3C
/// Bitstring Status List v1.0 §2.1).
public struct BitstringStatusListEntry: Sendable, Hashable {
    /// One `statusMessage` element.
    public struct Message: Sendable, Hashable {
        /// The value, as the spec writes it: `0x` and hex digits.
        public var status: String
        /// The developer-facing message.
        public var message: String
        /// - Parameters:
        ///   - status: e.g. `0x2`.
        ///   - message: e.g. `rejected`.
        public init(status: String, message: String) {
            self.status = status
            self.message = message
        }
    }

    /// `id`, optional; never the list's URL.
    public var id: String?
    /// `statusPurpose`.
    public var statusPurpose: StatusPurpose
    /// `statusListIndex` (a base-10 string in JSON).
    public var statusListIndex: Int
    /// `statusListCredential`: the URL of the list credential.
    public var statusListCredential: String
    /// `statusSize`, 1 when absent.
    public var statusSize: Int
    /// `statusMessage`; required when `statusSize` > 1.
    public var statusMessage: [Message]
    /// `statusReference` URLs.
    public var statusReference: [String]

    /// - Parameters:
    ///   - id: the entry's `id`.
    ///   - statusPurpose: the purpose.
    ///   - statusListIndex: the index.
    ///   - statusListCredential: the list credential's URL.
    ///   - statusSize: bits per entry.
    ///   - statusMessage: the messages, one per possible value.
    ///   - statusReference: URLs describing the statuses.
    public init(id: String? = nil, statusPurpose: StatusPurpose, statusListIndex: Int, statusListCredential: String,
                statusSize: Int = 1, statusMessage: [Message] = [], statusReference: [String] = []) {
        self.id = id
        self.statusPurpose = statusPurpose
        self.statusListIndex = statusListIndex
        self.statusListCredential = statusListCredential
        self.statusSize = statusSize
        self.statusMessage = statusMessage
        self.statusReference = statusReference
    }

    /// The entry as JSON.
    public var jsonValue: JSONValue {
        var object: [String: JSONValue] = [
            "type": "BitstringStatusListEntry",
            "statusPurpose": .string(statusPurpose.rawValue),
            "statusListIndex": .string(String(statusListIndex)),
            "statusListCredential": .string(statusListCredential),
        ]
        if let id { object["id"] = .string(id) }
        if statusSize != 1 { object["statusSize"] = .int(Int64(statusSize)) }
        if !statusMessage.isEmpty {
            object["statusMessage"] = .array(statusMessage.map { ["status": .string($0.status), "message": .string($0.message)] })
        }
        if statusReference.count == 1 { object["statusReference"] = .string(statusReference[0]) }
        if statusReference.count > 1 { object["statusReference"] = .array(statusReference.map { .string($0) }) }
        return .object(object)
    }

    /// Parse and check an entry (the spec's MALFORMED_VALUE_ERROR cases).
    /// - Throws: ``StatusListError`` `invalidEncoding` for a wrong `type`,
    ///   a missing purpose or credential URL, an index that is not a base-10
    ///   string of a non-negative integer, a `statusSize` below 1, or a
    ///   `statusMessage` whose length is not 2^`statusSize`; `invalidBits`
    ///   for a `statusSize` above 8.
    public init(json: JSONValue) throws(StatusListError) {
        func fail(_ reason: String) -> StatusListError { StatusListError(.invalidEncoding, reason) }
        guard json.objectValue != nil else { throw fail("credentialStatus is \(json.typeName), not an object") }
        guard json["type"]?.stringValue == "BitstringStatusListEntry" else { throw fail("type must be BitstringStatusListEntry") }
        guard let purpose = json["statusPurpose"]?.stringValue, !purpose.isEmpty else { throw fail("statusPurpose must be a string") }
        guard let indexText = json["statusListIndex"]?.stringValue, !indexText.isEmpty,
              indexText.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              indexText == "0" || !indexText.hasPrefix("0") else {
            throw fail("statusListIndex must be a base-10 string of a non-negative integer")
        }
        guard let index = Int(indexText), index <= Int(Int32.max) else { throw fail("statusListIndex \(indexText) is too large") }
        guard let url = json["statusListCredential"]?.stringValue, url.contains(":") else {
            throw fail("statusListCredential must be a URL")
        }
        var size = 1
        if let sizeValue = json["statusSize"] {
            guard case .int(let n) = sizeValue, n > 0 else { throw fail("statusSize must be an integer greater than zero") }
            guard n <= 8 else { throw StatusListError(.invalidBits, "statusSize \(n) is above Pavilion's limit of 8") }
            size = Int(n)
        }
        var messages: [Message] = []
        if let messageValue = json["statusMessage"] {
            guard let array = messageValue.arrayValue else { throw fail("statusMessage must be an array") }
            for element in array {
                guard let status = element["status"]?.stringValue, status.hasPrefix("0x"),
                      let message = element["message"]?.stringValue else {
                    throw fail("each statusMessage needs status (0x…) and message strings")
                }
                messages.append(Message(status: status, message: message))
            }
            guard messages.count == 1 << size else {
                throw fail("statusMessage has \(messages.count) elements; statusSize \(size) needs \(1 << size)")
            }
        } else if size > 1 {
            throw fail("statusMessage is required when statusSize is greater than 1")
        }
        var references: [String] = []
        if let reference = json["statusReference"] {
            if let one = reference.stringValue {
                references = [one]
            } else if let many = reference.arrayValue?.compactMap(\.stringValue), many.count == reference.arrayValue?.count {
                references = many
            } else {
                throw fail("statusReference must be a URL or an array of URLs")
            }
        }
        var id: String?
        if let idValue = json["id"] {
            guard let text = idValue.stringValue else { throw fail("id must be a string") }
            guard text != url else { throw fail("id must not be the status list's URL") }
            id = text
        }
        self.init(id: id, statusPurpose: StatusPurpose(rawValue: purpose), statusListIndex: index,
                  statusListCredential: url, statusSize: size, statusMessage: messages, statusReference: references)
    }

    /// The message for a status value, from `statusMessage` (or "set" /
    /// "unset" for one bit without messages).
    public func message(for value: Int) -> String? {
        let hex = "0x" + String(value, radix: 16)
        if let found = statusMessage.first(where: { $0.status.lowercased() == hex }) { return found.message }
        if statusMessage.isEmpty, statusSize == 1 { return value == 0 ? "unset" : "set" }
        return nil
    }
}
