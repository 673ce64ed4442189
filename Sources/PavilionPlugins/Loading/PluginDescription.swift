import PavilionCore

/// What a connector says about itself through `describe`.
public struct PluginDescription: Sendable, Hashable {
    /// The connector's name; must equal `metadata.name`.
    public var name: String
    /// The connector's version; must equal `metadata.version`.
    public var version: String
    /// The claims it can verify; must equal the names in `spec.claims`.
    public var claims: [String]
    /// Data formats it reads from the DP.
    public var inputFormats: [String]
    /// Data formats it writes.
    public var outputFormats: [String]
    /// Whether it offers a health probe; must equal "`spec.health` present".
    public var health: Bool

    /// - Parameters: the fields as described above.
    public init(name: String, version: String, claims: [String], inputFormats: [String] = [],
                outputFormats: [String] = [], health: Bool) {
        self.name = name
        self.version = version
        self.claims = claims
        self.inputFormats = inputFormats
        self.outputFormats = outputFormats
        self.health = health
    }

    /// Read a description from the JSON `describe` returned.
    /// - Parameter bytes: the plugin's UTF-8 JSON.
    /// - Returns: the description.
    /// - Throws: a reason, in words, when the text is not valid JSON or lacks
    ///   a field or has one of the wrong type.
    static func parse(_ bytes: [UInt8]) throws(DescriptionProblem) -> PluginDescription {
        let value: JSONValue
        do {
            value = try JSONParser(limits: .init(maxDepth: 8, maxBytes: 64 << 10)).parse(bytes: bytes)
        } catch {
            throw DescriptionProblem(message: "describe returned invalid JSON (\(error))")
        }
        guard case .object = value else {
            throw DescriptionProblem(message: "describe returned a JSON \(value.typeName), not an object")
        }
        func string(_ key: String) throws(DescriptionProblem) -> String {
            guard let text = value[key]?.stringValue else {
                throw DescriptionProblem(message: "describe JSON lacks string \"\(key)\"")
            }
            return text
        }
        func strings(_ key: String, required: Bool) throws(DescriptionProblem) -> [String] {
            guard let member = value[key] else {
                if required { throw DescriptionProblem(message: "describe JSON lacks array \"\(key)\"") }
                return []
            }
            guard let elements = member.arrayValue else {
                throw DescriptionProblem(message: "describe JSON \"\(key)\" is a \(member.typeName), not an array")
            }
            var out: [String] = []
            for element in elements {
                guard let text = element.stringValue else {
                    throw DescriptionProblem(message: "describe JSON \"\(key)\" holds a \(element.typeName), not a string")
                }
                out.append(text)
            }
            return out
        }
        guard let health = value["health"]?.boolValue else {
            throw DescriptionProblem(message: "describe JSON lacks Boolean \"health\"")
        }
        return PluginDescription(name: try string("name"), version: try string("version"),
                                 claims: try strings("claims", required: true),
                                 inputFormats: try strings("input_formats", required: false),
                                 outputFormats: try strings("output_formats", required: false), health: health)
    }
}

/// Why a description could not be read.
struct DescriptionProblem: Error {
    var message: String
}
