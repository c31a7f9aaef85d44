import Foundation

/// How the programs end when they cannot do what they were asked, in sysexits(3) terms: scripts
/// branch on them, and systemd units list 65 and 78 in `RestartPreventExitStatus`, since a
/// restart would meet the same mistake.
public enum ExitStatus: Int32, Sendable {
    /// Anything else, e.g. a token the hub refuses.
    case failure = 1
    /// EX_DATAERR: invalid input or a damaged store; nothing was changed.
    case dataError = 65
    /// EX_UNAVAILABLE: the hub cannot be reached now; nothing is lost, a later try may succeed.
    case unavailable = 69
    /// EX_PROTOCOL: the hub's identity could not be verified (certificate or pinned key);
    /// waiting will not help, the district's IT must look.
    case hubIdentity = 76
    /// EX_CONFIG: an invalid configuration.
    case config = 78

    /// Says why on stderr and ends the program with this status. The write is `try?`: with the
    /// disk full stderr may be unwritable too, and the status must still come.
    public func exit(saying message: String) -> Never {
        try? FileHandle.standardError.write(contentsOf: Data((message + "\n").utf8))
        Foundation.exit(rawValue)
    }
}
