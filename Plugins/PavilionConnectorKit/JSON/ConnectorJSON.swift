// The JSON files beside this one are symbolic links to PavilionCore's: one
// implementation, compiled into each module. The kit cannot link
// PavilionCore itself: a plugin is loaded into the host's process, where the
// host's own copy of a shared module could interpose the plugin's symbols.

/// A JSON value, as connector code sees it (`PavilionCore.JSONValue`'s source,
/// compiled into the kit).
public typealias ConnectorJSON = JSONValue

/// The strict JSON parser connector code uses.
public typealias ConnectorJSONParser = JSONParser

/// Why a JSON text was refused.
public typealias ConnectorJSONError = JSONParseError

extension ConnectorJSON {
    /// Parse untrusted bytes (a DP's body) strictly, as ``JSONParser`` does.
    /// - Parameters:
    ///   - bytes: the UTF-8 text.
    ///   - what: what the bytes are, for the error message (e.g. "token response").
    /// - Returns: the value.
    /// - Throws: ``ConnectorError`` with code `badResponse`; the message names
    ///   the position and reason but never echoes the content.
    public static func parse(_ bytes: [UInt8], what: String = "response body") throws(ConnectorError) -> ConnectorJSON {
        do {
            return try JSONParser().parse(bytes: bytes)
        } catch {
            throw ConnectorError(.badResponse, "\(what) is not valid JSON (\(error.description))")
        }
    }
}
