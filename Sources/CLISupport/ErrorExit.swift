import SyncCore

extension SyncError {
    /// The exit status a command ends with for this error: 65 for what the person typed or
    /// the data (nothing was changed), 69 for a hub out of reach (nothing is lost).
    public var exitStatus: ExitStatus {
        switch code {
        case .invalidInput, .invalidValue, .unknownTask, .unknownField, .notInitialized, .fileType, .tooLarge, .notFound,
             .unknownCriterion, .assessmentClosed, .districtOnly, .outOfScope:
            .dataError
        case .hubUnreachable, .draining, .slowDown: .unavailable
        case .hubIdentity: .hubIdentity
        default: .failure
        }
    }
}

/// Runs a command body, turning a `SyncError` into `message(error)` on stderr and the exit
/// status a script can branch on.
public func reportingErrors(_ message: (SyncError) -> String, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as SyncError {
        error.exitStatus.exit(saying: message(error))
    }
}
