import Foundation

#if FUZZING
/// libFuzzer's entry point: built with `-sanitize=fuzzer -DFUZZING` (see scripts/fuzz), the
/// fuzzer calls this for every input it makes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    SyncFuzz.check(Data(bytes: bytes, count: count))
    return 0
}

/// libFuzzer's driver, which its own `main` would call.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM links an executable's `main` to `<module>_main`, so libFuzzer's `main` never runs:
/// this one hands the command line to libFuzzer's driver instead.
@_cdecl("sync_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, fuzzOneInput)
}
#else
/// Without libFuzzer (a plain `swift build`, which CI runs), the target replays the files or
/// folders given, by default the seed corpus: every seed must pass the same checks.
@main
struct SyncFuzzReplay {
    static func main() throws {
        var paths = Array(CommandLine.arguments.dropFirst())
        if paths.isEmpty {
            paths = [URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("corpus").path]
        }
        var replayed = 0
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                SyncFuzz.fail("no such file or folder: \(path)")
            }
            let files = isDirectory.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { "\(path)/\($0)" }
                : [path]
            for file in files {
                SyncFuzz.check(try Data(contentsOf: URL(fileURLWithPath: file)))
                replayed += 1
            }
        }
        print("sync-fuzz: \(replayed) inputs replayed, all checks held")
    }
}
#endif
