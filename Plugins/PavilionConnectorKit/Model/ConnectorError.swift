/// Why a connector call failed: a status code the host understands and a
/// message for operators.
///
/// The message must name the condition, never personal data or secrets (the
/// host logs it). Errors are equal when their codes are equal.
public struct ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The status families of `connector.h`, one per `PV_ERR_*` code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The `pv_status_t` value.
        public let status: UInt32
        /// The name used in fixtures (`invalid_input`, …).
        public let name: String

        private init(_ status: UInt32, _ name: String) {
            self.status = status
            self.name = name
        }

        /// `PV_ERR_INVALID_INPUT`: bad query, missing subject attribute, bad settings.
        public static let invalidInput = Code(1, "invalid_input")
        /// `PV_ERR_BAD_RESPONSE`: the DP's answer cannot be interpreted.
        public static let badResponse = Code(2, "bad_response")
        /// `PV_ERR_UPSTREAM`: the DP answered with an error status.
        public static let upstream = Code(3, "upstream")
        /// `PV_ERR_NOT_FOUND`: the DP does not know the subject.
        public static let notFound = Code(4, "not_found")
        /// `PV_ERR_UNSUPPORTED`: the query asks for something this connector cannot do.
        public static let unsupported = Code(5, "unsupported")
        /// `PV_ERR_STATE`: a call arrived in a state that does not allow it.
        public static let state = Code(6, "state")
        /// `PV_ERR_NO_MEMORY`: memory could not be allocated.
        public static let noMemory = Code(7, "no_memory")
        /// `PV_ERR_HOST`: a host service is absent or failed.
        public static let host = Code(8, "host")
        /// `PV_ERR_INTERNAL`: a bug in the connector.
        public static let `internal` = Code(9, "internal")

        /// Every code, in status order.
        public static let all: [Code] = [.invalidInput, .badResponse, .upstream, .notFound, .unsupported,
                                         .state, .noMemory, .host, .internal]

        public var description: String { name }
    }

    /// The status family.
    public let code: Code
    /// A human-readable reason (no personal data, no secrets).
    public let message: String
    /// Where the error was made, for debugging.
    public let file: String
    /// Where the error was made, for debugging.
    public let line: Int

    /// - Parameters:
    ///   - code: the status family.
    ///   - message: the reason, without personal data or secrets.
    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public static func == (lhs: ConnectorError, rhs: ConnectorError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code.name): \(message)" }
}
