/// The checks and choices of the certificate profile that do not need
/// OpenSSL objects: names, validity, serial numbers.
enum X509Rules {
    /// ub-common-name (RFC 5280, appendix A).
    static let maximumCommonNameLength = 64
    /// RFC 1035: 253 characters in text form.
    static let maximumDNSNameLength = 253

    static func checkCommonName(_ name: String, call: String) throws(CryptoError) {
        guard !name.isEmpty, name.count <= maximumCommonNameLength else {
            throw CryptoError(call: call, reason: "a common name has 1 to \(maximumCommonNameLength) characters, got \(name.count)")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CryptoError(call: call, reason: "the common name contains a control character")
        }
    }

    static func checkValidity(_ days: Int, call: String) throws(CryptoError) {
        guard (1...CertificateAuthority.maximumValidityDays).contains(days) else {
            throw CryptoError(call: call, reason: "validity must be 1 to \(CertificateAuthority.maximumValidityDays) days, got \(days)")
        }
    }

    /// 16 bytes from the CSPRNG: a positive 128-bit serial (DER adds a zero
    /// byte when the top bit is set, 17 octets at most, within RFC 5280's 20).
    static func randomSerial() throws(CryptoError) -> [UInt8] {
        while true {
            let bytes = try SecureRandom.bytes(16)
            if bytes.contains(where: { $0 != 0 }) { return bytes }
        }
    }

    /// Whether `name` is a DNS name a certificate may carry: dot-separated
    /// labels of letters, digits and inner hyphens (1...63 each), the first
    /// label optionally `*`.
    static func isDNSName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumDNSNameLength else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for (index, label) in labels.enumerated() {
            if index == 0, label == "*", labels.count > 1 { continue }
            let bytes = Array(label.utf8)
            guard (1...63).contains(bytes.count) else { return false }
            for (i, b) in bytes.enumerated() {
                let alnum = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                let innerHyphen = b == 0x2D && i > 0 && i < bytes.count - 1
                guard alnum || innerHyphen else { return false }
            }
        }
        return true
    }

    /// The subjectAltName value in OpenSSL's config syntax, after checking
    /// every entry (so no entry can smuggle `,` or `:` into the syntax).
    static func subjectAltName(dnsNames: [String], ipAddresses: [String], call: String) throws(CryptoError) -> String {
        guard !dnsNames.isEmpty || !ipAddresses.isEmpty else {
            throw CryptoError(call: call, reason: "a leaf certificate needs at least one DNS name or IP address")
        }
        var entries: [String] = []
        for name in dnsNames {
            guard isDNSName(name) else {
                throw CryptoError(call: call, reason: "\"\(name.debugDescription.dropFirst().dropLast())\" is not a DNS name")
            }
            entries.append("DNS:\(name)")
        }
        for address in ipAddresses {
            guard OpenSSLX509.isIPAddress(address) else {
                throw CryptoError(call: call, reason: "\"\(address.debugDescription.dropFirst().dropLast())\" is not an IP address")
            }
            entries.append("IP:\(address)")
        }
        return entries.joined(separator: ",")
    }
}
