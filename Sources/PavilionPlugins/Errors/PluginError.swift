import PavilionCore

/// Why a connector library or instance was refused.
///
/// Printed the way compilers print diagnostics, pointing at the manifest key
/// that the refusal concerns, so that an admin's editor can jump to it:
/// `connectors.d/kyc.yaml:9:13: error: library SHA-256 … does not match …`.
/// Two errors are equal when their codes are.
public struct PluginError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable refusal codes, for programs. The raw value is the snake_case
    /// name used in logs and JSON output.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The library file named by `spec.library.path` cannot be read.
        case libraryMissing = "library_missing"
        /// The library's SHA-256 differs from `spec.library.sha256`; it was
        /// not loaded.
        case sha256Mismatch = "sha256_mismatch"
        /// The verified copy could not be written to the library cache.
        case cacheFailed = "cache_failed"
        /// `dlopen` failed; the message carries `dlerror()`.
        case loadFailed = "load_failed"
        /// The library does not export `pv_connector_entry`.
        case missingEntrySymbol = "missing_entry_symbol"
        /// The entry returned NULL: no ABI version both sides speak.
        case noCommonABI = "no_common_abi"
        /// The vtable's `abi_version` is 0 or newer than the host offered.
        case unsupportedABIVersion = "unsupported_abi_version"
        /// The vtable's `struct_size` is smaller than the ABI-1 table.
        case structTooSmall = "struct_too_small"
        /// A required vtable slot is NULL; the message names it.
        case missingFunction = "missing_function"
        /// `describe` failed or returned something that is not a description.
        case describeFailed = "describe_failed"
        /// The description disagrees with the manifest; the location names
        /// the manifest key.
        case describeMismatch = "describe_mismatch"
        /// `create` refused the manifest's settings; the message carries the
        /// plugin's reason.
        case createFailed = "create_failed"
        /// The instance was closed; no new exchanges are accepted.
        case closed = "closed"
        /// Another manifest already defines this connector name.
        case duplicateName = "duplicate_name"
        /// The manifest file could not be parsed or validated.
        case invalidManifest = "invalid_manifest"
    }

    /// Which refusal this is.
    public var code: Code
    /// What is wrong, in one sentence.
    public var message: String
    /// The manifest key the refusal concerns, when there is one.
    public var location: SourceLocation?
    /// Where in Pavilion the error was raised, for bug reports.
    public var sourceFile: String
    public var sourceLine: Int

    /// - Parameters:
    ///   - code: the refusal.
    ///   - message: what is wrong.
    ///   - location: the manifest key it concerns.
    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil,
                sourceFile: String = #fileID, sourceLine: Int = #line) {
        self.code = code
        self.message = message
        self.location = location
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }

    /// `path:line:column: error: message`, or `error: message` without a
    /// location.
    public var description: String {
        guard let location else { return "error: \(message)" }
        return "\(location): error: \(message)"
    }

    /// The error as a diagnostic, for tools that collect them.
    public var diagnostic: Diagnostic? { location.map { Diagnostic($0, message) } }

    public static func == (a: PluginError, b: PluginError) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
