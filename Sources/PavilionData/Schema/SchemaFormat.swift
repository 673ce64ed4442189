/// The `format` values this validator can assert, each checked against
/// its RFC grammar on ASCII bytes (so no locale digits slip through).
enum SchemaFormat: String, Sendable, CaseIterable {
    case date
    case dateTime = "date-time"
    case time
    case duration
    case email
    case uri
    case uriReference = "uri-reference"
    case uuid
    case ipv4
    case ipv6

    /// Whether `text` is a valid value of this format.
    func accepts(_ text: String) -> Bool {
        let b = Array(text.utf8)
        switch self {
        case .date: return Self.isDate(b[...])
        case .time: return Self.isTime(b[...])
        case .dateTime:
            guard b.count > 11, b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") else { return false }
            return Self.isDate(b[..<10]) && Self.isTime(b[11...])
        case .duration: return Self.isDuration(b)
        case .email: return Self.isEmail(b)
        case .uri: return Self.isURIReference(b, requireScheme: true)
        case .uriReference: return Self.isURIReference(b, requireScheme: false)
        case .uuid: return Self.isUUID(b)
        case .ipv4: return Self.isIPv4(b[...])
        case .ipv6: return Self.isIPv6(b[...])
        }
    }

    // MARK: Characters

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) }
    static func isUnreserved(_ c: UInt8) -> Bool {
        isAlpha(c) || isDigit(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "~")
    }
    static func isSubDelim(_ c: UInt8) -> Bool { "!$&'()*+,;=".utf8.contains(c) }

    /// The value of exactly `count` ASCII digits at `start`, or `nil`.
    static func digits(_ b: ArraySlice<UInt8>, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= b.endIndex else { return nil }
        var value = 0
        for i in start..<(start + count) {
            guard isDigit(b[i]) else { return nil }
            value = value * 10 + Int(b[i] - 0x30)
        }
        return value
    }

    // MARK: Dates and times (RFC 3339 section 5.6)

    static func isDate(_ b: ArraySlice<UInt8>) -> Bool {
        let s = b.startIndex
        guard b.count == 10, b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-"),
              let year = digits(b, s, 4), let month = digits(b, s + 5, 2), let day = digits(b, s + 8, 2),
              (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    static func isTime(_ b: ArraySlice<UInt8>) -> Bool {
        let s = b.startIndex
        guard b.count >= 9, b[s + 2] == UInt8(ascii: ":"), b[s + 5] == UInt8(ascii: ":"),
              let hour = digits(b, s, 2), let minute = digits(b, s + 3, 2), let second = digits(b, s + 6, 2),
              hour <= 23, minute <= 59, second <= 60 else { return false }
        var i = s + 8
        if i < b.endIndex, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.endIndex, isDigit(b[i]) { i += 1 }
            guard i > start else { return false }
        }
        guard i < b.endIndex else { return false }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            guard i + 1 == b.endIndex else { return false }
        } else {
            guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), b.endIndex - i == 6, b[i + 3] == UInt8(ascii: ":"),
                  let oh = digits(b, i + 1, 2), let om = digits(b, i + 4, 2), oh <= 23, om <= 59 else { return false }
            offset = (oh * 60 + om) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
        }
        if second == 60 {
            // A leap second happens at 23:59:60 UTC only.
            let utc = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    /// RFC 3339 appendix A `duration`.
    static func isDuration(_ b: [UInt8]) -> Bool {
        guard b.first == UInt8(ascii: "P") else { return false }
        var datePart = b.dropFirst()
        var timePart: ArraySlice<UInt8>?
        if let t = datePart.firstIndex(of: UInt8(ascii: "T")) {
            timePart = datePart[(t + 1)...]
            datePart = datePart[..<t]
            guard let time = timePart, !time.isEmpty else { return false }
        }
        guard let dateUnits = components(datePart), let timeUnits = components(timePart ?? []) else { return false }
        guard !dateUnits.isEmpty || !timeUnits.isEmpty else { return false }
        if dateUnits.contains(UInt8(ascii: "W")) { return dateUnits.count == 1 && timePart == nil }
        return isRun(dateUnits, of: Array("YMD".utf8)) && isRun(timeUnits, of: Array("HMS".utf8))
    }

    /// The unit letters of `digits unit` components, or `nil` if malformed.
    static func components(_ b: ArraySlice<UInt8>) -> [UInt8]? {
        var units: [UInt8] = []
        var i = b.startIndex
        while i < b.endIndex {
            let start = i
            while i < b.endIndex, isDigit(b[i]) { i += 1 }
            guard i > start, i < b.endIndex, "YMDWHS".utf8.contains(b[i]) else { return nil }
            units.append(b[i])
            i += 1
        }
        return units
    }

    /// Whether `units` is a contiguous, in-order run of `order`.
    static func isRun(_ units: [UInt8], of order: [UInt8]) -> Bool {
        guard let first = units.first else { return true }
        guard let start = order.firstIndex(of: first), start + units.count <= order.count else { return false }
        return Array(order[start..<(start + units.count)]) == units
    }

    // MARK: Email (RFC 5321 mailbox)

    static func isEmail(_ b: [UInt8]) -> Bool {
        guard let at = b.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = b[..<at]
        let domain = b[(at + 1)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.count >= 2, local.first == UInt8(ascii: "\""), local.last == UInt8(ascii: "\"") {
            var i = local.startIndex + 1
            while i < local.endIndex - 1 {
                let c = local[i]
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < local.endIndex - 1, local[i] >= 0x20, local[i] < 0x7F else { return false }
                } else if c < 0x20 || c >= 0x7F || c == UInt8(ascii: "\"") {
                    return false
                }
                i += 1
            }
        } else {
            let atext = Array("!#$%&'*+-/=?^_`{|}~".utf8)
            for atom in local.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
                guard !atom.isEmpty, atom.allSatisfy({ isAlpha($0) || isDigit($0) || atext.contains($0) }) else { return false }
            }
        }
        if domain.first == UInt8(ascii: "[") {
            guard domain.last == UInt8(ascii: "]"), domain.count > 2 else { return false }
            let literal = domain.dropFirst().dropLast()
            let tag = Array("IPv6:".utf8)
            if literal.starts(with: tag) { return isIPv6(literal.dropFirst(tag.count)) }
            return isIPv4(literal)
        }
        return isHostname(domain)
    }

    static func isHostname(_ b: ArraySlice<UInt8>) -> Bool {
        guard !b.isEmpty, b.count <= 253 else { return false }
        for label in b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "-") }) else { return false }
        }
        return true
    }

    // MARK: IP addresses

    static func isIPv4(_ b: ArraySlice<UInt8>) -> Bool {
        let parts = b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return false }
            guard part.count == 1 || part.first != UInt8(ascii: "0") else { return false }
            guard let value = digits(part, part.startIndex, part.count), value <= 255 else { return false }
        }
        return true
    }

    static func isIPv6(_ b: ArraySlice<UInt8>) -> Bool {
        guard !b.isEmpty else { return false }
        // Find "::" (at most one).
        var gap: Int?
        var i = b.startIndex
        while i + 1 < b.endIndex {
            if b[i] == UInt8(ascii: ":") && b[i + 1] == UInt8(ascii: ":") {
                guard gap == nil else { return false }
                gap = i
                i += 2
                continue
            }
            i += 1
        }
        func groups(_ part: ArraySlice<UInt8>, last: Bool) -> Int? {
            if part.isEmpty { return 0 }
            let pieces = part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            var count = 0
            for (n, piece) in pieces.enumerated() {
                if last && n == pieces.count - 1 && piece.contains(UInt8(ascii: ".")) {
                    guard isIPv4(piece) else { return nil }
                    count += 2
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(isHex) else { return nil }
                    count += 1
                }
            }
            return count
        }
        if let gap {
            guard let left = groups(b[b.startIndex..<gap], last: false), let right = groups(b[(gap + 2)...], last: true) else {
                return false
            }
            return left + right <= 7
        }
        return groups(b, last: true) == 8
    }

    // MARK: UUID (RFC 4122)

    static func isUUID(_ b: [UInt8]) -> Bool {
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard c == UInt8(ascii: "-") else { return false }
            } else if !isHex(c) {
                return false
            }
        }
        return true
    }

    // MARK: URI (RFC 3986)

    static func isURIReference(_ b: [UInt8], requireScheme: Bool) -> Bool {
        var rest = b[...]
        if let hash = rest.firstIndex(of: UInt8(ascii: "#")) {
            guard isURIText(rest[(hash + 1)...], extra: "/?:@") else { return false }
            rest = rest[..<hash]
        }
        if let mark = rest.firstIndex(of: UInt8(ascii: "?")) {
            guard isURIText(rest[(mark + 1)...], extra: "/?:@") else { return false }
            rest = rest[..<mark]
        }
        var hasScheme = false
        if let colon = rest.firstIndex(of: UInt8(ascii: ":")),
           !rest[..<colon].contains(UInt8(ascii: "/")) {
            let scheme = rest[..<colon]
            if let first = scheme.first, isAlpha(first),
               scheme.allSatisfy({ isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) {
                hasScheme = true
                rest = rest[(colon + 1)...]
            } else {
                // A colon in the first segment of a relative reference is not allowed.
                return false
            }
        }
        guard hasScheme || !requireScheme else { return false }
        if rest.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: UInt8(ascii: "/")) ?? rest.endIndex
            guard isAuthority(rest[..<end]) else { return false }
            rest = rest[end...]
        }
        return isURIText(rest, extra: "/:@")
    }

    /// Whether every byte is unreserved, a sub-delimiter, one of `extra`,
    /// or part of a well-formed percent-encoding.
    static func isURIText(_ b: ArraySlice<UInt8>, extra: String) -> Bool {
        var i = b.startIndex
        while i < b.endIndex {
            let c = b[i]
            if c == UInt8(ascii: "%") {
                guard i + 2 < b.endIndex, isHex(b[i + 1]), isHex(b[i + 2]) else { return false }
                i += 3
                continue
            }
            guard isUnreserved(c) || isSubDelim(c) || extra.utf8.contains(c) else { return false }
            i += 1
        }
        return true
    }

    static func isAuthority(_ b: ArraySlice<UInt8>) -> Bool {
        var hostPort = b
        if let at = b.firstIndex(of: UInt8(ascii: "@")) {
            guard isURIText(b[..<at], extra: ":") else { return false }
            hostPort = b[(at + 1)...]
            guard !hostPort.contains(UInt8(ascii: "@")) else { return false }
        }
        var port = hostPort[hostPort.endIndex...]
        var host = hostPort
        if hostPort.first == UInt8(ascii: "[") {
            guard let close = hostPort.firstIndex(of: UInt8(ascii: "]")) else { return false }
            let literal = hostPort[(hostPort.startIndex + 1)..<close]
            let after = hostPort[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { return false }
                port = after.dropFirst()
            }
            guard isIPv6(literal) || isIPFuture(literal) else { return false }
            host = hostPort[hostPort.startIndex..<hostPort.startIndex]
        } else if let colon = hostPort.lastIndex(of: UInt8(ascii: ":")) {
            host = hostPort[..<colon]
            port = hostPort[(colon + 1)...]
        }
        guard port.allSatisfy(isDigit) else { return false }
        return isURIText(host, extra: "")
    }

    static func isIPFuture(_ b: ArraySlice<UInt8>) -> Bool {
        guard b.first == UInt8(ascii: "v") || b.first == UInt8(ascii: "V"), let dot = b.firstIndex(of: UInt8(ascii: ".")) else {
            return false
        }
        let version = b[(b.startIndex + 1)..<dot]
        let rest = b[(dot + 1)...]
        return !version.isEmpty && version.allSatisfy(isHex) && !rest.isEmpty
            && rest.allSatisfy { isUnreserved($0) || isSubDelim($0) || $0 == UInt8(ascii: ":") }
    }
}
