import Foundation

#if FUZZING
/// libFuzzer's entry point: built with `-sanitize=fuzzer -DFUZZING` (see scripts/fuzz), the
/// fuzzer supplies `main` and calls this for every input it makes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    SyncFuzz.check(Data(bytes: bytes, count: count))
    return 0
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
