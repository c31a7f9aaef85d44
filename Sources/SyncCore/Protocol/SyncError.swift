/// An error with a stable machine code (for scripts, logs and the wire) and a message for the
/// person who has to act on it: in Vietnamese when an officer reads it, plain English when only
/// an operator or a log does.
public struct SyncError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let invalidInput = Code(rawValue: "invalid_input")
        public static let invalidValue = Code(rawValue: "invalid_value")
        public static let unknownTask = Code(rawValue: "unknown_task")
        public static let unknownField = Code(rawValue: "unknown_field")
        public static let unknownCollection = Code(rawValue: "unknown_collection")
        public static let outOfScope = Code(rawValue: "out_of_scope")
        public static let districtOnly = Code(rawValue: "district_only")
        public static let unauthorized = Code(rawValue: "unauthorized")
        public static let forbidden = Code(rawValue: "forbidden")
        public static let protocolVersion = Code(rawValue: "protocol_version")
        public static let tooLarge = Code(rawValue: "too_large")
        public static let slowDown = Code(rawValue: "slow_down")
        public static let draining = Code(rawValue: "draining")
        public static let notInitialized = Code(rawValue: "not_initialized")
        public static let hubUnreachable = Code(rawValue: "hub_unreachable")
        /// The hub answered, but its certificate or key is not the one expected: not a network
        /// hiccup to wait out, possibly someone in between.
        public static let hubIdentity = Code(rawValue: "hub_identity")
        public static let hubError = Code(rawValue: "hub_error")
        public static let storage = Code(rawValue: "storage")
        public static let sequenceReused = Code(rawValue: "sequence_reused")
        /// A file whose bytes are not of an accepted evidence type.
        public static let fileType = Code(rawValue: "file_type")
        /// Nothing of that name for this caller: an unknown file, or another commune's (the
        /// same answer, so a node learns nothing of files it may not see).
        public static let notFound = Code(rawValue: "not_found")
        /// A tus upload's `Upload-Offset` is not where the hub's copy ends.
        public static let offsetMismatch = Code(rawValue: "offset_mismatch")
        /// An uploaded file's bytes do not hash to the SHA-256 it was announced with.
        public static let checksumMismatch = Code(rawValue: "checksum_mismatch")
        /// A sub-criterion, or a year's criteria set, that does not exist.
        public static let unknownCriterion = Code(rawValue: "unknown_criterion")
        /// A self-assessment that is submitted or appraised, changed by its commune; or an
        /// appraisal of one that is not submitted.
        public static let assessmentClosed = Code(rawValue: "assessment_closed")
    }

    public var code: Code
    public var message: String
    /// Seconds the hub asked us to wait (`Retry-After`), for 429 and 503.
    public var retryAfter: Int?

    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The HTTP status the hub answers with for this error.
    public var httpStatus: Int {
        switch code {
        case .unauthorized: return 401
        case .forbidden, .outOfScope, .districtOnly: return 403
        case .notFound: return 404
        case .protocolVersion, .sequenceReused, .offsetMismatch, .assessmentClosed: return 409
        case .tooLarge: return 413
        case .fileType: return 415
        case .checksumMismatch: return 460
        case .slowDown: return 429
        case .draining: return 503
        case .storage, .hubError: return 500
        default: return 400
        }
    }

    public var description: String { "\(code): \(message)" }
}
